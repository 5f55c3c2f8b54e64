# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security groups of container hosts: the group kind and its attribute table, run by the object engine.

A converged group costs one search for the group and one for the principals the task names; a change costs
one write (an add, or one modify carrying every attribute change). Scope changes between global and domain
local go through universal, as AD requires (MS-ADTS 3.1.1.5.3.5 / 3.1.1.5.2.4): the scope row's ``steps``,
which cost one more write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._adcodecs import TEXT, TEXTS, Codec, same_set_by, same_text, same_text_ci
from ._adobject import ADD_DELETE, PATH_ROW, ObjectKind, ObjectRequest, Principals, Row
from ._adwrite import converge, plan_diff, plan_result
from ._ldap import WKGUID_USERS
from ._listopts import list_option_spec
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
    Row(
        "managed_by", "managedBy", {"type": "str"}, TEXT, same=same_text_ci, principals=Principals("dn", MEMBER_CLASSES)
    ),
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
class GroupOutcome:
    changed: bool
    result: dict[str, Any]
    diff: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


def ensure_group(client: Any, request: ObjectRequest, lookup_failure_action: str, check_mode: bool) -> GroupOutcome:
    """Bring one group to ``request`` (members by name, DN or SID, resolved in one search)."""
    outcome = converge(client, HOST_GROUP, [request], lookup_failure_action, check_mode)
    plan = outcome.plans[0]
    result = plan_result(plan, outcome.index, outcome.created.get(request.name.lower()))
    warnings = list(outcome.warnings)
    if request.state == "present":
        added, removed = plan.list_changes("members")
        result.update(members_added=added, members_removed=removed)
        entry = plan.entry
        if entry is not None and not is_security_group(entry.integer("groupType")):
            warnings.append(
                f"{request.name} is a distribution group; a distribution group cannot grant access to a gMSA password."
            )
        if added or removed:
            warnings.append(TICKET_REFRESH_WARNING.format(group=request.name))
    diff = plan_diff(plan, outcome.index) if plan.changed else None
    return GroupOutcome(plan.changed, result, diff, warnings)
