# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Service principal names of a gMSA: the SPNs it must have, and the one search for duplicates.

* ``required_spns(name, dns_hostname)``: ``host/<name>`` and ``host/<dNSHostName>``, the names clients and the
  container host look a gMSA up by (Microsoft's "Create gMSAs for Windows containers"; New-ADServiceAccount
  registers the same two). ``gmsa_account`` gives them to a new account; a check can ask whether an account
  has them.
* ``find_spn_holders(client, spns)``: every object holding one of ``spns``, with one search of the forest
  root domain's naming context and one of the connection's domain (one search when they are the same
  domain). In a multi-domain forest other domains are not searched (a global catalog search would be
  needed); the DC's own uniqueness check (0000202F, MS-ADTS 3.1.1.5.3.1.1.4) still applies to writes.
* ``check_new_spns(client, claims)``: fail before any write when an SPN to be added is asked for by two
  accounts of one task, or is already held by another object. Duplicate SPNs break Kerberos: the KDC cannot
  tell which account a ticket is for (MS-KILE 3.3.5.1.1).

The SPN syntax rule itself is ``_rules.spn``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._errors import GmsaError
from ._ldap import dn_key, escape_filter


def required_spns(name: str, dns_hostname: str | None) -> list[str]:
    """``host/<name>`` and, when there is a DNS host name, ``host/<dns_hostname>`` (``name`` without ``$``)."""
    bare = name[:-1] if name.endswith("$") else name
    return [f"host/{bare}"] + ([f"host/{dns_hostname}"] if dns_hostname else [])


@dataclass(frozen=True)
class SpnHolder:
    """An object that holds an SPN: the SPN as it holds it, its DN and sAMAccountName (None when it has none)."""

    spn: str
    dn: str
    sam_account_name: str | None


@dataclass(frozen=True)
class SpnClaim:
    """An SPN a task is about to add to ``owner`` (an account name); ``dn`` is the owner's when it exists."""

    spn: str
    owner: str
    dn: str | None = None


def spn_search_bases(forest_root_dn: str, domain_dn: str) -> list[str]:
    """The naming contexts the duplicate search covers: the forest root domain's, then the connection's."""
    return list(dict.fromkeys([forest_root_dn, domain_dn]))


def find_spn_holders(client: Any, spns: Iterable[str]) -> dict[str, list[SpnHolder]]:
    """SPN (lower case) -> the objects holding it, each once; no SPNs, no search.

    ``client`` needs ``search`` and ``domain`` (``forest_root_dn``, ``domain_dn``), as ``LdapClient`` has.
    SPNs compare case-insensitively, as AD compares them.
    """
    wanted = {spn.lower() for spn in spns}
    if not wanted:
        return {}
    clauses = "".join(f"(servicePrincipalName={escape_filter(spn)})" for spn in sorted(wanted))
    holders: dict[str, list[SpnHolder]] = {}
    seen: set[str] = set()
    for base in spn_search_bases(client.domain.forest_root_dn, client.domain.domain_dn):
        for entry in client.search(base, f"(|{clauses})", ["servicePrincipalName", "sAMAccountName"]):
            if dn_key(entry.dn) in seen:
                continue
            seen.add(dn_key(entry.dn))
            for spn in entry.texts("servicePrincipalName"):
                if spn.lower() in wanted:
                    holders.setdefault(spn.lower(), []).append(SpnHolder(spn, entry.dn, entry.text("sAMAccountName")))
    return holders


def claims_by_spn(claims: Iterable[SpnClaim]) -> dict[str, SpnClaim]:
    """SPN (lower case) -> its claim; fails when two accounts of the task ask for the same SPN."""
    by_spn: dict[str, SpnClaim] = {}
    for claim in claims:
        other = by_spn.get(claim.spn.lower())
        if other is not None and other.owner.lower() != claim.owner.lower():
            raise GmsaError(
                f"SPN {claim.spn} is asked for by both {other.owner} and {claim.owner}; an SPN must belong to one "
                "account only.",
                hint="Give each SPN to one gMSA.",
                spn=claim.spn,
            )
        by_spn[claim.spn.lower()] = claim
    return by_spn


def duplicate_spn_error(claims: Mapping[str, SpnClaim], holders: Mapping[str, list[SpnHolder]]) -> GmsaError | None:
    """The error for the first claimed SPN another object holds (its owner holding it is no duplicate).

    The owner is known by its DN, or, for an account the task creates, by its sAMAccountName (unique in the
    domain): a concurrent run that created the same account a moment earlier holds the SPN as the owner.
    """
    for key, claim in claims.items():
        for holder in holders.get(key, []):
            if claim.dn is not None and dn_key(holder.dn) == dn_key(claim.dn):
                continue
            if claim.dn is None and (holder.sam_account_name or "").rstrip("$").lower() == claim.owner.lower():
                continue
            spn = holder.spn
            return GmsaError(
                f"SPN {spn} is already registered on {holder.dn} ({holder.sam_account_name}); duplicate SPNs break "
                "Kerberos authentication.",
                hint=f"Remove it from that object first (setspn -D {spn} {holder.sam_account_name}), or give "
                f"{claim.owner} another SPN.",
                spn=spn,
                dn=holder.dn,
            )
    return None


def check_new_spns(client: Any, claims: Iterable[SpnClaim]) -> None:
    """Fail when an SPN to be added is claimed twice in the task or held by another object (one search)."""
    by_spn = claims_by_spn(claims)
    if not by_spn:
        return
    error = duplicate_spn_error(by_spn, find_spn_holders(client, [c.spn for c in by_spn.values()]))
    if error is not None:
        raise error
