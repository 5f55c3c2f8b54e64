# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Self-relative security descriptor codec, and the ``msDS-GroupMSAMembership`` helpers built on it.

``msDS-GroupMSAMembership`` (String(NT-Sec-Desc) syntax) says who may read a gMSA's password: the DC runs an
access check against this descriptor (MS-ADTS 3.1.1.4.4; Samba asks for read-property access), so deny ACEs
count too. AD tools write it as owner BUILTIN\\Administrators and a DACL with one ACCESS_ALLOWED ACE, mask
0x000F01FF, per principal.

The codec parses what it understands into dataclasses and keeps anything else as raw bytes, so a descriptor
written by another tool survives a read-modify-write. Section numbers refer to [MS-DTYP].
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Union

from ansible_collections.wincontainers.gmsa.plugins.module_utils._sid import (
    BUILTIN_ADMINISTRATORS,
    guid_from_bytes,
    guid_to_bytes,
    normalize_sid,
    sid_from_buffer,
    sid_to_bytes,
)

__all__ = [
    "GMSA_MEMBERSHIP_ACCESS_MASK",
    "Ace",
    "Acl",
    "ObjectAce",
    "RawAce",
    "SecurityDescriptor",
    "ace_to_sddl",
    "add_explicit_aces",
    "allowed_sids",
    "build_gmsa_membership",
    "is_membership_ace",
    "remove_explicit_aces",
    "sd_from_bytes",
    "sd_to_bytes",
    "set_allowed_sids",
    "to_sddl",
]

SD_REVISION = 1

# SECURITY_DESCRIPTOR Control flags, 2.4.6.
SE_OWNER_DEFAULTED = 0x0001
SE_GROUP_DEFAULTED = 0x0002
SE_DACL_PRESENT = 0x0004
SE_DACL_DEFAULTED = 0x0008
SE_SACL_PRESENT = 0x0010
SE_SACL_DEFAULTED = 0x0020
SE_DACL_AUTO_INHERIT_REQ = 0x0100
SE_SACL_AUTO_INHERIT_REQ = 0x0200
SE_DACL_AUTO_INHERITED = 0x0400
SE_SACL_AUTO_INHERITED = 0x0800
SE_DACL_PROTECTED = 0x1000
SE_SACL_PROTECTED = 0x2000
SE_RM_CONTROL_VALID = 0x4000
SE_SELF_RELATIVE = 0x8000

# AclRevision, 2.4.5: revision 4 is required once object ACEs are present; Samba writes 4 for every ACL.
ACL_REVISION = 2
ACL_REVISION_DS = 4

# AceType, 2.4.4.1.
ACCESS_ALLOWED_ACE_TYPE = 0x00
ACCESS_DENIED_ACE_TYPE = 0x01
SYSTEM_AUDIT_ACE_TYPE = 0x02
SYSTEM_ALARM_ACE_TYPE = 0x03
ACCESS_ALLOWED_OBJECT_ACE_TYPE = 0x05
ACCESS_DENIED_OBJECT_ACE_TYPE = 0x06
SYSTEM_AUDIT_OBJECT_ACE_TYPE = 0x07
SYSTEM_ALARM_OBJECT_ACE_TYPE = 0x08
SYSTEM_MANDATORY_LABEL_ACE_TYPE = 0x11
SYSTEM_SCOPED_POLICY_ID_ACE_TYPE = 0x13

# AceFlags, 2.4.4.1.
OBJECT_INHERIT_ACE = 0x01
CONTAINER_INHERIT_ACE = 0x02
NO_PROPAGATE_INHERIT_ACE = 0x04
INHERIT_ONLY_ACE = 0x08
INHERITED_ACE = 0x10

# Directory-service access rights in an ACE's Mask (2.4.3; MS-ADTS 5.1.3.2 names them ADS_RIGHT_DS_*).
ADS_RIGHT_DS_CREATE_CHILD = 0x00000001
ADS_RIGHT_DS_DELETE_CHILD = 0x00000002
ADS_RIGHT_ACTRL_DS_LIST = 0x00000004
ADS_RIGHT_DS_SELF = 0x00000008
ADS_RIGHT_DS_READ_PROP = 0x00000010
ADS_RIGHT_DS_WRITE_PROP = 0x00000020
ADS_RIGHT_DS_DELETE_TREE = 0x00000040
ADS_RIGHT_DS_LIST_OBJECT = 0x00000080
ADS_RIGHT_DS_CONTROL_ACCESS = 0x00000100

