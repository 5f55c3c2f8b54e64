# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether the bind account may make the planned writes, asked of the DC before the first one.

AD tells a requester in advance what it may do, through two constructed attributes (MS-ADTS 3.1.1.4.5.2/.3):

- ``allowedChildClassesEffective`` on a container: the classes the requester may create in it (CREATE_CHILD);
- ``allowedAttributesEffective`` on an object: the attributes the requester may write on it (WRITE_PROP).

Both are computed by the DC for each object it returns them for (on Samba, an access check per attribute of the
schema), so they are read only for the objects a task writes: ``allowedAttributesEffective`` with one search for
every object the task modifies (none when nothing is modified: a converged task does not pay for it), and
``allowedChildClassesEffective`` with one search per container a task creates or moves objects into (none when
nothing is created), which also tells that the container exists (``_containers.read_containers``, which finds the
objects in the way with it; :func:`read_allowed_children` alone is one base search per container).
:func:`missing_rights` is pure: the plans and those answers in, every write the bind account may not make out,
each with the ``gmsa_delegation`` right that grants it (``_delegation.right_to_create``/``right_to_write``).
:func:`require_rights` fails, in check mode too, before anything is written, so a bulk task with a right missing
for some objects writes none of them.

Deletions and the "delete child" half of a move are not told in advance (no constructed attribute answers
them); the DC's refusal then carries the permission hint of ``_adwrite.permission_hint``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ._adobject import ADD, MODIFY, MOVE, ObjectPlan
from ._delegation import grant_hint, right_to_create, right_to_write
from ._errors import GmsaError
from ._ldap import Entry, dn_key, parent_dn
from ._sid import escape_filter_bytes

ALLOWED_ATTRIBUTES = "allowedAttributesEffective"
ALLOWED_CHILD_CLASSES = "allowedChildClassesEffective"


def system_only_hint(attributes: Iterable[str], object_noun: str) -> str:
    """Why an account refused a write it holds the right for: the DC keeps the attribute to itself (Samba
    enforces systemOnly on modify, MS-ADTS 3.1.1.5.3.2, for attributes Windows DCs let clients write, and lists
    them in no allowedAttributesEffective; an add is not checked)."""
    return (
        f"This DC lets only itself change {', '.join(attributes)} of an existing object (Samba enforces "
        f"systemOnly): give the value when the {object_noun} is created, or change it on the DC itself (samba-tool)."
    )


@dataclass(frozen=True)
class MissingRight:
    """One write the bind account may not make: on ``dn`` (an object of the task named ``name``), ``what``
    (``create <class>`` or ``write <attribute>``), granted by the ``right`` of gmsa_delegation in ``path``
    (None: no right of gmsa_delegation grants it). ``writes_others``: the account may write other attributes of
    the object, so the DC itself may keep this one (Samba's systemOnly) rather than a right being missing."""

    name: str
    noun: str
    object_noun: str
    dn: str
    what: tuple[str, ...]
    right: str | None
    path: str
    writes_others: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "dn": self.dn, "missing": list(self.what), "right": self.right, "path": self.path}

    def describe(self) -> str:
        grants = f"right {self.right}" if self.right else "no gmsa_delegation right grants it: ask an administrator"
        return f"{self.noun} {self.name} ({self.dn}): {', '.join(self.what)} ({grants})"


def _lower_set(values: Iterable[str]) -> set[str]:
    return {value.lower() for value in values}


def containers_created_in(plans: Iterable[ObjectPlan]) -> list[str]:
    """The containers the plans create objects in or move objects to, each once (one DN however spelled:
    ``dn_key``), as the first plan spells it, in plan order."""
    found: dict[str, str] = {}
    for plan in plans:
        for operation in plan.operations:
            if operation.kind == ADD:
                container = parent_dn(operation.dn)
            elif operation.kind == MOVE and operation.new_parent:
                container = operation.new_parent
            else:
                continue
            found.setdefault(dn_key(container), container)
    return list(found.values())


