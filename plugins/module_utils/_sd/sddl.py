# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Security descriptors as SDDL ([MS-DTYP] 2.5.1), as Samba writes it, for diffs and diagnostics."""

from __future__ import annotations

from .._sid import normalize_sid
from .codec import ace_to_bytes, sd_from_bytes
from .constants import (
    ACCESS_ALLOWED_ACE_TYPE,
    ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    ACCESS_DENIED_ACE_TYPE,
    ACCESS_DENIED_OBJECT_ACE_TYPE,
    SE_DACL_AUTO_INHERIT_REQ,
    SE_DACL_AUTO_INHERITED,
    SE_DACL_PRESENT,
    SE_DACL_PROTECTED,
    SE_SACL_PRESENT,
    SYSTEM_ALARM_ACE_TYPE,
    SYSTEM_ALARM_OBJECT_ACE_TYPE,
    SYSTEM_AUDIT_ACE_TYPE,
    SYSTEM_AUDIT_OBJECT_ACE_TYPE,
    SYSTEM_MANDATORY_LABEL_ACE_TYPE,
    SYSTEM_SCOPED_POLICY_ID_ACE_TYPE,
)
from .model import Acl, AnyAce, ObjectAce, RawAce, SecurityDescriptor

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
        return f"(RAW:{ace_to_bytes(ace).hex()})"
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
