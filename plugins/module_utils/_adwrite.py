# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running the engine against a DC: converge() (look up, plan, check, write, read back) and the one executor.

``converge`` costs a fixed number of searches whatever the number of objects: one ``_lookup`` search for every
object of the task, one ``_principals`` search for every principal the task names or the objects already
name by SID (none when there are none; two when existing objects gain principals they did not name), one search
per container the task creates objects in or moves them to (``_containers``: the rights there and the objects in
the way; none when nothing is created or moved), one search for the rights on the objects it modifies (``_rights``;
none when nothing is modified) and, after writes, one search reading back what the DC assigned to new objects.
Then one operation per planned LDAP operation (``_adobject.plan_object``): an add, a move, one modify carrying
every attribute change (plus one per intermediate step AD requires), or a delete; nothing for a converged object.
Every check runs before the first write, so a task that fails for bad input changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
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
from ._containers import read_containers, require_free_names
from ._errors import GmsaError
from ._ldap import Entry, parent_dn, short
from ._listopts import option_values
from ._lookup import NameConflict, NameLookup, find_by_sam_account_name
from ._principals import PrincipalIndex, lookup_principals
from ._rights import require_rights, system_only_hint
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
            # Samba does not take the relax control over LDAP either.
            exc.hint = system_only_hint(operation.changes, kind.object_noun)
        raise
    except Exception as exc:  # ldap3 raises several types when the DC goes away (socket, session terminated)
        raise lost_connection(client, operation, exc) from None


def lost_connection(client: Any, operation: Operation, exc: BaseException) -> GmsaError:
    """The DC stopped answering during ``operation``: whether that one write was applied cannot be known."""
    server = getattr(client, "server_name", None) or "the domain controller"
    return GmsaError(
        f"Lost the connection to {server} during the LDAP {operation.kind} of {operation.dn} ({short(exc)}); "
        "that write may or may not have been applied.",
        hint="Run the task again once a domain controller answers: it re-reads AD and writes only what is still "
        "missing.",
        result="connectionLost",
        dn=operation.dn,
    )


Explain = Callable[[GmsaError, ObjectPlan, Operation], GmsaError]
Replan = Callable[[ObjectPlan], ObjectPlan]

# How many times one object is written when other writers keep changing it between our read and our write.
ATTEMPTS = 3
# Result codes that mean "another writer got there first" (RFC 4511 4.1.9): the exact value a modify deletes
# is gone (noSuchAttribute) or a value it adds is already there (attributeOrValueExists); an add finds the
# object created meanwhile (entryAlreadyExists).
RACE_CODES = {MODIFY: (16, 20), ADD: (68,)}


def raced(exc: GmsaError, operation: Operation) -> bool:
    """Whether the DC refused ``operation`` because another writer changed or created the object first."""
    return exc.details.get("result_code") in RACE_CODES.get(operation.kind, ())


def race_lost(plan: ObjectPlan, operation: Operation, exc: GmsaError) -> GmsaError:
    """The error once ATTEMPTS re-reads and re-plans all lost to other writers."""
    return GmsaError(
        f"{plan.kind.noun} {plan.request.name}: other writers changed {operation.dn} each time this task read and "
        f"wrote it ({ATTEMPTS} attempts, each re-read and re-planned); the last refusal: {exc.message}",
        hint="Run the task again once the other writers (concurrent runs, scripts) are done.",
        **exc.details,
    )


def partial_failure(error: GmsaError, written: list[ObjectPlan], total: int) -> GmsaError:
    """``error`` with what the task wrote before it: ``written`` (names) and ``changed`` in the details, and
    the count in the message, so a bulk task that fails midway says exactly what it changed."""
    names = [plan.request.name for plan in written]
    error.details["written"] = names
    error.details["changed"] = bool(names)
    if names and total > 1:
        noun = written[0].kind.noun
        # The message may end with the DC's own text, which has no full stop ("... already exists").
        error.message = error.message.rstrip() + ("" if error.message.rstrip().endswith((".", "!", "?")) else ".")
        error.message += (
            f" {len(names)} of {total} {noun}(s) were written before this failure ({', '.join(names[:5])}"
            f"{', ...' if len(names) > 5 else ''}; the result's written lists them all)."
        )
    return error


