# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The container host's computer account and the groups its Kerberos tickets carry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .._gmsa import UF_ACCOUNTDISABLE
from .._kds import filetime_to_datetime
from .._ldap import Entry, LdapClient, dn_key, escape_filter
from .._lookup import NameLookup, bare_name, has_class, seeing_own_writes
from .._sid import normalize_sid, sid_filter_value, sid_from_bytes
from .findings import ERROR, Finding, ok

# SIDs every domain computer's network logon token holds besides its own and its groups (MS-DTYP 2.4.2.4).
WELL_KNOWN_TOKEN_SIDS = {
    "S-1-1-0": "Everyone",
    "S-1-5-11": "Authenticated Users",
    "S-1-5-15": "This Organization",
}


def _ad_time(value: str | None) -> datetime | None:
    """A GeneralizedTime such as ``20261122001149.0Z`` (whenChanged) as an aware UTC datetime."""
    if not value:
        return None
    try:
        return datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _filetime(value: int | None) -> datetime | None:
    return filetime_to_datetime(value) if value else None


HOST_ATTRIBUTES = (
    "sAMAccountName",
    "objectSid",
    "primaryGroupID",
    "memberOf",
    "userAccountControl",
    "lastLogonTimestamp",
    "lastLogon",
    "objectClass",
)


@dataclass(frozen=True)
class HostFacts:
    """A container host's computer account and the SIDs its Kerberos tickets carry."""

    dn: str
    sam_account_name: str
    sid: str
    primary_group_sid: str | None
    group_sids: tuple[str, ...]
    member_of: tuple[str, ...]
    last_logon: datetime | None
    enabled: bool = True

    def token_sids(self) -> list[str]:
        sids = [self.sid, *([self.primary_group_sid] if self.primary_group_sid else []), *self.group_sids]
        return list(dict.fromkeys([*(normalize_sid(s) for s in sids), *WELL_KNOWN_TOKEN_SIDS]))


@dataclass(frozen=True)
class GroupFacts:
    """A group of the host's token, with when its member list last changed."""

    dn: str
    sid: str
    name: str
    member_of: tuple[str, ...] = ()
    changed: datetime | None = None
    member_added: Mapping[str, datetime] = field(default_factory=dict)

    def membership_time(self, member_dn: str) -> tuple[datetime | None, bool]:
        """When ``member_dn`` joined (exact, from value metadata) or the group last changed (an upper bound)."""
        exact = self.member_added.get(dn_key(member_dn))
        return (exact, True) if exact else (self.changed, False)


# Read with the hosts to tell which one a DNS name names.
HOST_LOOKUP_ATTRIBUTES = (*HOST_ATTRIBUTES, "dNSHostName")


def host_identity_kind(host: str) -> str:
    """How a host is named: ``dn`` (has ``=``), ``dns`` (has a dot) or ``name`` (``NAME`` or ``NAME$``)."""
    if "=" in host:
        return "dn"
    return "dns" if "." in host else "name"


def host_clause(host: str) -> str:
    """The filter clause that finds the computer account ``host`` names (its DN, DNS name or name)."""
    kind = host_identity_kind(host)
    if kind == "dn":
        return f"(distinguishedName={escape_filter(host)})"
    if kind == "dns":
        label = escape_filter(host.split(".", 1)[0])
        return f"(&(objectClass=computer)(|(dNSHostName={escape_filter(host)})(sAMAccountName={label}$)))"
    return f"(sAMAccountName={escape_filter(bare_name(host, '$'))}$)"


def match_host(host: str, entries: Sequence[Entry]) -> Entry | None:
    """The entry among ``entries`` (one search for many hosts) that ``host`` names: the object with that DN,
    the computer with that dNSHostName (or, failing that, whose sAMAccountName is the first label plus ``$``),
    or the computer whose sAMAccountName is ``NAME$``."""
    kind = host_identity_kind(host)
    if kind == "dn":
        key = dn_key(host)
        return next((e for e in entries if dn_key(e.dn) == key), None)
    if kind == "name":
        return NameLookup("computer", "$", tuple(entries)).entry(host)
    computers = [e for e in entries if has_class(e, "computer")]
    label = host.split(".", 1)[0].lower() + "$"
    by_dns = (e for e in computers if (e.text("dNSHostName") or "").lower() == host.lower())
    by_label = (e for e in computers if (e.text("sAMAccountName") or "").lower() == label)
    return next(by_dns, None) or next(by_label, None)


def host_facts(host: str, entry: Entry, token: Entry | None) -> HostFacts | None:
    """The facts of the computer account ``entry`` with its ``tokenGroups`` (``token``); None without a SID."""
    object_sid = entry.first("objectSid")
    if object_sid is None:
        return None
    sid = sid_from_bytes(object_sid)
    primary = entry.integer("primaryGroupID")
    logons = [t for t in (_filetime(entry.integer("lastLogonTimestamp")), _filetime(entry.integer("lastLogon"))) if t]
    return HostFacts(
        dn=entry.dn,
        sam_account_name=entry.text("sAMAccountName") or host,
        sid=sid,
        primary_group_sid=f"{sid.rsplit('-', 1)[0]}-{primary}" if primary else None,
        group_sids=tuple(sid_from_bytes(v) for v in (token.values("tokenGroups") if token else [])),
        member_of=tuple(entry.texts("memberOf")),
        last_logon=max(logons) if logons else None,
        enabled=not (entry.integer("userAccountControl") or 0) & UF_ACCOUNTDISABLE,
    )


