# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Self-relative security descriptor bytes to and from the dataclasses of ``model`` ([MS-DTYP] 2.4.4-2.4.6).

Serialising gives what Samba's ``ndr_pack`` gives; anything the codec does not interpret stays as raw bytes.
"""

from __future__ import annotations

import struct

from .._sid import guid_from_bytes, guid_to_bytes, sid_from_buffer, sid_to_bytes
from .constants import (
    ACCESS_ALLOWED_ACE_TYPE,
    ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    ACCESS_DENIED_ACE_TYPE,
    ACCESS_DENIED_OBJECT_ACE_TYPE,
    ACE_INHERITED_OBJECT_TYPE_PRESENT,
    ACE_OBJECT_TYPE_PRESENT,
    ACL_REVISION,
    ACL_REVISION_DS,
    SD_REVISION,
    SE_DACL_PRESENT,
    SE_SACL_PRESENT,
    SE_SELF_RELATIVE,
    SYSTEM_ALARM_ACE_TYPE,
    SYSTEM_ALARM_OBJECT_ACE_TYPE,
    SYSTEM_AUDIT_ACE_TYPE,
    SYSTEM_AUDIT_OBJECT_ACE_TYPE,
    SYSTEM_MANDATORY_LABEL_ACE_TYPE,
    SYSTEM_SCOPED_POLICY_ID_ACE_TYPE,
)
from .model import DEFAULT_LAYOUT, Ace, Acl, AnyAce, ObjectAce, RawAce, SecurityDescriptor

# ACE types laid out as header, Mask, Sid (2.4.4.2, 2.4.4.4, 2.4.4.10, 2.4.4.13, 2.4.4.16; alarm ACEs alike).
_SID_ACE_TYPES = frozenset(
    {
        ACCESS_ALLOWED_ACE_TYPE,
        ACCESS_DENIED_ACE_TYPE,
        SYSTEM_AUDIT_ACE_TYPE,
        SYSTEM_ALARM_ACE_TYPE,
        SYSTEM_MANDATORY_LABEL_ACE_TYPE,
        SYSTEM_SCOPED_POLICY_ID_ACE_TYPE,
    }
)
# ACE types laid out as header, Mask, Flags, optional GUIDs, Sid (2.4.4.3, 2.4.4.5, 2.4.4.11; alarm alike).
_OBJECT_ACE_TYPES = frozenset(
    {
        ACCESS_ALLOWED_OBJECT_ACE_TYPE,
        ACCESS_DENIED_OBJECT_ACE_TYPE,
        SYSTEM_AUDIT_OBJECT_ACE_TYPE,
        SYSTEM_ALARM_OBJECT_ACE_TYPE,
    }
)

_SD_HEADER = struct.Struct("<BBHIIII")
_ACL_HEADER = struct.Struct("<BBHHH")
_ACE_HEADER = struct.Struct("<BBH")
_UINT32 = struct.Struct("<I")

# Parsing.


def as_bytes(data: bytes, what: str) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes, got {type(data).__name__}")
    return bytes(data)


def _decode_sid_ace(body: bytes) -> AnyAce:
    """Decode header, Mask, Sid (2.4.4.2); an ACE with bytes after its SID is kept raw."""
    ace_type, flags, _size = _ACE_HEADER.unpack_from(body)
    if len(body) < 8:
        raise ValueError(f"ACE of type 0x{ace_type:02x} is {len(body)} bytes, too short for a mask and a SID")
    (mask,) = _UINT32.unpack_from(body, 4)
    sid, end = sid_from_buffer(body, 8)
    if end != len(body):
        return RawAce(body)
    return Ace(ace_type, flags, mask, sid)


def _decode_object_ace(body: bytes) -> AnyAce:
    """Decode header, Mask, Flags, ObjectType?, InheritedObjectType?, Sid (2.4.4.3)."""
    ace_type, flags, _size = _ACE_HEADER.unpack_from(body)
    if len(body) < 12:
        raise ValueError(f"Object ACE of type 0x{ace_type:02x} is {len(body)} bytes, too short for its fields")
    mask, object_flags = struct.unpack_from("<II", body, 4)
    if object_flags & ~(ACE_OBJECT_TYPE_PRESENT | ACE_INHERITED_OBJECT_TYPE_PRESENT):
        return RawAce(body)
    guids: list[str | None] = []
    position = 12
    for bit in (ACE_OBJECT_TYPE_PRESENT, ACE_INHERITED_OBJECT_TYPE_PRESENT):
        if not object_flags & bit:
            guids.append(None)
            continue
        if position + 16 > len(body):
            raise ValueError(f"Object ACE of type 0x{ace_type:02x} is truncated inside a GUID")
        guids.append(guid_from_bytes(body[position : position + 16]))
        position += 16
    sid, end = sid_from_buffer(body, position)
    if end != len(body):
        return RawAce(body)
    return ObjectAce(ace_type, flags, mask, sid, guids[0], guids[1])


def _decode_ace(body: bytes) -> AnyAce:
    """Decode one ACE whose bytes (header included, 2.4.4.1) are exactly ``body``."""
    if body[0] in _SID_ACE_TYPES:
        return _decode_sid_ace(body)
    if body[0] in _OBJECT_ACE_TYPES:
        return _decode_object_ace(body)
    return RawAce(body)


def _parse_acl(data: bytes, offset: int, name: str) -> Acl:
    """Parse the ACL (2.4.5) at ``offset``; ACEs must lie within its AclSize."""
    if offset + _ACL_HEADER.size > len(data):
        raise ValueError(f"{name} at offset {offset} runs past the end of the descriptor")
    revision, _sbz1, size, count, _sbz2 = _ACL_HEADER.unpack_from(data, offset)
    if revision not in (ACL_REVISION, ACL_REVISION_DS):
        raise ValueError(f"{name} has revision {revision}, expected {ACL_REVISION} or {ACL_REVISION_DS}")
    end = offset + size
    if size < _ACL_HEADER.size or end > len(data):
        raise ValueError(f"{name} size {size} at offset {offset} does not fit in the {len(data)}-byte descriptor")
    aces: list[AnyAce] = []
    position = offset + _ACL_HEADER.size
    for index in range(count):
        if position + _ACE_HEADER.size > end:
            raise ValueError(f"{name} declares {count} ACEs but ACE {index} starts past its end")
        _type, _flags, ace_size = _ACE_HEADER.unpack_from(data, position)
        if ace_size < _ACE_HEADER.size or position + ace_size > end:
            raise ValueError(f"{name} ACE {index} has size {ace_size}, which does not fit in the ACL")
        try:
            aces.append(_decode_ace(data[position : position + ace_size]))
        except ValueError as exc:
            raise ValueError(f"{name} ACE {index}: {exc}") from None
        position += ace_size
    return Acl(revision, aces)


def _parse_sid_part(data: bytes, offset: int, name: str) -> str | None:
    """Read the owner or group SID at ``offset``; 0 means absent (2.4.6)."""
    if offset == 0:
        return None
    if offset < _SD_HEADER.size:
        raise ValueError(f"{name} offset {offset} points into the descriptor header")
    try:
        return sid_from_buffer(data, offset)[0]
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _parse_acl_part(data: bytes, offset: int, present: bool, name: str) -> Acl | None:
    """Read the SACL or DACL at ``offset``; SE_*_PRESENT with offset 0 is a NULL ACL (2.4.6)."""
    if offset == 0:
        return None
    if not present:
        raise ValueError(f"{name} offset is {offset} but its SE_{name}_PRESENT control flag is not set")
    if offset < _SD_HEADER.size:
        raise ValueError(f"{name} offset {offset} points into the descriptor header")
    return _parse_acl(data, offset, name)


def _layout_from_offsets(offsets: dict[str, int]) -> tuple[str, ...]:
    """Name the order the present parts appear in; absent ones follow in the default order."""
    present = sorted((offset, DEFAULT_LAYOUT.index(name), name) for name, offset in offsets.items() if offset)
    order = [name for _offset, _rank, name in present]
    if order == [name for name in DEFAULT_LAYOUT if name in order]:
        return DEFAULT_LAYOUT
    return tuple(order + [name for name in DEFAULT_LAYOUT if name not in order])


def sd_from_bytes(data: bytes) -> SecurityDescriptor:
    """Parse a self-relative SECURITY_DESCRIPTOR (2.4.6).

    Raises ValueError on anything malformed: wrong revision, absolute format, offsets or sizes outside the
    buffer, malformed SIDs or ACLs. Reserved fields, ACL slack and bytes between the parts are not kept.
    """
    data = as_bytes(data, "A security descriptor")
    if len(data) < _SD_HEADER.size:
        raise ValueError(f"Invalid security descriptor: {len(data)} bytes, the header alone is {_SD_HEADER.size}")
    revision, rm_control, control, owner_at, group_at, sacl_at, dacl_at = _SD_HEADER.unpack_from(data)
    if revision != SD_REVISION:
        raise ValueError(f"Invalid security descriptor: revision {revision}, expected {SD_REVISION}")
    if not control & SE_SELF_RELATIVE:
        raise ValueError("Invalid security descriptor: SE_SELF_RELATIVE is not set (absolute format cannot be stored)")
    try:
        return SecurityDescriptor(
            owner=_parse_sid_part(data, owner_at, "owner"),
            group=_parse_sid_part(data, group_at, "group"),
            sacl=_parse_acl_part(data, sacl_at, bool(control & SE_SACL_PRESENT), "SACL"),
            dacl=_parse_acl_part(data, dacl_at, bool(control & SE_DACL_PRESENT), "DACL"),
            control=control,
            revision=revision,
            resource_manager_control=rm_control,
            layout=_layout_from_offsets({"owner": owner_at, "group": group_at, "sacl": sacl_at, "dacl": dacl_at}),
        )
    except ValueError as exc:
        raise ValueError(f"Invalid security descriptor: {exc}") from None


# Serialising.


def check_ace_fields(ace: Ace | ObjectAce) -> None:
    """Reject values that would not parse back the same: wrong layout for the type, or too wide (2.4.4.1)."""
    types = _OBJECT_ACE_TYPES if isinstance(ace, ObjectAce) else _SID_ACE_TYPES
    if ace.ace_type not in types:
        raise ValueError(f"ACE type 0x{ace.ace_type:02x} cannot be written as {type(ace).__name__}")
    if not 0 <= ace.flags <= 0xFF:
        raise ValueError(f"ACE flags {ace.flags:#x} do not fit in a byte")
    if not 0 <= ace.mask <= 0xFFFFFFFF:
        raise ValueError(f"ACE mask {ace.mask:#x} does not fit in 32 bits")


def ace_to_bytes(ace: AnyAce) -> bytes:
    """Serialise one ACE (2.4.4); AceSize covers exactly the fields, as Windows and Samba write it."""
    if isinstance(ace, RawAce):
        return ace.data
    check_ace_fields(ace)
    body = _UINT32.pack(ace.mask)
    if isinstance(ace, ObjectAce):
        object_flags = 0
        guids = b""
        if ace.object_type is not None:
            object_flags |= ACE_OBJECT_TYPE_PRESENT
            guids += guid_to_bytes(ace.object_type)
        if ace.inherited_object_type is not None:
            object_flags |= ACE_INHERITED_OBJECT_TYPE_PRESENT
            guids += guid_to_bytes(ace.inherited_object_type)
        body += _UINT32.pack(object_flags) + guids
    body += sid_to_bytes(ace.sid)
    return _ACE_HEADER.pack(ace.ace_type, ace.flags, _ACE_HEADER.size + len(body)) + body


def _acl_to_bytes(acl: Acl) -> bytes:
    """Serialise an ACL (2.4.5) with Sbz1 and Sbz2 zero and AclSize covering exactly its ACEs."""
    body = b"".join(ace_to_bytes(ace) for ace in acl.aces)
    size = _ACL_HEADER.size + len(body)
    if size > 0xFFFF or len(acl.aces) > 0xFFFF:
        raise ValueError(f"ACL too large: {len(acl.aces)} ACEs in {size} bytes, the limit is 65535 bytes")
    return _ACL_HEADER.pack(acl.revision, 0, size, len(acl.aces), 0) + body


def _full_layout(layout: tuple[str, ...]) -> tuple[str, ...]:
    unknown = set(layout) - set(DEFAULT_LAYOUT)
    if unknown or len(set(layout)) != len(layout):
        raise ValueError(f"Invalid layout {layout!r}: use each of {', '.join(DEFAULT_LAYOUT)} at most once")
    return tuple(layout) + tuple(name for name in DEFAULT_LAYOUT if name not in layout)


def sd_to_bytes(sd: SecurityDescriptor) -> bytes:
    """Serialise a descriptor in self-relative form (2.4.6), parts packed back to back after the header."""
    if sd.revision != SD_REVISION:
        raise ValueError(f"Security descriptor revision must be {SD_REVISION}, not {sd.revision}")
    parts = {
        "owner": None if sd.owner is None else sid_to_bytes(sd.owner),
        "group": None if sd.group is None else sid_to_bytes(sd.group),
        "sacl": None if sd.sacl is None else _acl_to_bytes(sd.sacl),
        "dacl": None if sd.dacl is None else _acl_to_bytes(sd.dacl),
    }
    offsets = dict.fromkeys(parts, 0)
    body = b""
    for name in _full_layout(sd.layout):
        blob = parts[name]
        if blob is not None:
            offsets[name] = _SD_HEADER.size + len(body)
            body += blob
    control = sd.control | SE_SELF_RELATIVE
    control |= SE_SACL_PRESENT if sd.sacl is not None else 0
    control |= SE_DACL_PRESENT if sd.dacl is not None else 0
    header = _SD_HEADER.pack(
        sd.revision,
        sd.resource_manager_control,
        control,
        offsets["owner"],
        offsets["group"],
        offsets["sacl"],
        offsets["dacl"],
    )
    return header + body
