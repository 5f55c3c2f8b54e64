# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The troubleshooting guide of "gMSAs for Windows containers" as checks, run from outside Windows.

Each check is a pure ``evaluate_*`` function (facts in, :class:`Finding` list out, unit-tested without a DC) fed by
a ``read_*`` function that fetches the facts over LDAP. The proofs (``prove_*``) act as the container host
would: bind as the host and read the managed password, then ask the KDC for tickets as the gMSA. The password
lives in memory only for that; no finding, message or exception ever carries it.
"""

from __future__ import annotations

import json
import os
import re
import struct
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from ._credspec import CredentialSpecError, DomainIdentity, parse_credential_spec
from ._credspec_ad import GMSA_CLASS, Forest, find_gmsas
from ._errors import GmsaError
from ._kds import RootKey, filetime_to_datetime, iso, managed_password_key_id, preferred_key, read_root_keys
from ._ldap import Entry, LdapClient, _gss_message, escape_filter, gssapi
from ._rules import gmsa_name as gmsa_name_rule
from ._sd import (
    ACCESS_ALLOWED_ACE_TYPE,
    ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    ACCESS_DENIED_ACE_TYPE,
    ACCESS_DENIED_OBJECT_ACE_TYPE,
    INHERIT_ONLY_ACE,
    Ace,
    ObjectAce,
    sd_from_bytes,
)
from ._sid import normalize_sid, sid_filter_value, sid_from_bytes

OK, WARNING, ERROR = "ok", "warning", "error"
STATUSES = (OK, WARNING, ERROR)
FAIL_ON = ("error", "warning", "never")

# userAccountControl ACCOUNTDISABLE (MS-ADTS 2.2.16).
UF_ACCOUNTDISABLE = 0x2
# The right the DC asks for when it checks a reader against msDS-GroupMSAMembership: read property
# (ADS_RIGHT_DS_READ_PROP, MS-ADTS 5.1.3.2); Samba's DC does exactly this check.
READ_PROPERTY = 0x10
# SIDs every domain computer's network logon token holds besides its own and its groups (MS-DTYP 2.4.2.4).
WELL_KNOWN_TOKEN_SIDS = {
    "S-1-1-0": "Everyone",
    "S-1-5-11": "Authenticated Users",
    "S-1-5-15": "This Organization",
}

# Windows builds named in the guide's known issues (Windows Server 2016 = 1607, then 1703, 1709, 1803, 1809).
BUILD_2016 = 14393
BUILD_1809 = 17763
HYPERV_GMSA_BROKEN_BUILDS = {15063: "1703", 16299: "1709", 17134: "1803"}
WINDOWS_RELEASES = {
    "2016": BUILD_2016,
    "1607": BUILD_2016,
    "1703": 15063,
    "1709": 16299,
    "1803": 17134,
    "1809": BUILD_1809,
    "2019": BUILD_1809,
    "2022": 20348,
    "2025": 26100,
}

PURGE = "klist -li 0x3e7 purge"


@dataclass(frozen=True)
class Finding:
    """One result of a check: ``id`` names the check, ``remediation`` says what to do (empty when ok)."""

    id: str
    status: str
    message: str
    remediation: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status, "message": self.message, "remediation": self.remediation}


def ok(check: str, message: str) -> Finding:
    return Finding(check, OK, message)


def worst(findings: Iterable[Finding]) -> str:
    statuses = {f.status for f in findings}
    return next((s for s in (ERROR, WARNING) if s in statuses), OK)


def summarize(findings: Sequence[Finding]) -> dict[str, int]:
    return {status: sum(1 for f in findings if f.status == status) for status in STATUSES}


def failing(findings: Sequence[Finding], fail_on: str) -> list[Finding]:
    """The findings that fail the task under ``fail_on`` (error, warning or never)."""
    if fail_on == "never":
        return []
    levels = (ERROR,) if fail_on == "error" else (ERROR, WARNING)
    return [f for f in findings if f.status in levels]


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


# -- KDS root key ---------------------------------------------------------------------------------------------


def evaluate_kds(keys: Sequence[RootKey], now: datetime) -> Finding:
    key = preferred_key(list(keys), now)
    if key is None:
        return Finding(
            "kds_root_key",
            ERROR,
            "The forest has no KDS root key (or the bind account cannot read CN=Master Root Keys), so no DC can "
            "derive gMSA passwords.",
            "Create one with wincontainers.gmsa.gmsa_kds_root_key (Add-KdsRootKey -EffectiveImmediately on "
            "Windows) and wait 10 hours for it to replicate before creating gMSAs; in a single-DC lab, "
            "effective_time_hours: 0 makes it usable at once.",
        )
    if not key.usable_at(now):
        left = key.usable_time - now
        hours, minutes = divmod(int(left.total_seconds()) // 60, 60)
        return Finding(
            "kds_root_key",
            ERROR,
            f"No KDS root key is usable yet: key {key.key_id} becomes usable at {iso(key.usable_time)} "
            f"(in {hours} h {minutes} min), 10 hours after its start time so that it reaches every DC.",
            f"Wait until {iso(key.usable_time)} before creating gMSAs or starting containers. Only in a single-DC "
            "lab, create a key that is usable at once (gmsa_kds_root_key effective_time_hours: 0).",
        )
    return ok("kds_root_key", f"KDS root key {key.key_id} is usable since {iso(key.usable_time)}.")


def evaluate_password_key(gmsa_name: str, key_id: str | None, keys: Sequence[RootKey]) -> Finding | None:
    """Whether the root key the gMSA's password derives from (msDS-ManagedPasswordId) still exists."""
    if key_id is None:
        return None
    if any(k.key_id == key_id for k in keys):
        return ok(
            "gmsa_password_key", f"The password of {gmsa_name}$ derives from KDS root key {key_id}, which exists."
        )
    return Finding(
        "gmsa_password_key",
        ERROR,
        f"The password of {gmsa_name}$ derives from KDS root key {key_id}, which no longer exists: DCs cannot "
        "compute its password.",
        "Restore the deleted root key from a backup, or recreate the gMSA (its new password derives from a "
        "current key) and update every credential spec and host that uses it.",
    )


