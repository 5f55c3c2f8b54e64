# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security groups of container hosts: the group kind and its attribute table, run by the object engine.

A converged task costs one search for all its groups and one for the principals they name, whatever the
number of groups (``converge_groups``, for one group or a list); a change costs one write
per group (an add, or one modify carrying every attribute change). Scope changes between global and domain
local go through universal, as AD requires (MS-ADTS 3.1.1.5.3.5 / 3.1.1.5.2.4): the scope row's ``steps``,
which cost one more write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._adcodecs import TEXT, TEXTS, Codec, same_dn, same_set_by, same_text
from ._adobject import ADD_DELETE, PATH_ROW, ObjectKind, ObjectPlan, ObjectRequest, Principals, Row
from ._adwrite import converge, plan_diff, plan_result
from ._ldap import WKGUID_USERS, Entry
from ._listopts import list_option_spec
from ._principals import PrincipalIndex
from ._rules import group_name

# groupType bits (MS-ADTS 2.2.13 / MS-SAMR 2.2.1.11): scope, plus the security bit; always a security group.
GROUP_SCOPE_BITS = {"global": 0x2, "domainlocal": 0x4, "universal": 0x8}
SECURITY_ENABLED = 0x80000000
GROUP_SCOPES = ("domainlocal", "global", "universal")

MEMBER_CLASSES = ("computer", "group", "user", "msDS-GroupManagedServiceAccount")

TICKET_REFRESH_WARNING = (
    "Membership of {group} changed. Hosts only see a new group membership once their Kerberos tickets are "
    "refreshed: run `klist -li 0x3e7 purge` on each affected host (or reboot it) before it retrieves the gMSA password."
)


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


def scope_steps(current: str | None, wanted: str) -> list[str]:
    """The scopes to write in order: AD does not convert between global and domain local directly."""
    if current == wanted:
        return []
    if {current, wanted} == {"global", "domainlocal"}:
        return ["universal", wanted]
    return [wanted]


GROUP_SCOPE = Codec(
    lambda values: scope_of(int(values[0]) if values else None),
    lambda scope, _current: [str(group_type(scope))],
)
"""groupType read as its scope; written as a security group of that scope."""


def _sorted_dns(values: list[str] | None) -> list[str]:
    return sorted(values or [], key=str.lower)


ROWS: tuple[Row, ...] = (
    PATH_ROW,
    Row(
        "scope",
        "groupType",
        {"type": "str", "choices": list(GROUP_SCOPES)},
        GROUP_SCOPE,
        default=lambda _new: "domainlocal",
        steps=scope_steps,
    ),
    Row("description", "description", {"type": "str"}, TEXT, same=same_text, normalize=lambda v: v or None),
    Row(
        "members",
        "member",
        list_option_spec(principals=True),
        TEXTS,
        same=same_set_by(str.lower),
        list_key=str.lower,
        principals=Principals("dn", MEMBER_CLASSES),
        write=ADD_DELETE,
        present=_sorted_dns,
    ),
    Row("managed_by", "managedBy", {"type": "str"}, TEXT, same=same_dn, principals=Principals("dn", MEMBER_CLASSES)),
)

HOST_GROUP = ObjectKind(
    object_class="group",
    noun="group",
    object_noun="group",
    rows=ROWS,
    container_guid=WKGUID_USERS,
    container_fallback="CN=Users",
    name_rule=lambda name: group_name(name, option="name"),
    permission_name="Group",
    conflict_text="{name} is already the name of a {other}, not a group: {dn}.",
)


@dataclass
class GroupsOutcome:
    """The groups of a bulk task: one result per request, in order (each with ``changed``), the diffs of those
    that change (``{name, before, after}``) and the warnings of the whole task."""

    groups: list[dict[str, Any]]
    diffs: list[dict[str, Any]]
    warnings: list[str]

    @property
    def changed(self) -> bool:
        return any(group["changed"] for group in self.groups)


def group_result(plan: ObjectPlan, index: PrincipalIndex, created: Entry | None) -> dict[str, Any]:
    """What the module returns for one group after ``plan``: the engine's result, the members added and removed."""
    result = plan_result(plan, index, created)
    if plan.request.state == "present":
        added, removed = plan.list_changes("members")
        result.update(members_added=added, members_removed=removed)
    return result


def group_warnings(plans: list[ObjectPlan]) -> list[str]:
    """Distribution groups among the plans, then one ticket refresh warning naming every group whose
    membership changes."""
    warnings = []
    refreshed = []
    for plan in plans:
        if plan.request.state != "present":
            continue
        entry = plan.entry
        if entry is not None and not is_security_group(entry.integer("groupType")):
            warnings.append(
                f"{plan.request.name} is a distribution group; a distribution group cannot grant access to a gMSA "
                "password."
            )
        if any(plan.list_changes("members")):
            refreshed.append(plan.request.name)
    if refreshed:
        warnings.append(TICKET_REFRESH_WARNING.format(group=", ".join(refreshed)))
    return warnings


def converge_groups(
    client: Any,
    requests: list[ObjectRequest],
    lookup_failure_action: str,
    check_mode: bool,
) -> GroupsOutcome:
    """Bring every requested group to its wanted state: one search for all groups, one for every principal
    they name, one write per group that changes (see the module docstring). A write that fails names the groups
    already written (the engine's ``written``, ``_adwrite.partial_failure``)."""
    outcome = converge(client, HOST_GROUP, requests, lookup_failure_action, check_mode)
    groups = []
    for plan in outcome.plans:
        result = group_result(plan, outcome.index, outcome.created.get(plan.request.name.lower()))
        groups.append({**result, "changed": plan.changed})
    diffs = [{"name": p.request.name, **plan_diff(p, outcome.index)} for p in outcome.plans if p.changed]
    return GroupsOutcome(groups, diffs, [*outcome.warnings, *group_warnings(outcome.plans)])
