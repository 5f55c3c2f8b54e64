# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running the engine against a DC: converge() (look up, plan, check, write, read back) and the one executor.

``converge`` costs a fixed number of searches whatever the number of objects: one ``_lookup`` search for every
object of the task, one ``_principals`` search for every principal the task names or the objects already
name by SID (none when there are none), and, after writes, one search reading back what the DC assigned to
new objects. Then one operation per planned LDAP operation (``_adobject.plan_object``): an add, a move, one
modify carrying every attribute change (plus one per intermediate step AD requires), or a delete; nothing for
a converged object. Every check runs before the first write, so a task that fails for bad input changes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Callable

from ._adobject import (
    ADD,
    DELETE,
    MODIFY,
    MOVE,
    ObjectKind,
    ObjectPlan,
    ObjectRequest,
    Operation,
    PlanContext,
    Row,
    plan_object,
)
from ._errors import GmsaError
from ._ldap import Entry, parent_dn
from ._listopts import option_values
from ._lookup import NameLookup, find_by_sam_account_name
from ._principals import PrincipalIndex, lookup_principals
from ._sid import guid_from_bytes, sid_from_bytes


def find(
    client: Any, kind: ObjectKind, names: Iterable[str] | None, extra: Iterable[str] = (), **options: Any
) -> NameLookup:
    """The kind's objects named ``names``, with every attribute of its table and ``extra`` (``_lookup``; one
    search). ``options`` go to ``find_by_sam_account_name`` (``wildcards``, ``base``, ``bare_too``)."""
    attributes = [*kind.attributes, *extra]
    return find_by_sam_account_name(
        client, names, kind.object_class, suffix=kind.suffix, attributes=attributes, **options
    )


# -- the executor -------------------------------------------------------------------------------------------


def permission_hint(kind: ObjectKind, operation: Operation) -> str:
    """What the bind account lacks when the DC answers insufficientAccessRights (50) to ``operation``."""
    container, name = parent_dn(operation.dn), kind.permission_name
    if operation.kind == ADD:
        return (
            f"The bind account needs the 'Create {name} objects' permission on {container} (delegate it, or use a "
            "Domain Admins account)."
        )
    if operation.kind == DELETE:
        return f"The bind account needs the 'Delete {name} objects' permission on {container}."
    if operation.kind == MOVE:
        return (
            f"Moving needs the 'Delete {name} objects' permission on {container} and the 'Create {name} objects' "
            f"permission on {operation.new_parent}."
        )
    return f"The bind account needs permission to write {', '.join(operation.changes)} on {operation.dn}."


def send(client: Any, kind: ObjectKind, operation: Operation) -> None:
    """Send one planned operation; a refusal for lack of rights gets the kind's permission hint."""
    try:
        if operation.kind == ADD:
            client.add(operation.dn, kind.object_class, dict(operation.attributes))
        elif operation.kind == MODIFY:
            client.modify(operation.dn, dict(operation.changes))
        elif operation.kind == MOVE:
            client.move(operation.dn, operation.new_parent or "")
        else:
            client.delete(operation.dn)
    except GmsaError as exc:
        if exc.details.get("result_code") == 50:
            exc.hint = permission_hint(kind, operation)
        elif exc.details.get("result_code") == 19 and "modified as system" in exc.message:
            # Samba enforces systemOnly on modify (MS-ADTS 3.1.1.5.3.2) for attributes Windows DCs let
            # clients write, and it does not take the relax control over LDAP; an add is not checked.
            exc.hint = (
                f"This DC lets only itself change {', '.join(operation.changes)} of an existing object (Samba "
                f"enforces systemOnly): give the value when the {kind.object_noun} is created, or change it on the "
                "DC itself (samba-tool)."
            )
        raise


Explain = Callable[[GmsaError, ObjectPlan, Operation], GmsaError]


def execute(
    client: Any, plans: list[ObjectPlan], explain: Explain | None = None, progress: str | None = None
) -> list[ObjectPlan]:
    """Run every plan's operations in order; the plans written. ``explain`` may turn a failure into a clearer
    error; ``progress`` names the detail that lists, on failure, the objects already written."""
    written: list[ObjectPlan] = []
    for plan in plans:
        for operation in plan.operations:
            try:
                send(client, plan.kind, operation)
            except GmsaError as exc:
                error = explain(exc, plan, operation) if explain else exc
                if progress:
                    error.details.setdefault(progress, [p.request.name for p in written])
                raise error from None
        if plan.operations:
            written.append(plan)
    return written


# -- converge ----------------------------------------------------------------------------------------------


def principal_identities(kind: ObjectKind, requests: list[ObjectRequest]) -> list[str]:
    """Every principal the task's present requests name, for the one principal search."""
    names = []
    for request in requests:
        if request.state != "present":
            continue
        for row in kind.rows:
            value = request.options.get(row.option)
            if row.principals is None or not row.given(value):
                continue
            names.extend(option_values(value) if row.list_key else [value] if value else [])
    return names


def principal_sids(kind: ObjectKind, requests: list[ObjectRequest], entries: dict[str, Entry | None]) -> list[str]:
    """The SIDs existing objects already name in SID-stored rows (to report them by name)."""
    sids: set[str] = set()
    for request in requests:
        entry = entries.get(request.name.lower())
        if entry is None or request.state != "present":
            continue
        for row in kind.rows:
            if row.principals is not None and row.principals.store == "sid":
                sids.update(row.read(entry))
    return sorted(sids)


