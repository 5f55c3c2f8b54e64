# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""run_checks end to end with a fake reader at the I/O edge: which checks run, in which order, on which facts.

The fake answers from the facts of ``facts.py`` and records every question, so a test sees both the findings
and what the checks would have read from AD (no mocked ldap3: ``run_checks`` takes any ``CheckReader``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check import CheckRequest, run_checks
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.credspec import SpecAccount
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.findings import Finding, ok, worst
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.gmsa import GmsaFacts
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.host import GroupFacts, HostFacts
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.proofs import Proof
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.reader import CheckReader
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import CredentialSpecError, DomainIdentity
from ansible_collections.wincontainers.gmsa.plugins.module_utils._kds import RootKey
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    DOMAIN_SID,
    NOW,
    gmsa,
    host,
    key,
    spec,
)
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    groups as host_groups,
)

KEY_ID = "22d55d7b-5973-99d3-b397-f2d8398de064"
PASSWORD = b"\x01\xd8secret-gmsa-password\x00\x00"


@dataclass
class FakeReader:
    """A CheckReader that answers from plain facts and records each question (method and argument)."""

    domain: DomainIdentity
    keys: list[RootKey] = field(default_factory=lambda: [key(NOW - timedelta(days=30), KEY_ID)])
    accounts: dict[str, GmsaFacts] = field(default_factory=lambda: {"webapp01": gmsa(password_key_id=KEY_ID)})
    holders: dict[str, list[str]] = field(default_factory=dict)
    hosts: dict[str, HostFacts] = field(default_factory=lambda: {"host01": host()})
    group_facts: dict[str, GroupFacts] = field(default_factory=host_groups)
    listed_accounts: list[SpecAccount] = field(default_factory=lambda: [SpecAccount("WebApp01", "contoso.com")])
    password: bytes | None = PASSWORD
    unreadable: list[str] = field(default_factory=list)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    issued: list[Proof] = field(default_factory=list)

    def root_keys(self) -> list[RootKey]:
        self.calls.append(("root_keys", None))
        return list(self.keys)

    def unreadable_root_keys(self) -> list[str]:
        self.calls.append(("unreadable_root_keys", None))
        return list(self.unreadable)

    def gmsa(self, name: str) -> GmsaFacts | None:
        self.calls.append(("gmsa", name))
        return self.accounts.get(name.lower())

    def spn_holders(self, gmsa: GmsaFacts) -> dict[str, list[str]]:
        self.calls.append(("spn_holders", gmsa.sam_account_name))
        return self.holders

    def host(self, name: str) -> HostFacts | None:
        self.calls.append(("host", name))
        return self.hosts.get(name.lower().rstrip("$"))

    def groups(self, sids: Iterable[str]) -> dict[str, GroupFacts]:
        wanted = list(sids)
        self.calls.append(("groups", wanted))
        return {sid: facts for sid, facts in self.group_facts.items() if sid in wanted}

    def spec_accounts(self, spec: Mapping[str, Any]) -> list[SpecAccount]:
        self.calls.append(("spec_accounts", spec["DomainJoinConfig"]["MachineAccountName"]))
        return self.listed_accounts

    def password_retrieval(
        self, gmsa: GmsaFacts, host: str, host_password: str | None, host_keytab: str | None
    ) -> Proof:
        self.calls.append(("password_retrieval", (gmsa.sam_account_name, host, host_password, host_keytab)))
        if self.password is None:
            proof = Proof(Finding("host_password_retrieval", "error", f"{host} did not receive the password."))
        else:
            proof = Proof(ok("host_password_retrieval", f"{host} received the password."), self.password)
        self.issued.append(proof)
        return proof

    def kerberos(self, gmsa: GmsaFacts, password: bytes | None) -> Finding:
        self.calls.append(("kerberos", password))
        if password is None:
            return Finding("gmsa_kerberos", "error", "No password, no ticket.")
        return ok("gmsa_kerberos", f"Tickets as {gmsa.sam_account_name}.")


def asked(reader: FakeReader) -> list[str]:
    return [method for method, _argument in reader.calls]


def everything(domain: DomainIdentity, **changes: Any) -> CheckRequest:
    request = CheckRequest(
        name="WebApp01$",
        host="HOST01",
        host_keytab="/etc/host01.keytab",
        credential_spec=spec(domain),
        windows_build=17763,
        isolation="process",
        kerberos_proof=True,
    )
    return replace(request, **changes)


def test_the_fake_is_a_check_reader(contoso):
    reader: CheckReader = FakeReader(contoso)
    assert reader.domain.dns_name == "contoso.com"


