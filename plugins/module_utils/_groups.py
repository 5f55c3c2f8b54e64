# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security groups of container hosts: the group a gMSA lets retrieve its password, and its members.

A converged group costs one search for the group and one for the principals the task names; a change costs
one write (an add, or one modify carrying every attribute change). Scope changes between global and domain
local go through universal, as AD requires (MS-ADTS 3.1.1.5.3.5 / 3.1.1.5.2.4), which costs one more write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ._errors import GmsaError
from ._ldap import Entry, escape_dn_value, escape_filter
from ._listopts import apply_list_option, is_given, list_changes, option_values
from ._principals import lookup_principals, parent_dn, resolve
from ._rules import group_name
from ._sid import guid_from_bytes, sid_from_bytes

# groupType bits (MS-ADTS 2.2.13 / MS-SAMR 2.2.1.11): scope, plus the security bit; always a security group.
GROUP_SCOPE_BITS = {"global": 0x2, "domainlocal": 0x4, "universal": 0x8}
SECURITY_ENABLED = 0x80000000
GROUP_SCOPES = ("domainlocal", "global", "universal")

GROUP_ATTRIBUTES = ("objectClass", "sAMAccountName", "groupType", "description", "member", "objectSid", "objectGUID")

MEMBER_CLASSES = ("computer", "group", "user", "msDS-GroupManagedServiceAccount")

TICKET_REFRESH_WARNING = (
    "Membership of {group} changed. Hosts only see a new group membership once their Kerberos tickets are "
    "refreshed: run `klist -li 0x3e7 purge` on each affected host (or reboot it) before it retrieves the gMSA password."
)

PLACEHOLDER = "(assigned by the domain controller on creation)"


def group_type(scope: str) -> int:
    """The signed 32-bit groupType of a security group of ``scope``, as AD stores it."""
    value = SECURITY_ENABLED | GROUP_SCOPE_BITS[scope]
    return value - (1 << 32)


def scope_of(group_type_value: int | None) -> str | None:
    if group_type_value is None:
        return None
    return next((name for name, bit in GROUP_SCOPE_BITS.items() if group_type_value & bit), None)


def is_security_group(group_type_value: int | None) -> bool:
    return group_type_value is not None and bool(group_type_value & SECURITY_ENABLED)


def scope_steps(current: str, wanted: str) -> list[str]:
    """The scopes to write in order: AD does not convert between global and domain local directly."""
    if current == wanted:
        return []
    if {current, wanted} == {"global", "domainlocal"}:
        return ["universal", wanted]
    return [wanted]


def validate_group_name(name: str) -> None:
    """Raise ValidationError when AD would refuse ``name`` as a group sAMAccountName and cn (``_rules.group_name``)."""
    group_name(name, option="name")


@dataclass
class GroupRequest:
    name: str
    state: str = "present"
    path: str | None = None
    scope: str | None = None
    description: str | None = None
    members: dict[str, Any] | None = None
    lookup_failure_action: str = "fail"


@dataclass
class GroupOutcome:
    changed: bool
    result: dict[str, Any]
    diff: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


def find_group(client: Any, name: str) -> Entry | None:
    """The object whose sAMAccountName is ``name``; fails when it is not a group."""
    entries = client.search(client.domain.domain_dn, f"(sAMAccountName={escape_filter(name)})", GROUP_ATTRIBUTES)
    if not entries:
        return None
    entry = entries[0]
    classes = [c.lower() for c in entry.texts("objectClass")]
    if "group" not in classes:
        kind = entry.texts("objectClass")[-1] if classes else "object"
        raise GmsaError(
            f"{name} is already the name of a {kind}, not a group: {entry.dn}.",
            hint="Choose another group name, or rename or remove that object.",
            dn=entry.dn,
        )
    return entry


def _state(entry: Entry | None) -> dict[str, Any]:
    if entry is None:
        return {}
    return {
        "scope": scope_of(entry.integer("groupType")),
        "description": entry.text("description"),
        "members": sorted(entry.texts("member"), key=str.lower),
    }


