# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""All checks of one request, in the order the guide troubleshoots: what to read, what to evaluate."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .._credspec import CredentialSpecError, DomainIdentity
from .._rules import gmsa_name as gmsa_name_rule
from .access import evaluate_host_access, evaluate_membership_access, evaluate_ticket_refresh
from .credspec import evaluate_credential_spec, evaluate_spec_accounts, load_credential_spec
from .findings import Finding
from .gmsa import GmsaFacts, evaluate_duplicate_spns, evaluate_enabled, evaluate_gmsa, evaluate_spns, evaluate_unique
from .host import evaluate_host_exists
from .kds import evaluate_kds, evaluate_password_key
from .reader import CheckReader
from .windows import evaluate_container_rules


@dataclass(frozen=True)
class CheckRequest:
    """What the module asks: the gMSA's name, and optionally a host (with its secret), a spec and a build."""

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


def run_checks(reader: CheckReader, request: CheckRequest, now: datetime) -> list[Finding]:
    """Every check the request asks for, in the order the guide troubleshoots. Read-only.

    ``reader`` is the I/O edge (:class:`LdapCheckReader` in the module); ``now`` is aware UTC.
    """
    domain = reader.domain
    name = gmsa_name_rule(request.name, option="name", error=CredentialSpecError)
    keys = reader.root_keys()
    # Keys the bind account may list but not read (an ordinary user): one more search, only when none was read.
    unreadable = [] if keys else reader.unreadable_root_keys()
    findings = [evaluate_kds(keys, now, unreadable)]
    gmsa = reader.gmsa(name)
    findings.append(evaluate_gmsa(name, gmsa, domain.dns_name))
    unique = evaluate_unique(gmsa) if gmsa is not None else None
    findings += [unique] if unique else []
    usable = gmsa if gmsa is not None and gmsa.is_gmsa else None
    if usable is not None:
        bare = usable.sam_account_name.rstrip("$")
        password_key = evaluate_password_key(bare, usable.password_key_id, keys, unreadable)
        findings += [evaluate_enabled(usable), evaluate_spns(usable)]
        findings.append(evaluate_duplicate_spns(usable, reader.spn_holders(usable)))
        findings += [password_key] if password_key else []
    if request.host:
        findings += _host_checks(reader, request, usable)
    if request.credential_spec is not None or request.credential_spec_path:
        findings += _spec_checks(reader, request, name, usable)
    if request.windows_build is not None:
        findings += evaluate_container_rules(
            name, request.windows_build, request.container_hostname, request.container_count, request.isolation
        )
    return findings


def _host_checks(reader: CheckReader, request: CheckRequest, gmsa: GmsaFacts | None) -> list[Finding]:
    host = reader.host(request.host or "")
    findings = [evaluate_host_exists(request.host or "", host, reader.domain.dns_name)]
    if host is None or gmsa is None:
        return findings
    token = host.token_sids()
    decision = evaluate_membership_access(gmsa.membership, token)
    groups = reader.groups([*token, *decision.allowed_sids])
    findings.append(evaluate_host_access(gmsa, host, groups, decision))
    refresh = evaluate_ticket_refresh(host, groups, decision)
    findings += [refresh] if refresh else []
    if request.host_password or request.host_keytab:
        proof = reader.password_retrieval(gmsa, host.sam_account_name, request.host_password, request.host_keytab)
        findings.append(proof.finding)
        if request.kerberos_proof:
            findings.append(reader.kerberos(gmsa, proof.password))
        proof.password = None
    return findings


def _spec_checks(reader: CheckReader, request: CheckRequest, name: str, gmsa: GmsaFacts | None) -> list[Finding]:
    path = os.path.expanduser(request.credential_spec_path) if request.credential_spec_path else None
    spec, problem = load_credential_spec(request.credential_spec, path)
    if spec is None:
        return [problem] if problem else []
    domain = DomainIdentity.of(reader.domain)
    findings = evaluate_credential_spec(spec, name, domain, gmsa.sid if gmsa else None)
    findings.append(evaluate_spec_accounts(reader.spec_accounts(spec)))
    return findings