# Object ACE Flags, 2.4.4.3.
ACE_OBJECT_TYPE_PRESENT = 0x1
ACE_INHERITED_OBJECT_TYPE_PRESENT = 0x2

# What AD tools grant each principal allowed to retrieve the password: every DS-specific right plus DELETE,
# READ_CONTROL, WRITE_DAC and WRITE_OWNER (2.4.3), Samba's SEC_ADS_GENERIC_ALL. Samba's DC only asks for
# read-property access (0x10) when it checks a reader, but matching the usual mask keeps diffs quiet.
GMSA_MEMBERSHIP_ACCESS_MASK = 0x000F01FF

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

# The order Samba's NDR code lays out the parts of a self-relative descriptor after the 20-byte header.
DEFAULT_LAYOUT: tuple[str, ...] = ("owner", "group", "sacl", "dacl")


@dataclass(frozen=True)
class Ace:
    """An ACE made of header, Mask and Sid: ACCESS_ALLOWED_ACE (2.4.4.2), ACCESS_DENIED_ACE (2.4.4.4) and alike."""

    ace_type: int
    flags: int
    mask: int
    sid: str


@dataclass(frozen=True)
class ObjectAce:
    """An object ACE (2.4.4.3): like Ace, plus optional object and inherited-object type GUIDs."""

    ace_type: int
    flags: int
    mask: int
    sid: str
    object_type: str | None = None
    inherited_object_type: str | None = None


@dataclass(frozen=True)
class RawAce:
    """An ACE this module does not interpret (callback, resource attribute, ...), kept byte for byte."""

    data: bytes

    @property
    def ace_type(self) -> int:
        return self.data[0]

    @property
    def flags(self) -> int:
        return self.data[1]


AnyAce = Union[Ace, ObjectAce, RawAce]


@dataclass
class Acl:
    """An ACL (2.4.5): its revision and its ACEs, in order."""

    revision: int = ACL_REVISION_DS
    aces: list[AnyAce] = field(default_factory=list)


@dataclass
class SecurityDescriptor:
    """A security descriptor (2.4.6).

    ``dacl``/``sacl`` are None when absent; ``control`` keeps every flag as read, and serialising sets
    SE_SELF_RELATIVE and the *_PRESENT flag of each ACL given. SE_DACL_PRESENT with ``dacl`` None is a NULL
    DACL, which grants everyone everything. ``layout`` is the order the parts sit in the buffer, so a
    descriptor laid out by another writer round-trips unchanged.
    """

    owner: str | None = None
    group: str | None = None
    dacl: Acl | None = None
    sacl: Acl | None = None
    control: int = SE_SELF_RELATIVE
    revision: int = SD_REVISION
    resource_manager_control: int = 0
    layout: tuple[str, ...] = DEFAULT_LAYOUT


# Parsing.


def _as_bytes(data: bytes, what: str) -> bytes:
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
    data = _as_bytes(data, "A security descriptor")
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


def _check_ace_fields(ace: Ace | ObjectAce) -> None:
    """Reject values that would not parse back the same: wrong layout for the type, or too wide (2.4.4.1)."""
    types = _OBJECT_ACE_TYPES if isinstance(ace, ObjectAce) else _SID_ACE_TYPES
    if ace.ace_type not in types:
        raise ValueError(f"ACE type 0x{ace.ace_type:02x} cannot be written as {type(ace).__name__}")
    if not 0 <= ace.flags <= 0xFF:
        raise ValueError(f"ACE flags {ace.flags:#x} do not fit in a byte")
    if not 0 <= ace.mask <= 0xFFFFFFFF:
        raise ValueError(f"ACE mask {ace.mask:#x} does not fit in 32 bits")


def _ace_to_bytes(ace: AnyAce) -> bytes:
    """Serialise one ACE (2.4.4); AceSize covers exactly the fields, as Windows and Samba write it."""
    if isinstance(ace, RawAce):
        return ace.data
    _check_ace_fields(ace)
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
    body = b"".join(_ace_to_bytes(ace) for ace in acl.aces)
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


