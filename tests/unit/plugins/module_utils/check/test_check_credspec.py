# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential spec against AD's facts (pure)."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.credspec import (
    SpecAccount,
    evaluate_credential_spec,
    evaluate_machine_account_name,
    evaluate_spec_accounts,
    load_credential_spec,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import build_credential_spec
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    CHILD,
    DOMAIN_SID,
    spec,
    statuses,
)


def test_correct_spec_is_all_ok(contoso):
    findings = evaluate_credential_spec(spec(contoso), "WebApp01", contoso)
    assert {f.status for f in findings} == {"ok"}
    assert [f.id for f in findings] == [
        "credential_spec_sid",
        "credential_spec_guid",
        "credential_spec_dns_name",
        "credential_spec_netbios_name",
        "credential_spec_dns_tree_name",
        "credential_spec_machine_account_name",
        "credential_spec_scopes",
    ]


def test_spec_with_the_gmsa_sid(contoso):
    findings = statuses(
        evaluate_credential_spec(spec(contoso, Sid=f"{DOMAIN_SID}-1104"), "WebApp01", contoso, f"{DOMAIN_SID}-1104")
    )
    assert findings["credential_spec_sid"] == "error"
    message = evaluate_credential_spec(
        spec(contoso, Sid=f"{DOMAIN_SID}-1104"), "WebApp01", contoso, f"{DOMAIN_SID}-1104"
    )[0]
    assert "holds the gMSA's own SID" in message.message


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("S-1-5-21-1-2-3", "It belongs to another domain."),
        ("S-1-5-21-1-2-3-1104", "it has a fourth number, the RID 1104, so it is an account's SID."),
        ("S-1-5-32-544", "is not a domain SID (S-1-5-21- and three numbers)."),
        ("contoso.com", "is not a SID"),
    ],
)
def test_spec_sid_that_is_not_the_domains_says_what_it_is(contoso, value, why):
    finding = evaluate_credential_spec(spec(contoso, Sid=value), "WebApp01", contoso)[0]
    assert finding.status == "error"
    assert finding.message.startswith(f"DomainJoinConfig.Sid is {value}, but the domain SID is {DOMAIN_SID}.")
    assert why in finding.message


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("{56D9B66C-D746-4F87-BD26-26760CFDCA2E}", "ok"),
        ("56d9b66c-d746-4f87-bd26-26760cfdca2e", "ok"),
        ("56d9b66c-d746-4f87-bd26-26760cfdca2f", "error"),
        ("{not-a-guid}", "error"),
    ],
)
def test_spec_guid_is_compared_in_the_rules_form(contoso, value, status):
    finding = statuses(evaluate_credential_spec(spec(contoso, Guid=value), "WebApp01", contoso))
    assert finding["credential_spec_guid"] == status


def test_spec_with_swapped_names(contoso):
    findings = evaluate_credential_spec(
        spec(contoso, DnsName="CONTOSO", NetBiosName="contoso.com"), "WebApp01", contoso
    )
    bad = {f.id: f.message for f in findings if f.status == "error"}
    assert set(bad) == {"credential_spec_dns_name", "credential_spec_netbios_name"}
    assert "look swapped" in bad["credential_spec_dns_name"]


def test_spec_with_swapped_tree_name_in_a_child_domain():
    document = build_credential_spec("WebApp01", CHILD)
    document["DomainJoinConfig"].update(DnsName="contoso.com", DnsTreeName="emea.contoso.com")
    bad = {f.id: f.message for f in evaluate_credential_spec(document, "WebApp01", CHILD) if f.status == "error"}
    assert set(bad) == {"credential_spec_dns_name", "credential_spec_dns_tree_name"}
    assert "DnsName and DnsTreeName look swapped" in bad["credential_spec_dns_tree_name"]


@pytest.mark.parametrize(
    ("value", "status", "text"),
    [
        ("WebApp01", "ok", "is WebApp01"),
        ("webapp01", "ok", "is webapp01"),
        ("WebApp01$", "error", "ends in '$'"),
        ("CONTOSO\\WebApp01", "error", "includes a domain"),
        ("webapp01.contoso.com", "error", "includes a domain"),
        ("Other", "error", "not the gMSA WebApp01"),
    ],
)
def test_machine_account_name(value, status, text):
    finding = evaluate_machine_account_name(value, "WebApp01")
    assert finding.status == status
    assert text in finding.message


def test_spec_missing_netbios_scope(contoso):
    document = spec(contoso)
    document["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"].pop(1)
    finding = {f.id: f for f in evaluate_credential_spec(document, "WebApp01", contoso)}["credential_spec_scopes"]
    assert finding.status == "error"
    assert "Scope CONTOSO" in finding.message


def test_spec_accounts():
    assert evaluate_spec_accounts([SpecAccount("WebApp01", "contoso.com")]).status == "ok"
    finding = evaluate_spec_accounts([SpecAccount("Gone", "CONTOSO", "gMSA 'Gone' does not exist in contoso.com")])
    assert finding.status == "error"
    assert "Gone (CONTOSO): gMSA 'Gone' does not exist" in finding.message


def test_load_credential_spec(tmp_path, contoso):
    document, problem = load_credential_spec(spec(contoso))
    assert problem is None and document["DomainJoinConfig"]["MachineAccountName"] == "WebApp01"
    missing, problem = load_credential_spec(path=str(tmp_path / "none.json"))
    assert missing is None and problem.status == "error" and "Cannot read" in problem.message
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    broken_spec, problem = load_credential_spec(path=str(broken))
    assert broken_spec is None
    assert "is not a usable credential spec" in problem.message