# -- the gMSA -------------------------------------------------------------------------------------------------

GMSA_ATTRIBUTES = (
    "objectClass",
    "sAMAccountName",
    "objectSid",
    "userAccountControl",
    "servicePrincipalName",
    "dNSHostName",
    "msDS-GroupMSAMembership",
    "msDS-ManagedPasswordId",
)


@dataclass(frozen=True)
class GmsaFacts:
    dn: str
    sam_account_name: str
    object_classes: tuple[str, ...]
    sid: str | None = None
    user_account_control: int | None = None
    spns: tuple[str, ...] = ()
    dns_host_name: str | None = None
    membership: bytes | None = field(default=None, repr=False)
    password_key_id: str | None = None

    @property
    def is_gmsa(self) -> bool:
        return GMSA_CLASS in (c.lower() for c in self.object_classes)

    @classmethod
    def from_entry(cls, entry: Entry) -> GmsaFacts:
        key_blob = entry.first("msDS-ManagedPasswordId")
        sid = entry.first("objectSid")
        return cls(
            dn=entry.dn,
            sam_account_name=entry.text("sAMAccountName") or "",
            object_classes=tuple(entry.texts("objectClass")),
            sid=sid_from_bytes(sid) if sid else None,
            user_account_control=entry.integer("userAccountControl"),
            spns=tuple(entry.texts("servicePrincipalName")),
            dns_host_name=entry.text("dNSHostName"),
            membership=entry.first("msDS-GroupMSAMembership"),
            password_key_id=managed_password_key_id(key_blob) if key_blob else None,
        )


def read_gmsa(client: LdapClient, name: str) -> GmsaFacts | None:
    """The account named ``name`` (with or without ``$``; a gMSA or whatever else holds the name)."""
    value = escape_filter(name)
    entries = client.search(
        client.domain.domain_dn, f"(|(sAMAccountName={value}$)(sAMAccountName={value}))", GMSA_ATTRIBUTES
    )
    facts = [GmsaFacts.from_entry(e) for e in entries]
    return next((f for f in facts if f.is_gmsa), facts[0] if facts else None)


def evaluate_gmsa(name: str, gmsa: GmsaFacts | None, domain_dns: str) -> Finding:
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


def required_spns(gmsa: GmsaFacts) -> list[str]:
    """``host/<name>`` and ``host/<dNSHostName>``, the SPNs clients and the container host look the gMSA up by."""
    wanted = [f"host/{gmsa.sam_account_name.rstrip('$')}"]
    if gmsa.dns_host_name:
        wanted.append(f"host/{gmsa.dns_host_name}")
    return wanted


def evaluate_spns(gmsa: GmsaFacts) -> Finding:
    name = gmsa.sam_account_name
    have = {s.lower() for s in gmsa.spns}
    missing = [spn for spn in required_spns(gmsa) if spn.lower() not in have]
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
    return ok("gmsa_spns", f"gMSA {name} has the SPNs {', '.join(required_spns(gmsa))}.")


def read_spn_holders(client: LdapClient, gmsa: GmsaFacts) -> dict[str, list[str]]:
    """SPN (lower case) -> DNs of the other objects of the domain that hold it (one search)."""
    if not gmsa.spns:
        return {}
    clauses = "".join(f"(servicePrincipalName={escape_filter(spn)})" for spn in gmsa.spns)
    entries = client.search(client.domain.domain_dn, f"(|{clauses})", ["servicePrincipalName"])
    holders: dict[str, list[str]] = {}
    mine = {spn.lower() for spn in gmsa.spns}
    for entry in entries:
        if entry.dn.lower() == gmsa.dn.lower():
            continue
        for spn in entry.texts("servicePrincipalName"):
            if spn.lower() in mine:
                holders.setdefault(spn.lower(), []).append(entry.dn)
    return holders


def evaluate_duplicate_spns(gmsa: GmsaFacts, holders: Mapping[str, Sequence[str]]) -> Finding:
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


# -- the container host ---------------------------------------------------------------------------------------

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
        exact = self.member_added.get(member_dn.lower())
        return (exact, True) if exact else (self.changed, False)


def _host_filter(host: str) -> str:
    if "." in host:
        label = escape_filter(host.split(".", 1)[0])
        return f"(&(objectClass=computer)(|(dNSHostName={escape_filter(host)})(sAMAccountName={label}$)))"
    name = escape_filter(host.rstrip("$"))
    return f"(&(objectClass=computer)(sAMAccountName={name}$))"