# msDS-GroupMSAMembership.


def _normalize_sid_list(sids: Iterable[str]) -> list[str]:
    """Validate and canonicalise SIDs, dropping repeats but keeping first-seen order."""
    if isinstance(sids, (str, bytes)):
        raise TypeError("A list of SID strings is expected, not a single string")
    return list(dict.fromkeys(normalize_sid(sid) for sid in sids))


def _membership_ace(sid: str) -> Ace:
    return Ace(ACCESS_ALLOWED_ACE_TYPE, 0, GMSA_MEMBERSHIP_ACCESS_MASK, sid)


def is_membership_ace(ace: AnyAce) -> bool:
    """Tell whether an ACE is one this collection manages: allow, mask 0x000F01FF, effective on the object.

    An INHERIT_ONLY ACE (2.4.4.1) does not apply to the object itself, so it grants nothing here.
    """
    return (
        isinstance(ace, Ace)
        and ace.ace_type == ACCESS_ALLOWED_ACE_TYPE
        and ace.mask == GMSA_MEMBERSHIP_ACCESS_MASK
        and not ace.flags & INHERIT_ONLY_ACE
    )


def _membership_sids(dacl: Acl) -> list[str]:
    return list(dict.fromkeys(normalize_sid(ace.sid) for ace in dacl.aces if is_membership_ace(ace)))


def build_gmsa_membership(sids: Iterable[str]) -> bytes:
    """Build a new ``msDS-GroupMSAMembership`` value granting password retrieval to ``sids``, in order.

    Owner BUILTIN\\Administrators, no group, and a revision-4 DACL with one ACCESS_ALLOWED ACE per SID, byte
    for byte what Samba packs for ``O:BAD:(A;;0xf01ff;;;<sid>)...``. Repeated SIDs are written once.
    """
    dacl = Acl(ACL_REVISION_DS, [_membership_ace(sid) for sid in _normalize_sid_list(sids)])
    sd = SecurityDescriptor(owner=BUILTIN_ADMINISTRATORS, dacl=dacl, control=SE_SELF_RELATIVE | SE_DACL_PRESENT)
    return sd_to_bytes(sd)


def allowed_sids(sd_bytes: bytes | None) -> list[str]:
    """List the SIDs that ``msDS-GroupMSAMembership`` lets retrieve the password, in ACE order, each once.

    Only the managed ACEs count (see is_membership_ace()); deny ACEs and other ACEs are not evaluated.
    None (attribute not set) gives an empty list. Raises ValueError when there is no DACL or a NULL DACL,
    which lets everyone read the password and cannot be written as a list.
    """
    if sd_bytes is None:
        return []
    sd = sd_from_bytes(sd_bytes)
    if sd.dacl is None:
        raise ValueError(
            "msDS-GroupMSAMembership has no DACL, which lets every principal retrieve the password; "
            "set the list of allowed principals to replace it"
        )
    return _membership_sids(sd.dacl)


def _insert_position(aces: list[AnyAce]) -> int:
    """Where new allow ACEs go when there were none: after the explicit ACEs, before inherited ones (2.4.5)."""
    for index, ace in enumerate(aces):
        if ace.flags & INHERITED_ACE:
            return index
    return len(aces)


def _replace_membership_aces(dacl: Acl | None, sids: list[str]) -> Acl:
    """Swap the managed ACEs of ``dacl`` for one per SID, where the first of them stood."""
    if dacl is None:
        return Acl(ACL_REVISION_DS, [_membership_ace(sid) for sid in sids])
    kept: list[AnyAce] = []
    position: int | None = None
    for ace in dacl.aces:
        if is_membership_ace(ace):
            position = len(kept) if position is None else position
        else:
            kept.append(ace)
    if position is None:
        position = _insert_position(kept)
    new_aces = [_membership_ace(sid) for sid in sids]
    return Acl(dacl.revision, kept[:position] + new_aces + kept[position:])


