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


def _components(dn: str) -> list[tuple[str, str]]:
    """``dn`` cut at its unescaped ``,`` and ``+``: (text, the separator after it, "" at the end)."""
    parts: list[tuple[str, str]] = []
    start = i = 0
    while i < len(dn):
        if dn[i] == "\\":
            i += 2
            continue
        if dn[i] in ",+":
            parts.append((dn[start:i], dn[i]))
            start = i + 1
        i += 1
    parts.append((dn[start:], ""))
    return parts


def normalize_dn(dn: str) -> str:
    """``dn`` without the spaces people put around separators: ``OU=Apps, DC=contoso ,DC=com`` ->
    ``OU=Apps,DC=contoso,DC=com``.

    RFC 4514 has no such spaces, but its predecessor RFC 1779 allowed them and AD accepts them, so a DN typed
    that way means the same object. Escaped spaces (``\\ `` at the end of a value) stay. Raises ValueError when
    the result does not parse as an RFC 4514 DN.
    """
    out = []
    for text, sep in _components(dn):
        attr, eq, value = text.partition("=")
        value = value.lstrip(" ")
        stripped = value.rstrip(" ")
        # keep one trailing space when it is escaped (an odd run of backslashes before it)
        if len(stripped) < len(value):
            backslashes = len(stripped) - len(stripped.rstrip("\\"))
            if backslashes % 2:
                stripped += " "
        out.append(f"{attr.strip()}{eq}{stripped}{sep}")
    normalized = "".join(out)
    try:
        parse_dn(normalized)
    except Exception as exc:  # ldap3 raises several types for malformed DNs
        raise ValueError(f"{dn!r} is not a distinguished name") from exc
    return normalized


def dn_is_valid(dn: str) -> bool:
    """Whether ``dn`` is a DN (RFC 4514, with the spaces around separators that ``normalize_dn`` removes)."""
    try:
        normalize_dn(dn)
    except ValueError:
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