def read_host(client: LdapClient, host: str) -> HostFacts | None:
    """The computer account ``host`` names (NAME, NAME$, its DNS name or its DN), with its token groups.

    ``tokenGroups`` is constructed (MS-ADTS 3.1.1.4.5.19): only a base search returns it, and it holds the
    transitive security groups, nested ones included, as the DC puts them in the host's tickets.
    """
    if "=" in host:
        entry = client.read(host, HOST_ATTRIBUTES)
    else:
        found = client.search(client.domain.domain_dn, _host_filter(host), HOST_ATTRIBUTES)
        entry = found[0] if found else None
    if entry is None or entry.first("objectSid") is None:
        return None
    token = client.read(entry.dn, ["tokenGroups"])
    sid = sid_from_bytes(entry.first("objectSid"))
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


_VALUE_METADATA = re.compile(r"<DS_REPL_VALUE_META_DATA>(.*?)</DS_REPL_VALUE_META_DATA>", re.DOTALL)


def parse_value_metadata(values: Iterable[str]) -> dict[str, datetime]:
    """Member DN (lower case) -> when the link was last written, from AD's XML ``msDS-ReplValueMetaData``.

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
            added[fields.get("pszObjectDn", "").lower()] = when
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
        sid = sid_from_bytes(entry.first("objectSid"))
        groups[sid] = GroupFacts(
            dn=entry.dn,
            sid=sid,
            name=entry.text("sAMAccountName") or entry.dn,
            member_of=tuple(entry.texts("memberOf")),
            changed=_ad_time(entry.text("whenChanged")),
            member_added=parse_value_metadata(entry.texts("msDS-ReplValueMetaData")),
        )
    return groups


@dataclass(frozen=True)
class AccessDecision:
    """What ``msDS-GroupMSAMembership`` decides for a token: the deciding ACE's SID, and every allowed SID."""

    allowed: bool
    deciding_sid: str | None
    allowed_sids: tuple[str, ...]
    no_dacl: bool = False


def evaluate_membership_access(membership: bytes | None, token_sids: Iterable[str]) -> AccessDecision:
    """Run the DC's access check (MS-DTYP 2.5.3.2) for read-property access against the descriptor.

    ACEs are taken in order and the first one that names a SID of the token and covers read-property decides;
    inherit-only ACEs and object ACEs scoped to one attribute or property set are skipped. A descriptor
    without a DACL grants everyone.
    """
    if membership is None:
        return AccessDecision(False, None, ())
    sd = sd_from_bytes(membership)
    if sd.dacl is None:
        return AccessDecision(True, None, ("S-1-1-0",), no_dacl=True)
    token = {normalize_sid(s) for s in token_sids}
    applicable = [
        ace
        for ace in sd.dacl.aces
        if isinstance(ace, (Ace, ObjectAce))
        and not ace.flags & INHERIT_ONLY_ACE
        and not (isinstance(ace, ObjectAce) and ace.object_type)
        and ace.mask & READ_PROPERTY
    ]
    allow_types = (ACCESS_ALLOWED_ACE_TYPE, ACCESS_ALLOWED_OBJECT_ACE_TYPE)
    deny_types = (ACCESS_DENIED_ACE_TYPE, ACCESS_DENIED_OBJECT_ACE_TYPE)
    allowed = tuple(dict.fromkeys(normalize_sid(a.sid) for a in applicable if a.ace_type in allow_types))
    for ace in applicable:
        sid = normalize_sid(ace.sid)
        if sid in token and ace.ace_type in deny_types:
            return AccessDecision(False, sid, allowed)
        if sid in token and ace.ace_type in allow_types:
            return AccessDecision(True, sid, allowed)
    return AccessDecision(False, None, allowed)


def membership_path(host: HostFacts, target_sid: str, groups: Mapping[str, GroupFacts]) -> list[GroupFacts] | None:
    """The shortest chain of groups by which the host is a member of ``target_sid`` (memberOf links), or None."""
    by_dn = {g.dn.lower(): g for g in groups.values()}
    queue: list[tuple[list[GroupFacts], tuple[str, ...]]] = [([], host.member_of)]
    seen: set[str] = set()
    while queue:
        path, parents = queue.pop(0)
        for dn in parents:
            group = by_dn.get(dn.lower())
            if group is None or group.dn.lower() in seen:
                continue
            if group.sid == target_sid:
                return [*path, group]
            seen.add(group.dn.lower())
            queue.append(([*path, group], group.member_of))
    return None


def _named(sid: str, groups: Mapping[str, GroupFacts], host: HostFacts) -> str:
    if sid == host.sid:
        return host.sam_account_name
    if sid in groups:
        return groups[sid].name
    return WELL_KNOWN_TOKEN_SIDS.get(sid, sid)


def evaluate_host_exists(host_name: str, host: HostFacts | None, domain_dns: str) -> Finding:
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


