# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DN text rules: the spaces around separators that AD accepts, and what stays escaped."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import dn_is_valid, normalize_dn
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.names import dn_key, rdn_value


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("OU=Apps,DC=contoso,DC=com", "OU=Apps,DC=contoso,DC=com"),
        ("OU=Apps, DC=contoso, DC=com", "OU=Apps,DC=contoso,DC=com"),
        (" OU = Container Hosts , DC=contoso ", "OU=Container Hosts,DC=contoso"),
        ("CN=Doe\\, John, OU=People,DC=x", "CN=Doe\\, John,OU=People,DC=x"),
        ("CN=trailing\\ , DC=x", "CN=trailing\\ ,DC=x"),  # an escaped trailing space is part of the value
        ("CN=backslash\\\\ , DC=x", "CN=backslash\\\\,DC=x"),  # an escaped backslash, then a plain space
        ("CN=a+UID=b, DC=x", "CN=a+UID=b,DC=x"),
    ],
)
def test_spaces_around_separators_are_dropped(typed, normalized):
    assert normalize_dn(typed) == normalized
    assert dn_is_valid(typed)


@pytest.mark.parametrize("bad", ["foo", "OU=a,,DC=x", "=a,DC=x", "OU=a,DC"])
def test_malformed_dns_are_refused(bad):
    assert not dn_is_valid(bad)
    with pytest.raises(ValueError, match="is not a distinguished name"):
        normalize_dn(bad)


@pytest.mark.parametrize(
    ("dn", "value"),
    [
        ("CN=app1,OU=Apps,DC=x", "app1"),
        ("CN=Doe\\, John,OU=People,DC=x", "Doe, John"),
        ("CN=a\\2Cb\\2B,DC=x", "a,b+"),
        ("CN=\\C3\\A9t\\C3\\A9,DC=x", "\u00e9t\u00e9"),
        ("CN=\\#hash\\ ,DC=x", "#hash "),
    ],
)
def test_rdn_value_undoes_the_escapes(dn, value):
    assert rdn_value(dn) == value


def test_dn_key_compares_as_ad_does():
    assert dn_key("CN=a\\,b, OU=Apps,DC=x") == dn_key("cn=A\\2Cb,ou=apps,dc=X")
    assert dn_key("CN=a,OU=Apps,DC=x") != dn_key("CN=a,OU=Other,DC=x")
    with pytest.raises(ValueError):
        dn_key("not a dn")