def test_a_healthy_setup_runs_every_check_in_the_guides_order(contoso):
    reader = FakeReader(contoso)
    findings = run_checks(reader, everything(contoso), NOW)
    assert [(f.id, f.status) for f in findings] == [
        ("kds_root_key", "ok"),
        ("gmsa_exists", "ok"),
        ("gmsa_enabled", "ok"),
        ("gmsa_spns", "ok"),
        ("gmsa_spn_duplicates", "ok"),
        ("gmsa_password_key", "ok"),
        ("host_exists", "ok"),
        ("host_allowed", "ok"),
        ("host_ticket_refresh", "ok"),
        ("host_password_retrieval", "ok"),
        ("gmsa_kerberos", "ok"),
        ("credential_spec_sid", "ok"),
        ("credential_spec_guid", "ok"),
        ("credential_spec_dns_name", "ok"),
        ("credential_spec_netbios_name", "ok"),
        ("credential_spec_dns_tree_name", "ok"),
        ("credential_spec_machine_account_name", "ok"),
        ("credential_spec_scopes", "ok"),
        ("credential_spec_accounts", "ok"),
        ("container_hostname", "ok"),
        ("container_gmsa_sharing", "ok"),
        ("container_isolation", "ok"),
    ]
    assert asked(reader) == [
        "root_keys",
        "gmsa",
        "spn_holders",
        "host",
        "groups",
        "password_retrieval",
        "kerberos",
        "spec_accounts",
    ]
    # The bare name is looked up; the host is named by its account; the keytab goes to the proof, not the password.
    assert reader.calls[1] == ("gmsa", "WebApp01")
    assert reader.calls[5][1] == ("WebApp01$", "HOST01$", None, "/etc/host01.keytab")
    assert "through group membership HOST01$ -> Inner -> Hosts (nested groups)" in findings[7].message


def test_the_groups_asked_for_are_the_token_and_the_allowed_sids(contoso):
    reader = FakeReader(contoso)
    run_checks(reader, CheckRequest(name="WebApp01", host="HOST01"), NOW)
    wanted = dict(reader.calls)["groups"]
    assert wanted[: len(host().token_sids())] == host().token_sids()
    assert wanted[len(host().token_sids()) :] == [f"{DOMAIN_SID}-1105"]


def test_the_password_reaches_the_kerberos_proof_and_is_then_dropped(contoso):
    reader = FakeReader(contoso)
    findings = run_checks(reader, everything(contoso), NOW)
    assert ("kerberos", PASSWORD) in reader.calls
    assert [proof.password for proof in reader.issued] == [None]
    text = json.dumps([f.as_dict() for f in findings])
    assert "secret-gmsa-password" not in text


def test_a_refused_password_makes_the_kerberos_proof_fail_without_one(contoso):
    reader = FakeReader(contoso, password=None)
    findings = {f.id: f.status for f in run_checks(reader, everything(contoso), NOW)}
    assert findings["host_password_retrieval"] == "error"
    assert findings["gmsa_kerberos"] == "error"
    assert ("kerberos", None) in reader.calls


def test_no_proof_without_a_host_secret_and_no_kerberos_proof_unless_asked(contoso):
    reader = FakeReader(contoso)
    run_checks(reader, everything(contoso, host_keytab=None), NOW)
    assert "password_retrieval" not in asked(reader) and "kerberos" not in asked(reader)
    reader = FakeReader(contoso)
    findings = run_checks(reader, everything(contoso, host_keytab=None, host_password="pw", kerberos_proof=False), NOW)
    assert dict(reader.calls)["password_retrieval"] == ("WebApp01$", "HOST01$", "pw", None)
    assert "kerberos" not in asked(reader)
    assert "gmsa_kerberos" not in {f.id for f in findings}


def test_only_the_gmsa_is_checked_when_nothing_else_is_asked(contoso):
    reader = FakeReader(contoso)
    findings = run_checks(reader, CheckRequest(name="webapp01"), NOW)
    assert [f.id for f in findings] == [
        "kds_root_key",
        "gmsa_exists",
        "gmsa_enabled",
        "gmsa_spns",
        "gmsa_spn_duplicates",
        "gmsa_password_key",
    ]
    assert asked(reader) == ["root_keys", "gmsa", "spn_holders"]


