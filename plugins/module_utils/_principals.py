# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding users, computers and groups by what a playbook calls them, in the forms microsoft.ad takes.

A principal may be given by ``sAMAccountName`` (a computer also without its ``$``), ``objectSid``,
``objectGUID`` (8-4-4-4-12 hex, braces optional), ``distinguishedName`` or ``userPrincipalName``
(``name@suffix``), as microsoft.ad's ``service_account`` and ``group`` document them. The form tells which
attribute is searched: a GUID and a SID have fixed shapes, a DN has ``=`` and parses as RFC 4514, a UPN has
``@`` (which AD forbids in ``sAMAccountName``), anything else is an account name.

A UPN is first the stored ``userPrincipalName`` (an explicit UPN). Built-in and many migrated accounts store none,
yet Windows accepts their implicit UPN, ``sAMAccountName@<the domain's DNS name>`` (Win32 "User Name Formats";
MS-KILE 3.3.5.2 builds it for the PAC; MS-ADTS 3.1.1.13.7 looks a logon name up by ``userPrincipalName`` first,
then by the account name). So ``Administrator@contoso.com`` also matches the account ``Administrator`` of the
domain ``contoso.com``, in the same search; an object whose stored UPN is that name wins over it. Only the
domain's own DNS name is an implicit suffix (not the forest's other UPN suffixes, which only explicit UPNs use).

Everything a task names is resolved in one search (an OR filter over the whole list), whatever the list's
length: a bulk task naming hundreds of principals costs one round trip (the client pages long answers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Callable

from ._errors import GmsaError
from ._ldap import Entry, dn_is_valid, dn_key, escape_filter
from ._lookup import seeing_own_writes
from ._sid import (
    escape_filter_bytes,
    guid_from_bytes,
    guid_to_bytes,
    is_guid_string,
    is_sid_string,
    normalize_sid,
    sid_filter_value,
    sid_from_bytes,
)

LOOKUP_FAILURE_ACTIONS = ("fail", "warn", "ignore")

PRINCIPAL_ATTRIBUTES = (
    "sAMAccountName",
    "objectSid",
    "objectGUID",
    "userPrincipalName",
    "objectClass",
    "distinguishedName",
)

# The object classes a principal may have, most specific first (a computer is also a user).
PRINCIPAL_CLASSES = ("msDS-GroupManagedServiceAccount", "computer", "group", "user")

IDENTITY_FORMS = "a name (a computer also as NAME$), a DN, a SID, an objectGUID or a user principal name (UPN)"


@dataclass(frozen=True)
class Principal:
    """A security principal found in AD (``guid`` and ``upn`` empty when not read or not set)."""

    dn: str
    sid: str
    name: str
    object_class: str
    guid: str = ""
    upn: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "sid": self.sid, "distinguished_name": self.dn, "object_class": self.object_class}


def principal_from_entry(entry: Entry) -> Principal | None:
    raw_sid = entry.first("objectSid")
    if raw_sid is None:
        return None
    classes = {c.lower() for c in entry.texts("objectClass")}
    object_class = next((c for c in PRINCIPAL_CLASSES if c.lower() in classes), "other")
    raw_guid = entry.first("objectGUID")
    return Principal(
        dn=entry.dn,
        sid=sid_from_bytes(raw_sid),
        name=entry.text("sAMAccountName") or "",
        object_class=object_class,
        guid=guid_from_bytes(raw_guid) if raw_guid else "",
        upn=entry.text("userPrincipalName") or "",
    )


def identity_kind(identity: str) -> str:
    """``sid``, ``guid``, ``dn``, ``upn`` or ``name``: how an identity string is to be looked up."""
    if is_sid_string(identity):
        return "sid"
    if is_guid_string(identity):
        return "guid"
    if "=" in identity and dn_is_valid(identity):
        return "dn"
    if "@" in identity:
        return "upn"
    return "name"


def implicit_upn_name(identity: str, suffixes: Iterable[str]) -> str | None:
    """The ``sAMAccountName`` an implicit UPN names (``Administrator`` for ``Administrator@contoso.com`` when
    ``contoso.com`` is one of ``suffixes``, compared ignoring case), else None."""
    name, suffix = identity.split("@", 1) if "@" in identity else ("", "")
    if not name or "@" in suffix or suffix.lower() not in {s.lower() for s in suffixes if s}:
        return None
    return name