def missing_rights(
    plans: Iterable[ObjectPlan],
    children: Mapping[str, set[str] | None],
    writable: Mapping[str, set[str]] | None = None,
) -> list[MissingRight]:
    """Every planned create, move or modify the bind account may not make (pure).

    ``children`` maps a container's ``dn_key`` to the lower-case classes of its allowedChildClassesEffective
    (None: the container does not exist, which is reported as an error of its own, not here). ``writable`` maps
    an existing object's ``dn_key`` to the lower-case attributes of its allowedAttributesEffective
    (:func:`read_allowed_attributes`); an object it does not list is judged by its entry's ALLOWED_ATTRIBUTES.
    A DN is matched by its ``dn_key`` whatever its spelling: as typed in ``path`` or as AD returns it.
    """
    writable = writable or {}
    missing: list[MissingRight] = []
    for plan in plans:
        kind = plan.kind
        for operation in plan.operations:
            if operation.kind in (ADD, MOVE):
                container = parent_dn(operation.dn) if operation.kind == ADD else operation.new_parent or ""
                allowed = children.get(dn_key(container))
                if allowed is not None and kind.object_class.lower() not in allowed:
                    verb = "create" if operation.kind == ADD else "move into"
                    what: tuple[str, ...] = (f"{verb} {kind.object_class} objects in {container}",)
                    right = right_to_create(kind.object_class)
                    missing.append(
                        MissingRight(plan.request.name, kind.noun, kind.object_noun, plan.dn, what, right, container)
                    )
            elif operation.kind == MODIFY and plan.entry is not None:
                allowed_attributes = writable.get(dn_key(plan.entry.dn))
                if allowed_attributes is None:
                    allowed_attributes = _lower_set(plan.entry.texts(ALLOWED_ATTRIBUTES))
                refused = [attribute for attribute in operation.changes if attribute.lower() not in allowed_attributes]
                by_right: dict[str | None, list[str]] = {}
                for attribute in refused:
                    by_right.setdefault(right_to_write(kind.object_class, attribute), []).append(attribute)
                path = parent_dn(plan.entry.dn)
                for right, attributes in by_right.items():
                    what = tuple(f"write {attribute}" for attribute in attributes)
                    missing.append(
                        MissingRight(
                            plan.request.name,
                            kind.noun,
                            kind.object_noun,
                            plan.entry.dn,
                            what,
                            right,
                            path,
                            bool(allowed_attributes),
                        )
                    )
    return _merged(missing)


def _merged(missing: list[MissingRight]) -> list[MissingRight]:
    """One entry per object and right (a plan with intermediate steps asks for the same attribute twice)."""
    merged: dict[tuple[str, str | None, str], MissingRight] = {}
    for item in missing:
        key = (dn_key(item.dn), item.right, dn_key(item.path))
        known = merged.get(key)
        what = tuple(dict.fromkeys((*known.what, *item.what))) if known else item.what
        merged[key] = replace(item, what=what)
    return list(merged.values())


def rights_error(missing: list[MissingRight]) -> GmsaError:
    """The one failure for every missing right: each object and write, and the gmsa_delegation task per path."""
    by_path: dict[str, tuple[str, list[str]]] = {}
    for item in missing:
        _path, rights = by_path.setdefault(dn_key(item.path), (item.path, []))
        if item.right and item.right not in rights:
            rights.append(item.right)
    hints = [grant_hint(path, rights) for path, rights in by_path.values() if rights]
    written = [
        w.split(" ", 1)[1] for item in missing if item.writes_others for w in item.what if w.startswith("write ")
    ]
    if written:
        hints.append(
            "If the bind account holds the right already: "
            + system_only_hint(dict.fromkeys(written), missing[0].object_noun)
        )
    listed = "; ".join(item.describe() for item in missing)
    return GmsaError(
        f"The bind account lacks rights (insufficientAccessRights, told in advance by the DC) for {len(missing)} "
        f"planned write(s), so nothing was written: {listed}.",
        hint=" ".join(hints) or "Bind as an account that holds these rights.",
        result="insufficientAccessRights",
        missing_rights=[item.as_dict() for item in missing],
    )