def set_allowed_sids(sd_bytes: bytes | None, sids: Iterable[str]) -> bytes:
    """Return ``sd_bytes`` with the managed allow ACEs replaced by one per SID in ``sids``, in that order.

    Every other ACE, the owner, the group, the SACL and the control flags stay as they were. When the
    managed SIDs already equal ``sids`` (same order) the input comes back unchanged, so comparing bytes tells
    whether a write is needed. None, or a descriptor without a usable DACL, gets a new DACL.
    """
    wanted = _normalize_sid_list(sids)
    if sd_bytes is None:
        return build_gmsa_membership(wanted)
    original = _as_bytes(sd_bytes, "msDS-GroupMSAMembership")
    sd = sd_from_bytes(original)
    if sd.dacl is not None and _membership_sids(sd.dacl) == wanted:
        return original
    dacl = _replace_membership_aces(sd.dacl, wanted)
    return sd_to_bytes(replace(sd, dacl=dacl, control=sd.control | SE_DACL_PRESENT))


# Editing the explicit ACEs of an ACL (a container's DACL, for delegation).


def _is_explicit(ace: AnyAce) -> bool:
    return not ace.flags & INHERITED_ACE


def add_explicit_aces(acl: Acl | None, aces: Iterable[Ace | ObjectAce]) -> tuple[Acl, list[Ace | ObjectAce]]:
    """Return ``acl`` with each of ``aces`` that is not already an explicit ACE of it, and the ACEs added.

    New ACEs go after the last explicit ACE and before the first inherited one, in the order given: an ACL
    in canonical order (explicit before inherited, explicit deny before explicit allow; MS-DTYP 2.4.5 and
    "Order of ACEs in a DACL" in the Windows access control documentation, which AD's own editors keep) stays
    canonical when allow ACEs are added there. Every other ACE keeps its place and its bytes. An ACE counts as
    present only when an explicit ACE equals it in type, flags, mask, SID and both GUIDs; an inherited copy
    does not count, since it goes away with the parent's ACE. Object ACEs need revision ACL_REVISION_DS, so a
    revision-2 ACL that gains one is raised to 4 (2.4.5). None (no ACL) gets a new one.
    """
    current = Acl(ACL_REVISION_DS, []) if acl is None else acl
    present = [ace for ace in current.aces if _is_explicit(ace)]
    added: list[Ace | ObjectAce] = []
    for ace in aces:
        _check_ace_fields(ace)
        if ace.flags & INHERITED_ACE:
            raise ValueError("An explicit ACE cannot carry INHERITED_ACE; the DC writes inherited ACEs itself")
        if ace not in present and ace not in added:
            added.append(ace)
    if not added:
        return current, []
    position = _insert_position(current.aces)
    revision = current.revision
    if any(isinstance(ace, ObjectAce) for ace in added):
        revision = max(revision, ACL_REVISION_DS)
    return Acl(revision, current.aces[:position] + added + current.aces[position:]), added


def remove_explicit_aces(acl: Acl | None, aces: Iterable[Ace | ObjectAce]) -> tuple[Acl | None, list[AnyAce]]:
    """Return ``acl`` without the explicit ACEs equal to one of ``aces``, and the ACEs removed (in ACL order).

    Inherited ACEs and every other ACE stay as they are, in place; the revision is kept.
    """
    if acl is None:
        return None, []
    unwanted = list(aces)
    kept: list[AnyAce] = []
    removed: list[AnyAce] = []
    for ace in acl.aces:
        (removed if _is_explicit(ace) and ace in unwanted else kept).append(ace)
    if not removed:
        return acl, []
    return Acl(acl.revision, kept), removed


# SDDL (2.5.1), for diffs and diagnostics.