def evaluate_host_access(
    gmsa: GmsaFacts, host: HostFacts, groups: Mapping[str, GroupFacts], decision: AccessDecision
) -> Finding:
    gmsa_name, host_name = gmsa.sam_account_name, host.sam_account_name
    if decision.no_dacl:
        return Finding(
            "host_allowed",
            WARNING,
            f"msDS-GroupMSAMembership of {gmsa_name} has no DACL: every principal, not only {host_name}, may "
            "retrieve its password.",
            "Set the principals allowed to retrieve the password to the container host group "
            "(wincontainers.gmsa.gmsa_account allowed_to_retrieve_password).",
        )
    if decision.allowed:
        sid = decision.deciding_sid or ""
        if sid == host.sid:
            how = "directly (its own account is listed)"
        elif sid == host.primary_group_sid:
            how = f"through its primary group {_named(sid, groups, host)}"
        elif sid in WELL_KNOWN_TOKEN_SIDS:
            how = f"because {WELL_KNOWN_TOKEN_SIDS[sid]} is listed, which lets any account read the password"
        else:
            path = membership_path(host, sid, groups)
            chain = " -> ".join([host_name, *(g.name for g in path)]) if path else f"{host_name} -> ... -> {sid}"
            nested = " (nested groups)" if path and len(path) > 1 else ""
            how = f"through group membership {chain}{nested}"
        status = WARNING if sid in WELL_KNOWN_TOKEN_SIDS else OK
        return Finding(
            "host_allowed",
            status,
            f"Container host {host_name} may retrieve the password of {gmsa_name} {how}.",
            "List only the container host group as allowed to retrieve the password." if status == WARNING else "",
        )
    allowed = ", ".join(_named(s, groups, host) for s in decision.allowed_sids) or "nobody"
    host_groups = ", ".join(_named(s, groups, host) for s in host.group_sids) or "none"
    if decision.deciding_sid:
        why = f"a deny entry for {_named(decision.deciding_sid, groups, host)} in msDS-GroupMSAMembership refuses it"
    else:
        why = "none of its groups is allowed"
    return Finding(
        "host_allowed",
        ERROR,
        f"Container host {host_name} may not retrieve the password of {gmsa_name}: {why} (Test-ADServiceAccount "
        f"returns False). Allowed: {allowed}. The host's groups: {host_groups}.",
        f"Add {host_name} to a group allowed to retrieve the password (wincontainers.gmsa.gmsa_host_group, or "
        f"Add-ADGroupMember <group> -Members '{host_name}'), or allow the group or host on the gMSA "
        f"(gmsa_account allowed_to_retrieve_password); then run {PURGE} on the host, or restart it.",
    )


def evaluate_ticket_refresh(
    host: HostFacts, groups: Mapping[str, GroupFacts], decision: AccessDecision
) -> Finding | None:
    """Warn when the group membership that grants access may be newer than the host's Kerberos tickets.

    A host's tickets carry the groups it had when it logged on. ``lastLogonTimestamp`` is only rewritten every
    9 to 14 days (msDS-LogonTimeSyncInterval), so a logon after the change proves the tickets are fresh, while a
    change after the recorded logon only may need a purge.
    """
    if not decision.allowed or decision.no_dacl:
        return None
    check, name = "host_ticket_refresh", host.sam_account_name
    sid = decision.deciding_sid
    if sid in (host.sid, *WELL_KNOWN_TOKEN_SIDS):
        return ok(check, f"Access of {name} does not depend on group membership: no ticket refresh needed.")
    fix = f"Run {PURGE} on {name.rstrip('$')} (as administrator) or restart it, then Test-ADServiceAccount."
    path = membership_path(host, sid, groups) if sid != host.primary_group_sid else []
    times = [g.membership_time(member) for g, member in _path_edges(host, path or [])]
    if path is None or any(when is None for when, _exact in times):
        return Finding(
            check,
            WARNING,
            f"Cannot tell when {name} became a member of {_named(sid or '', groups, host)}: if that was after the "
            "host last started, its Kerberos tickets do not carry the membership yet.",
            fix,
        )
    if not times:
        return ok(check, f"Access of {name} comes from its primary group, which its tickets always carry.")
    changed, exact = max(times, key=lambda t: t[0])
    what = "the membership was added" if exact else "a group on its membership path last changed"
    if host.last_logon is None:
        return Finding(
            check,
            WARNING,
            f"{name} has no recorded logon: once it starts, its tickets carry the membership; if it is already "
            f"running, {what} at {iso(changed)} may be newer than its tickets.",
            fix,
        )
    if changed > host.last_logon:
        return Finding(
            check,
            WARNING,
            f"{what.capitalize()} at {iso(changed)}, after the last recorded logon of {name} "
            f"({iso(host.last_logon)}): its Kerberos tickets may not carry the membership, and retrieving the "
            "password fails until they are renewed.",
            fix + " (lastLogonTimestamp lags by up to 14 days: if the host restarted since, nothing is needed.)",
        )
    return ok(
        check,
        f"{name} logged on at {iso(host.last_logon)}, after {what} ({iso(changed)}): its tickets carry the membership.",
    )


def _path_edges(host: HostFacts, path: Sequence[GroupFacts]) -> list[tuple[GroupFacts, str]]:
    members = [host.dn, *(g.dn for g in path[:-1])]
    return list(zip(path, members))


# -- proofs with the host's credentials -----------------------------------------------------------------------


class _KeytabClient(LdapClient):
    """An LdapClient that binds with Kerberos keys from a client keytab instead of a password."""

    def __init__(self, options: Any, keytab: str) -> None:
        super().__init__(options)
        self.keytab = keytab

    def _kerberos_credentials(self) -> Any:
        if gssapi is None:
            raise GmsaError("host_keytab needs the gssapi Python library.", hint="pip install gssapi")
        name = gssapi.Name(self.options.username, gssapi.NameType.user)
        # A private in-memory cache: the host's tickets never land in the user's ticket cache or on disk.
        store = {b"client_keytab": self.keytab.encode(), b"ccache": f"MEMORY:gmsa_check_{uuid.uuid4().hex}".encode()}
        try:
            return gssapi.raw.acquire_cred_from(store, name, usage="initiate").creds
        except gssapi.exceptions.GSSError as exc:
            raise GmsaError(
                f"No Kerberos credentials for {self.options.username} from the keytab: {_gss_message(exc)}."
            ) from None