def _identity_filter(identity: str, upn_suffixes: Iterable[str] = ()) -> str:
    kind = identity_kind(identity)
    if kind == "sid":
        return f"(objectSid={sid_filter_value(identity)})"
    if kind == "guid":
        return f"(objectGUID={escape_filter_bytes(guid_to_bytes(identity))})"
    if kind == "dn":
        return f"(distinguishedName={escape_filter(identity)})"
    if kind == "upn":
        implicit = implicit_upn_name(identity, upn_suffixes)
        stored = f"(userPrincipalName={escape_filter(identity)})"
        return stored + (f"(sAMAccountName={escape_filter(implicit)})" if implicit else "")
    name = identity[:-1] if identity.endswith("$") else identity
    # A computer's sAMAccountName ends in $, but playbooks (and New-ADGroup) name it without.
    return f"(sAMAccountName={escape_filter(name)})(sAMAccountName={escape_filter(name)}$)"


def principals_filter(identities: Iterable[str], upn_suffixes: Iterable[str] = ()) -> str | None:
    """One filter for every identity (None for none); ``upn_suffixes`` are the implicit UPN suffixes (the domain's
    DNS name): a UPN with one of them also matches its ``sAMAccountName``."""
    suffixes = tuple(upn_suffixes)
    parts = list(dict.fromkeys(_identity_filter(i, suffixes) for i in identities))
    if not parts:
        return None
    return f"(&(objectSid=*)(|{''.join(parts)}))"


class PrincipalIndex:
    """The principals one search found, and the identities that found nothing.

    ``upn_suffixes`` are the implicit UPN suffixes the search was made with (``principals_filter``).
    """

    def __init__(self, principals: Iterable[Principal] = (), upn_suffixes: Iterable[str] = ()) -> None:
        self.upn_suffixes = tuple(upn_suffixes)
        self.by_sid: dict[str, Principal] = {}
        self.by_dn: dict[str, Principal] = {}
        self.by_name: dict[str, Principal] = {}
        self.by_guid: dict[str, Principal] = {}
        self.by_upn: dict[str, Principal] = {}
        for principal in principals:
            self.add(principal)

    def add(self, principal: Principal) -> None:
        self.by_sid[principal.sid] = principal
        self.by_dn[dn_key(principal.dn)] = principal
        self.by_name[principal.name.lower()] = principal
        if principal.guid:
            self.by_guid[principal.guid] = principal
        if principal.upn:
            self.by_upn[principal.upn.lower()] = principal

    def find(self, identity: str) -> Principal | None:
        kind = identity_kind(identity)
        if kind == "sid":
            return self.by_sid.get(normalize_sid(identity))
        if kind == "guid":
            return self.by_guid.get(guid_from_bytes(guid_to_bytes(identity)))
        if kind == "dn":
            return self.by_dn.get(dn_key(identity))
        if kind == "upn":
            # An explicit (stored) UPN wins; else the implicit one, the exact account name (MS-ADTS 3.1.1.13.7).
            implicit = implicit_upn_name(identity, self.upn_suffixes)
            explicit = self.by_upn.get(identity.lower())
            return explicit or (self.by_name.get(implicit.lower()) if implicit else None)
        name = identity.lower()
        # The exact account name wins; ``name`` then also finds the computer ``name$``.
        return self.by_name.get(name) or (None if name.endswith("$") else self.by_name.get(name + "$"))

    def describe_sid(self, sid: str) -> dict[str, str | None]:
        """``{name, sid}`` for a SID; the name is None when no object in the domain has it."""
        principal = self.by_sid.get(sid)
        return {"name": principal.name if principal else None, "sid": sid}