def read_allowed_children(client: Any, containers: Iterable[str]) -> dict[str, set[str] | None]:
    """Container (``dn_key``) -> lower-case classes the bind account may create in it, None when the container
    does not exist or cannot be seen (one base search per container)."""
    answers: dict[str, set[str] | None] = {}
    for container in containers:
        found: list[Entry] = client.search(container, "(objectClass=*)", [ALLOWED_CHILD_CLASSES], scope="base")
        answers[dn_key(container)] = _lower_set(found[0].texts(ALLOWED_CHILD_CLASSES)) if found else None
    return answers


def modified_entries(plans: Iterable[ObjectPlan]) -> list[Entry]:
    """The existing objects the plans modify, each once, in plan order."""
    found: dict[str, Entry] = {}
    for plan in plans:
        if plan.entry is not None and any(operation.kind == MODIFY for operation in plan.operations):
            found.setdefault(dn_key(plan.entry.dn), plan.entry)
    return list(found.values())


def read_allowed_attributes(client: Any, entries: Iterable[Entry]) -> dict[str, set[str]]:
    """Object (``dn_key`` of an entry of ``entries``) -> lower-case attributes the bind account may write on it:
    one search of the domain for all of them, by objectGUID (which a move or rename since the lookup does not
    change); none when ``entries`` is empty. An object the search no longer finds is left out (its write then
    fails on its own).
    """
    by_guid = {entry.first("objectGUID"): entry for entry in entries if entry.first("objectGUID")}
    if not by_guid:
        return {}
    clauses = "".join(f"(objectGUID={escape_filter_bytes(guid)})" for guid in by_guid if guid is not None)
    found: list[Entry] = client.search(client.domain.domain_dn, f"(|{clauses})", ["objectGUID", ALLOWED_ATTRIBUTES])
    answers: dict[str, set[str]] = {}
    for entry in found:
        asked = by_guid.get(entry.first("objectGUID"))
        if asked is not None:
            answers[dn_key(asked.dn)] = _lower_set(entry.texts(ALLOWED_ATTRIBUTES))
    return answers


def require_rights(
    client: Any, plans: list[ObjectPlan], allowed_children: Mapping[str, set[str] | None] | None = None
) -> None:
    """Fail before any write when a container to create in is missing or a planned write would be refused.

    ``allowed_children`` is what :func:`read_allowed_children` would return, when the caller read it already
    (``_containers.read_containers`` reads it with the objects in the way, in the same search). Costs, besides,
    one search for the objects modified whose entries do not carry ALLOWED_ATTRIBUTES already; nothing for a
    converged task.
    """
    containers = containers_created_in(plans)
    children = read_allowed_children(client, containers) if allowed_children is None else allowed_children
    absent = [c for c in containers if children[dn_key(c)] is None]
    if absent:
        gone = {dn_key(c) for c in absent}
        names = [p.request.name for p in plans if {dn_key(c) for c in containers_created_in([p])} & gone]
        raise GmsaError(
            f"The container {', '.join(absent)} does not exist (or the bind account cannot see it), so "
            f"{', '.join(dict.fromkeys(names))} cannot be created or moved there; nothing was written.",
            hint="Check path (the DN of an existing OU or container), or create the OU first.",
            result="noSuchObject",
            dn=absent[0],
        )
    unread = [entry for entry in modified_entries(plans) if not entry.values(ALLOWED_ATTRIBUTES)]
    missing = missing_rights(plans, children, read_allowed_attributes(client, unread))
    if missing:
        raise rights_error(missing)
