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


# A value's escape as RFC 4514 2.4 writes one byte of its UTF-8 form: a backslash and two hex digits.
_HEX_PAIR = re.compile(r"[0-9A-Fa-f]{2}")
# What dn_key escapes again in a value, so that a key is one string per DN.
_KEY_SPECIALS = re.compile(r"[\\,+]")
# What makes a DN's key more than its lower case: an escape, or a space around a separator or at either end.
_KEY_NEEDS_PARSE = re.compile(r"\\| [,+=]|[,+=] |^ | $")


def _unescaped_value(value: str) -> str:
    """An RDN value as the characters it stands for: ``\\c`` is ``c``, a run of ``\\XX`` pairs is the UTF-8 text
    those bytes encode (RFC 4514 2.4), and spaces not escaped at either end are dropped (as ``normalize_dn``)."""
    chars: list[tuple[str, bool]] = []  # (character, escaped)
    pending = bytearray()  # \XX bytes waiting to be decoded as one UTF-8 sequence
    i = 0
    while i < len(value):
        if value[i] == "\\" and _HEX_PAIR.fullmatch(value, i + 1, i + 3):
            pending.append(int(value[i + 1 : i + 3], 16))
            i += 3
            continue
        if pending:
            chars.extend((c, True) for c in pending.decode("utf-8", "surrogateescape"))
            pending.clear()
        escaped = value[i] == "\\" and i + 1 < len(value)
        chars.append((value[i + 1], True) if escaped else (value[i], False))
        i += 2 if escaped else 1
    chars.extend((c, True) for c in pending.decode("utf-8", "surrogateescape"))
    start, end = 0, len(chars)
    while start < end and chars[start] == (" ", False):
        start += 1
    while end > start and chars[end - 1] == (" ", False):
        end -= 1
    return "".join(c for c, _escaped in chars[start:end])


def _ava_key(text: str) -> str:
    """``attr=value`` as it stands in a :func:`dn_key`: both lower-cased, the value unescaped and escaped again."""
    attr, _eq, value = text.partition("=")
    plain = _unescaped_value(value) if "\\" in value else value.strip(" ")
    return attr.strip().lower() + "=" + _KEY_SPECIALS.sub(lambda m: "\\" + m.group(), plain.lower())


def dn_key(dn: str | None) -> str:
    """The form in which two DNs are compared: equal keys, the same name. The one DN comparison of the collection:
    use it wherever a DN is matched or indexed, typed by a user or read from AD.

    ``CN=Web01, OU=Hosts,DC=Contoso,DC=com``, ``cn=web01,ou=hosts,dc=contoso,dc=com`` and
    ``CN=Web01,OU=Hosts,DC=contoso,DC=com`` have one key. The rules it follows:

    * escapes (RFC 4514 2.4): ``\\,``, ``\\2C`` and ``\\2c`` are one comma, ``\\C3\\A9`` is ``é``; the key escapes
      ``\\``, ``,`` and ``+`` again (``\\,``), so a value's comma never reads as a separator;
    * spaces around ``,``, ``+`` and ``=`` are not part of the name (RFC 1779, which AD accepts; as
      ``normalize_dn``), an escaped space at either end of a value is;
    * case: attribute types are case-insensitive (RFC 4512 2.5), and AD compares the values of its naming
      attributes (``cn``, ``ou``, ``dc``: String(Unicode), syntax 2.5.5.12, MS-ADTS 3.1.1.2.2.2)
      case-insensitively, so both are lower-cased.

    Not followed: attribute types given by OID (``2.5.4.3=`` for ``CN=``), ``#`` BER values, and the order of the
    AVAs of a multi-valued RDN (AD names have one AVA per RDN). It never raises: a malformed DN gets a key too,
    which names nothing AD returns (``dn_is_valid`` tells whether a DN is well formed). None and "" give "".
    """
    if not dn:
        return ""
    if not _KEY_NEEDS_PARSE.search(dn):  # a DN as AD returns it, mostly: its key is its lower case
        return dn.lower()
    return "".join(_ava_key(text) + sep for text, sep in _components(dn))


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
