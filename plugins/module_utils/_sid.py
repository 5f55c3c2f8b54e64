# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Security identifier (SID) and GUID codecs for Active Directory attribute values.

Pure functions, no LDAP and no Ansible: AD returns ``objectSid`` and ``objectGUID`` as raw bytes, while
users, SDDL and LDAP filters speak in strings. References are to [MS-DTYP].
"""

from __future__ import annotations

import re
import struct
import uuid

__all__ = [
    "AUTHENTICATED_USERS",
    "BUILTIN_ADMINISTRATORS",
    "EVERYONE",
    "LOCAL_SYSTEM",
    "escape_filter_bytes",
    "guid_from_bytes",
    "guid_to_bytes",
    "is_guid_string",
    "is_sid_string",
    "normalize_sid",
    "sid_filter_value",
    "sid_from_buffer",
    "sid_from_bytes",
    "sid_to_bytes",
]

# Well-known SIDs, MS-DTYP 2.4.2.4.
BUILTIN_ADMINISTRATORS = "S-1-5-32-544"
LOCAL_SYSTEM = "S-1-5-18"
EVERYONE = "S-1-1-0"
AUTHENTICATED_USERS = "S-1-5-11"

SID_REVISION = 1
# MS-DTYP 2.4.2.2: "The maximum number of elements allowed is 15."
MAX_SUB_AUTHORITIES = 15
_SID_HEADER_SIZE = 8
_MAX_AUTHORITY = (1 << 48) - 1
_MAX_SUB_AUTHORITY = (1 << 32) - 1

# MS-DTYP 2.4.2.1 (string form). Parsing is a little more lenient than the ABNF, as Windows and Samba are:
# a lowercase "s", leading zeros, a decimal authority of 2^32 or more, a hex authority of fewer than 12 digits
# and a SID without sub-authorities ("S-1-5", which the binary form allows) are all accepted. Output is
# always the canonical form. [0-9] rather than \d: \d also matches non-ASCII digits.
_SID_STRING = re.compile(
    r"[Ss]-(?P<revision>[0-9]+)-(?P<authority>0[xX][0-9A-Fa-f]{1,12}|[0-9]+)(?P<subs>(?:-[0-9]+)*)"
)
_GUID_STRING = re.compile(r"\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?")


def _parse_authority(text: str, sid: str) -> int:
    """Read the IdentifierAuthority of a SID string (decimal, or hex with ``0x``), MS-DTYP 2.4.2.1."""
    value = int(text, 0) if text[:2].lower() == "0x" else int(text)
    if value > _MAX_AUTHORITY:
        raise ValueError(f"Invalid SID {sid!r}: the identifier authority {text} does not fit in 48 bits")
    return value


def _parse_sub_authorities(text: str, sid: str) -> list[int]:
    """Read the ``-N-N...`` tail of a SID string; each sub-authority is a 32-bit unsigned integer."""
    values = [int(part) for part in text.split("-")[1:]]
    if len(values) > MAX_SUB_AUTHORITIES:
        raise ValueError(
            f"Invalid SID {sid!r}: {len(values)} sub-authorities, at most {MAX_SUB_AUTHORITIES} are allowed"
        )
    for value in values:
        if value > _MAX_SUB_AUTHORITY:
            raise ValueError(f"Invalid SID {sid!r}: the sub-authority {value} does not fit in 32 bits")
    return values


def sid_to_bytes(sid: str) -> bytes:
    """Encode a SID string (MS-DTYP 2.4.2.1) as the binary SID of MS-DTYP 2.4.2.2.

    The identifier authority is a 48-bit big-endian number; the sub-authorities are little-endian 32-bit
    numbers. Raises ValueError when the string is not a SID.
    """
    if not isinstance(sid, str):
        raise TypeError(f"A SID string is expected, got {type(sid).__name__}")
    match = _SID_STRING.fullmatch(sid)
    if match is None:
        raise ValueError(
            f"Invalid SID {sid!r}: expected the form S-1-<authority>-<sub-authority>..., e.g. S-1-5-32-544"
        )
    if int(match["revision"]) != SID_REVISION:
        raise ValueError(f"Invalid SID {sid!r}: the revision must be {SID_REVISION}")
    authority = _parse_authority(match["authority"], sid)
    subs = _parse_sub_authorities(match["subs"], sid)
    header = struct.pack("<BB", SID_REVISION, len(subs)) + authority.to_bytes(6, "big")
    return header + struct.pack(f"<{len(subs)}I", *subs)


def _format_authority(authority: int) -> str:
    """Render an IdentifierAuthority: decimal below 2^32, otherwise ``0x`` and 12 hex digits (MS-DTYP 2.4.2.1)."""
    if authority < (1 << 32):
        return str(authority)
    return f"0x{authority:012x}"


def sid_from_buffer(data: bytes, offset: int = 0) -> tuple[str, int]:
    """Decode the binary SID (MS-DTYP 2.4.2.2) that starts at ``offset`` in ``data``.

    For SIDs embedded in larger structures (ACEs, security descriptors). Returns the SID string and the offset
    just past the SID. Raises ValueError when the SID is malformed or runs past the end of ``data``.
    """
    data = bytes(data)
    if offset < 0 or len(data) - offset < _SID_HEADER_SIZE:
        raise ValueError(f"Invalid binary SID at offset {offset}: fewer than {_SID_HEADER_SIZE} bytes available")
    revision, count = struct.unpack_from("<BB", data, offset)
    if revision != SID_REVISION:
        raise ValueError(f"Invalid binary SID at offset {offset}: revision {revision}, expected {SID_REVISION}")
    if count > MAX_SUB_AUTHORITIES:
        raise ValueError(
            f"Invalid binary SID at offset {offset}: {count} sub-authorities, at most {MAX_SUB_AUTHORITIES} allowed"
        )
    end = offset + _SID_HEADER_SIZE + 4 * count
    if end > len(data):
        raise ValueError(
            f"Invalid binary SID at offset {offset}: {count} sub-authorities need {end - offset} bytes, "
            f"only {len(data) - offset} available"
        )
    authority = int.from_bytes(data[offset + 2 : offset + 8], "big")
    subs = struct.unpack_from(f"<{count}I", data, offset + _SID_HEADER_SIZE)
    text = "-".join(["S", str(SID_REVISION), _format_authority(authority), *(str(sub) for sub in subs)])
    return text, end


def sid_from_bytes(data: bytes) -> str:
    """Decode a binary SID (MS-DTYP 2.4.2.2), such as an ``objectSid`` value, to its string form.

    ``data`` must hold exactly one SID; trailing bytes are an error, since they usually mean the wrong
    attribute or a truncated read. Raises ValueError on malformed input.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"A binary SID (bytes) is expected, got {type(data).__name__}")
    text, end = sid_from_buffer(data)
    if end != len(data):
        raise ValueError(f"Invalid binary SID: {len(data) - end} unexpected trailing byte(s) after {text}")
    return text


