# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The containers a task creates objects in (or moves them to), as one read per container sees them.

Before the first write, in check mode too, a task must know of each such container:

- whether it exists and which classes the bind account may create in it (``allowedChildClassesEffective``,
  ``_rights``);
- which objects already hold the RDNs the task gives new objects there. AD names the objects of one container
  by their RDN whatever their class (MS-ADTS 3.1.1.5.2.2: the add of an object whose DN exists fails with
  entryAlreadyExists), so a gMSA ``app1`` and a host group ``app1`` cannot both be ``CN=app1`` in one OU,
  although their sAMAccountNames (``app1$``, ``app1``) differ and the lookup by sAMAccountName sees neither.

Both come from one subtree search per container, rooted at it: ``(|(distinguishedName=<container>)(name=<rdn
value>)...)`` returns the container itself (with the constructed attribute) and the objects named like the new
ones; those directly in the container and with the same RDN are in the way. A task that creates and moves
nothing reads nothing here, so a converged run costs no operation.

:func:`names_taken` is pure: the plans and that read in, every create or move whose DN is held out;
:func:`require_free_names` fails, naming each object in the way and what to do, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ._adobject import ADD, DELETE, MOVE, ObjectPlan, Operation
from ._errors import GmsaError
from ._ldap import Entry, escape_filter, parent_dn, rdn_of
from ._ldap.names import dn_key, rdn_value
from ._lookup import most_specific_class
from ._rights import ALLOWED_CHILD_CLASSES

# What the read asks of each entry: the container's creatable classes; for an object in the way, what it is.
READ_ATTRIBUTES = (ALLOWED_CHILD_CLASSES, "objectClass", "sAMAccountName")

DnKey = str  # _ldap.dn_key


@dataclass(frozen=True)
class ContainersSeen:
    """What the reads found: per container (its ``dn_key``, as ``_rights`` keys it) the lower-case classes the
    bind account may create there, or None when the container does not exist; and the objects found holding a
    name a new object of the task would take."""

    allowed_children: dict[str, set[str] | None] = field(default_factory=dict)
    holders: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class NameTaken:
    """A create or move (``verb``) of the task's object ``name`` to ``dn``, which ``holder`` already holds."""

    noun: str
    name: str
    verb: str
    dn: str
    holder: Entry
    # The task's own entry that moves or removes the holder, but only after this one (plan order); "" for none.
    freed_later_by: str = ""

    @property
    def holder_class(self) -> str:
        return most_specific_class(self.holder)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dn": self.dn,
            "holder_dn": self.holder.dn,
            "holder_class": self.holder_class,
            "holder_sam_account_name": self.holder.text("sAMAccountName"),
        }

    def describe(self) -> str:
        sam = self.holder.text("sAMAccountName")
        held_by = f"{self.holder_class}" + (f" {sam}" if sam else "")
        told = f"{self.noun} {self.name} cannot be {self.verb} as {self.dn}: a {held_by} already holds that DN"
        if self.freed_later_by:
            told += (
                f" until {self.freed_later_by} of this task leaves it: list {self.freed_later_by} before {self.name}"
            )
        return told


def target_dn(operation: Operation) -> str | None:
    """The DN ``operation`` gives an object: the new one of an add, the new place of a move (RDN kept)."""
    if operation.kind == ADD:
        return operation.dn
    if operation.kind == MOVE and operation.new_parent:
        return f"{rdn_of(operation.dn)},{operation.new_parent}"
    return None


def new_names(plans: Iterable[ObjectPlan]) -> dict[str, tuple[str, list[str]]]:
    """Container (``dn_key``) -> (its DN as the first plan spells it, the RDN values the plans give objects there),
    each once (values compare case-insensitively, as AD compares its naming attributes), in order."""
    found: dict[str, tuple[str, list[str]]] = {}
    for plan in plans:
        for operation in plan.operations:
            dn = target_dn(operation)
            if dn is None:
                continue
            container = parent_dn(dn)
            _dn, values = found.setdefault(dn_key(container), (container, []))
            value = rdn_value(dn)
            if value.lower() not in (v.lower() for v in values):
                values.append(value)
    return found


def container_filter(container: str, names: Iterable[str]) -> str:
    """The filter of one container's read: the container itself, and every object named like a new one."""
    clauses = [f"(distinguishedName={escape_filter(container)})"]
    clauses += [f"(name={escape_filter(name)})" for name in names]
    return f"(|{''.join(clauses)})"


def read_containers(client: Any, plans: list[ObjectPlan]) -> ContainersSeen:
    """One subtree search per container the plans create objects in or move objects to (none when there is
    none): the container's allowedChildClassesEffective and the objects named like the new ones."""
    allowed: dict[str, set[str] | None] = {}
    holders: list[Entry] = []
    for key, (container, names) in new_names(plans).items():
        found: list[Entry] = client.search(container, container_filter(container, names), READ_ATTRIBUTES)
        mine = [entry for entry in found if dn_key(entry.dn) == key]
        allowed[key] = {c.lower() for c in mine[0].texts(ALLOWED_CHILD_CLASSES)} if mine else None
        holders += [entry for entry in found if dn_key(parent_dn(entry.dn)) == key]
    return ContainersSeen(allowed, tuple(holders))


def names_taken(plans: Iterable[ObjectPlan], seen: ContainersSeen) -> list[NameTaken]:
    """Every planned create or move whose DN an object already holds (pure).

    An object the task itself deletes or moves away before (in plan order) is not in the way.
    """
    plans = list(plans)
    held: dict[DnKey, Entry] = {dn_key(entry.dn): entry for entry in seen.holders}
    leaving: dict[DnKey, str] = {}  # the DNs the task frees, by the name of the entry that frees them
    for plan in plans:
        for operation in plan.operations:
            if operation.kind in (DELETE, MOVE):
                leaving.setdefault(dn_key(operation.dn), plan.request.name)
    taken: list[NameTaken] = []
    for plan in plans:
        for operation in plan.operations:
            if operation.kind in (DELETE, MOVE):
                held.pop(dn_key(operation.dn), None)
            dn = target_dn(operation)
            if dn is None:
                continue
            key = dn_key(dn)
            holder = held.get(key)
            if holder is not None:
                verb = "created" if operation.kind == ADD else f"moved to {operation.new_parent}"
                taken.append(NameTaken(plan.kind.noun, plan.request.name, verb, dn, holder, leaving.get(key, "")))
    return taken


def names_taken_error(taken: list[NameTaken]) -> GmsaError:
    """The one failure for every name in the way: each object, what holds its DN, and the ways out."""
    nouns = list(dict.fromkeys(item.noun for item in taken))
    listed = "; ".join(item.describe() for item in taken)
    return GmsaError(
        f"{len(taken)} planned object(s) would take a DN another object holds, so nothing was written: {listed}. "
        "AD names the objects of one container by their RDN (CN=<name>) whatever their class and sAMAccountName, "
        "so two objects of one CN cannot share a container: a gMSA and a group of one name, or an object whose CN "
        "is not its sAMAccountName.",
        hint=f"Give the {' or '.join(nouns)} another name, or another path (the container it goes to), or rename "
        "or move the object in the way (an entry of the task that moves or removes it goes before the one that "
        "takes its DN).",
        result="entryAlreadyExists",
        dn=taken[0].holder.dn,
        names_taken=[item.as_dict() for item in taken],
    )


def require_free_names(plans: list[ObjectPlan], seen: ContainersSeen) -> None:
    """Fail before any write when a planned create or move would take a DN another object holds."""
    taken = names_taken(plans, seen)
    if taken:
        raise names_taken_error(taken)
