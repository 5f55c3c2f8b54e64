# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Self-relative security descriptor codec, and the ``msDS-GroupMSAMembership`` helpers built on it.

``msDS-GroupMSAMembership`` (String(NT-Sec-Desc) syntax) says who may read a gMSA's password: the DC runs an
access check against this descriptor (MS-ADTS 3.1.1.4.4; Samba asks for read-property access), so deny ACEs
count too. AD tools write it as owner BUILTIN\\Administrators and a DACL with one ACCESS_ALLOWED ACE, mask
0x000F01FF, per principal.

The codec parses what it understands into dataclasses and keeps anything else as raw bytes, so a descriptor
written by another tool survives a read-modify-write. Section numbers refer to [MS-DTYP]. One file per concern:

- ``constants``   control flags, ACL revisions, ACE types and flags, directory-service access rights
- ``model``       ``Ace``, ``ObjectAce``, ``RawAce``, ``Acl``, ``SecurityDescriptor``
- ``codec``       ``sd_from_bytes``/``sd_to_bytes``, byte for byte what Samba's ``ndr_pack`` writes
- ``membership``  the managed allow ACEs of ``msDS-GroupMSAMembership``
- ``explicit``    adding and removing explicit ACEs of an ACL (delegation on a container)
- ``sddl``        SDDL rendering for diffs and messages

Every name other files import from ``_sd`` is re-exported here, so ``from ._sd import X`` keeps working.
"""

from __future__ import annotations

from .codec import sd_from_bytes, sd_to_bytes
from .constants import (
    ACCESS_ALLOWED_ACE_TYPE,
    ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    ACCESS_DENIED_ACE_TYPE,
    ACCESS_DENIED_OBJECT_ACE_TYPE,
    ACE_INHERITED_OBJECT_TYPE_PRESENT,
    ACE_OBJECT_TYPE_PRESENT,
    ACL_REVISION,
    ACL_REVISION_DS,
    ADS_RIGHT_ACTRL_DS_LIST,
    ADS_RIGHT_DS_CONTROL_ACCESS,
    ADS_RIGHT_DS_CREATE_CHILD,
    ADS_RIGHT_DS_DELETE_CHILD,
    ADS_RIGHT_DS_DELETE_TREE,
    ADS_RIGHT_DS_LIST_OBJECT,
    ADS_RIGHT_DS_READ_PROP,
    ADS_RIGHT_DS_SELF,
    ADS_RIGHT_DS_WRITE_PROP,
    CONTAINER_INHERIT_ACE,
    GMSA_MEMBERSHIP_ACCESS_MASK,
    INHERIT_ONLY_ACE,
    INHERITED_ACE,
    NO_PROPAGATE_INHERIT_ACE,
    OBJECT_INHERIT_ACE,
    SD_REVISION,
    SE_DACL_AUTO_INHERIT_REQ,
    SE_DACL_AUTO_INHERITED,
    SE_DACL_DEFAULTED,
    SE_DACL_PRESENT,
    SE_DACL_PROTECTED,
    SE_GROUP_DEFAULTED,
    SE_OWNER_DEFAULTED,
    SE_RM_CONTROL_VALID,
    SE_SACL_AUTO_INHERIT_REQ,
    SE_SACL_AUTO_INHERITED,
    SE_SACL_DEFAULTED,
    SE_SACL_PRESENT,
    SE_SACL_PROTECTED,
    SE_SELF_RELATIVE,
    SYSTEM_ALARM_ACE_TYPE,
    SYSTEM_ALARM_OBJECT_ACE_TYPE,
    SYSTEM_AUDIT_ACE_TYPE,
    SYSTEM_AUDIT_OBJECT_ACE_TYPE,
    SYSTEM_MANDATORY_LABEL_ACE_TYPE,
    SYSTEM_SCOPED_POLICY_ID_ACE_TYPE,
)
from .explicit import add_explicit_aces, remove_explicit_aces
from .membership import (
    allowed_sids,
    build_gmsa_membership,
    is_membership_ace,
    set_allowed_sids,
)
from .model import (
    DEFAULT_LAYOUT,
    Ace,
    Acl,
    AnyAce,
    ObjectAce,
    RawAce,
    SecurityDescriptor,
)
from .sddl import ace_to_sddl, to_sddl

__all__ = [
    "ACCESS_ALLOWED_ACE_TYPE",
    "ACCESS_ALLOWED_OBJECT_ACE_TYPE",
    "ACCESS_DENIED_ACE_TYPE",
    "ACCESS_DENIED_OBJECT_ACE_TYPE",
    "ACE_INHERITED_OBJECT_TYPE_PRESENT",
    "ACE_OBJECT_TYPE_PRESENT",
    "ACL_REVISION",
    "ACL_REVISION_DS",
    "ADS_RIGHT_ACTRL_DS_LIST",
    "ADS_RIGHT_DS_CONTROL_ACCESS",
    "ADS_RIGHT_DS_CREATE_CHILD",
    "ADS_RIGHT_DS_DELETE_CHILD",
    "ADS_RIGHT_DS_DELETE_TREE",
    "ADS_RIGHT_DS_LIST_OBJECT",
    "ADS_RIGHT_DS_READ_PROP",
    "ADS_RIGHT_DS_SELF",
    "ADS_RIGHT_DS_WRITE_PROP",
    "Ace",
    "Acl",
    "AnyAce",
    "CONTAINER_INHERIT_ACE",
    "DEFAULT_LAYOUT",
    "GMSA_MEMBERSHIP_ACCESS_MASK",
    "INHERITED_ACE",
    "INHERIT_ONLY_ACE",
    "NO_PROPAGATE_INHERIT_ACE",
    "OBJECT_INHERIT_ACE",
    "ObjectAce",
    "RawAce",
    "SD_REVISION",
    "SE_DACL_AUTO_INHERITED",
    "SE_DACL_AUTO_INHERIT_REQ",
    "SE_DACL_DEFAULTED",
    "SE_DACL_PRESENT",
    "SE_DACL_PROTECTED",
    "SE_GROUP_DEFAULTED",
    "SE_OWNER_DEFAULTED",
    "SE_RM_CONTROL_VALID",
    "SE_SACL_AUTO_INHERITED",
    "SE_SACL_AUTO_INHERIT_REQ",
    "SE_SACL_DEFAULTED",
    "SE_SACL_PRESENT",
    "SE_SACL_PROTECTED",
    "SE_SELF_RELATIVE",
    "SYSTEM_ALARM_ACE_TYPE",
    "SYSTEM_ALARM_OBJECT_ACE_TYPE",
    "SYSTEM_AUDIT_ACE_TYPE",
    "SYSTEM_AUDIT_OBJECT_ACE_TYPE",
    "SYSTEM_MANDATORY_LABEL_ACE_TYPE",
    "SYSTEM_SCOPED_POLICY_ID_ACE_TYPE",
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
