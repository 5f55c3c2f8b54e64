# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding AD objects by sAMAccountName: the one lookup every object kind goes through.

A name the collection manages (a gMSA, a group) is looked up by ``sAMAccountName`` with one search for any
number of names, and what holds each name is then told apart by ``objectClass``: the object of the kind asked
for, or another object that already holds the name (a computer holding the ``name$`` a gMSA wants, a user
holding the name a group wants). sAMAccountName is unique per domain (MS-ADTS 3.1.1.5.2.4; it is compared
case-insensitively), so one search of the domain is the whole answer.

Use::

    found = find_by_sam_account_name(client, ["WebApp01"], GMSA_CLASS, suffix="$", attributes=[...])
    found.entry("WebApp01")     # the gMSA, or None
    found.conflict("WebApp01")  # the object of another class that holds WebApp01$ (or WebApp01), or None

What gmsa_check reads (the gMSA, or whatever else holds its name, to say what it is)::

    found = find_by_sam_account_name(client, [name], GMSA_CLASS, suffix="$", attributes=GMSA_ATTRIBUTES,
                                     bare_too=True)
    entry = found.entry(name) or found.conflict(name)

``suffix`` is ``$`` for computer-like accounts (computers, gMSAs), whose sAMAccountName is the name plus
``$`` (MS-SAMR 2.2.7.11, computer accounts); names may be given with or without it. ``bare_too`` also looks
for the name without the suffix, to report "a user holds that name" instead of "missing". ``wildcards``
reads ``*`` in names as LDAP substring wildcards (RFC 4515 3) and returns only objects of the class;
``names=None`` then means every object of the class.

Reads that see the task's own writes: a name the DC reached does not hold may have been created moments ago on
the write DC (every create goes there, ``_ldap/write_server.py``) and not have replicated yet. So a lookup that
misses a name on a DC that is not the write DC moves the client to the write DC and searches again there
(:func:`seeing_own_writes`), and the task says so in its warnings when the write DC had it. Every lookup of the
collection (this one, ``_principals.lookup_principals``, the host of ``gmsa_check``) goes through that function.

Replication conflicts: sAMAccountName is unique per DC, but two DCs that each create the same name before
they replicate both keep it. Replication then renames one copy's RDN to ``<name>\\0ACNF:<objectGUID>`` (the
"mangled" RDN of MS-DRSR's name conflict resolution; ``\\0A`` is the escaped line feed of RFC 4514) and leaves
the sAMAccountName of both as it was. :meth:`NameLookup.copies` lists every object of the kind holding a name,
:meth:`NameLookup.entry` prefers the copy without the mark, :func:`name_conflicts` finds names held twice or
by a marked copy, and :class:`NameConflict` says which copy to keep and how to delete the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from ._errors import GmsaError
from ._ldap import Entry, dn_key, escape_filter, rdn_of
from ._ldap.write_server import replication_behind, write_server_not_checked
from ._sid import guid_from_bytes, sid_from_bytes

T = TypeVar("T")

# Always read: they tell what holds a name.
LOOKUP_ATTRIBUTES = ("objectClass", "sAMAccountName")
# Read by the lookups that report replication conflicts, to tell the copies apart.
CONFLICT_ATTRIBUTES = ("objectSid", "objectGUID", "whenCreated")

# The mark replication puts in the RDN of the copy that lost a name conflict: a line feed and CNF:, the line
# feed escaped as \0A in a DN string (RFC 4514 2.4) or raw where a tool unescaped it.
CNF_MARKS = ("\\0acnf:", "\ncnf:")


def is_conflict_copy(dn: str) -> bool:
    """Whether ``dn``'s RDN carries the CNF mark of a replication name conflict."""
    rdn = rdn_of(dn).lower()
    return any(mark in rdn for mark in CNF_MARKS)


def bare_name(name: str, suffix: str) -> str:
    """``name`` without one trailing ``suffix`` (``WebApp01$`` -> ``WebApp01`` for ``$``)."""
    return name[: -len(suffix)] if suffix and name.endswith(suffix) else name


def has_class(entry: Entry, object_class: str) -> bool:
    """Whether ``object_class`` is among the entry's objectClass values (compared case-insensitively)."""
    wanted = object_class.lower()
    return any(value.lower() == wanted for value in entry.texts("objectClass"))


def most_specific_class(entry: Entry) -> str:
    """The entry's structural class as AD lists it last in objectClass (``computer``, ``user``, ``group``)."""
    classes = entry.texts("objectClass")
    return classes[-1] if classes else "object"


