# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DN text rules: the spaces around separators that AD accepts, and what stays escaped."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import dn_is_valid, normalize_dn


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
