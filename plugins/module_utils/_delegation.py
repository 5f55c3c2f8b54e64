# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Delegated rights in a container: the rights this collection needs, granted to a trustee as ACEs.

What the AD team does with the Delegation of Control wizard, as data: each right is a few object-specific
ACCESS_ALLOWED_OBJECT_ACEs (MS-DTYP 2.4.4.3) on the container's ``nTSecurityDescriptor``, shaped as the
wizard writes them (its delegwiz.inf templates):

- creating and deleting objects of a class: ADS_RIGHT_DS_CREATE_CHILD | ADS_RIGHT_DS_DELETE_CHILD with the
  class's schemaIDGUID as ObjectType, CONTAINER_INHERIT_ACE so it holds in the container and below;
- writing an attribute of objects of a class: ADS_RIGHT_DS_WRITE_PROP with the attribute's schemaIDGUID as
  ObjectType and the class's as InheritedObjectType, CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE so it applies
  to those objects only, never to the container (MS-ADTS 5.1.3.2, 5.1.3.3.3 for the access checks).

Only the DACL is read and written, through the LDAP_SERVER_SD_FLAGS_OID control with
DACL_SECURITY_INFORMATION (MS-ADTS 3.1.1.3.4.1.11): the owner, group and SACL are neither read nor touched,
and a write of the DACL alone needs WRITE_DAC on the container and nothing more. Every other ACE keeps its
place and bytes; new ACEs go after the explicit ones (_sd.add_explicit_aces).

Round trips: rootDSE and domain facts (3 searches, the client reads them once), the trustee (1 search), the
container's DACL with ``sDRightsEffective`` (1 search), and one modify when something changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from ._adobject import validate_dn
from ._errors import GmsaError, ValidationError
from ._ldap import Entry
from ._principals import Principal, lookup_principals, resolve
from ._sd import (
    ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    ADS_RIGHT_DS_CREATE_CHILD,
    ADS_RIGHT_DS_DELETE_CHILD,
    ADS_RIGHT_DS_READ_PROP,
    ADS_RIGHT_DS_WRITE_PROP,
    CONTAINER_INHERIT_ACE,
    INHERIT_ONLY_ACE,
    SE_DACL_PRESENT,
    Acl,
    ObjectAce,
    SecurityDescriptor,
    ace_to_sddl,
    add_explicit_aces,
    remove_explicit_aces,
    sd_from_bytes,
    sd_to_bytes,
)
from ._sid import is_sid_string, normalize_sid

# LDAP_SERVER_SD_FLAGS_OID (MS-ADTS 3.1.1.3.4.1.11): its value is the BER encoding of
# SEQUENCE { Flags INTEGER }, here DACL_SECURITY_INFORMATION (0x4, MS-DTYP 2.4.7). Critical, so a server that
# does not know the control refuses the request instead of reading or writing the whole descriptor.
LDAP_SERVER_SD_FLAGS_OID = "1.2.840.113556.1.4.801"
DACL_SECURITY_INFORMATION = 0x4
DACL_ONLY_CONTROL = (LDAP_SERVER_SD_FLAGS_OID, True, bytes((0x30, 0x03, 0x02, 0x01, DACL_SECURITY_INFORMATION)))

# schemaIDGUIDs: fixed by the schema definitions, the same in every forest, and what the lab DC's schema
# holds (the integration target reads them back from CN=Schema). Classes from [MS-ADSC], attributes from
# [MS-ADA1] (A-L), [MS-ADA2] (M) and [MS-ADA3] (N-Z), each in its own section named after it.
CLASS_GUIDS = {
    "msDS-GroupManagedServiceAccount": "7b8b558a-93a5-4af7-adca-c017e67f1057",
    "group": "bf967a9c-0de6-11d0-a285-00aa003049e2",
}
ATTRIBUTE_GUIDS = {
    "description": "bf967950-0de6-11d0-a285-00aa003049e2",
    "dNSHostName": "72e39547-7b18-11d1-adef-00c04fd8d5cd",
    "groupType": "9a9a021e-4a5b-11d1-a9c3-0000f80367c1",
    "managedBy": "0296c120-40da-11d1-a9c0-0000f80367c1",
    "member": "bf9679c0-0de6-11d0-a285-00aa003049e2",
    "msDS-AllowedToActOnBehalfOfOtherIdentity": "3f78c3e5-f79a-46bd-a0b8-9d18116ddc79",
    "msDS-GroupMSAMembership": "888eedd6-ce04-df40-b462-b8a50e41ba38",
    "msDS-SupportedEncryptionTypes": "20119867-1d04-4ab7-9371-cfc3d5df0afd",
    "servicePrincipalName": "f3a64788-5306-11d1-a9c5-0000f80367c1",
    "userAccountControl": "bf967a68-0de6-11d0-a285-00aa003049e2",
}

