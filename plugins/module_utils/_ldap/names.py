# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DNs and filters: escaping values into them and reading names out of them (pure functions over ldap3's)."""

from __future__ import annotations

import re

from .libraries import escape_filter_chars, escape_rdn, parse_dn


def escape_filter(value: str) -> str:
    """Escape a value for use inside an LDAP filter (RFC 4515 3)."""
    return escape_filter_chars(value)


def escape_dn_value(value: str) -> str:
    """Escape a value for use as an RDN value in a DN (RFC 4514 2.4)."""
    return escape_rdn(value)


def dn_is_valid(dn: str) -> bool:
    """Whether ``dn`` parses as a DN (RFC 4514)."""
    try:
        parse_dn(dn)
    except Exception:  # ldap3 raises several types for malformed DNs
        return False
    return True


def dn_to_dns_name(dn: str) -> str:
    """``DC=contoso,DC=com`` -> ``contoso.com`` (the DC= components, in order)."""
    return ".".join(value for attr, value, _sep in parse_dn(dn) if attr.upper() == "DC")


def parent_dn(dn: str) -> str:
    """The DN of the container holding ``dn`` (everything after the first unescaped comma)."""
    parts = re.split(r"(?<!\\),", dn, maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def rdn_of(dn: str) -> str:
    """The first RDN of ``dn``, escaped as in ``dn`` (``CN=Doe\\, John`` of ``CN=Doe\\, John,OU=People,DC=x``)."""
    parent = parent_dn(dn)
    return dn[: len(dn) - len(parent) - 1] if parent else dn
