# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Editing the explicit ACEs of an ACL (a container's DACL, for delegation), every other ACE left in place."""

from __future__ import annotations

from collections.abc import Iterable

from .codec import check_ace_fields
from .constants import ACL_REVISION_DS, INHERITED_ACE
from .model import Ace, Acl, AnyAce, ObjectAce


def insert_position(aces: list[AnyAce]) -> int:
    """Where new allow ACEs go when there were none: after the explicit ACEs, before inherited ones (2.4.5)."""
    for index, ace in enumerate(aces):
        if ace.flags & INHERITED_ACE:
            return index
    return len(aces)


def _is_explicit(ace: AnyAce) -> bool:
    return not ace.flags & INHERITED_ACE


def add_explicit_aces(acl: Acl | None, aces: Iterable[Ace | ObjectAce]) -> tuple[Acl, list[Ace | ObjectAce]]:
    """Return ``acl`` with each of ``aces`` that is not already an explicit ACE of it, and the ACEs added.

    New ACEs go after the last explicit ACE and before the first inherited one, in the order given: an ACL
    in canonical order (explicit before inherited, explicit deny before explicit allow; MS-DTYP 2.4.5 and
    "Order of ACEs in a DACL" in the Windows access control documentation, which AD's own editors keep) stays
    canonical when allow ACEs are added there. Every other ACE keeps its place and its bytes. An ACE counts as
    present only when an explicit ACE equals it in type, flags, mask, SID and both GUIDs; an inherited copy
    does not count, since it goes away with the parent's ACE. Object ACEs need revision ACL_REVISION_DS, so a
    revision-2 ACL that gains one is raised to 4 (2.4.5). None (no ACL) gets a new one.
    """
    current = Acl(ACL_REVISION_DS, []) if acl is None else acl
    present = [ace for ace in current.aces if _is_explicit(ace)]
    added: list[Ace | ObjectAce] = []
    for ace in aces:
        check_ace_fields(ace)
        if ace.flags & INHERITED_ACE:
            raise ValueError("An explicit ACE cannot carry INHERITED_ACE; the DC writes inherited ACEs itself")
        if ace not in present and ace not in added:
            added.append(ace)
    if not added:
        return current, []
    position = insert_position(current.aces)
    revision = current.revision
    if any(isinstance(ace, ObjectAce) for ace in added):
        revision = max(revision, ACL_REVISION_DS)
    return Acl(revision, current.aces[:position] + added + current.aces[position:]), added


def remove_explicit_aces(acl: Acl | None, aces: Iterable[Ace | ObjectAce]) -> tuple[Acl | None, list[AnyAce]]:
    """Return ``acl`` without the explicit ACEs equal to one of ``aces``, and the ACEs removed (in ACL order).

    Inherited ACEs and every other ACE stay as they are, in place; the revision is kept.
    """
    if acl is None:
        return None, []
    unwanted = list(aces)
    kept: list[AnyAce] = []
    removed: list[AnyAce] = []
    for ace in acl.aces:
        (removed if _is_explicit(ace) and ace in unwanted else kept).append(ace)
    if not removed:
        return acl, []
    return Acl(acl.revision, kept), removed