def ensure_group(client: Any, request: GroupRequest, check_mode: bool, warn: Callable[[str], None]) -> GroupOutcome:
    entry = find_group(client, request.name)
    if request.state == "absent":
        return _ensure_absent(client, request, entry, check_mode)

    domain = client.domain
    index = lookup_principals(client, option_values(request.members))
    members_option = request.members or {}
    add = resolve(
        index,
        members_option.get("add") or [],
        request.lookup_failure_action,
        warn,
        f"members of {request.name}",
        MEMBER_CLASSES,
    )
    set_to = None
    if members_option.get("set") is not None:
        set_to = resolve(
            index,
            members_option["set"],
            request.lookup_failure_action,
            warn,
            f"members of {request.name}",
            MEMBER_CLASSES,
        )
    # A principal that does not exist cannot be a member: removing it needs no lookup failure.
    remove = [p for p in (index.find(i) for i in members_option.get("remove") or []) if p is not None]

    current_members = entry.texts("member") if entry else []
    members = current_members
    if is_given(request.members):
        members = apply_list_option(
            current_members,
            None,
            key=str.lower,
            add=[p.dn for p in add],
            remove=[p.dn for p in remove],
            set_to=[p.dn for p in set_to] if set_to is not None else None,
        )
    added, removed = list_changes(current_members, members, key=str.lower)

    if entry is None:
        path = request.path or domain.users_dn
        dn = f"CN={escape_dn_value(request.name)},{path}"
        scope = request.scope or "domainlocal"
        attributes: dict[str, Any] = {"sAMAccountName": request.name, "groupType": str(group_type(scope))}
        if request.description:
            attributes["description"] = request.description
        if members:
            attributes["member"] = members
        if not check_mode:
            _write(client, "add", dn, path, lambda: client.add(dn, "group", attributes))
            created = client.read(dn, ["objectSid", "objectGUID"])
            sid = sid_from_bytes(created.first("objectSid")) if created else PLACEHOLDER
            guid = guid_from_bytes(created.first("objectGUID")) if created else PLACEHOLDER
        else:
            sid = guid = PLACEHOLDER
        after = {"scope": scope, "description": request.description, "members": sorted(members, key=str.lower)}
        warnings = [TICKET_REFRESH_WARNING.format(group=request.name)] if members else []
        return GroupOutcome(
            True,
            _result(request.name, dn, sid, guid, after, added, removed),
            {"before": {"state": "absent"}, "after": {"state": "present", **after}},
            warnings,
        )

    before = _state(entry)
    warnings = []
    if request.path and parent_dn(entry.dn).lower() != request.path.lower():
        warnings.append(
            f"Group {request.name} is in {parent_dn(entry.dn)}, not in path {request.path}; "
            "this module does not move groups."
        )
    if not is_security_group(entry.integer("groupType")):
        warnings.append(
            f"{request.name} is a distribution group; a distribution group cannot grant access to a gMSA password."
        )
    changes: dict[str, list[tuple[str, list[Any]]]] = {}
    if request.description is not None and (before["description"] or "") != request.description:
        changes["description"] = [("replace", [request.description] if request.description else [])]
    if added or removed:
        changes["member"] = ([("add", added)] if added else []) + ([("delete", removed)] if removed else [])
    steps = scope_steps(before["scope"], request.scope) if request.scope and before["scope"] else []
    after = dict(before)
    if request.description is not None:
        after["description"] = request.description or None
    after["members"] = sorted(members, key=str.lower)
    if steps:
        after["scope"] = steps[-1]
    changed = bool(changes or steps)
    if changed and not check_mode:
        for step in steps[:-1]:
            _write(
                client,
                "modify",
                entry.dn,
                None,
                lambda s=step: client.modify(entry.dn, {"groupType": [("replace", [str(group_type(s))])]}),
            )
        if steps:
            changes["groupType"] = [("replace", [str(group_type(steps[-1]))])]
        _write(client, "modify", entry.dn, None, lambda: client.modify(entry.dn, changes))
    if added or removed:
        warnings.append(TICKET_REFRESH_WARNING.format(group=request.name))
    result = _result(
        entry.text("sAMAccountName") or request.name,
        entry.dn,
        sid_from_bytes(entry.first("objectSid")),
        guid_from_bytes(entry.first("objectGUID")),
        after,
        added,
        removed,
    )
    return GroupOutcome(changed, result, {"before": before, "after": after} if changed else None, warnings)


def _ensure_absent(client: Any, request: GroupRequest, entry: Entry | None, check_mode: bool) -> GroupOutcome:
    if entry is None:
        return GroupOutcome(False, {"name": request.name, "state": "absent"})
    if not check_mode:
        _write(client, "delete", entry.dn, None, lambda: client.delete(entry.dn))
    return GroupOutcome(
        True,
        {"name": request.name, "state": "absent", "distinguished_name": entry.dn},
        {"before": {"state": "present", **_state(entry)}, "after": {"state": "absent"}},
    )


def _result(name, dn, sid, guid, after, added, removed) -> dict[str, Any]:
    return {
        "name": name,
        "state": "present",
        "distinguished_name": dn,
        "sid": sid,
        "object_guid": guid,
        "scope": after["scope"],
        "description": after["description"],
        "members": after["members"],
        "members_added": added,
        "members_removed": removed,
    }


def _write(client: Any, operation: str, dn: str, container: str | None, call: Callable[[], None]) -> None:
    try:
        call()
    except GmsaError as exc:
        if exc.details.get("result_code") == 50:
            if operation == "add":
                exc.hint = f"The bind account needs the 'Create Group objects' permission on {container}."
            elif operation == "delete":
                exc.hint = f"The bind account needs the 'Delete' permission on {dn}."
            else:
                exc.hint = f"The bind account needs 'Write Members' (and write property) permission on {dn}."
        raise