# The attributes gmsa_account changes on an existing gMSA (sAMAccountName and msDS-ManagedPasswordInterval are
# only written when it is created, which CREATE_CHILD covers: an add is checked against the parent only,
# MS-ADTS 3.1.1.5.2.1.2). tests/unit checks this list against the gMSA attribute table.
GMSA_WRITTEN_ATTRIBUTES = (
    "dNSHostName",
    "description",
    "userAccountControl",
    "servicePrincipalName",
    "msDS-SupportedEncryptionTypes",
    "msDS-GroupMSAMembership",
    "msDS-AllowedToActOnBehalfOfOtherIdentity",
)
# What gmsa_host_group changes on an existing group besides its members (a move, option path, is a rename:
# delete child in the old container and create child in the new one, which create_group grants where both
# containers are delegated).
GROUP_WRITTEN_ATTRIBUTES = ("description", "groupType", "managedBy")

# The container classes the wizard offers delegation on (delegwiz.inf AppliesToClasses).
CONTAINER_CLASSES = ("organizationalUnit", "container", "domainDNS")

_CREATE_DELETE = ADS_RIGHT_DS_CREATE_CHILD | ADS_RIGHT_DS_DELETE_CHILD


@dataclass(frozen=True)
class AceTemplate:
    """One ACE of a right, before the trustee is known: mask, flags, ObjectType and InheritedObjectType names."""

    mask: int
    flags: int
    object_type: str
    inherited_object_type: str | None = None

    def for_sid(self, sid: str) -> ObjectAce:
        object_guid = CLASS_GUIDS.get(self.object_type) or ATTRIBUTE_GUIDS[self.object_type]
        inherited = CLASS_GUIDS[self.inherited_object_type] if self.inherited_object_type else None
        return ObjectAce(ACCESS_ALLOWED_OBJECT_ACE_TYPE, self.flags, self.mask, sid, object_guid, inherited)


def _create_and_delete(object_class: str) -> AceTemplate:
    return AceTemplate(_CREATE_DELETE, CONTAINER_INHERIT_ACE, object_class)


def _on_objects_of(object_class: str, mask: int, attributes: Iterable[str]) -> list[AceTemplate]:
    return [AceTemplate(mask, CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE, a, object_class) for a in attributes]


GMSA = "msDS-GroupManagedServiceAccount"

# The rights, in the order the module documents them. Each is what one module of the collection needs.
RIGHTS: dict[str, tuple[AceTemplate, ...]] = {
    # gmsa_account creating and deleting gMSAs ("Create/Delete msDS-GroupManagedServiceAccount objects").
    "create_gmsa": (_create_and_delete(GMSA),),
    # gmsa_account changing existing gMSAs ("Write <attribute>" on msDS-GroupManagedServiceAccount objects).
    "manage_gmsa": tuple(_on_objects_of(GMSA, ADS_RIGHT_DS_WRITE_PROP, GMSA_WRITTEN_ATTRIBUTES)),
    # gmsa_host_group creating and deleting groups, and changing their description and scope.
    "create_group": (
        _create_and_delete("group"),
        *_on_objects_of("group", ADS_RIGHT_DS_WRITE_PROP, GROUP_WRITTEN_ATTRIBUTES),
    ),
    # gmsa_host_group adding and removing members: the wizard's "Modify the membership of a group" task.
    "manage_group_membership": tuple(
        _on_objects_of("group", ADS_RIGHT_DS_READ_PROP | ADS_RIGHT_DS_WRITE_PROP, ("member",))
    ),
}
RIGHT_NAMES = tuple(RIGHTS)

TRUSTEE_CLASSES = ("group", "user", "computer", "msDS-GroupManagedServiceAccount")


