# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gMSA itself: it exists and is a gMSA, it is enabled, it has the SPNs clients need and no other object
holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .._adwrite import find
from .._gmsa import GMSA, UF_ACCOUNTDISABLE
from .._kds import managed_password_key_id
from .._ldap import Entry, LdapClient, dn_key
from .._lookup import CONFLICT_ATTRIBUTES, NameConflict, is_conflict_copy
from .._sid import sid_from_bytes
from .._spn import SpnHolder, find_spn_holders, required_spns
from .findings import ERROR, Finding, ok

# Read besides the gMSA table's attributes (_gmsa.GMSA): the KDS root key id of the current password.
CHECK_ATTRIBUTES = ("msDS-ManagedPasswordId", *CONFLICT_ATTRIBUTES)


@dataclass(frozen=True)
class GmsaFacts:
    """What the checks know of the account holding the gMSA's name (a gMSA, or another object holding it).

    ``sid`` as ``S-1-5-21-...``; ``membership`` the raw ``msDS-GroupMSAMembership`` security descriptor;
    ``password_key_id`` the KDS root key id of ``msDS-ManagedPasswordId`` (MS-GKDI 2.2.4); ``conflict`` the
    replication conflict when several gMSAs hold the name or this one carries the CNF mark (``_lookup``).
    """

    dn: str
    sam_account_name: str
    object_classes: tuple[str, ...]
    sid: str | None = None
    user_account_control: int | None = None
    spns: tuple[str, ...] = ()
    dns_host_name: str | None = None
    membership: bytes | None = field(default=None, repr=False)
    password_key_id: str | None = None
    conflict: NameConflict | None = field(default=None, repr=False)

    @property
    def is_gmsa(self) -> bool:
        return GMSA.object_class.lower() in (c.lower() for c in self.object_classes)

    @classmethod
    def from_entry(cls, entry: Entry, conflict: NameConflict | None = None) -> GmsaFacts:
        """The facts of an entry read with the gMSA table's attributes, decoded by its rows where they decode.

        The membership stays the raw descriptor (the access check needs its ACEs in order, deny ones included)
        and userAccountControl the raw number (the finding quotes it).
        """
        key_blob = entry.first("msDS-ManagedPasswordId")
        sid = entry.first("objectSid")
        return cls(
            dn=entry.dn,
            sam_account_name=entry.text("sAMAccountName") or "",
            object_classes=tuple(entry.texts("objectClass")),
            sid=sid_from_bytes(sid) if sid else None,
            user_account_control=entry.integer(GMSA.row("enabled").attribute),
            spns=tuple(GMSA.row("spn").read(entry)),
            dns_host_name=GMSA.row("dns_hostname").read(entry),
            membership=entry.first(GMSA.row("allowed_to_retrieve_password").attribute),
            password_key_id=managed_password_key_id(key_blob) if key_blob else None,
            conflict=conflict,
        )


def read_gmsas(client: LdapClient, names: Iterable[str]) -> dict[str, GmsaFacts | None]:
    """Each name (lower case, as given) -> the account holding it (``name$`` or ``name``; a gMSA, or whatever
    else holds the name), or None; one search for all of them through the engine's lookup (``_adwrite.find``).
    A name in a replication conflict (several gMSAs hold it, or the one holding it carries the CNF mark) carries
    the ``NameConflict`` in its facts."""
    wanted = list(dict.fromkeys(names))
    found = find(client, GMSA, wanted, extra=CHECK_ATTRIBUTES, bare_too=True)
    facts: dict[str, GmsaFacts | None] = {}
    for name in wanted:
        entry = found.entry(name) or found.conflict(name)
        if entry is None:
            facts[name.lower()] = None
            continue
        copies = found.copies(name)
        marked = len(copies) > 1 or is_conflict_copy(entry.dn)
        conflict = NameConflict(entry.text("sAMAccountName") or name, tuple(copies)) if marked and copies else None
        facts[name.lower()] = GmsaFacts.from_entry(entry, conflict)
    return facts


def read_gmsa(client: LdapClient, name: str) -> GmsaFacts | None:
    """The account named ``name`` (``read_gmsas`` of one name)."""
    return read_gmsas(client, [name])[name.lower()]


def evaluate_unique(gmsa: GmsaFacts) -> Finding | None:
    """``gmsa_unique``, only when the name is in a replication conflict: several gMSAs hold it (two DCs created it
    before replicating), or the one holding it carries the CNF mark. The other checks look at the copy AD kept."""
    if gmsa.conflict is None:
        return None
    return Finding(
        "gmsa_unique",
        ERROR,
        f"{gmsa.conflict.describe()}. Hosts, credential specs and tasks may each use a different copy (two SIDs, "
        f"the same SPNs twice); the checks below look at {gmsa.dn}.",
        gmsa.conflict.remediation(),
    )