def test_a_missing_gmsa_stops_its_own_checks_and_the_hosts_access_checks(contoso):
    reader = FakeReader(contoso, accounts={})
    findings = run_checks(reader, everything(contoso), NOW)
    assert [(f.id, f.status) for f in findings][:3] == [
        ("kds_root_key", "ok"),
        ("gmsa_exists", "error"),
        ("host_exists", "ok"),
    ]
    assert "gMSA WebApp01 does not exist in contoso.com" in findings[1].message
    assert "groups" not in asked(reader) and "password_retrieval" not in asked(reader)
    # The spec and the build are still checked: they do not need the gMSA.
    ids = [f.id for f in findings]
    assert "credential_spec_sid" in ids and "container_hostname" in ids
    assert worst(findings) == "error"


def test_an_account_that_is_not_a_gmsa_is_reported_and_not_checked_further(contoso):
    user = gmsa(object_classes=("top", "person", "user"), sam_account_name="WebApp01")
    reader = FakeReader(contoso, accounts={"webapp01": user})
    findings = run_checks(reader, CheckRequest(name="WebApp01", host="HOST01"), NOW)
    assert [(f.id, f.status) for f in findings] == [
        ("kds_root_key", "ok"),
        ("gmsa_exists", "error"),
        ("host_exists", "ok"),
    ]
    assert "not a group Managed Service Account" in findings[1].message
    assert "spn_holders" not in asked(reader)


def test_a_missing_host_skips_the_access_checks(contoso):
    reader = FakeReader(contoso, hosts={})
    findings = run_checks(reader, everything(contoso), NOW)
    by_id = {f.id: f for f in findings}
    assert by_id["host_exists"].status == "error"
    assert "host_allowed" not in by_id and "host_password_retrieval" not in by_id
    assert "groups" not in asked(reader)


def test_facts_from_the_reader_drive_the_findings(contoso):
    reader = FakeReader(
        contoso,
        keys=[],
        accounts={"webapp01": gmsa(user_account_control=4098, password_key_id="00000000-0000-0000-0000-000000000000")},
        holders={"host/webapp01.contoso.com": ["CN=OLDWEB,CN=Computers,DC=contoso,DC=com"]},
        hosts={"host01": host(group_sids=(), member_of=())},
    )
    findings = {f.id: f.status for f in run_checks(reader, CheckRequest(name="WebApp01", host="HOST01"), NOW)}
    assert findings == {
        "kds_root_key": "error",
        "gmsa_exists": "ok",
        "gmsa_enabled": "error",
        "gmsa_spns": "ok",
        "gmsa_spn_duplicates": "error",
        "gmsa_password_key": "error",
        "host_exists": "ok",
        "host_allowed": "error",
    }


def test_the_spec_is_checked_against_the_readers_domain_and_the_gmsas_sid(contoso):
    reader = FakeReader(contoso, listed_accounts=[SpecAccount("Gone", "contoso.com", "gMSA 'Gone' does not exist")])
    bad = spec(contoso, Sid=f"{DOMAIN_SID}-1104")
    findings = {f.id: f for f in run_checks(reader, CheckRequest(name="WebApp01", credential_spec=bad), NOW)}
    assert "holds the gMSA's own SID" in findings["credential_spec_sid"].message
    assert findings["credential_spec_accounts"].status == "error"
    assert dict(reader.calls)["spec_accounts"] == "WebApp01"


def test_a_spec_file_that_cannot_be_read_is_one_finding(tmp_path, contoso):
    reader = FakeReader(contoso)
    request = CheckRequest(name="WebApp01", credential_spec_path=str(tmp_path / "missing.json"))
    findings = run_checks(reader, request, NOW)
    assert (findings[-1].id, findings[-1].status) == ("credential_spec", "error")
    assert "spec_accounts" not in asked(reader)


def test_a_spec_file_is_read_from_its_path(tmp_path, contoso):
    path = tmp_path / "contoso_webapp01.json"
    path.write_text(json.dumps(spec(contoso)))
    findings = run_checks(FakeReader(contoso), CheckRequest(name="WebApp01", credential_spec_path=str(path)), NOW)
    assert {f.status for f in findings if f.id.startswith("credential_spec")} == {"ok"}


def test_the_windows_rules_come_last_with_the_bare_name(contoso):
    request = CheckRequest(name="WebApp01$", windows_build=14393, container_hostname="x")
    findings = run_checks(FakeReader(contoso), request, NOW)
    assert [(f.id, f.status) for f in findings[-2:]] == [
        ("container_hostname", "error"),
        ("container_gmsa_sharing", "warning"),
    ]
    assert "differs from the gMSA name WebApp01:" in findings[-2].message


def test_a_bad_name_fails_before_anything_is_read(contoso):
    reader = FakeReader(contoso)
    with pytest.raises(CredentialSpecError, match="contains characters AD forbids"):
        run_checks(reader, CheckRequest(name="CONTOSO\\WebApp01"), NOW)
    assert reader.calls == []