def aces_for(rights: Iterable[str], sid: str) -> list[ObjectAce]:
    """The ACEs that grant ``rights`` to ``sid``, in RIGHTS order, each once."""
    wanted = set(rights)
    unknown = sorted(wanted - set(RIGHTS))
    if unknown:
        raise ValidationError(f"Unknown right(s) {', '.join(unknown)}: use {', '.join(RIGHT_NAMES)}.", option="rights")
    aces = [template.for_sid(sid) for name in RIGHT_NAMES if name in wanted for template in RIGHTS[name]]
    return list(dict.fromkeys(aces))


def right_to_create(object_class: str) -> str | None:
    """The right whose ACEs let a trustee create (and delete) objects of ``object_class``, or None."""
    return next((name for name, templates in RIGHTS.items() for t in templates if t.object_type == object_class), None)


def right_to_write(object_class: str, attribute: str) -> str | None:
    """The right whose ACEs let a trustee write ``attribute`` on objects of ``object_class``, or None.

    For modules that find a right missing (``allowedAttributesEffective``, MS-ADTS 3.1.1.4.5.2) and name it.
    """
    for name, templates in RIGHTS.items():
        for t in templates:
            if t.inherited_object_type == object_class and t.object_type.lower() == attribute.lower():
                return name
    return None


def grant_hint(path: str, rights: Iterable[str], trustee: str | None = None) -> str:
    """The gmsa_delegation task that grants ``rights`` in ``path``, for failure messages."""
    names = [name for name in RIGHT_NAMES if name in set(rights)]
    who = trustee or "<the bind account or its group>"
    return (
        f"Have the AD team run wincontainers.gmsa.gmsa_delegation with path: {path}, trustee: {who}, "
        f"rights: [{', '.join(names)}]."
    )


@dataclass
class DelegationRequest:
    path: str
    trustee: str
    rights: list[str]
    state: str = "present"


@dataclass
class DaclChange:
    """The DACL before and after, and the ACEs that make the difference (a pure plan, no I/O)."""

    before: Acl | None
    after: Acl | None
    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def plan_dacl(dacl: Acl | None, aces: list[ObjectAce], state: str) -> DaclChange:
    """Add the missing ``aces`` (present) or remove the explicit ACEs equal to them (absent)."""
    if state == "present":
        after, added = add_explicit_aces(dacl, aces)
        return DaclChange(dacl, after if added else dacl, added=list(added))
    after_removed, removed = remove_explicit_aces(dacl, aces)
    return DaclChange(dacl, after_removed, removed=list(removed))


def dacl_lines(acl: Acl | None, domain_sid: str | None) -> list[str]:
    """The ACEs of a DACL in SDDL, one per entry, in order."""
    return [] if acl is None else [ace_to_sddl(ace, domain_sid) for ace in acl.aces]


# -- reading and writing -------------------------------------------------------------------------------


def read_container(client: Any, path: str) -> Entry:
    """The container's objectClass, DACL (only) and sDRightsEffective, in one base search."""
    entry = client.search(
        path,
        "(objectClass=*)",
        ["objectClass", "nTSecurityDescriptor", "sDRightsEffective"],
        scope="base",
        controls=[DACL_ONLY_CONTROL],
    )
    if not entry:
        raise GmsaError(
            f"The container {path} does not exist (or the bind account cannot see it).",
            hint="Give the DN of an existing OU or container in path; create the OU first.",
            dn=path,
        )
    found = entry[0]
    classes = {c.lower() for c in found.texts("objectClass")}
    if not classes & {c.lower() for c in CONTAINER_CLASSES}:
        kind = found.texts("objectClass")[-1] if classes else "object"
        raise GmsaError(
            f"{path} is a {kind}, not an OU or container: there is nothing to create objects in.",
            hint=f"Give the DN of an object of class {', '.join(CONTAINER_CLASSES)}.",
            dn=path,
        )
    return found


def _container_dacl(entry: Entry) -> SecurityDescriptor:
    raw = entry.first("nTSecurityDescriptor")
    if raw is None:
        raise GmsaError(
            f"The bind account cannot read the permissions of {entry.dn} (READ_CONTROL).",
            hint="Bind as an account that may read and change the container's permissions (Domain Admins, "
            "the OU's owner, or an account granted 'Read permissions' and 'Modify permissions' on it).",
            dn=entry.dn,
        )
    try:
        return sd_from_bytes(raw)
    except ValueError as exc:
        raise GmsaError(f"The security descriptor of {entry.dn} cannot be parsed: {exc}", dn=entry.dn) from None