def current_password(blob: bytes) -> bytes:
    """The current password of an MSDS-MANAGEDPASSWORD_BLOB (MS-ADTS 2.2.19), without its NUL terminator.

    Header: Version, Reserved (2 bytes each), Length (4), then the offsets of the current password, previous
    password, query and unchanged intervals (2 each). The password is random bytes, so it is cut at the next
    offset, never at a NUL.
    """
    if len(blob) < 16:
        raise ValueError("msDS-ManagedPassword is shorter than its 16-byte header")
    _version, _reserved, length, current, previous, query, unchanged = struct.unpack_from("<HHIHHHH", blob)
    following = [o for o in (previous, query, unchanged) if o > current]
    end = min(following) if following else min(length, len(blob))
    if current < 16 or end - 2 <= current or end > len(blob):
        raise ValueError("msDS-ManagedPassword has inconsistent offsets")
    return bytes(blob[current : end - 2])


@dataclass
class Proof:
    finding: Finding
    password: bytes | None = field(default=None, repr=False)


def prove_password_retrieval(
    client: LdapClient,
    gmsa: GmsaFacts,
    host: str,
    host_password: str | None,
    host_keytab: str | None,
) -> Proof:
    """Bind as the container host over the encrypted connection and read msDS-ManagedPassword, as it would."""
    check, domain = "host_password_retrieval", client.domain
    sam = host.rstrip("$") + "$"
    if host_keytab:
        options = replace(
            client.options,
            server=(client.server_name,),
            auth_protocol="kerberos",
            username=f"{sam}@{domain.dns_name.upper()}",
            password=None,
        )
        host_client: LdapClient = _KeytabClient(options, host_keytab)
        how = "Kerberos with its keytab"
    else:
        options = replace(
            client.options,
            server=(client.server_name,),
            auth_protocol="simple",
            username=f"{domain.netbios_name}\\{sam}",
            password=host_password,
        )
        host_client = LdapClient(options)
        how = "its password"
    try:
        host_client.connect()
        entry = host_client.read(gmsa.dn, ["msDS-ManagedPassword"])
    except GmsaError as exc:
        return Proof(
            Finding(
                check,
                ERROR,
                f"Binding as {sam} with {how} failed: {exc.message}",
                "Check host_password or host_keytab (a keytab holds the host's current keys: re-export it after "
                "the machine password changes, ktpass or samba-tool domain exportkeytab), and the host account.",
            )
        )
    finally:
        host_client.close()
    blob = entry.first("msDS-ManagedPassword") if entry else None
    if not blob:
        return Proof(
            Finding(
                check,
                ERROR,
                f"{sam} bound with {how} over {client.options.tls_mode}, but the DC did not return the password of "
                f"{gmsa.sam_account_name}: Test-ADServiceAccount would return False.",
                f"Allow the host to retrieve the password (see host_allowed), then run {PURGE} on it or restart it.",
            )
        )
    try:
        password = current_password(blob)
    except ValueError as exc:
        return Proof(Finding(check, ERROR, f"The DC returned an unreadable password blob to {sam}: {exc}."))
    return Proof(
        ok(
            check,
            f"{sam} bound with {how} over {client.options.tls_mode} and received the password of "
            f"{gmsa.sam_account_name} ({len(password)} bytes): Test-ADServiceAccount would return True.",
        ),
        password,
    )


def kerberos_secret(password: bytes) -> bytes:
    """The string Kerberos derives a gMSA's AES keys from: the UTF-16 password decoded with replacement, as UTF-8.

    The password is random bytes, not valid UTF-16; Windows and Samba both replace the invalid code units.
    """
    return password.decode("utf-16-le", errors="replace").encode("utf-8")


def proof_target_spn(gmsa: GmsaFacts) -> str | None:
    """The SPN to ask a service ticket for: host/<dNSHostName> if the gMSA has it, else its first SPN."""
    preferred = f"host/{gmsa.dns_host_name}".lower() if gmsa.dns_host_name else None
    return next((s for s in gmsa.spns if s.lower() == preferred), gmsa.spns[0] if gmsa.spns else None)


def prove_kerberos(gmsa: GmsaFacts, realm: str, password: bytes | None) -> Finding:
    """Get a TGT as the gMSA with the retrieved password, then a service ticket for one of its SPNs."""
    check, name = "gmsa_kerberos", gmsa.sam_account_name
    principal = f"{name}@{realm}"
    if password is None:
        return Finding(
            check,
            ERROR,
            f"No Kerberos ticket as {principal}: the host could not retrieve the password, so neither can the "
            "containers on it.",
            "Fix host_password_retrieval first.",
        )
    if gssapi is None:
        return Finding(check, ERROR, "The Kerberos proof needs the gssapi Python library.", "pip install gssapi")
    target = proof_target_spn(gmsa)
    step = f"a TGT as {principal}"
    try:
        creds = gssapi.raw.acquire_cred_with_password(
            gssapi.Name(principal, gssapi.NameType.user), kerberos_secret(password), usage="initiate"
        ).creds
        if target is None:
            return Finding(
                check,
                WARNING,
                f"Obtained a TGT as {principal}, but the gMSA has no SPN to request a service ticket for.",
                "Add host/<name> and host/<dns host name> SPNs (see gmsa_spns).",
            )
        step = f"a service ticket for {target}"
        context = gssapi.SecurityContext(
            name=gssapi.Name(f"{target}@{realm}", gssapi.NameType.kerberos_principal), creds=creds, usage="initiate"
        )
        context.step()
    except gssapi.exceptions.GSSError as exc:
        return Finding(
            check,
            ERROR,
            f"Kerberos refused {step} with the retrieved password: {_gss_message(exc)}.",
            "Check that the gMSA is enabled (gmsa_enabled), that its SPNs are unique (gmsa_spn_duplicates), that "
            "krb5.conf maps the domain to its KDCs, and that clocks agree within 5 minutes; in a container, "
            "klist get krbtgt shows the same.",
        )
    return ok(
        check,
        f"Obtained a TGT as {principal} with the retrieved password and a service ticket for {target}, as the "
        "container host does.",
    )


