# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether the container host may retrieve the gMSA's password (msDS-GroupMSAMembership against its token),
how, and whether its tickets already carry the membership that grants it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .._kds import iso
from .._ldap import dn_key
from .._sd import (
    ACCESS_ALLOWED_ACE_TYPE,
    ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    ACCESS_DENIED_ACE_TYPE,
    ACCESS_DENIED_OBJECT_ACE_TYPE,
    INHERIT_ONLY_ACE,
    Ace,
    ObjectAce,
    sd_from_bytes,
)
from .._sid import normalize_sid
from .findings import ERROR, OK, WARNING, Finding, ok
from .gmsa import GmsaFacts
from .host import WELL_KNOWN_TOKEN_SIDS, GroupFacts, HostFacts

# The right the DC asks for when it checks a reader against msDS-GroupMSAMembership: read property
# (ADS_RIGHT_DS_READ_PROP, MS-ADTS 5.1.3.2); Samba's DC does exactly this check.
READ_PROPERTY = 0x10


# What the guide runs on a host whose tickets predate a group change: purge the tickets of LocalSystem's
# logon session (LUID 0x3e7), which the host uses to retrieve the password.
PURGE = "klist -li 0x3e7 purge"


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
    by_dn = {dn_key(g.dn): g for g in groups.values()}
    queue: list[tuple[list[GroupFacts], tuple[str, ...]]] = [([], host.member_of)]
    seen: set[str] = set()
    while queue:
        path, parents = queue.pop(0)
        for dn in parents:
            group = by_dn.get(dn_key(dn))
            if group is None or dn_key(group.dn) in seen:
                continue
            if group.sid == target_sid:
                return [*path, group]
            seen.add(dn_key(group.dn))
            queue.append(([*path, group], group.member_of))
    return None


def _named(sid: str, groups: Mapping[str, GroupFacts], host: HostFacts) -> str:
    if sid == host.sid:
        return host.sam_account_name
    if sid in groups:
        return groups[sid].name
    return WELL_KNOWN_TOKEN_SIDS.get(sid, sid)


def evaluate_host_access(
    gmsa: GmsaFacts, host: HostFacts, groups: Mapping[str, GroupFacts], decision: AccessDecision
) -> Finding:
    """``host_allowed``: whether and how (directly, primary group, a chain of groups, a well-known SID) the host
    may retrieve the password, as ``decision`` found; a DACL-less descriptor or a well-known SID is a warning."""
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
    sid = decision.deciding_sid or ""  # an allowed decision with a DACL always names the deciding SID
    if sid in (host.sid, *WELL_KNOWN_TOKEN_SIDS):
        return ok(check, f"Access of {name} does not depend on group membership: no ticket refresh needed.")
    fix = f"Run {PURGE} on {name.rstrip('$')} (as administrator) or restart it, then Test-ADServiceAccount."
    path = membership_path(host, sid, groups) if sid != host.primary_group_sid else []
    times = [g.membership_time(member) for g, member in _path_edges(host, path or [])]
    if path is None or any(when is None for when, _exact in times):
        return Finding(
            check,
            WARNING,
            f"Cannot tell when {name} became a member of {_named(sid, groups, host)}: if that was after the "
            "host last started, its Kerberos tickets do not carry the membership yet.",
            fix,
        )
    known = [(when, exact) for when, exact in times if when is not None]
    if not known:
        return ok(check, f"Access of {name} comes from its primary group, which its tickets always carry.")
    changed, exact = max(known, key=lambda t: t[0])
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