@dataclass
class Converged:
    """The plans of a converge, the objects it created as the DC holds them, and what to tell the user."""

    plans: list[ObjectPlan]
    index: PrincipalIndex
    created: dict[str, Entry] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(plan.changed for plan in self.plans)


def converge(
    client: Any,
    kind: ObjectKind,
    requests: list[ObjectRequest],
    lookup_failure_action: str,
    check_mode: bool,
    before_write: Callable[[Any, list[ObjectPlan]], None] | None = None,
    explain: Explain | None = None,
    progress: str | None = None,
) -> Converged:
    """Bring every requested object of ``kind`` to its wanted state (see the module docstring for the budget).

    ``before_write(client, plans)`` runs the kind's own checks after planning, before any write.
    """
    lookup = find(client, kind, [r.name for r in requests])
    entries: dict[str, Entry | None] = {}
    for request in requests:
        other = lookup.conflict(request.name)
        if other is not None:
            raise kind.conflict_error(request.name, other)
        entries[request.name.lower()] = lookup.entry(request.name)
    index = lookup_principals(client, principal_identities(kind, requests), principal_sids(kind, requests, entries))
    context = PlanContext(client.domain, index, lookup_failure_action)
    plans = [plan_object(kind, entries[r.name.lower()], r, context) for r in requests]
    if before_write is not None:
        before_write(client, plans)
    outcome = Converged(plans, index, warnings=context.warnings)
    if not check_mode:
        written = execute(client, plans, explain, progress)
        new = [plan.request.name for plan in written if plan.creates]
        # One more search reads back what the DC assigned to new objects (SID, GUID, defaults it filled in).
        if new:
            outcome.created = find(client, kind, new).by_name()
    return outcome


# -- results and diffs --------------------------------------------------------------------------------------


def present(row: Row, value: Any, index: PrincipalIndex) -> Any:
    """An option's value as a module returns it (principals by SID as ``{name, sid}``)."""
    if row.principals is not None and row.principals.store == "sid":
        return [index.describe_sid(sid) for sid in value or []]
    if row.present is not None:
        return row.present(value)
    return value


def diff_view(row: Row, value: Any, index: PrincipalIndex) -> Any:
    """An option's value as a diff shows it (principals by SID by their name)."""
    if row.principals is not None and row.principals.store == "sid":
        return [index.describe_sid(sid)["name"] or sid for sid in value or []]
    return present(row, value, index)


def describe_entry(kind: ObjectKind, entry: Entry, index: PrincipalIndex) -> dict[str, Any]:
    """The fields a module returns for an object that exists."""
    values = {row.option: row.read(entry) for row in kind.rows}
    return describe(kind, kind.name_of(entry), entry.dn, values, index, entry)


def describe(
    kind: ObjectKind, name: str, dn: str, values: dict[str, Any], index: PrincipalIndex, entry: Entry | None
) -> dict[str, Any]:
    """Name, state, DN, SID and GUID, then every returned row.

    The DC assigns the SID and GUID when it creates the object, so for one not created yet (check mode) both
    are None: unknown, never a made-up value (microsoft.ad returns S-1-5-0000 and a GUID of zeros there).
    """
    result: dict[str, Any] = {
        "name": name,
        "state": "present",
        "distinguished_name": dn,
        "sid": None,
        "object_guid": None,
    }
    if entry is not None:
        sid, guid = entry.first("objectSid"), entry.first("objectGUID")
        result["sid"] = sid_from_bytes(sid) if sid else None
        result["object_guid"] = guid_from_bytes(guid) if guid else None
    for row in kind.rows:
        if row.returned:
            result[row.option] = present(row, values.get(row.option), index)
    return result


def plan_result(plan: ObjectPlan, index: PrincipalIndex, created: Entry | None = None) -> dict[str, Any]:
    """What the module returns for one request after ``plan`` (``created``: the new object as read back)."""
    kind, request = plan.kind, plan.request
    if request.state == "absent":
        result: dict[str, Any] = {"name": request.name, "state": "absent"}
        if plan.entry is not None:
            result["distinguished_name"] = plan.entry.dn
        return result
    if created is not None:
        return describe_entry(kind, created, index)
    name = kind.name_of(plan.entry) if plan.entry is not None else request.name
    return describe(kind, name, plan.dn, plan.after, index, plan.entry)


def plan_diff(plan: ObjectPlan, index: PrincipalIndex) -> dict[str, Any]:
    """``{before, after}``: the whole object when it is created or deleted, else the options that change."""
    rows = plan.kind.rows
    if plan.deletes:
        before = {"state": "present", **{r.option: diff_view(r, plan.before[r.option], index) for r in rows}}
        return {"before": before, "after": {"state": "absent"}}
    if plan.creates:
        after = {"state": "present", **{r.option: diff_view(r, plan.after[r.option], index) for r in rows}}
        return {"before": {"state": "absent"}, "after": after}
    changed = [r for r in rows if r.option in plan.changed_options]
    return {
        "before": {r.option: diff_view(r, plan.before[r.option], index) for r in changed},
        "after": {r.option: diff_view(r, plan.after[r.option], index) for r in changed},
    }
