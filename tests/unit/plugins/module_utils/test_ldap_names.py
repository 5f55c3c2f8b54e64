# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DN text rules: the spaces around separators that AD accepts, and what stays escaped."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import dn_is_valid, dn_key, normalize_dn
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.names import rdn_value


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
    ("one", "other"),
    [
        ("CN=Web01,OU=Hosts,DC=contoso,DC=com", "cn=web01,ou=hosts,dc=CONTOSO,dc=com"),  # case (MS-ADTS, RFC 4512)
        ("CN=Web01,OU=Hosts,DC=contoso,DC=com", "CN=Web01, OU=Hosts , DC=contoso,DC=com"),  # RFC 1779 spaces
        ("CN=Doe\\, John,DC=x", "CN=Doe\\2C John,DC=x"),  # a special character escaped or as a hex pair
        ("CN=Doe\\, John,DC=x", "cn=doe\\2c john,dc=x"),  # hex digits in either case
        ("CN=\\C3\\89t\\C3\\A9,DC=x", "CN=été,DC=x"),  # UTF-8 bytes as hex pairs, then the case
        ("CN=abc,DC=x", "CN=\\61bc,DC=x"),  # an ordinary character escaped
        ("CN=a=b,DC=x", "CN=a\\=b,DC=x"),  # "=" in a value needs no escape (RFC 4514 2.4)
        ("CN=a+UID=b,DC=x", "CN=a + UID=b, DC=x"),
        (None, ""),
    ],
)
def test_dn_keys_of_one_name_are_equal(one, other):
    assert dn_key(one) == dn_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("CN=a\\,CN=b,DC=x", "CN=a,CN=b,DC=x"),  # an escaped comma is part of the value, not a separator
        ("CN=a\\+CN=b,DC=x", "CN=a+CN=b,DC=x"),
        ("CN=trailing\\ ,DC=x", "CN=trailing,DC=x"),  # an escaped trailing space is part of the value
        ("CN=\\ lead,DC=x", "CN=lead,DC=x"),
        ("CN=a\\\\,DC=x", "CN=a,DC=x"),  # an escaped backslash
        ("CN=Web01,OU=Hosts,DC=contoso,DC=com", "CN=Web01,OU=Hosts,DC=contoso"),
        ("CN=WebApp01\\0ACNF:0b1c,CN=Managed Service Accounts,DC=x", "CN=WebApp01,CN=Managed Service Accounts,DC=x"),
    ],
)
def test_dn_keys_of_other_names_differ(one, other):
    assert dn_key(one) != dn_key(other)


def test_dn_key_is_the_lower_case_of_a_dn_as_ad_returns_it():
    assert dn_key("CN=Web01,OU=Container Hosts,DC=contoso,DC=com") == "cn=web01,ou=container hosts,dc=contoso,dc=com"
    assert dn_key("CN=Doe\\2C John,DC=x") == "cn=doe\\, john,dc=x"  # one escape form in the key


@pytest.mark.parametrize("bad", ["foo", "OU=a,,DC=x", "CN=x\\", "=a"])
def test_dn_key_never_raises(bad):
    assert isinstance(dn_key(bad), str)


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