def require_write_dac(entry: Entry) -> None:
    """Fail, before any write, when the bind account may not change the container's DACL.

    ``sDRightsEffective`` (MS-ADTS 3.1.1.4.5.21) holds DACL_SECURITY_INFORMATION exactly when the requester
    has WRITE_DAC on the object, so this tells in check mode too whether the write would be refused.
    """
    effective = entry.integer("sDRightsEffective")
    if effective is None or effective & DACL_SECURITY_INFORMATION:
        return
    raise GmsaError(
        f"The bind account may not change the permissions of {entry.dn}: it lacks WRITE_DAC ('Modify "
        "permissions') there, so the delegation cannot be written.",
        hint="Run gmsa_delegation as the AD team's account (Domain Admins, or the OU's owner), not as the "
        "delegated account.",
        dn=entry.dn,
        missing_right="WRITE_DAC",
        result="insufficientAccessRights",
    )


def write_dacl(client: Any, dn: str, sd: SecurityDescriptor, dacl: Acl | None) -> None:
    blob = sd_to_bytes(replace(sd, dacl=dacl, control=sd.control | SE_DACL_PRESENT))
    try:
        # Without the DACL-only SD flags control the DC would take the missing owner and group as "set them
        # from the bind account" (MS-ADTS 3.1.1.5.3.3 and Samba's descriptor module use OWNER|GROUP|DACL|SACL
        # when the control is absent).
        client.modify(dn, {"nTSecurityDescriptor": [("replace", [blob])]}, controls=[DACL_ONLY_CONTROL])
    except GmsaError as exc:
        if exc.details.get("result_code") == 50:
            exc.hint = (
                f"The bind account needs WRITE_DAC ('Modify permissions') on {dn}: run the delegation as the AD "
                "team's account (Domain Admins or the OU's owner)."
            )
        raise


# -- the task ---------------------------------------------------------------------------------------------


@dataclass
class DelegationOutcome:
    changed: bool
    result: dict[str, Any]
    diff: dict[str, Any] | None = None


def find_trustee(client: Any, request: DelegationRequest, warn: Callable[[str], None]) -> Principal | None:
    """The trustee; None only when removing rights of a SID that no longer resolves (its ACEs may remain)."""
    index = lookup_principals(client, [request.trustee])
    action = "ignore" if request.state == "absent" and is_sid_string(request.trustee) else "fail"
    # gmsa_delegation has no lookup_failure_action: a trustee that does not exist always fails the task.
    found = resolve(
        index, [request.trustee], action, warn, "trustee", allowed_classes=TRUSTEE_CLASSES, action_option=None
    )
    return found[0] if found else None


def ensure_delegation(
    client: Any, request: DelegationRequest, check_mode: bool, warn: Callable[[str], None]
) -> DelegationOutcome:
    """Grant (present) or withdraw (absent) ``request.rights`` on ``request.path`` for ``request.trustee``."""
    if not request.rights:
        raise ValidationError("rights is empty: name at least one of " + ", ".join(RIGHT_NAMES) + ".", option="rights")
    validate_dn("path")(request.path)
    principal = find_trustee(client, request, warn)
    sid = principal.sid if principal else normalize_sid(request.trustee)
    aces = aces_for(request.rights, sid)
    entry = read_container(client, request.path)
    sd = _container_dacl(entry)
    plan = plan_dacl(sd.dacl, aces, request.state)
    domain_sid = client.domain.sid
    if plan.changed:
        require_write_dac(entry)
        if not check_mode:
            write_dacl(client, entry.dn, sd, plan.after)
    result = {
        "path": entry.dn,
        "state": request.state,
        "trustee": principal.as_dict() if principal else {"name": None, "sid": sid},
        "rights": [name for name in RIGHT_NAMES if name in set(request.rights)],
        "aces": [ace_to_sddl(ace, domain_sid) for ace in aces],
        "aces_added": [ace_to_sddl(ace, domain_sid) for ace in plan.added],
        "aces_removed": [ace_to_sddl(ace, domain_sid) for ace in plan.removed],
    }
    diff = None
    if plan.changed:
        before, after = dacl_lines(plan.before, domain_sid), dacl_lines(plan.after, domain_sid)
        diff = {
            "before_header": f"DACL of {entry.dn}",
            "after_header": f"DACL of {entry.dn}",
            "before": "".join(line + "\n" for line in before),
            "after": "".join(line + "\n" for line in after),
        }
    return DelegationOutcome(plan.changed, result, diff)