def is_sid_string(value: str) -> bool:
    """Tell whether ``value`` is a SID string that sid_to_bytes() accepts (MS-DTYP 2.4.2.1)."""
    if not isinstance(value, str):
        return False
    try:
        sid_to_bytes(value)
    except ValueError:
        return False
    return True


def normalize_sid(sid: str) -> str:
    """Return the canonical string form of a SID (uppercase ``S``, no leading zeros), for comparisons."""
    return sid_from_bytes(sid_to_bytes(sid))


def guid_from_bytes(data: bytes) -> str:
    """Decode a 16-byte GUID (MS-DTYP 2.3.4.2), such as ``objectGUID``, to lowercase 8-4-4-4-12 form.

    The first three fields are stored little-endian and the last eight bytes as they are, so the string is
    not a plain hex dump of the bytes.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"A binary GUID (bytes) is expected, got {type(data).__name__}")
    data = bytes(data)
    if len(data) != 16:
        raise ValueError(f"Invalid binary GUID: {len(data)} bytes, expected 16")
    return str(uuid.UUID(bytes_le=data))


def guid_to_bytes(guid: str) -> bytes:
    """Encode a GUID string (8-4-4-4-12 hex, optionally in braces, any case) as the 16 bytes AD stores."""
    if not isinstance(guid, str):
        raise TypeError(f"A GUID string is expected, got {type(guid).__name__}")
    match = _GUID_STRING.fullmatch(guid)
    # Braces must come in pairs: "{...}" or none at all.
    if match is None or guid.startswith("{") != guid.endswith("}"):
        raise ValueError(f"Invalid GUID {guid!r}: expected the form 01234567-89ab-cdef-0123-456789abcdef")
    return uuid.UUID(match[1]).bytes_le


def is_guid_string(value: str) -> bool:
    """Tell whether ``value`` is a GUID string that guid_to_bytes() accepts."""
    try:
        guid_to_bytes(value)
    except (TypeError, ValueError):
        return False
    return True


def escape_filter_bytes(data: bytes) -> str:
    """Escape every byte as ``\\xx`` so binary values can sit in an LDAP filter (RFC 4515 section 3).

    Escaping all bytes, not only the special ones, keeps the filter ASCII whatever the value holds.
    """
    return "".join(f"\\{byte:02x}" for byte in bytes(data))


def sid_filter_value(sid: str) -> str:
    """Return a SID string as an escaped binary filter value, for ``(objectSid=...)``."""
    return escape_filter_bytes(sid_to_bytes(sid))