# -- the credential spec --------------------------------------------------------------------------------------


def load_credential_spec(spec: Any = None, path: str | None = None) -> tuple[dict[str, Any] | None, Finding | None]:
    """The spec given as an object or a file, validated; a malformed one becomes an error finding."""
    source = path or "credential_spec"
    try:
        if path is not None:
            with open(path, "rb") as handle:
                return parse_credential_spec(handle.read(), shapes=False), None
        if isinstance(spec, str):
            return parse_credential_spec(spec, shapes=False), None
        return parse_credential_spec(json.dumps(spec), shapes=False), None
    except OSError as exc:
        message = f"Cannot read the credential spec {source}: {exc.strerror or exc}."
    except (CredentialSpecError, TypeError, ValueError) as exc:
        message = f"{source} is not a usable credential spec: {exc}"
    return None, Finding(
        "credential_spec",
        ERROR,
        message,
        "Write the spec with wincontainers.gmsa.credential_spec (New-CredentialSpec on Windows).",
    )


_SPEC_FIX = "Regenerate the spec with wincontainers.gmsa.credential_spec (New-CredentialSpec -AccountName {name})."


def _spec_field(check: str, label: str, have: str, want: str, name: str, extra: str = "") -> Finding:
    if have.lower() == want.lower():
        return ok(check, f"{label} is {have}.")
    return Finding(check, ERROR, f"{label} is {have!r}, but AD says {want!r}.{extra}", _SPEC_FIX.format(name=name))


def evaluate_credential_spec(
    spec: Mapping[str, Any], gmsa_name: str, domain: DomainIdentity, gmsa_sid: str | None = None
) -> list[Finding]:
    """Every DomainJoinConfig field and the primary account's scope entries against AD (pure)."""
    join = spec["DomainJoinConfig"]
    findings = []
    sid = str(join["Sid"])
    if sid.upper() == domain.sid.upper():
        findings.append(ok("credential_spec_sid", f"DomainJoinConfig.Sid is the domain SID {domain.sid}."))
    else:
        if gmsa_sid and sid.upper() == gmsa_sid.upper():
            why = " It holds the gMSA's own SID; New-CredentialSpec writes the domain's SID."
        elif sid.upper().startswith(domain.sid.upper() + "-"):
            why = " It holds the SID of an account of the domain, not the domain's SID."
        else:
            why = " It belongs to another domain."
        findings.append(
            Finding(
                "credential_spec_sid",
                ERROR,
                f"DomainJoinConfig.Sid is {sid}, but the domain SID is {domain.sid}.{why}",
                _SPEC_FIX.format(name=gmsa_name),
            )
        )
    guid = str(join["Guid"]).strip("{}")
    findings.append(_spec_field("credential_spec_guid", "DomainJoinConfig.Guid", guid, domain.guid, gmsa_name))
    dns, netbios, tree = str(join["DnsName"]), str(join["NetBiosName"]), str(join["DnsTreeName"])
    names_swapped = dns.lower() == domain.netbios_name.lower() and netbios.lower() == domain.dns_name.lower()
    tree_swapped = (
        domain.dns_name.lower() != domain.forest_dns_name.lower()
        and dns.lower() == domain.forest_dns_name.lower()
        and tree.lower() == domain.dns_name.lower()
    )
    swap_note = " DnsName and NetBiosName look swapped." if names_swapped else ""
    tree_note = " DnsName and DnsTreeName look swapped." if tree_swapped else ""
    findings.append(
        _spec_field(
            "credential_spec_dns_name",
            "DomainJoinConfig.DnsName",
            dns,
            domain.dns_name,
            gmsa_name,
            swap_note + tree_note,
        )
    )
    findings.append(
        _spec_field(
            "credential_spec_netbios_name",
            "DomainJoinConfig.NetBiosName",
            netbios,
            domain.netbios_name,
            gmsa_name,
            swap_note,
        )
    )
    findings.append(
        _spec_field(
            "credential_spec_dns_tree_name",
            "DomainJoinConfig.DnsTreeName (the forest root)",
            tree,
            domain.forest_dns_name,
            gmsa_name,
            tree_note,
        )
    )
    findings.append(evaluate_machine_account_name(str(join["MachineAccountName"]), gmsa_name))
    findings.append(evaluate_scopes(spec, gmsa_name, domain))
    return findings


def evaluate_machine_account_name(value: str, gmsa_name: str) -> Finding:
    check = "credential_spec_machine_account_name"
    fix = f"Set MachineAccountName to {gmsa_name} (the sAMAccountName without $ or domain). " + _SPEC_FIX.format(
        name=gmsa_name
    )
    if value.endswith("$"):
        return Finding(check, ERROR, f"MachineAccountName {value!r} ends in '$'.", fix)
    if "\\" in value or "@" in value or "." in value:
        return Finding(check, ERROR, f"MachineAccountName {value!r} includes a domain.", fix)
    if value.lower() != gmsa_name.lower():
        return Finding(check, ERROR, f"MachineAccountName is {value!r}, not the gMSA {gmsa_name}.", fix)
    return ok(check, f"MachineAccountName is {value}.")


