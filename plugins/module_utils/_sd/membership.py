# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``msDS-GroupMSAMembership``: who may retrieve a gMSA's password, as the managed allow ACEs of its DACL.

The DC runs an access check against this descriptor (MS-ADTS 3.1.1.4.4; Samba asks for read-property access),
so deny ACEs count too. AD tools write it as owner BUILTIN\\Administrators and a DACL with one ACCESS_ALLOWED
ACE, mask 0x000F01FF, per principal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .._sid import BUILTIN_ADMINISTRATORS, normalize_sid
from .codec import as_bytes, sd_from_bytes, sd_to_bytes
from .constants import (
    ACCESS_ALLOWED_ACE_TYPE,
    ACL_REVISION_DS,
    GMSA_MEMBERSHIP_ACCESS_MASK,
    INHERIT_ONLY_ACE,
    SE_DACL_PRESENT,
    SE_SELF_RELATIVE,
)
from .explicit import insert_position
from .model import Ace, Acl, AnyAce, SecurityDescriptor


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
        position = insert_position(kept)
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
    original = as_bytes(sd_bytes, "msDS-GroupMSAMembership")
    sd = sd_from_bytes(original)
    if sd.dacl is not None and _membership_sids(sd.dacl) == wanted:
        return original
    dacl = _replace_membership_aces(sd.dacl, wanted)
    return sd_to_bytes(replace(sd, dacl=dacl, control=sd.control | SE_DACL_PRESENT))
