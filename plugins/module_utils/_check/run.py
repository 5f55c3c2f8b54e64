# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""All checks of one request, in the order the guide troubleshoots: what to read, what to evaluate; and what a list
of requests reads, so that many (gMSA, host) pairs cost one search per kind of object."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .._credspec import CredentialSpecError, DomainIdentity
from .._errors import GmsaError, ValidationError, bulk_entry
from .._rules import gmsa_name as gmsa_name_rule
from .access import evaluate_host_access, evaluate_membership_access, evaluate_ticket_refresh
from .credspec import evaluate_credential_spec, evaluate_spec_accounts, load_credential_spec
from .findings import Finding, summarize, worst
from .gmsa import GmsaFacts, evaluate_duplicate_spns, evaluate_enabled, evaluate_gmsa, evaluate_spns, evaluate_unique
from .host import evaluate_host_exists
from .kds import evaluate_kds, evaluate_password_key
from .reader import CheckReader, Reads
from .windows import evaluate_container_rules, parse_windows_build


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


# The options of one check, at the top level of gmsa_check (with name) and in each checks entry.
REQUEST_OPTIONS = (
    "host",
    "host_password",
    "host_keytab",
    "kerberos_proof",
    "credential_spec",
    "credential_spec_path",
    "windows_build",
    "container_hostname",
    "container_count",
    "isolation",
)


def check_request(values: Mapping[str, Any], where: str = "") -> CheckRequest:
    """One request from the module's options (``name`` and REQUEST_OPTIONS), checked before any LDAP call.

    ``where`` prefixes messages (``checks[2] (WebApp01 on HOST01): ``). Raises ValidationError for a bad gMSA
    name, a host secret without a host, both secrets, both spec options, kerberos_proof without a secret, or a
    windows_build that is no Windows build.
    """
    name = values["name"]
    try:
        gmsa_name_rule(name, option="name", error=CredentialSpecError)
    except CredentialSpecError as exc:
        exc.message = where + exc.message
        raise
    if values.get("host_password") and values.get("host_keytab"):
        raise ValidationError(f"{where}host_password and host_keytab are mutually exclusive: give one of them.")
    if (values.get("host_password") or values.get("host_keytab")) and not values.get("host"):
        raise ValidationError(f"{where}host_password and host_keytab need host: the computer account to bind as.")
    if values.get("credential_spec") is not None and values.get("credential_spec_path"):
        raise ValidationError(f"{where}credential_spec and credential_spec_path are mutually exclusive.")
    if values.get("kerberos_proof") and not (values.get("host_password") or values.get("host_keytab")):
        raise ValidationError(
            f"{where}kerberos_proof needs host_password or host_keytab: the proof uses the password the host retrieves."
        )
    build = values.get("windows_build")
    try:
        windows_build = parse_windows_build(build) if build else None
    except ValueError as exc:
        raise ValidationError(f"{where}{exc}", option="windows_build") from None
    return CheckRequest(
        name=name,
        host=values.get("host"),
        host_password=values.get("host_password"),
        host_keytab=values.get("host_keytab"),
        credential_spec=values.get("credential_spec"),
        credential_spec_path=values.get("credential_spec_path"),
        windows_build=windows_build,
        container_hostname=values.get("container_hostname"),
        container_count=values.get("container_count"),
        isolation=values.get("isolation"),
        kerberos_proof=bool(values.get("kerberos_proof")),
    )


@dataclass(frozen=True)
class RefusedCheck:
    """A ``checks`` entry that cannot run (no name, a bad option), its name and host as given, and why: ``error``'s
    message names the entry (``checks[2] (WebApp01 on HOST01): ...``). The other entries still run."""

    name: str | None
    host: str | None
    error: GmsaError


def entry_request(index: int, values: Mapping[str, Any]) -> CheckRequest | RefusedCheck:
    """The request of ``checks`` entry ``index`` (from 0), ``values`` its options over the task's (``name`` and
    REQUEST_OPTIONS); a RefusedCheck instead of raising, so that one bad entry does not stop the others."""
    name, host = values.get("name") or None, values.get("host") or None
    label = f"{name or 'no name'} on {host}" if host else name
    where = bulk_entry("checks", index, label) + ": "
    try:
        if name is None:
            raise ValidationError(f"{where}name is missing: give the gMSA, by its sAMAccountName.", option="name")
        return check_request(values, where=where)
    except GmsaError as exc:
        return RefusedCheck(name, host, exc)


def refused_result(refused: RefusedCheck) -> dict[str, Any]:
    """A refused entry's result in a bulk gmsa_check: its gMSA and host as given, no findings, status ``error``,
    ``failed`` and why (``msg``, and ``hint``, what to do)."""
    return {
        "name": refused.name,
        "host": refused.host,
        "findings": [],
        "summary": summarize([]),
        "status": "error",
        "failed": True,
        "msg": refused.error.message,
        "hint": refused.error.hint or "Fix this entry of checks; the other entries ran.",
    }


def request_label(request: CheckRequest) -> str:
    """``WebApp01 on HOST01`` (the host part only with a host)."""
    return f"{request.name} on {request.host}" if request.host else request.name


def planned_reads(requests: Sequence[CheckRequest]) -> Reads:
    """What ``run_checks`` will ask AD for every request (specs that do not load are left out: their check
    reports why)."""
    names = [gmsa_name_rule(r.name, option="name", error=CredentialSpecError) for r in requests]
    specs = []
    for request in requests:
        if request.credential_spec is not None or request.credential_spec_path:
            spec, _problem = load_credential_spec(request.credential_spec, _spec_path(request))
            specs += [spec] if spec is not None else []
    return Reads(
        names=tuple(dict.fromkeys(names)),
        hosts=tuple(dict.fromkeys(r.host for r in requests if r.host)),
        pairs=tuple((name, r.host) for name, r in zip(names, requests) if r.host),
        specs=tuple(specs),
    )


def check_result(request: CheckRequest, findings: Sequence[Finding]) -> dict[str, Any]:
    """One pair's result in a bulk gmsa_check: its gMSA and host, and the single form's findings, summary, status."""
    return {
        "name": request.name,
        "host": request.host,
        "findings": [f.as_dict() for f in findings],
        "summary": summarize(findings),
        "status": worst(findings),
    }


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


def _spec_path(request: CheckRequest) -> str | None:
    return os.path.expanduser(request.credential_spec_path) if request.credential_spec_path else None


def _spec_checks(reader: CheckReader, request: CheckRequest, name: str, gmsa: GmsaFacts | None) -> list[Finding]:
    spec, problem = load_credential_spec(request.credential_spec, _spec_path(request))
    if spec is None:
        return [problem] if problem else []
    domain = DomainIdentity.of(reader.domain)
    findings = evaluate_credential_spec(spec, name, domain, gmsa.sid if gmsa else None)
    findings.append(evaluate_spec_accounts(reader.spec_accounts(spec)))
    return findings
