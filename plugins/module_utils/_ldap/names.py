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


def unescape_dn_value(value: str) -> str:
    """An RDN value as AD holds it: the escapes of RFC 4514 2.4 undone (``\\,`` -> ``,``; ``\\2C`` -> ``,``, hex
    pairs being UTF-8 bytes). ``Doe\\, John`` -> ``Doe, John``."""
    out = bytearray()
    i = 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            pair = value[i + 1 : i + 3]
            if len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair):
                out.append(int(pair, 16))
                i += 3
                continue
            char = value[i + 1]
            i += 1
        out += char.encode("utf-8")
        i += 1
    return out.decode("utf-8", errors="replace")


def rdn_value(dn: str) -> str:
    """The value of ``dn``'s first RDN, unescaped: ``Doe, John`` of ``CN=Doe\\, John,OU=People,DC=x``."""
    value = rdn_of(dn).partition("=")[2].lstrip(" ")
    stripped = value.rstrip(" ")
    if len(stripped) < len(value) and (len(stripped) - len(stripped.rstrip("\\"))) % 2:
        stripped += " "  # an escaped trailing space belongs to the value
    return unescape_dn_value(stripped)


def dn_key(dn: str) -> tuple[tuple[str, str], ...]:
    """``dn`` as AD compares DNs: each RDN's attribute type and unescaped value, case-folded, without the spaces
    around separators (so ``CN=a\\,b, OU=X`` and ``cn=A\\2Cb,ou=x`` give one key). Raises ValueError when
    ``dn`` does not parse."""
    try:
        parts = parse_dn(normalize_dn(dn))
    except Exception as exc:  # ldap3 raises several types for malformed DNs
        raise ValueError(f"{dn!r} is not a distinguished name") from exc
    return tuple((attr.strip().lower(), unescape_dn_value(value).casefold()) for attr, value, _sep in parts)