# SID aliases whose SID is fixed (2.5.1.1 / 2.4.2.4), listed as Samba lists them.
_SDDL_SID_ALIASES = {
    "S-1-1-0": "WD",
    "S-1-3-0": "CO",
    "S-1-3-1": "CG",
    "S-1-3-4": "OW",
    "S-1-5-2": "NU",
    "S-1-5-4": "IU",
    "S-1-5-6": "SU",
    "S-1-5-7": "AN",
    "S-1-5-9": "ED",
    "S-1-5-10": "PS",
    "S-1-5-11": "AU",
    "S-1-5-12": "RC",
    "S-1-5-18": "SY",
    "S-1-5-19": "LS",
    "S-1-5-20": "NS",
    "S-1-5-33": "WR",
    "S-1-5-32-544": "BA",
    "S-1-5-32-545": "BU",
    "S-1-5-32-546": "BG",
    "S-1-5-32-547": "PU",
    "S-1-5-32-548": "AO",
    "S-1-5-32-549": "SO",
    "S-1-5-32-550": "PO",
    "S-1-5-32-551": "BO",
    "S-1-5-32-552": "RE",
    "S-1-5-32-554": "RU",
    "S-1-5-32-555": "RD",
    "S-1-5-32-556": "NO",
    "S-1-5-32-558": "MU",
    "S-1-5-32-559": "LU",
    "S-1-5-32-568": "IS",
    "S-1-5-32-569": "CY",
    "S-1-5-32-573": "ER",
    "S-1-5-32-574": "CD",
    "S-1-5-32-575": "RA",
    "S-1-5-32-576": "ES",
    "S-1-5-32-577": "MS",
    "S-1-5-32-578": "HA",
    "S-1-5-32-579": "AA",
    "S-1-5-32-580": "RM",
    "S-1-5-84-0-0-0-0-0": "UD",
    "S-1-15-2-1": "AC",
    "S-1-16-4096": "LW",
    "S-1-16-8192": "ME",
    "S-1-16-8448": "MP",
    "S-1-16-12288": "HI",
    "S-1-16-16384": "SI",
    "S-1-18-1": "AS",
    "S-1-18-2": "SS",
}

# Aliases for RIDs of the domain (used only when the domain SID is known).
_SDDL_DOMAIN_RID_ALIASES = {
    498: "RO",
    500: "LA",
    501: "LG",
    512: "DA",
    513: "DU",
    514: "DG",
    515: "DC",
    516: "DD",
    517: "CA",
    518: "SA",
    519: "EA",
    520: "PA",
    522: "CN",
    525: "AP",
    526: "KA",
    527: "EK",
    553: "RS",
}

_SDDL_ACE_TYPES = {
    ACCESS_ALLOWED_ACE_TYPE: "A",
    ACCESS_DENIED_ACE_TYPE: "D",
    SYSTEM_AUDIT_ACE_TYPE: "AU",
    SYSTEM_ALARM_ACE_TYPE: "AL",
    ACCESS_ALLOWED_OBJECT_ACE_TYPE: "OA",
    ACCESS_DENIED_OBJECT_ACE_TYPE: "OD",
    SYSTEM_AUDIT_OBJECT_ACE_TYPE: "OU",
    SYSTEM_ALARM_OBJECT_ACE_TYPE: "OL",
    SYSTEM_MANDATORY_LABEL_ACE_TYPE: "ML",
    SYSTEM_SCOPED_POLICY_ID_ACE_TYPE: "SP",
}

_SDDL_ACE_FLAGS = (("OI", 0x01), ("CI", 0x02), ("NP", 0x04), ("IO", 0x08), ("ID", 0x10), ("SA", 0x40), ("FA", 0x80))

# Rights letters in the order Samba writes them, so the text matches ``samba-tool``'s SDDL.
_SDDL_RIGHTS = (
    ("CC", 0x00000001),
    ("DC", 0x00000002),
    ("LC", 0x00000004),
    ("SW", 0x00000008),
    ("RP", 0x00000010),
    ("WP", 0x00000020),
    ("DT", 0x00000040),
    ("LO", 0x00000080),
    ("CR", 0x00000100),
    ("SD", 0x00010000),
    ("RC", 0x00020000),
    ("WD", 0x00040000),
    ("WO", 0x00080000),
    ("GA", 0x10000000),
    ("GX", 0x20000000),
    ("GW", 0x40000000),
    ("GR", 0x80000000),
)
_SDDL_FILE_RIGHTS = {0x001F01FF: "FA", 0x00120089: "FR", 0x00120116: "FW", 0x001200A0: "FX"}

_SDDL_ACL_FLAGS = (("P", SE_DACL_PROTECTED), ("AR", SE_DACL_AUTO_INHERIT_REQ), ("AI", SE_DACL_AUTO_INHERITED))


def _sddl_bits(table: tuple[tuple[str, int], ...], value: int) -> str | None:
    """Spell ``value`` with the letters of ``table``, or None when some bit has no letter."""
    if value & ~sum(bit for _name, bit in table):
        return None
    return "".join(name for name, bit in table if value & bit)