def execute(
    client: Any, plans: list[ObjectPlan], explain: Explain | None = None, replan: Replan | None = None
) -> list[ObjectPlan]:
    """Run every plan's operations in order; the plans as run (one re-planned after a race replaces the first).

    When the DC refuses a write because another writer got there first (:data:`RACE_CODES`: the exact old value a
    modify deletes is gone, or the object a create adds exists now), ``replan(plan)`` re-reads that object and
    plans again from what it holds, up to :data:`ATTEMPTS` times: concurrent runs converge instead of losing an
    update or failing. ``explain`` may turn a failure into a clearer error. Any failure carries what was written
    before it (:func:`partial_failure`).
    """
    ran: list[ObjectPlan] = []
    for plan in plans:
        attempt = 1
        while True:
            operation = None
            try:
                for operation in plan.operations:
                    send(client, plan.kind, operation)
                    plan.sent += 1
                break
            except GmsaError as exc:
                failure: GmsaError = exc
                fresh = None
                if operation is not None and replan is not None and raced(exc, operation):
                    if attempt < ATTEMPTS:
                        try:
                            fresh = replan(plan)
                        except GmsaError as reread:
                            failure = reread
                    else:
                        failure = race_lost(plan, operation, exc)
                # A create refused because the name is taken converges only onto an object of the kind.
                if fresh is None or (operation is not None and operation.kind == ADD and fresh.entry is None):
                    if explain is not None and operation is not None:
                        failure = explain(failure, plan, operation)
                    done = [p for p in [*ran, plan] if p.sent]
                    raise partial_failure(failure, done, len(plans)) from None
                fresh.sent, fresh.retries = plan.sent, plan.retries + 1
                plan, attempt = fresh, attempt + 1
        ran.append(plan)
    return ran


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


def request_context(context: PlanContext, request: ObjectRequest) -> PlanContext:
    """The task's context, with the request's own lookup_failure_action when it has one (warnings shared)."""
    action = request.lookup_failure_action
    if action is None or action == context.lookup_failure_action:
        return context
    return replace(context, lookup_failure_action=action)


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
) -> Converged:
    """Bring every requested object of ``kind`` to its wanted state (see the module docstring for the budget).

    Before any write, in check mode too: no name is held by an object of another class or by several objects
    of the kind (replication conflict copies, ``_lookup.NameConflict``), the bind account holds the rights
    every write needs (``_rights``), no new DN is held by another object (``_containers``), and
    ``before_write(client, plans)`` runs the kind's own checks.
    """
    lookup = find(client, kind, [r.name for r in requests])
    entries = {request.name.lower(): _the_entry(kind, lookup, request.name) for request in requests}
    index = lookup_principals(client, principal_identities(kind, requests), principal_sids(kind, requests, entries))
    context = PlanContext(client.domain, index, lookup_failure_action)
    plans = [plan_object(kind, entries[r.name.lower()], r, request_context(context, r)) for r in requests]
    if any(plan.creates for plan in plans):
        # Creates happen on the write DC only (_ldap/write_server.py); an unreachable one fails here, before any
        # write, in check mode too. The lookup above already moved there when it missed a name.
        client.use_write_server()
    # One search per container the task creates in: may the bind account create there, and is each new DN free
    # (a gMSA and a group of one name cannot share a container). None when nothing is created or moved.
    containers = read_containers(client, plans)
    require_rights(client, plans, containers.allowed_children)
    require_free_names(plans, containers)
    if before_write is not None:
        before_write(client, plans)
    outcome = Converged(plans, index, warnings=context.warnings)
    if check_mode:
        return outcome

    def replan(plan: ObjectPlan) -> ObjectPlan:
        entry = _the_entry(kind, find(client, kind, [plan.request.name]), plan.request.name)
        # The other writer may have named principals this task has not looked up: one search, to report them.
        found = principal_sids(kind, [plan.request], {plan.request.name.lower(): entry})
        unknown = [sid for sid in found if sid not in index.by_sid]
        for principal in lookup_principals(client, [], unknown).by_sid.values() if unknown else ():
            index.add(principal)
        return plan_object(kind, entry, plan.request, request_context(context, plan.request))

    outcome.plans = execute(client, plans, explain, replan)
    new = [plan.request.name for plan in outcome.plans if plan.creates]
    # One more search reads back what the DC assigned to new objects (SID, GUID, defaults it filled in).
    if new:
        try:
            outcome.created = find(client, kind, new).by_name()
        except GmsaError as exc:
            raise partial_failure(exc, [p for p in outcome.plans if p.changed], len(plans)) from None
    return outcome


def _the_entry(kind: ObjectKind, lookup: NameLookup, name: str) -> Entry | None:
    """The one object of ``kind`` holding ``name``; fails when another class or several objects hold it."""
    other = lookup.conflict(name)
    if other is not None:
        raise kind.conflict_error(name, other)
    copies = lookup.copies(name)
    if len(copies) > 1:
        conflict = NameConflict(name + kind.suffix, tuple(copies))
        raise GmsaError(
            f"{kind.noun} {name} is ambiguous: {conflict.describe()}; this task changes nothing until one is left.",
            hint=conflict.remediation(),
            result="ambiguousName",
            conflicts=[conflict.as_dict()],
        )
    return copies[0] if copies else None


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
