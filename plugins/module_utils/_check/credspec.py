# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential spec against AD: every DomainJoinConfig field, the primary account's scopes, and every account
it lists.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import _rules as rules
from .._credspec import CredentialSpecError, DomainIdentity, parse_credential_spec
from .._credspec_ad import Forest, ForestDomain, find_gmsas
from .._errors import ValidationError
from .._ldap import LdapClient, dn_key
from .._rules import gmsa_name as gmsa_name_rule
from .findings import ERROR, Finding, ok


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


def _domain_sid_problem(value: str) -> str | None:
    """Why ``value`` is not a domain SID at all (not a SID, or an account's SID), by the shared rule; else None."""
    try:
        rules.domain_sid(value, what="The value")
    except ValidationError as exc:
        return exc.message
    return None


def _guid_text(value: Any) -> str:
    """A GUID as the shared rule writes it (lower case, no braces), or the value as given when it is no GUID."""
    try:
        return rules.guid(value)
    except ValidationError:
        return str(value)


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
            why = " " + (_domain_sid_problem(sid) or "It belongs to another domain.")
        findings.append(
            Finding(
                "credential_spec_sid",
                ERROR,
                f"DomainJoinConfig.Sid is {sid}, but the domain SID is {domain.sid}.{why}",
                _SPEC_FIX.format(name=gmsa_name),
            )
        )
    guid = _guid_text(join["Guid"])
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
    """``DomainJoinConfig.MachineAccountName`` is the gMSA's sAMAccountName without ``$`` or domain."""
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
    """The primary account has a GroupManagedServiceAccounts entry scoped to the domain's DNS name and one to
    its NetBIOS name, as New-CredentialSpec writes them."""
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
    """A GroupManagedServiceAccounts entry and why it is not a usable gMSA of its scope's domain (None: it is)."""

    name: str
    scope: str
    problem: str | None = None


def _account_problems(client: LdapClient, domain: ForestDomain, names: list[str], own: bool) -> dict[str, str | None]:
    """Name -> why it is not a usable gMSA of ``domain`` (None: it is). One search for all names; only when one
    of them has a problem is each looked up alone, for its own message (``find_gmsas`` raises one error)."""
    try:
        find_gmsas(client, domain, names, own=own)
        return dict.fromkeys(names)
    except CredentialSpecError as exc:
        if len(names) == 1:
            return {names[0]: exc.message.rstrip(".")}
    return {name: _account_problems(client, domain, [name], own)[name] for name in names}


SpecAccountKey = tuple[str, str]


def spec_account_key(name: str, scope: str) -> SpecAccountKey:
    """How a GroupManagedServiceAccounts entry is looked up in the answers of ``read_spec_account_problems``."""
    return name.lower(), scope.lower()


def read_spec_account_problems(
    client: LdapClient, specs: Iterable[Mapping[str, Any]]
) -> dict[SpecAccountKey, str | None]:
    """(name, scope) of every GroupManagedServiceAccounts entry of ``specs`` -> why it is not a usable gMSA of
    the domain its Scope names (None: it is). Each account is looked up once, with one search per domain for
    all of them (plus a search of the forest's crossRefs when a Scope names another domain)."""
    forest = Forest(client)
    own_dn = dn_key(client.domain.domain_dn)
    problems: dict[SpecAccountKey, str | None] = {}
    waiting: dict[str, tuple[ForestDomain, dict[SpecAccountKey, str]]] = {}
    for spec in specs:
        for entry in spec["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"]:
            name, scope = str(entry["Name"]), str(entry["Scope"])
            key = spec_account_key(name, scope)
            if key in problems or any(key in names for _domain, names in waiting.values()):
                continue
            if name.endswith("$"):
                problems[key] = "its Name ends in '$'"
                continue
            try:
                domain = forest.find(scope)
                checked = gmsa_name_rule(name, error=CredentialSpecError)
            except CredentialSpecError as exc:
                problems[key] = exc.message.rstrip(".")
                continue
            waiting.setdefault(dn_key(domain.dn), (domain, {}))[1][key] = checked
    for dn, (domain, names) in waiting.items():
        found = _account_problems(client, domain, list(dict.fromkeys(names.values())), own=dn == own_dn)
        problems.update({key: found[checked] for key, checked in names.items()})
    return problems


def spec_accounts(spec: Mapping[str, Any], problems: Mapping[SpecAccountKey, str | None]) -> list[SpecAccount]:
    """Every GroupManagedServiceAccounts entry of ``spec`` with its problem from ``read_spec_account_problems``."""
    return [
        SpecAccount(str(e["Name"]), str(e["Scope"]), problems[spec_account_key(str(e["Name"]), str(e["Scope"]))])
        for e in spec["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"]
    ]


def read_spec_accounts(client: LdapClient, spec: Mapping[str, Any]) -> list[SpecAccount]:
    """Look up every GroupManagedServiceAccounts entry in the domain its Scope names (one search per domain)."""
    return spec_accounts(spec, read_spec_account_problems(client, [spec]))


def evaluate_spec_accounts(accounts: Sequence[SpecAccount]) -> Finding:
    """``credential_spec_accounts``: every account the spec lists is a gMSA of the domain its Scope names."""
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