def _sddl_sid(sid: str, domain_sid: str | None) -> str:
    """Write a SID as its two-letter alias when it has one, else as the SID string."""
    if sid in _SDDL_SID_ALIASES:
        return _SDDL_SID_ALIASES[sid]
    if domain_sid is not None:
        prefix, _dash, rid = sid.rpartition("-")
        if prefix == domain_sid and int(rid) in _SDDL_DOMAIN_RID_ALIASES:
            return _SDDL_DOMAIN_RID_ALIASES[int(rid)]
    return sid


def _sddl_mask(mask: int) -> str:
    """Write an access mask as rights letters, a file-rights alias, or hex, in Samba's order of preference."""
    letters = _sddl_bits(_SDDL_RIGHTS, mask)
    if letters is not None:
        return letters
    return _SDDL_FILE_RIGHTS.get(mask, f"0x{mask:x}")


def _sddl_ace(ace: AnyAce, domain_sid: str | None) -> str:
    if isinstance(ace, RawAce) or ace.ace_type not in _SDDL_ACE_TYPES:
        # No SDDL for it here: show the bytes, so a diff still tells two such ACEs apart.
        return f"(RAW:{_ace_to_bytes(ace).hex()})"
    flags = _sddl_bits(_SDDL_ACE_FLAGS, ace.flags)
    fields = [
        _SDDL_ACE_TYPES[ace.ace_type],
        f"0x{ace.flags:x}" if flags is None else flags,
        _sddl_mask(ace.mask),
        (ace.object_type or "") if isinstance(ace, ObjectAce) else "",
        (ace.inherited_object_type or "") if isinstance(ace, ObjectAce) else "",
        _sddl_sid(ace.sid, domain_sid),
    ]
    return "(" + ";".join(fields) + ")"


def ace_to_sddl(ace: AnyAce, domain_sid: str | None = None) -> str:
    """One ACE as SDDL (2.5.1.1), as Samba writes it: ``(OA;CI;CCDC;<object type>;<inherited type>;<sid>)``.

    Well-known SIDs become their aliases, and domain RIDs too when ``domain_sid`` is given (see to_sddl()).
    """
    return _sddl_ace(ace, None if domain_sid is None else normalize_sid(domain_sid))


def _sddl_acl(tag: str, acl: Acl | None, control_bits: int, domain_sid: str | None) -> str:
    flags = "".join(name for name, bit in _SDDL_ACL_FLAGS if control_bits & bit)
    if acl is None:
        # A NULL ACL; Windows spells it so, where Samba leaves the section out.
        return f"{tag}:{flags}NO_ACCESS_CONTROL"
    return f"{tag}:{flags}" + "".join(_sddl_ace(ace, domain_sid) for ace in acl.aces)


def to_sddl(sd: bytes | SecurityDescriptor, domain_sid: str | None = None) -> str:
    """Render a security descriptor as SDDL (2.5.1) for diffs and messages.

    The text matches Samba's (``O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-...)``): well-known SIDs as
    aliases, and domain RIDs too (``DU``, ``LA``) when ``domain_sid`` is given. Two differences: a NULL DACL
    shows as ``D:NO_ACCESS_CONTROL``, and ACEs without an SDDL form (callback, resource attribute) show as
    ``(RAW:<hex>)``.
    """
    if not isinstance(sd, SecurityDescriptor):
        sd = sd_from_bytes(sd)
    if domain_sid is not None:
        domain_sid = normalize_sid(domain_sid)
    text = ""
    if sd.owner is not None:
        text += "O:" + _sddl_sid(sd.owner, domain_sid)
    if sd.group is not None:
        text += "G:" + _sddl_sid(sd.group, domain_sid)
    if sd.control & SE_DACL_PRESENT or sd.dacl is not None:
        text += _sddl_acl("D", sd.dacl, sd.control, domain_sid)
    if sd.control & SE_SACL_PRESENT or sd.sacl is not None:
        # The SACL flags are the DACL flags shifted left by one bit (2.4.6).
        text += _sddl_acl("S", sd.sacl, sd.control >> 1, domain_sid)
    return text