def read_hosts(client: LdapClient, hosts: Iterable[str]) -> dict[str, HostFacts | None]:
    """Each host as given (NAME, NAME$, its DNS name or its DN) -> its computer account with its token groups,
    or None: one search for all of them, then one base read of ``tokenGroups`` per host found.

    ``tokenGroups`` is constructed (MS-ADTS 3.1.1.4.5.19): only a base search returns it, and it holds the
    transitive security groups, nested ones included, as the DC puts them in the host's tickets.
    """
    wanted = list(dict.fromkeys(hosts))
    if not wanted:
        return {}
    clauses = "".join(dict.fromkeys(host_clause(host) for host in wanted))
    entries = seeing_own_writes(
        client,
        "Computer",
        lambda: client.search(client.domain.domain_dn, f"(|{clauses})", list(HOST_LOOKUP_ATTRIBUTES)),
        lambda found: [host for host in wanted if match_host(host, found) is None],
    )
    tokens: dict[str, Entry | None] = {}
    facts: dict[str, HostFacts | None] = {}
    for host in wanted:
        entry = match_host(host, entries)
        if entry is None or entry.first("objectSid") is None:
            facts[host] = None
            continue
        if dn_key(entry.dn) not in tokens:
            tokens[dn_key(entry.dn)] = client.read(entry.dn, ["tokenGroups"])
        facts[host] = host_facts(host, entry, tokens[dn_key(entry.dn)])
    return facts


def read_host(client: LdapClient, host: str) -> HostFacts | None:
    """The computer account ``host`` names, with its token groups (``read_hosts`` of one host)."""
    return read_hosts(client, [host])[host]


_VALUE_METADATA = re.compile(r"<DS_REPL_VALUE_META_DATA>(.*?)</DS_REPL_VALUE_META_DATA>", re.DOTALL)


def parse_value_metadata(values: Iterable[str]) -> dict[str, datetime]:
    """Member DN (its dn_key) -> when the link was last written, from AD's XML ``msDS-ReplValueMetaData``.

    Only present member links count (``ftimeDeleted`` still at 1601); Samba does not return the attribute.
    """
    added: dict[str, datetime] = {}
    for value in values:
        for block in _VALUE_METADATA.findall(value):
            fields = dict(re.findall(r"<(\w+)>([^<]*)</\1>", block))
            if fields.get("pszAttributeName", "").lower() != "member":
                continue
            if not fields.get("ftimeDeleted", "1601").startswith("1601"):
                continue
            stamp = fields.get("ftimeLastOriginatingChange") or fields.get("ftimeCreated")
            try:
                when = datetime.strptime(stamp or "", "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            except ValueError:
                continue
            added[dn_key(fields.get("pszObjectDn"))] = when
    return added


def read_groups(client: LdapClient, sids: Iterable[str]) -> dict[str, GroupFacts]:
    """SID -> GroupFacts for the domain objects among ``sids`` (one search); others stay unnamed."""
    wanted = [s for s in dict.fromkeys(sids) if s.startswith("S-1-5-")]
    if not wanted:
        return {}
    clauses = "".join(f"(objectSid={sid_filter_value(s)})" for s in wanted)
    entries = client.search(
        client.domain.domain_dn,
        f"(|{clauses})",
        ["objectSid", "sAMAccountName", "memberOf", "whenChanged", "msDS-ReplValueMetaData"],
    )
    groups = {}
    for entry in entries:
        object_sid = entry.first("objectSid")
        if object_sid is None:  # the filter asks for objectSid values, so every match has one
            continue
        sid = sid_from_bytes(object_sid)
        groups[sid] = GroupFacts(
            dn=entry.dn,
            sid=sid,
            name=entry.text("sAMAccountName") or entry.dn,
            member_of=tuple(entry.texts("memberOf")),
            changed=_ad_time(entry.text("whenChanged")),
            member_added=parse_value_metadata(entry.texts("msDS-ReplValueMetaData")),
        )
    return groups


def evaluate_host_exists(host_name: str, host: HostFacts | None, domain_dns: str) -> Finding:
    """``host_exists``: the host has an enabled computer account in the domain."""
    if host is None:
        return Finding(
            "host_exists",
            ERROR,
            f"Container host {host_name} has no computer account in {domain_dns}.",
            "Join the host to the domain (Add-Computer, or the container_host role) and give its computer name.",
        )
    if not host.enabled:
        return Finding(
            "host_exists",
            ERROR,
            f"The computer account of container host {host.sam_account_name} is disabled.",
            f"Enable it (Enable-ADAccount -Identity '{host.sam_account_name}') or rejoin the host to the domain.",
        )
    return ok("host_exists", f"Container host {host.sam_account_name} has a computer account ({host.dn}).")
