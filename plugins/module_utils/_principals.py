# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding users, computers and groups by what a playbook calls them: a name, ``name$``, a DN or a SID.

Everything a task names is resolved in one search (an OR filter over the whole list), whatever the list's
length: a bulk task naming hundreds of principals costs one round trip (the client pages long answers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Callable

from ._errors import GmsaError
from ._ldap import Entry, dn_is_valid, escape_filter
from ._lookup import seeing_own_writes
from ._sid import is_sid_string, normalize_sid, sid_filter_value, sid_from_bytes

LOOKUP_FAILURE_ACTIONS = ("fail", "warn", "ignore")

PRINCIPAL_ATTRIBUTES = ("sAMAccountName", "objectSid", "objectClass", "distinguishedName")

# The object classes a principal may have, most specific first (a computer is also a user).
PRINCIPAL_CLASSES = ("msDS-GroupManagedServiceAccount", "computer", "group", "user")


@dataclass(frozen=True)
class Principal:
    """A security principal found in AD."""

    dn: str
    sid: str
    name: str
    object_class: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "sid": self.sid, "distinguished_name": self.dn, "object_class": self.object_class}


def principal_from_entry(entry: Entry) -> Principal | None:
    raw_sid = entry.first("objectSid")
    if raw_sid is None:
        return None
    classes = {c.lower() for c in entry.texts("objectClass")}
    object_class = next((c for c in PRINCIPAL_CLASSES if c.lower() in classes), "other")
    return Principal(
        dn=entry.dn, sid=sid_from_bytes(raw_sid), name=entry.text("sAMAccountName") or "", object_class=object_class
    )


def identity_kind(identity: str) -> str:
    """``sid``, ``dn`` or ``name``: how an identity string is to be looked up."""
    if is_sid_string(identity):
        return "sid"
    if "=" in identity and dn_is_valid(identity):
        return "dn"
    return "name"


def _identity_filter(identity: str) -> str:
    kind = identity_kind(identity)
    if kind == "sid":
        return f"(objectSid={sid_filter_value(identity)})"
    if kind == "dn":
        return f"(distinguishedName={escape_filter(identity)})"
    name = identity[:-1] if identity.endswith("$") else identity
    # A computer's sAMAccountName ends in $, but playbooks (and New-ADGroup) name it without.
    return f"(sAMAccountName={escape_filter(name)})(sAMAccountName={escape_filter(name)}$)"


def principals_filter(identities: Iterable[str]) -> str | None:
    parts = list(dict.fromkeys(_identity_filter(i) for i in identities))
    if not parts:
        return None
    return f"(&(objectSid=*)(|{''.join(parts)}))"


class PrincipalIndex:
    """The principals one search found, and the identities that found nothing."""

    def __init__(self, principals: Iterable[Principal] = ()) -> None:
        self.by_sid: dict[str, Principal] = {}
        self.by_dn: dict[str, Principal] = {}
        self.by_name: dict[str, Principal] = {}
        for principal in principals:
            self.add(principal)

    def add(self, principal: Principal) -> None:
        self.by_sid[principal.sid] = principal
        self.by_dn[principal.dn.lower()] = principal
        self.by_name[principal.name.lower()] = principal

    def find(self, identity: str) -> Principal | None:
        kind = identity_kind(identity)
        if kind == "sid":
            return self.by_sid.get(normalize_sid(identity))
        if kind == "dn":
            return self.by_dn.get(identity.lower())
        name = identity.lower()
        # The exact account name wins; ``name`` then also finds the computer ``name$``.
        return self.by_name.get(name) or (None if name.endswith("$") else self.by_name.get(name + "$"))

    def describe_sid(self, sid: str) -> dict[str, str | None]:
        """``{name, sid}`` for a SID; the name is None when no object in the domain has it."""
        principal = self.by_sid.get(sid)
        return {"name": principal.name if principal else None, "sid": sid}


def lookup_principals(client: Any, identities: Iterable[str], sids: Iterable[str] = ()) -> PrincipalIndex:
    """One subtree search of the domain for every identity and SID given (none: no search)."""
    identities = list(identities)
    wanted = identities + list(sids)
    ldap_filter = principals_filter(wanted)
    if ldap_filter is None:
        return PrincipalIndex()
    named = list(identities)

    def search() -> PrincipalIndex:
        entries = client.search(client.domain.domain_dn, ldap_filter, PRINCIPAL_ATTRIBUTES)
        return PrincipalIndex(p for p in (principal_from_entry(e) for e in entries) if p is not None)

    # A principal named but not found may have been created on the write DC moments ago (``_lookup``); SIDs that
    # existing objects already name are not looked for there (a deleted principal's SID stays behind).
    return seeing_own_writes(client, "Principal", search, lambda index: [i for i in named if index.find(i) is None])


def resolve(
    index: PrincipalIndex,
    identities: Iterable[str],
    lookup_failure_action: str,
    warn: Callable[[str], None],
    what: str,
    allowed_classes: tuple[str, ...] = ("computer", "group", "user", "msDS-GroupManagedServiceAccount"),
) -> list[Principal]:
    """The principals for ``identities``; those not found fail, warn or are skipped as asked.

    ``what`` names the option in messages (``members of WebApp01Hosts``).
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
            raise GmsaError(
                text,
                hint="Check the names (a computer may be given as NAME or NAME$), DNs and SIDs, or set "
                "lookup_failure_action to warn or ignore to skip principals that do not exist.",
                missing_principals=missing,
            )
        if lookup_failure_action == "warn":
            warn(text + " Skipped.")
    return list({p.sid: p for p in found}.values())