def evaluate_scopes(spec: Mapping[str, Any], gmsa_name: str, domain: DomainIdentity) -> Finding:
    entries = spec["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"]
    scopes = {str(e["Scope"]).lower() for e in entries if str(e["Name"]).rstrip("$").lower() == gmsa_name.lower()}
    missing = [s for s in (domain.dns_name, domain.netbios_name) if s.lower() not in scopes]
    if missing:
        return Finding(
            "credential_spec_scopes",
            ERROR,
            f"GroupManagedServiceAccounts lacks the entry for {gmsa_name} with Scope {' and '.join(missing)}: it "
            "needs one for the domain's DNS name and one for its NetBIOS name.",
            _SPEC_FIX.format(name=gmsa_name),
        )
    return ok(
        "credential_spec_scopes",
        f"GroupManagedServiceAccounts lists {gmsa_name} for {domain.dns_name} and {domain.netbios_name}.",
    )


@dataclass(frozen=True)
class SpecAccount:
    name: str
    scope: str
    problem: str | None = None


def read_spec_accounts(client: LdapClient, spec: Mapping[str, Any]) -> list[SpecAccount]:
    """Look up every GroupManagedServiceAccounts entry in the domain its Scope names (one search per account)."""
    forest = Forest(client)
    own_dn = client.domain.domain_dn.lower()
    results: list[SpecAccount] = []
    seen: dict[tuple[str, str], str | None] = {}
    for entry in spec["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"]:
        name, scope = str(entry["Name"]), str(entry["Scope"])
        if name.endswith("$"):
            results.append(SpecAccount(name, scope, "its Name ends in '$'"))
            continue
        try:
            domain = forest.find(scope)
            key = (name.lower(), domain.dn.lower())
            if key not in seen:
                try:
                    find_gmsas(
                        client,
                        domain,
                        [gmsa_name_rule(name, error=CredentialSpecError)],
                        own=domain.dn.lower() == own_dn,
                    )
                    seen[key] = None
                except CredentialSpecError as exc:
                    seen[key] = exc.message.rstrip(".")
            problem = seen[key]
        except CredentialSpecError as exc:
            problem = exc.message.rstrip(".")
        results.append(SpecAccount(name, scope, problem))
    return results


def evaluate_spec_accounts(accounts: Sequence[SpecAccount]) -> Finding:
    problems = [f"{a.name} ({a.scope}): {a.problem}" for a in accounts if a.problem]
    if problems:
        return Finding(
            "credential_spec_accounts",
            ERROR,
            "GroupManagedServiceAccounts names accounts that are not usable gMSAs: " + "; ".join(problems) + ".",
            "List each gMSA by its sAMAccountName without '$', scoped to its domain's DNS or NetBIOS name; create "
            "missing gMSAs with wincontainers.gmsa.gmsa_account.",
        )
    listed = ", ".join(dict.fromkeys(a.name for a in accounts))
    return ok("credential_spec_accounts", f"Every account the spec lists is a gMSA of its scope's domain: {listed}.")


# -- container hostname rules by Windows build ----------------------------------------------------------------


def parse_windows_build(value: Any) -> int:
    """A build number from ``14393``, ``"10.0.17763.1234"``, ``"17763"`` or a release name (``2016``, ``1809``)."""
    text = str(value).strip()
    if text.lower().startswith(("ltsc", "windows server ")):
        text = text.lower().replace("windows server ", "").replace("ltsc", "")
    if text in WINDOWS_RELEASES:
        return WINDOWS_RELEASES[text]
    parts = text.split(".")
    candidate = parts[2] if len(parts) >= 3 and parts[0] == "10" else parts[0]
    if candidate.isdigit() and int(candidate) >= 10240:
        return int(candidate)
    raise ValueError(
        f"windows_build {value!r} is not a Windows build: give the build number ([Environment]::OSVersion, e.g. "
        "17763 or 10.0.17763.1234) or a release (2016, 1709, 1803, 1809, 2019, 2022)."
    )


def evaluate_container_rules(
    gmsa_name: str,
    build: int,
    hostname: str | None = None,
    container_count: int | None = None,
    isolation: str | None = None,
) -> list[Finding]:
    """The guide's known issues for the host's build (pure): hostname, sharing one gMSA, Hyper-V isolation."""
    if build < BUILD_2016:
        return [
            Finding(
                "container_hostname",
                ERROR,
                f"Build {build} predates Windows Server 2016 (14393): its containers cannot use gMSAs.",
                "Run the containers on Windows Server 2016 or later; 2019 (17763) or later avoids the hostname rule.",
            )
        ]
    findings = [_hostname_finding(gmsa_name, build, hostname), _sharing_finding(gmsa_name, build, container_count)]
    if isolation == "hyperv" and build in HYPERV_GMSA_BROKEN_BUILDS:
        release = HYPERV_GMSA_BROKEN_BUILDS[build]
        findings.append(
            Finding(
                "container_isolation",
                ERROR,
                f"Hyper-V isolated containers with a gMSA hang or fail to start on version {release} (build {build}).",
                "Use process isolation on this host, or Windows Server 2019 / Windows 10 1809 or later (Windows "
                "Server 2016 / 1607 works too).",
            )
        )
    elif isolation:
        findings.append(ok("container_isolation", f"{isolation} isolation works with gMSAs on build {build}."))
    return findings


