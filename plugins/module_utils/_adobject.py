# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One engine for every AD object kind the collection manages: the kind, its attribute table, and the plan.

An :class:`ObjectKind` says what an object is (its class, the container new ones go to by well-known GUID, its
name rule, the permission a write needs) and carries its table: one :class:`Row` per module option, with the
option's argument spec, its LDAP attribute, a codec (``_adcodecs``), a comparison, a create default and, where
AD needs it, a multi-step write (a group's scope goes through universal) or a move (``path``: LDAP Modify DN).

:func:`plan_object` is pure: the object's current entry (None: it does not exist) and what the task asks for
go in; the exact LDAP operations come out (an add, a move, modifies in order, or a delete), with the option
values before and after. ``_adwrite`` runs the operations and builds results; ``_lookup`` finds the entries.
Adding an option is one row here plus its documentation; ``tests/unit`` holds the docs against the table.
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable

from ._adcodecs import TEXT, Codec, same_dn
from ._errors import GmsaError, ValidationError, bulk_entry
from ._ldap import Entry, dn_is_valid, escape_dn_value, normalize_dn, parent_dn, rdn_of
from ._listopts import apply_list_option, is_given, list_changes, lookup_failure_action
from ._principals import PRINCIPAL_CLASSES, PrincipalIndex, identity_kind, resolve
from ._sid import normalize_sid

REPLACE, ADD_DELETE, MOVE = "replace", "add_delete", "move"
ADD, MODIFY, DELETE = "add", "modify", "delete"


@dataclass(frozen=True)
class Principals:
    """The option names security principals (a name, ``NAME$``, a DN, a SID, a GUID or a UPN), found by the
    task's one principal search (``_principals``) and stored by their ``sid`` or their ``dn``."""

    store: str
    classes: tuple[str, ...] = PRINCIPAL_CLASSES


@dataclass(frozen=True)
class Creation:
    """What a create default sees: the new object's name, the domain, its default container, the values so far."""

    name: str
    domain: Any
    container: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Row:
    """One option of a kind: how the task's value becomes LDAP values of ``attribute`` and back.

    ``list_key`` makes it an ``{add, remove, set}`` option whose elements compare through the key;
    ``normalize`` puts a wanted value in canonical form; ``steps(current, wanted)`` lists the values to write in
    order when AD refuses the direct change (the last is the wanted one); ``write`` is ``replace`` (the whole
    attribute, sent as :func:`rewrite`: delete the exact values read, add the new ones), ``add_delete`` (only the
    values that change, as group membership must be written) or ``move`` (the row is the object's container,
    ``attribute`` unused); ``validate`` checks the task's value before any LDAP call.
    """

    option: str
    attribute: str
    spec: Mapping[str, Any]
    codec: Codec
    same: Callable[[Any, Any], bool] = operator.eq
    default: Callable[[Creation], Any] | None = None
    list_key: Callable[[Any], Hashable] | None = None
    normalize: Callable[[Any], Any] | None = None
    principals: Principals | None = None
    create_only: bool = False
    steps: Callable[[Any, Any], list[Any]] | None = None
    write: str = REPLACE
    validate: Callable[[Any], None] | None = None
    returned: bool = True
    present: Callable[[Any], Any] | None = None

    def read(self, entry: Entry) -> Any:
        if self.write == MOVE:
            return parent_dn(entry.dn)
        return self.codec.decode(entry.values(self.attribute))

    def given(self, value: Any) -> bool:
        return is_given(value) if self.list_key is not None else value is not None


@dataclass(frozen=True)
class ObjectKind:
    """What an object is, where new ones go, how it is named, what a write needs, and its attribute table.

    ``container_guid`` is the well-known GUID of the default container (MS-ADTS 6.1.1.4), ``name_rule`` checks
    and normalizes a name (``_rules``), ``permission_name`` names the class as the delegation wizard does
    ("Create <permission_name> objects"), ``conflict_text`` formats the error when another object holds the name
    (fields ``name``, ``other``, ``dn``). ``create_attributes`` are written on every add before the rows'
    values (a gMSA's userAccountControl starts as a workstation trust account).
    """

    object_class: str
    noun: str
    object_noun: str
    rows: tuple[Row, ...]
    container_guid: str
    container_fallback: str
    name_rule: Callable[[str], str]
    permission_name: str
    conflict_text: str
    suffix: str = ""
    rdn: str = "CN"
    create_attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    identity_attributes: tuple[str, ...] = ("objectSid", "objectGUID")

    def row(self, option: str) -> Row:
        return next(row for row in self.rows if row.option == option)

    @property
    def attributes(self) -> list[str]:
        """What a lookup reads for this kind: every row's attribute and the identity attributes."""
        names = [row.attribute for row in self.rows if row.write != MOVE]
        return list(dict.fromkeys([*names, *self.identity_attributes]))

    def container(self, domain: Any) -> str:
        """The default container's DN, by its well-known GUID (``domain`` is a ``DomainInfo``)."""
        return domain.well_known.get(self.container_guid) or f"{self.container_fallback},{domain.domain_dn}"

    def name_of(self, entry: Entry) -> str:
        """The name the task uses for ``entry``: its sAMAccountName without the kind's suffix."""
        sam = entry.text("sAMAccountName") or ""
        return sam[: -len(self.suffix)] if self.suffix and sam.endswith(self.suffix) else sam

    def conflict_error(self, name: str, other: Entry) -> GmsaError:
        classes = other.texts("objectClass")
        text = self.conflict_text.format(
            name=name + self.suffix, other=classes[-1] if classes else "object", dn=other.dn
        )
        return GmsaError(text, hint=f"Choose another {self.noun} name, or rename or remove that object.", dn=other.dn)


@dataclass
class ObjectRequest:
    """One object as the task wants it: option -> value as given (None, or an empty list option: not managed).

    ``lookup_failure_action`` overrides the task's for this object's principals (None: the task's), as the
    entries of a bulk form may.
    """

    name: str
    state: str = "present"
    options: dict[str, Any] = field(default_factory=dict)
    lookup_failure_action: str | None = None


def validate_request(kind: ObjectKind, request: ObjectRequest) -> ObjectRequest:
    """Check the name (the kind's rule; it may normalize it) and every given option; before any LDAP call."""
    request.name = kind.name_rule(request.name)
    for row in kind.rows:
        value = request.options.get(row.option)
        if row.validate is not None and row.given(value):
            row.validate(value)
    return request


def validate_requests(kind: ObjectKind, requests: list[ObjectRequest], option: str = "accounts") -> list[ObjectRequest]:
    """validate_request for each, and no name twice (compared as AD compares sAMAccountName: ignoring case); a
    name given twice is refused naming both entries, by index and as spelled."""
    seen: dict[str, tuple[int, str]] = {}
    for index, request in enumerate(requests):
        spelled = request.name
        validate_request(kind, request)
        first = seen.setdefault(request.name.lower(), (index, spelled))
        if first[0] != index:
            raise ValidationError(
                f"{kind.noun} {request.name} is listed twice in {option}: {bulk_entry(option, *first)} and "
                f"{bulk_entry(option, index, spelled)} (AD compares names ignoring case).",
                hint="Give each name once, with all its options in one entry.",
                option=option,
            )
    return requests


def validate_dn(option: str) -> Callable[[Any], None]:
    """A row validator: the value is a DN (RFC 4514)."""

    def check(value: Any) -> None:
        if not isinstance(value, str) or "=" not in value or not dn_is_valid(value):
            raise ValidationError(
                f"{option} {value!r} is not a distinguished name.",
                hint="Give the DN of a container or OU, such as OU=Container Hosts,DC=contoso,DC=com.",
                option=option,
            )

    return check


# The object's container, a row of every kind: the kind's default container on creation, a move (LDAP Modify
# DN, RFC 4511 4.9) when it changes; not returned (the result's distinguished_name shows it).
PATH_ROW = Row(
    "path",
    "",
    {"type": "str"},
    TEXT,
    same=same_dn,
    default=lambda new: new.container,
    write=MOVE,
    normalize=normalize_dn,
    validate=validate_dn("path"),
    returned=False,
)


# -- the plan ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One LDAP operation: ``add`` (``attributes``), ``modify`` (``changes``: attribute -> [(op, values)]),
    ``move`` (Modify DN to ``new_parent``, RFC 4511 4.9, the RDN kept) or ``delete``."""

    kind: str
    dn: str
    attributes: Mapping[str, list[Any]] = field(default_factory=dict)
    changes: Mapping[str, list[tuple[str, list[Any]]]] = field(default_factory=dict)
    new_parent: str | None = None


@dataclass(frozen=True)
class PlanContext:
    """What planning needs beside the entry: the domain's facts, the principals found, what to do about
    principals that do not exist, and where warnings go."""

    domain: Any
    principals: PrincipalIndex = field(default_factory=PrincipalIndex)
    lookup_failure_action: str = "fail"
    warnings: list[str] = field(default_factory=list)


@dataclass
class ObjectPlan:
    """What plan_object decided for one object: the operations, in order, and the option values around them;
    ``sent`` and ``retries`` count what ``_adwrite.execute`` sent and how often it re-planned after a race."""

    kind: ObjectKind
    request: ObjectRequest
    entry: Entry | None
    dn: str
    operations: list[Operation] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    changed_options: list[str] = field(default_factory=list)
    sent: int = 0
    retries: int = 0

    @property
    def changed(self) -> bool:
        """Whether the plan writes anything, or (re-planned after a race, ``_adwrite.execute``) already wrote."""
        return bool(self.operations) or self.sent > 0

    @property
    def creates(self) -> bool:
        return any(op.kind == ADD for op in self.operations)

    @property
    def deletes(self) -> bool:
        return any(op.kind == DELETE for op in self.operations)

    def list_changes(self, option: str) -> tuple[list[Any], list[Any]]:
        """(added, removed): the values a list option gains and loses (SPNs to add, members to remove)."""
        if not self.changed or self.deletes:
            return [], []
        key = self.kind.row(option).list_key or (lambda v: v)
        return list_changes(self.before.get(option) or [], self.after.get(option) or [], key=key)


def _store(row: Row, principals: list[Any]) -> list[str]:
    return [getattr(p, row.principals.store) for p in principals] if row.principals else []


def _removed_principals(row: Row, identities: list[str], index: PrincipalIndex) -> list[str]:
    """What ``remove`` names: found principals, and SIDs or DNs of objects that no longer exist."""
    removed = []
    for identity in identities:
        principal = index.find(identity)
        if principal is not None:
            removed.extend(_store(row, [principal]))
        elif row.principals and identity_kind(identity) == row.principals.store:
            removed.append(normalize_sid(identity) if row.principals.store == "sid" else identity)
    return removed


def _wanted(row: Row, given: Any, base: Any, name: str, ctx: PlanContext) -> Any:
    """The option's value after the task: ``given`` applied to ``base`` (the current or default value)."""
    refs = row.principals
    if refs is not None:
        # A list's own lookup_failure_action (microsoft.ad's shape) wins over the task's for that list.
        if row.list_key is not None:
            action = lookup_failure_action(given, ctx.lookup_failure_action)
            action_option = f"{row.option}.lookup_failure_action (or lookup_failure_action for the whole task)"
        else:
            action, action_option = ctx.lookup_failure_action, "lookup_failure_action"

        def found(identities: list[str]) -> list[str]:
            what = f"{row.option} of {name}"
            hits = resolve(ctx.principals, identities, action, ctx.warnings.append, what, refs.classes, action_option)
            return _store(row, hits)

        if row.list_key is None:
            if given == "":
                return None
            hits = found([given])
            return hits[0] if hits else base
        wanted = apply_list_option(
            base or [],
            None,
            key=row.list_key,
            add=found(given.get("add") or []),
            remove=_removed_principals(row, given.get("remove") or [], ctx.principals),
            set_to=found(given["set"]) if given.get("set") is not None else None,
        )
    elif row.list_key is not None:
        wanted = apply_list_option(base or [], given, key=row.list_key)
    else:
        wanted = given
    return row.normalize(wanted) if row.normalize else wanted


def _as_bytes(values: list[Any]) -> list[bytes]:
    return [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in values]


def rewrite(held: list[bytes], values: list[bytes]) -> list[tuple[str, list[Any]]]:
    """The changes that turn an attribute holding ``held`` into ``values``, as one atomic read-modify-write.

    The exact values read are deleted and the new ones added in the same modify request (RFC 4511 4.6: the
    changes of one request apply in order, all or none). If another writer changed the attribute since it was
    read, the DC refuses the delete with noSuchAttribute (16), or the add to a single-valued attribute that
    was empty with attributeOrValueExists (20), instead of silently overwriting the other write (a replace
    would); ``_adwrite`` then re-reads and re-plans. Values in both lists are deleted and added back.
    """
    changes: list[tuple[str, list[Any]]] = []
    if held:
        changes.append((DELETE, list(held)))
    if values:
        changes.append((ADD, list(values)))
    return changes


def plan_object(kind: ObjectKind, entry: Entry | None, request: ObjectRequest, ctx: PlanContext) -> ObjectPlan:
    """The exact LDAP operations that bring one object to what ``request`` asks; pure (no I/O).

    Raises GmsaError when an option AD only sets on creation differs on an existing object, or a principal is
    missing and ``ctx.lookup_failure_action`` is ``fail``.
    """
    if request.state == "absent":
        if entry is None:
            return ObjectPlan(kind, request, entry, "")
        before = {row.option: row.read(entry) for row in kind.rows}
        return ObjectPlan(kind, request, entry, entry.dn, [Operation(DELETE, entry.dn)], before, {})
    if entry is None:
        return _plan_create(kind, request, ctx)
    return _plan_change(kind, entry, request, ctx)


def _plan_create(kind: ObjectKind, request: ObjectRequest, ctx: PlanContext) -> ObjectPlan:
    creation = Creation(request.name, ctx.domain, kind.container(ctx.domain), {})
    attributes: dict[str, list[Any]] = {attr: list(values) for attr, values in kind.create_attributes.items()}
    attributes["sAMAccountName"] = [request.name + kind.suffix]
    container = creation.container
    for row in kind.rows:
        given = request.options.get(row.option)
        default = row.default(creation) if row.default else None
        if row.given(given):
            value = _wanted(row, given, default, request.name, ctx)
        elif row.default is not None:
            value = row.normalize(default) if row.normalize else default
        else:
            continue
        creation.values[row.option] = value
        if row.write == MOVE:
            container = value
            continue
        values = row.codec.encode(value, _as_bytes(attributes.get(row.attribute, [])))
        if values:
            attributes[row.attribute] = values
        else:
            attributes.pop(row.attribute, None)
    dn = f"{kind.rdn}={escape_dn_value(request.name)},{container}"
    # What the new object will hold, read back through the table as if it existed.
    planned = Entry(dn, {attr.lower(): _as_bytes(values) for attr, values in attributes.items()})
    after = {row.option: row.read(planned) for row in kind.rows}
    operations = [Operation(ADD, dn, attributes=attributes)]
    return ObjectPlan(kind, request, None, dn, operations, {}, after, list(creation.values))


def _plan_change(kind: ObjectKind, entry: Entry, request: ObjectRequest, ctx: PlanContext) -> ObjectPlan:
    before = {row.option: row.read(entry) for row in kind.rows}
    after = dict(before)
    changed: list[str] = []
    pending: dict[str, list[bytes]] = {}
    stored: dict[str, list[bytes]] = {}
    changes: dict[str, list[tuple[str, list[Any]]]] = {}
    intermediate: list[dict[str, list[tuple[str, list[Any]]]]] = []
    new_parent = None
    for row in kind.rows:
        given = request.options.get(row.option)
        if not row.given(given):
            continue
        current = before[row.option]
        wanted = _wanted(row, given, current, request.name, ctx)
        if row.same(current, wanted):
            continue
        if row.create_only:
            raise GmsaError(
                f"{kind.noun} {request.name} has {row.option} {current}, not {wanted}: AD only sets {row.attribute} "
                f"when the {kind.object_noun} is created and cannot change it.",
                hint=f"Omit {row.option} (or set it to {current}) for this {kind.object_noun}, or remove and "
                f"re-create the {kind.noun} to change it.",
                dn=entry.dn,
            )
        after[row.option] = wanted
        changed.append(row.option)
        if row.write == MOVE:
            new_parent = wanted
            continue
        if row.write == ADD_DELETE:
            added, removed = list_changes(current or [], wanted or [], key=row.list_key or (lambda v: v))
            changes[row.attribute] = [(ADD, row.codec.encode(added, []))] if added else []
            changes[row.attribute] += [(DELETE, row.codec.encode(removed, []))] if removed else []
            continue
        held = stored.setdefault(row.attribute, list(entry.values(row.attribute)))
        values_now = pending.get(row.attribute, held)
        for step in (row.steps(current, wanted) if row.steps else [wanted])[:-1]:
            step_values = _as_bytes(row.codec.encode(step, values_now))
            intermediate.append({row.attribute: rewrite(held, step_values)})
            held = values_now = stored[row.attribute] = step_values
        values = _as_bytes(row.codec.encode(wanted, values_now))
        changes[row.attribute] = rewrite(held, values)
        pending[row.attribute] = values
    dn = entry.dn
    operations = []
    if new_parent is not None:
        operations.append(Operation(MOVE, dn, new_parent=new_parent))
        dn = f"{rdn_of(dn)},{new_parent}"
    operations += [Operation(MODIFY, dn, changes=step) for step in intermediate]
    if changes:
        operations.append(Operation(MODIFY, dn, changes=changes))
    return ObjectPlan(kind, request, entry, dn, operations, before, after, changed)