@dataclass(frozen=True)
class NameLookup:
    """What one search found for a list of names; every method takes a name with or without the suffix."""

    object_class: str
    suffix: str
    entries: tuple[Entry, ...]

    @cached_property
    def _by_sam(self) -> dict[str, list[Entry]]:
        """Lower-case sAMAccountName -> its entries in search order, built once: a bulk task asks for every one of
        thousands of names, and a scan per name would make it quadratic. (cached_property stores it in the
        instance's ``__dict__`` without ``__setattr__``, so a frozen dataclass without slots may cache; it is not a
        field, so not part of the value: equality ignores it.)"""
        index: dict[str, list[Entry]] = {}
        for e in self.entries:
            index.setdefault((e.text("sAMAccountName") or "").lower(), []).append(e)
        return index

    def holders(self, name: str) -> list[Entry]:
        """Every entry whose sAMAccountName is ``name + suffix`` or (when searched) ``name``, that first."""
        bare = bare_name(name, self.suffix).lower()
        full = bare + self.suffix.lower()
        index = self._by_sam
        return [*index.get(full, []), *(index.get(bare, []) if self.suffix else [])]

    def copies(self, name: str) -> list[Entry]:
        """Every object of ``object_class`` that holds ``name``: one, or several after a replication conflict."""
        return [e for e in self.holders(name) if has_class(e, self.object_class)]

    def entry(self, name: str) -> Entry | None:
        """The object of ``object_class`` that holds ``name`` (of several copies, the one without the CNF mark),
        or None."""
        copies = self.copies(name)
        return next((e for e in copies if not is_conflict_copy(e.dn)), copies[0] if copies else None)

    def conflict(self, name: str) -> Entry | None:
        """The object of another class holding ``name`` when no object of ``object_class`` does, or None."""
        if self.entry(name) is not None:
            return None
        holders = self.holders(name)
        return holders[0] if holders else None

    def by_name(self) -> dict[str, Entry]:
        """Bare lower-case name -> entry, for every entry of ``object_class`` found."""
        return {
            bare_name(e.text("sAMAccountName") or "", self.suffix).lower(): e
            for e in self.entries
            if has_class(e, self.object_class)
        }


def seeing_own_writes(client: Any, what: str, search: Callable[[], T], missing: Callable[[T], Iterable[str]]) -> T:
    """``search()``, run again on the write DC when it misses names on a DC that is not the write DC.

    ``missing(result)`` lists the names a result lacks; ``what`` names them in warnings (``gMSA``). Once moved,
    the client stays on the write DC for the rest of the task, so later reads and writes see the same state.
    A write DC that cannot be reached leaves the first result and a warning (a create then fails naming it).
    Clients without a write DC (unit-test fakes, the host's own connection in gmsa_check) just search.
    """
    result = search()
    names = list(dict.fromkeys(missing(result)))
    reached: str = getattr(client, "server_name", None) or "the DC reached"
    try:
        if not names or getattr(client, "on_write_server", True):
            return result
        client.use_write_server()
    except GmsaError as exc:
        label = client.write_server.label if getattr(client, "_write_server", None) else "the write DC"
        why = getattr(client, "write_failure", None) or exc.message.rstrip(".")
        client.warnings.append(write_server_not_checked(what, names, reached, label, why))
        return result
    again = search()
    still = {name.lower() for name in missing(again)}
    found = [name for name in names if name.lower() not in still]
    if found:
        client.warnings.append(replication_behind(what, found, reached, client.write_server))
    return again


def _name_clause(name: str, suffix: str, bare_too: bool, wildcards: bool) -> str:
    bare = bare_name(name, suffix)
    pieces = bare.split("*") if wildcards else [bare]
    value = "*".join(escape_filter(piece) for piece in pieces)
    clause = f"(sAMAccountName={value}{escape_filter(suffix)})"
    if bare_too and suffix:
        clause += f"(sAMAccountName={value})"
    return clause


def sam_account_name_filter(
    names: Sequence[str] | None, object_class: str, suffix: str = "", bare_too: bool = False, wildcards: bool = False
) -> str | None:
    """The LDAP filter of a lookup (None: nothing to look up). Without wildcards the class is not filtered on,
    so objects of other classes that hold a name are found too."""
    if names is None:
        return f"(objectClass={escape_filter(object_class)})" if wildcards else None
    clauses = "".join(dict.fromkeys(_name_clause(n, suffix, bare_too, wildcards) for n in names))
    if not clauses:
        return None
    if wildcards:
        return f"(&(objectClass={escape_filter(object_class)})(|{clauses}))"
    return f"(|{clauses})"


def find_by_sam_account_name(
    client: Any,
    names: Iterable[str] | None,
    object_class: str,
    *,
    suffix: str = "",
    attributes: Iterable[str] = (),
    base: str | None = None,
    bare_too: bool = False,
    wildcards: bool = False,
) -> NameLookup:
    """One subtree search under ``base`` (default: the connection's domain) for every name; no names, no search.

    ``client`` needs ``search(base, filter, attributes)`` and ``domain.domain_dn`` (an ``LdapClient``).
    ``attributes`` are read besides objectClass and sAMAccountName. LDAP errors propagate as ``GmsaError``
    (a referral for another domain's naming context is result code 10; callers that search other domains
    decide what it means).
    """
    listed = None if names is None else list(names)
    ldap_filter = sam_account_name_filter(listed, object_class, suffix, bare_too, wildcards)
    if ldap_filter is None:
        return NameLookup(object_class, suffix, ())
    wanted = list(dict.fromkeys([*LOOKUP_ATTRIBUTES, *attributes]))
    domain_dn = client.domain.domain_dn

    def search() -> NameLookup:
        return NameLookup(object_class, suffix, tuple(client.search(base or domain_dn, ldap_filter, wanted)))

    if wildcards or listed is None or (base and dn_key(base) != dn_key(domain_dn)):
        # Patterns have nothing to miss, and another domain's objects are never on this domain's write DC (a
        # base under the domain head is a container: its objects are looked up where the caller reads them).
        return search()
    return seeing_own_writes(client, what_is(object_class), search, lambda found: missing_names(found, listed))