def evaluate_gmsa(name: str, gmsa: GmsaFacts | None, domain_dns: str) -> Finding:
    """``gmsa_exists``: the name is held by a gMSA (objectClass msDS-GroupManagedServiceAccount) of the domain."""
    create = (
        f"Create it with wincontainers.gmsa.gmsa_account (New-ADServiceAccount -Name {name} -DNSHostName "
        f"{name.lower()}.{domain_dns} -PrincipalsAllowedToRetrieveManagedPassword <container host group>)."
    )
    if gmsa is None:
        return Finding("gmsa_exists", ERROR, f"gMSA {name} does not exist in {domain_dns}.", create)
    if not gmsa.is_gmsa:
        kind = "a computer" if "computer" in (c.lower() for c in gmsa.object_classes) else "not a gMSA"
        return Finding(
            "gmsa_exists",
            ERROR,
            f"{gmsa.sam_account_name} ({gmsa.dn}) is {kind}, not a group Managed Service Account.",
            f"Give the name of a gMSA, or rename the other object. {create}",
        )
    return ok("gmsa_exists", f"gMSA {gmsa.sam_account_name} exists ({gmsa.dn}).")


def evaluate_enabled(gmsa: GmsaFacts) -> Finding:
    """``gmsa_enabled``: ACCOUNTDISABLE is not set in userAccountControl (MS-ADTS 2.2.16)."""
    if (gmsa.user_account_control or 0) & UF_ACCOUNTDISABLE:
        return Finding(
            "gmsa_enabled",
            ERROR,
            f"gMSA {gmsa.sam_account_name} is disabled (userAccountControl {gmsa.user_account_control}): hosts can "
            'read its password, but the KDC refuses it tickets ("client\'s credentials have been revoked").',
            f"Enable it: Enable-ADAccount -Identity '{gmsa.sam_account_name}', or wincontainers.gmsa.gmsa_account "
            "with enabled: true.",
        )
    return ok("gmsa_enabled", f"gMSA {gmsa.sam_account_name} is enabled.")


def evaluate_spns(gmsa: GmsaFacts) -> Finding:
    """``gmsa_spns``: the gMSA has a dNSHostName and the SPNs of ``_spn.required_spns`` (any case)."""
    name = gmsa.sam_account_name
    have = {s.lower() for s in gmsa.spns}
    required = required_spns(gmsa.sam_account_name, gmsa.dns_host_name)
    missing = [spn for spn in required if spn.lower() not in have]
    problems = []
    if not gmsa.dns_host_name:
        problems.append("it has no dNSHostName")
    if missing:
        problems.append(f"it lacks the SPN(s) {', '.join(missing)}")
    if problems:
        fixes = " and ".join(f"setspn -S {spn} {name}" for spn in missing)
        return Finding(
            "gmsa_spns",
            ERROR,
            f"gMSA {name}: {'; '.join(problems)}. Clients find the account by these names, so Kerberos to the "
            "containerized app fails.",
            ("Set dNSHostName (Set-ADServiceAccount -DNSHostName). " if not gmsa.dns_host_name else "")
            + (f"Add the SPNs: {fixes}, or the spn option of wincontainers.gmsa.gmsa_account. " if missing else "")
            + "Add a host/ SPN as well for every other name clients reach the app by (a load balancer name).",
        )
    return ok("gmsa_spns", f"gMSA {name} has the SPNs {', '.join(required)}.")


def spn_holders_of(gmsa: GmsaFacts, holders: Mapping[str, Sequence[SpnHolder]]) -> dict[str, list[str]]:
    """SPN (lower case) -> DNs of the objects other than the gMSA among ``holders`` (``find_spn_holders``) that
    hold one of the gMSA's SPNs."""
    own = {spn.lower() for spn in gmsa.spns}
    others = {
        spn: [h.dn for h in found if dn_key(h.dn) != dn_key(gmsa.dn)] for spn, found in holders.items() if spn in own
    }
    return {spn: dns for spn, dns in others.items() if dns}


def read_spn_holders(client: LdapClient, gmsa: GmsaFacts) -> dict[str, list[str]]:
    """SPN (lower case) -> DNs of the other objects that hold it: ``_spn.find_spn_holders``, the search
    gmsa_account runs before it adds an SPN (forest root domain and the connection's domain)."""
    return spn_holders_of(gmsa, find_spn_holders(client, gmsa.spns))


def evaluate_duplicate_spns(gmsa: GmsaFacts, holders: Mapping[str, Sequence[str]]) -> Finding:
    """``gmsa_spn_duplicates``: no other object holds one of the gMSA's SPNs (``holders`` from the reader)."""
    name = gmsa.sam_account_name
    duplicates = [(spn, holders[spn.lower()]) for spn in gmsa.spns if holders.get(spn.lower())]
    if duplicates:
        listed = "; ".join(f"{spn} is also on {', '.join(dns)}" for spn, dns in duplicates)
        return Finding(
            "gmsa_spn_duplicates",
            ERROR,
            f"gMSA {name}: {listed}. The KDC cannot tell which account a ticket for a duplicated SPN is for, so "
            "Kerberos to the app fails.",
            "Remove each SPN from the object that should not have it (setspn -D <spn> <account>); setspn -X lists "
            "every duplicate of the forest.",
        )
    return ok("gmsa_spn_duplicates", f"No other object holds an SPN of gMSA {name}.")