def lookup_principals(client: Any, identities: Iterable[str], sids: Iterable[str] = ()) -> PrincipalIndex:
    """The principals of every identity and SID given: one subtree search of the domain (none when nothing is
    given), two when existing objects name SIDs and the identities are not all among them.

    ``sids`` are what existing objects already name; a task that converges names them again, so they are looked
    up first, and the identities only when some are not among what they found: a converged bulk task searches
    once, by SID, with a third of the filter a search by name would need (each name is asked as ``NAME`` and
    ``NAME$``), and the DC evaluates every clause of a filter.

    A UPN whose suffix is the domain's DNS name also finds the account of that ``sAMAccountName`` (its implicit
    UPN), in the same search.
    """
    named = list(identities)
    suffixes = (client.domain.dns_name,)
    sid_filter = principals_filter(list(dict.fromkeys(sids)))

    def search() -> PrincipalIndex:
        index = PrincipalIndex(upn_suffixes=suffixes)
        if sid_filter is not None:
            _index_entries(index, client.search(client.domain.domain_dn, sid_filter, PRINCIPAL_ATTRIBUTES))
        name_filter = principals_filter((i for i in named if not _found_as_searched(index, i)), suffixes)
        if name_filter is not None:
            _index_entries(index, client.search(client.domain.domain_dn, name_filter, PRINCIPAL_ATTRIBUTES))
        return index

    if sid_filter is None and principals_filter(named, suffixes) is None:
        return PrincipalIndex(upn_suffixes=suffixes)

    # A principal named but not found may have been created on the write DC moments ago (``_lookup``); SIDs that
    # existing objects already name are not looked for there (a deleted principal's SID stays behind).
    return seeing_own_writes(client, "Principal", search, lambda index: [i for i in named if index.find(i) is None])


def _found_as_searched(index: PrincipalIndex, identity: str) -> bool:
    """Whether ``index`` answers ``identity`` as a search for it would: a bare name found only as the computer
    ``name$`` might also be held exactly (a user ``name``), and a UPN found only as an implicit one (the account
    of that name, found by its SID) might be another object's stored UPN, which a search would find and prefer."""
    kind = identity_kind(identity)
    if kind == "name" and not identity.endswith("$"):
        return identity.lower() in index.by_name
    if kind == "upn":
        return identity.lower() in index.by_upn
    return index.find(identity) is not None


def _index_entries(index: PrincipalIndex, entries: Iterable[Entry]) -> None:
    for principal in (principal_from_entry(entry) for entry in entries):
        if principal is not None:
            index.add(principal)


def resolve(
    index: PrincipalIndex,
    identities: Iterable[str],
    lookup_failure_action: str,
    warn: Callable[[str], None],
    what: str,
    allowed_classes: tuple[str, ...] = ("computer", "group", "user", "msDS-GroupManagedServiceAccount"),
    action_option: str | None = "lookup_failure_action",
) -> list[Principal]:
    """The principals for ``identities``; those not found fail, warn or are skipped as asked.

    ``what`` names the option in messages (``members of WebApp01Hosts``); ``action_option`` names the option
    that chooses ``lookup_failure_action`` for the hint (None: the caller has no such option, as
    gmsa_delegation's trustee).
    """
    found: list[Principal] = []
    missing: list[str] = []
    for identity in identities:
        principal = index.find(identity)
        if principal is None:
            missing.append(identity)
            continue
        if principal.object_class not in allowed_classes:
            raise GmsaError(
                f"{identity} ({principal.dn}) is a {principal.object_class}, which cannot be one of the {what}.",
                hint=f"Name a {', '.join(allowed_classes)} instead.",
                dn=principal.dn,
            )
        found.append(principal)
    if missing:
        text = f"No user, computer or group found for {', '.join(missing)} (in the {what})."
        if lookup_failure_action == "fail":
            hint = f"Check each value: {IDENTITY_FORMS} of an existing object."
            down_level = [i for i in missing if "\\" in i]
            if down_level:
                # DOMAIN\name (the down-level logon name) is not a form the lookup takes, nor does AD PowerShell.
                name = down_level[0].split("\\", 1)[1]
                hint += f" A DOMAIN\\name such as {down_level[0]} is not looked up: give {name} (or {name}@<domain>)."
            if action_option:
                hint += f" Or set {action_option} to warn or ignore to skip principals that do not exist."
            raise GmsaError(text, hint=hint, missing_principals=missing)
        if lookup_failure_action == "warn":
            warn(text + " Skipped.")
    return list({p.sid: p for p in found}.values())