def _hostname_finding(gmsa_name: str, build: int, hostname: str | None) -> Finding:
    check = "container_hostname"
    if build >= BUILD_1809:
        return ok(check, f"Build {build} (Windows Server 2019 / 1809 or later): any container hostname works.")
    fix = f"Start the containers with --hostname {gmsa_name.lower()} (the gMSA name, without domain)."
    if hostname is None:
        return Finding(
            check,
            WARNING,
            f"On build {build} the container hostname must equal the gMSA name {gmsa_name}: otherwise inbound NTLM "
            "and name/SID translation fail (Kerberos still works).",
            fix,
        )
    if hostname.lower() == gmsa_name.lower():
        return ok(check, f"Container hostname {hostname} equals the gMSA name, as build {build} requires.")
    return Finding(
        check,
        ERROR,
        f"Container hostname {hostname} differs from the gMSA name {gmsa_name}: on build {build} inbound NTLM and "
        "name/SID translation fail"
        + (" (give the short name, not the FQDN)." if hostname.split(".", 1)[0].lower() == gmsa_name.lower() else "."),
        fix,
    )


def _sharing_finding(gmsa_name: str, build: int, count: int | None) -> Finding:
    check = "container_gmsa_sharing"
    if build >= BUILD_1809:
        return ok(check, f"Build {build}: several containers may use gMSA {gmsa_name} at the same time.")
    if count is not None and count <= 1:
        return ok(check, f"One container uses gMSA {gmsa_name} at a time on build {build}.")
    if count:
        found = f"{count} containers using gMSA {gmsa_name} at the same time on build {build} cancel"
    else:
        found = f"On build {build}, containers that use gMSA {gmsa_name} at the same time cancel"
    return Finding(
        check,
        WARNING,
        f"{found} each other's connections to the DC (they all share one hostname): intermittent authentication "
        "and trust failures (nltest /sc_verify).",
        "Give each concurrent container its own gMSA, or move them to Windows Server 2019 (17763) or later.",
    )


# -- all checks -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRequest:
    name: str
    host: str | None = None
    host_password: str | None = field(default=None, repr=False)
    host_keytab: str | None = None
    credential_spec: Any = None
    credential_spec_path: str | None = None
    windows_build: int | None = None
    container_hostname: str | None = None
    container_count: int | None = None
    isolation: str | None = None
    kerberos_proof: bool = False


def run_checks(client: LdapClient, request: CheckRequest, now: datetime) -> list[Finding]:
    """Every check the request asks for, in the order the guide troubleshoots. Read-only."""
    domain = client.domain
    name = gmsa_name_rule(request.name, option="name", error=CredentialSpecError)
    keys = read_root_keys(client)
    findings = [evaluate_kds(keys, now)]
    gmsa = read_gmsa(client, name)
    findings.append(evaluate_gmsa(name, gmsa, domain.dns_name))
    usable = gmsa if gmsa is not None and gmsa.is_gmsa else None
    if usable is not None:
        password_key = evaluate_password_key(usable.sam_account_name.rstrip("$"), usable.password_key_id, keys)
        findings += [evaluate_enabled(usable), evaluate_spns(usable)]
        findings.append(evaluate_duplicate_spns(usable, read_spn_holders(client, usable)))
        findings += [password_key] if password_key else []
    if request.host:
        findings += _host_checks(client, request, usable)
    if request.credential_spec is not None or request.credential_spec_path:
        findings += _spec_checks(client, request, name, usable)
    if request.windows_build is not None:
        findings += evaluate_container_rules(
            name, request.windows_build, request.container_hostname, request.container_count, request.isolation
        )
    return findings


def _host_checks(client: LdapClient, request: CheckRequest, gmsa: GmsaFacts | None) -> list[Finding]:
    host = read_host(client, request.host or "")
    findings = [evaluate_host_exists(request.host or "", host, client.domain.dns_name)]
    if host is None or gmsa is None:
        return findings
    token = host.token_sids()
    decision = evaluate_membership_access(gmsa.membership, token)
    groups = read_groups(client, [*token, *decision.allowed_sids])
    findings.append(evaluate_host_access(gmsa, host, groups, decision))
    refresh = evaluate_ticket_refresh(host, groups, decision)
    findings += [refresh] if refresh else []
    if request.host_password or request.host_keytab:
        proof = prove_password_retrieval(
            client, gmsa, host.sam_account_name, request.host_password, request.host_keytab
        )
        findings.append(proof.finding)
        if request.kerberos_proof:
            findings.append(prove_kerberos(gmsa, client.domain.dns_name.upper(), proof.password))
        proof.password = None
    return findings


def _spec_checks(client: LdapClient, request: CheckRequest, name: str, gmsa: GmsaFacts | None) -> list[Finding]:
    path = os.path.expanduser(request.credential_spec_path) if request.credential_spec_path else None
    spec, problem = load_credential_spec(request.credential_spec, path)
    if spec is None:
        return [problem] if problem else []
    domain = DomainIdentity.of(client.domain)
    findings = evaluate_credential_spec(spec, name, domain, gmsa.sid if gmsa else None)
    findings.append(evaluate_spec_accounts(read_spec_accounts(client, spec)))
    return findings