def missing_names(found: NameLookup, names: Iterable[str]) -> list[str]:
    """The names nothing holds in ``found`` (neither an object of the class nor another)."""
    return [name for name in names if not found.holders(name)]


def what_is(object_class: str) -> str:
    """A class as warnings name it."""
    return {"msds-groupmanagedserviceaccount": "gMSA", "computer": "Computer"}.get(object_class.lower(), object_class)


# -- replication conflicts ------------------------------------------------------------------------------------


def _copy_facts(entry: Entry) -> dict[str, Any]:
    sid, guid = entry.first("objectSid"), entry.first("objectGUID")
    return {
        "distinguished_name": entry.dn,
        "sid": sid_from_bytes(sid) if sid else None,
        "object_guid": guid_from_bytes(guid) if guid else None,
        "when_created": entry.text("whenCreated"),
        "conflict_copy": is_conflict_copy(entry.dn),
    }


@dataclass(frozen=True)
class NameConflict:
    """Objects of one kind that share the sAMAccountName ``name``, or one copy renamed by a name conflict.

    AD itself keeps the copy whose RDN is unmarked; the marked copies are the losers. With no unmarked copy (or
    several), which one to keep is the user's choice: the one whose SID the hosts and specs already use.
    """

    name: str
    copies: tuple[Entry, ...]

    @property
    def keep(self) -> Entry | None:
        """The one copy without the CNF mark, when there is exactly one."""
        unmarked = [e for e in self.copies if not is_conflict_copy(e.dn)]
        return unmarked[0] if len(unmarked) == 1 else None

    @property
    def delete(self) -> list[Entry]:
        """The copies to delete when one is to be kept; empty when the user must choose."""
        keep = self.keep
        if keep is None or len(self.copies) < 2:
            return []
        return [e for e in self.copies if e is not keep]

    def describe(self) -> str:
        """The copies, one clause each, as a failure or finding names them."""
        parts = []
        for facts in map(_copy_facts, self.copies):
            mark = ", a replication conflict copy" if facts["conflict_copy"] else ""
            created = f", created {facts['when_created']}" if facts["when_created"] else ""
            parts.append(f"{facts['distinguished_name']} (SID {facts['sid']}{created}{mark})")
        if len(self.copies) == 1:
            return f"{self.name} is held by {parts[0]}, renamed by a replication name conflict"
        return f"{len(self.copies)} objects hold sAMAccountName {self.name}: {'; '.join(parts)}"

    def remediation(self) -> str:
        """Which copy to keep and how to delete (or rename) the others, in PowerShell and Samba terms."""
        bare = self.name.rstrip("$")
        if len(self.copies) == 1:
            guid = _copy_facts(self.copies[0])["object_guid"]
            return (
                f"Give it its name back: Rename-ADObject -Identity '{guid}' -NewName '{bare}' (Samba: samba-tool "
                f"rename or ldbrename of <GUID={guid}>)."
            )
        how = "Remove-ADObject -Identity '{guid}' (Samba: ldbdel -H ldaps://<dc> '<GUID={guid}>')"
        if self.delete:
            deletes = " and ".join(how.format(guid=_copy_facts(e)["object_guid"]) for e in self.delete)
            return (
                f"Keep {self.keep.dn if self.keep else ''} (the copy AD kept under the name); after checking that "
                f"no host or credential spec uses the other copy's SID, delete it: {deletes}. Then run the task "
                "again."
            )
        return (
            "Decide which copy to keep (the one whose SID hosts and credential specs use; usually the oldest, see "
            f"whenCreated) and delete the others with {how.format(guid='<objectGUID>')}. Then run the task again."
        )

    def as_dict(self) -> dict[str, Any]:
        keep = self.keep
        return {
            "sam_account_name": self.name,
            "copies": [_copy_facts(e) for e in self.copies],
            "keep": keep.dn if keep is not None and len(self.copies) > 1 else None,
            "delete": [e.dn for e in self.delete],
            "remediation": self.remediation(),
        }


def name_conflicts(entries: Iterable[Entry]) -> list[NameConflict]:
    """Every sAMAccountName held by several of ``entries`` or by a CNF-marked one (pure), in name order."""
    by_name: dict[str, list[Entry]] = {}
    for entry in entries:
        by_name.setdefault((entry.text("sAMAccountName") or "").lower(), []).append(entry)
    conflicts = []
    for copies in by_name.values():
        if len(copies) > 1 or is_conflict_copy(copies[0].dn):
            conflicts.append(NameConflict(copies[0].text("sAMAccountName") or "", tuple(copies)))
    return sorted(conflicts, key=lambda c: c.name.lower())
