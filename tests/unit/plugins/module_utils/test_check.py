# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure evaluations of gmsa_check: facts in, findings out, no DC needed."""

from __future__ import annotations

import struct
from datetime import datetime, timedelta, timezone

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check import (
    AccessDecision,
    Finding,
    GmsaFacts,
    GroupFacts,
    HostFacts,
    SpecAccount,
    current_password,
    evaluate_container_rules,
    evaluate_credential_spec,
    evaluate_duplicate_spns,
    evaluate_enabled,
    evaluate_gmsa,
    evaluate_host_access,
    evaluate_kds,
    evaluate_machine_account_name,
    evaluate_membership_access,
    evaluate_password_key,
    evaluate_spec_accounts,
    evaluate_spns,
    evaluate_ticket_refresh,
    failing,
    kerberos_secret,
    load_credential_spec,
    membership_path,
    parse_value_metadata,
    parse_windows_build,
    proof_target_spn,
    summarize,
    worst,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import DomainIdentity, build_credential_spec
from ansible_collections.wincontainers.gmsa.plugins.module_utils._kds import USABLE_AFTER, RootKey
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import (
    ACCESS_ALLOWED_ACE_TYPE,
    ACCESS_DENIED_ACE_TYPE,
    INHERIT_ONLY_ACE,
    SE_DACL_PRESENT,
    SE_SELF_RELATIVE,
    Ace,
    Acl,
    SecurityDescriptor,
    build_gmsa_membership,
    sd_to_bytes,
)

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)
# The SIDs of the objects below are of the contoso fixture's domain (tests/unit/conftest.py).
DOMAIN_SID = "S-1-5-21-702590844-1001920913-2680819671"
CHILD = DomainIdentity(
    dns_name="emea.contoso.com",
    netbios_name="EMEA",
    sid="S-1-5-21-1-2-3",
    guid="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    forest_dns_name="contoso.com",
)
HOSTS_SID = f"{DOMAIN_SID}-1105"
INNER_SID = f"{DOMAIN_SID}-1106"
HOST_SID = f"{DOMAIN_SID}-1110"
DOMAIN_COMPUTERS = f"{DOMAIN_SID}-515"
USERS = "CN=Users,DC=contoso,DC=com"


def gmsa(**changes) -> GmsaFacts:
    values = dict(
        dn="CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com",
        sam_account_name="WebApp01$",
        object_classes=("top", "user", "computer", "msDS-GroupManagedServiceAccount"),
        sid=f"{DOMAIN_SID}-1104",
        user_account_control=4096,
        spns=("host/WebApp01", "host/webapp01.contoso.com"),
        dns_host_name="webapp01.contoso.com",
        membership=build_gmsa_membership([HOSTS_SID]),
    )
    values.update(changes)
    return GmsaFacts(**values)


def host(**changes) -> HostFacts:
    values = dict(
        dn="CN=HOST01,CN=Computers,DC=contoso,DC=com",
        sam_account_name="HOST01$",
        sid=HOST_SID,
        primary_group_sid=DOMAIN_COMPUTERS,
        group_sids=(DOMAIN_COMPUTERS, INNER_SID, HOSTS_SID),
        member_of=(f"CN=Inner,{USERS}",),
        last_logon=NOW - timedelta(hours=1),
    )
    values.update(changes)
    return HostFacts(**values)


def groups(hosts_changed=NOW - timedelta(days=2), inner_changed=NOW - timedelta(days=3), **inner) -> dict:
    return {
        HOSTS_SID: GroupFacts(f"CN=Hosts,{USERS}", HOSTS_SID, "Hosts", (), hosts_changed),
        INNER_SID: GroupFacts(f"CN=Inner,{USERS}", INNER_SID, "Inner", (f"CN=Hosts,{USERS}",), inner_changed, **inner),
    }


def statuses(findings: list[Finding]) -> dict[str, str]:
    return {f.id: f.status for f in findings}


# -- KDS ------------------------------------------------------------------------------------------------------


def key(start: datetime, key_id: str = "22d55d7b-5973-99d3-b397-f2d8398de064") -> RootKey:
    return RootKey(key_id, f"CN={key_id}", start, start, None)


def test_kds_usable_key_is_ok():
    finding = evaluate_kds([key(NOW - USABLE_AFTER - timedelta(seconds=1))], NOW)
    assert finding.status == "ok"
    assert finding.remediation == ""


def test_kds_no_key_is_an_error_naming_the_module():
    finding = evaluate_kds([], NOW)
    assert finding.status == "error"
    assert "no KDS root key" in finding.message
    assert "gmsa_kds_root_key" in finding.remediation


def test_kds_future_key_says_when():
    finding = evaluate_kds([key(NOW - timedelta(minutes=5))], NOW)
    assert finding.status == "error"
    assert "becomes usable at 2026-11-22T22:00:00Z (in 10 h 0 min)" in finding.message


def test_password_key_missing_is_an_error():
    keys = [key(NOW - timedelta(days=1))]
    assert evaluate_password_key("WebApp01", None, keys) is None
    assert evaluate_password_key("WebApp01", keys[0].key_id, keys).status == "ok"
    assert evaluate_password_key("WebApp01", "11111111-1111-1111-1111-111111111111", keys).status == "error"


# -- the gMSA -------------------------------------------------------------------------------------------------


def test_gmsa_missing_and_not_a_gmsa():
    assert evaluate_gmsa("WebApp01", None, "contoso.com").status == "error"
    computer = gmsa(object_classes=("top", "user", "computer"))
    finding = evaluate_gmsa("WebApp01", computer, "contoso.com")
    assert finding.status == "error"
    assert "is a computer, not a group Managed Service Account" in finding.message
    assert evaluate_gmsa("WebApp01", gmsa(), "contoso.com").status == "ok"


@pytest.mark.parametrize(("uac", "status"), [(4096, "ok"), (4130, "error"), (None, "ok")])
def test_enabled(uac, status):
    assert evaluate_enabled(gmsa(user_account_control=uac)).status == status


def test_spns_all_present_any_case():
    assert evaluate_spns(gmsa(spns=("HOST/webapp01", "host/WEBAPP01.contoso.com", "http/x"))).status == "ok"


def test_spns_missing_are_listed_with_setspn():
    finding = evaluate_spns(gmsa(spns=("host/WebApp01",)))
    assert finding.status == "error"
    assert "lacks the SPN(s) host/webapp01.contoso.com" in finding.message
    assert "setspn -S host/webapp01.contoso.com WebApp01$" in finding.remediation


def test_spns_without_dns_host_name():
    finding = evaluate_spns(gmsa(dns_host_name=None, spns=()))
    assert finding.status == "error"
    assert "it has no dNSHostName; it lacks the SPN(s) host/WebApp01" in finding.message


def test_duplicate_spns():
    facts = gmsa()
    assert evaluate_duplicate_spns(facts, {}).status == "ok"
    finding = evaluate_duplicate_spns(
        facts, {"host/webapp01.contoso.com": ["CN=OLDWEB,CN=Computers,DC=contoso,DC=com"]}
    )
    assert finding.status == "error"
    assert "host/webapp01.contoso.com is also on CN=OLDWEB" in finding.message


# -- access -----------------------------------------------------------------------------------------------------


def descriptor(*aces: Ace) -> bytes:
    dacl = Acl(aces=list(aces))
    return sd_to_bytes(SecurityDescriptor(owner="S-1-5-32-544", dacl=dacl, control=SE_SELF_RELATIVE | SE_DACL_PRESENT))


def test_access_through_nested_group():
    decision = evaluate_membership_access(build_gmsa_membership([HOSTS_SID]), host().token_sids())
    assert decision == AccessDecision(True, HOSTS_SID, (HOSTS_SID,))


def test_access_refused_without_membership():
    decision = evaluate_membership_access(build_gmsa_membership([HOSTS_SID]), host(group_sids=()).token_sids())
    assert not decision.allowed
    assert decision.deciding_sid is None


def test_deny_ace_first_wins():
    sd = descriptor(
        Ace(ACCESS_DENIED_ACE_TYPE, 0, 0x10, INNER_SID),
        Ace(ACCESS_ALLOWED_ACE_TYPE, 0, 0x000F01FF, HOSTS_SID),
    )
    decision = evaluate_membership_access(sd, host().token_sids())
    assert not decision.allowed
    assert decision.deciding_sid == INNER_SID


def test_inherit_only_and_rightless_aces_grant_nothing():
    sd = descriptor(
        Ace(ACCESS_ALLOWED_ACE_TYPE, INHERIT_ONLY_ACE, 0x000F01FF, HOSTS_SID),
        Ace(ACCESS_ALLOWED_ACE_TYPE, 0, 0x20, HOSTS_SID),
    )
    assert not evaluate_membership_access(sd, host().token_sids()).allowed


def test_missing_attribute_and_null_dacl():
    assert not evaluate_membership_access(None, host().token_sids()).allowed
    null = sd_to_bytes(SecurityDescriptor(owner="S-1-5-32-544", control=SE_SELF_RELATIVE | SE_DACL_PRESENT))
    decision = evaluate_membership_access(null, [])
    assert decision.allowed and decision.no_dacl


def test_token_holds_own_sid_primary_group_and_well_known():
    token = host(group_sids=()).token_sids()
    assert token[:2] == [HOST_SID, DOMAIN_COMPUTERS]
    assert "S-1-5-11" in token


def test_membership_path_follows_member_of():
    path = membership_path(host(), HOSTS_SID, groups())
    assert [g.name for g in path] == ["Inner", "Hosts"]
    assert membership_path(host(member_of=()), HOSTS_SID, groups()) is None


def test_host_access_messages():
    facts, found = host(), groups()
    decision = evaluate_membership_access(gmsa().membership, facts.token_sids())
    finding = evaluate_host_access(gmsa(), facts, found, decision)
    assert finding.status == "ok"
    assert "through group membership HOST01$ -> Inner -> Hosts (nested groups)" in finding.message

    refused = AccessDecision(False, None, (HOSTS_SID,))
    finding = evaluate_host_access(gmsa(), host(group_sids=(DOMAIN_COMPUTERS,)), found, refused)
    assert finding.status == "error"
    assert "none of its groups is allowed" in finding.message
    assert "Allowed: Hosts." in finding.message
    assert "klist -li 0x3e7 purge" in finding.remediation


def test_host_access_directly_and_everyone():
    direct = AccessDecision(True, HOST_SID, (HOST_SID,))
    assert "directly" in evaluate_host_access(gmsa(), host(), {}, direct).message
    everyone = AccessDecision(True, "S-1-5-11", ("S-1-5-11",))
    assert evaluate_host_access(gmsa(), host(), {}, everyone).status == "warning"


# -- ticket refresh ---------------------------------------------------------------------------------------------


def allowed_via_hosts() -> AccessDecision:
    return AccessDecision(True, HOSTS_SID, (HOSTS_SID,))


def test_ticket_refresh_ok_when_logon_is_newer():
    finding = evaluate_ticket_refresh(host(), groups(), allowed_via_hosts())
    assert finding.status == "ok"


def test_ticket_refresh_warns_when_a_group_changed_after_logon():
    finding = evaluate_ticket_refresh(host(), groups(hosts_changed=NOW), allowed_via_hosts())
    assert finding.status == "warning"
    assert "last changed at 2026-11-22T12:00:00Z, after the last recorded logon of HOST01$" in finding.message
    assert "klist -li 0x3e7 purge" in finding.remediation


def test_ticket_refresh_prefers_exact_value_metadata():
    # The Inner group changed later for another reason, but the host's own link is older than its logon.
    exact = {"cn=host01,cn=computers,dc=contoso,dc=com": NOW - timedelta(days=5)}
    found = groups(inner_changed=NOW, member_added=exact)
    assert evaluate_ticket_refresh(host(), found, allowed_via_hosts()).status == "ok"


def test_ticket_refresh_without_logon_or_path():
    assert evaluate_ticket_refresh(host(last_logon=None), groups(), allowed_via_hosts()).status == "warning"
    assert evaluate_ticket_refresh(host(member_of=()), groups(), allowed_via_hosts()).status == "warning"
    unknown = groups(hosts_changed=None)
    assert "Cannot tell" in evaluate_ticket_refresh(host(), unknown, allowed_via_hosts()).message


def test_ticket_refresh_not_needed_for_direct_or_refused():
    assert evaluate_ticket_refresh(host(), {}, AccessDecision(True, HOST_SID, ())).status == "ok"
    primary = AccessDecision(True, DOMAIN_COMPUTERS, ())
    assert "primary group" in evaluate_ticket_refresh(host(), {}, primary).message
    assert evaluate_ticket_refresh(host(), {}, AccessDecision(False, None, ())) is None


def test_value_metadata_parsing():
    value = (
        "<DS_REPL_VALUE_META_DATA>\n\t<pszAttributeName>member</pszAttributeName>\n"
        "\t<pszObjectDn>CN=HOST01,CN=Computers,DC=contoso,DC=com</pszObjectDn>\n"
        "\t<ftimeDeleted>1601-01-01T00:00:00Z</ftimeDeleted>\n\t<ftimeCreated>2026-11-01T10:00:00Z</ftimeCreated>\n"
        "\t<ftimeLastOriginatingChange>2026-11-02T10:00:00Z</ftimeLastOriginatingChange>\n"
        "</DS_REPL_VALUE_META_DATA>"
    )
    removed = value.replace("1601-01-01T00:00:00Z", "2026-11-03T00:00:00Z").replace("HOST01", "HOST02")
    parsed = parse_value_metadata([value, removed])
    assert parsed == {"cn=host01,cn=computers,dc=contoso,dc=com": datetime(2026, 11, 2, 10, tzinfo=timezone.utc)}


# -- proofs -----------------------------------------------------------------------------------------------------


def password_blob(password: bytes, previous: bytes | None = None) -> bytes:
    current_at = 16
    after_current = current_at + len(password) + 2
    previous_at = after_current if previous else 0
    query_at = after_current + (len(previous) + 2 if previous else 0)
    body = password + b"\0\0" + ((previous + b"\0\0") if previous else b"")
    intervals = struct.pack("<QQ", 1, 2)
    length = 16 + len(body) + len(intervals)
    header = struct.pack("<HHIHHHH", 1, 0, length, current_at, previous_at, query_at, query_at + 8)
    return header + body + intervals


def test_current_password_by_offsets_not_nul():
    secret = bytes(range(256))  # holds NUL bytes, as real passwords do
    assert current_password(password_blob(secret)) == secret
    assert current_password(password_blob(secret, previous=b"\x01" * 256)) == secret


def test_current_password_rejects_garbage():
    with pytest.raises(ValueError):
        current_password(b"\x01\x00")
    with pytest.raises(ValueError):
        current_password(struct.pack("<HHIHHHH", 1, 0, 16, 8, 0, 0, 0))


def test_kerberos_secret_replaces_invalid_utf16():
    assert kerberos_secret("pässword".encode("utf-16-le")) == "pässword".encode()
    assert kerberos_secret(b"\x00\xd8a\x00") == "\ufffda".encode()


def test_proof_target_spn():
    assert proof_target_spn(gmsa()) == "host/webapp01.contoso.com"
    assert proof_target_spn(gmsa(spns=("http/web",))) == "http/web"
    assert proof_target_spn(gmsa(spns=())) is None


# -- credential spec --------------------------------------------------------------------------------------------


def spec(domain: DomainIdentity, **join) -> dict:
    document = build_credential_spec("WebApp01", domain)
    document["DomainJoinConfig"].update(join)
    return document


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


# -- container rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "build"),
    [
        (17763, 17763),
        ("10.0.14393.4169", 14393),
        ("2016", 14393),
        ("1709", 16299),
        ("ltsc2022", 20348),
        ("Windows Server 2019", 17763),
        ("20348", 20348),
    ],
)
def test_parse_windows_build(value, build):
    assert parse_windows_build(value) == build


@pytest.mark.parametrize("value", ["vista", "9200", "10.0", ""])
def test_parse_windows_build_rejects(value):
    with pytest.raises(ValueError):
        parse_windows_build(value)


@pytest.mark.parametrize(
    ("build", "hostname", "count", "isolation", "expected"),
    [
        (17763, None, None, None, {"container_hostname": "ok", "container_gmsa_sharing": "ok"}),
        (
            20348,
            "other",
            5,
            "hyperv",
            {"container_hostname": "ok", "container_gmsa_sharing": "ok", "container_isolation": "ok"},
        ),
        (14393, None, None, None, {"container_hostname": "warning", "container_gmsa_sharing": "warning"}),
        (
            14393,
            "WEBAPP01",
            1,
            "process",
            {"container_hostname": "ok", "container_gmsa_sharing": "ok", "container_isolation": "ok"},
        ),
        (16299, "web", 2, None, {"container_hostname": "error", "container_gmsa_sharing": "warning"}),
        (
            17134,
            "webapp01",
            1,
            "hyperv",
            {"container_hostname": "ok", "container_gmsa_sharing": "ok", "container_isolation": "error"},
        ),
        (
            14393,
            "webapp01",
            1,
            "hyperv",
            {"container_hostname": "ok", "container_gmsa_sharing": "ok", "container_isolation": "ok"},
        ),
        (10586, None, None, None, {"container_hostname": "error"}),
    ],
)
def test_container_rules(build, hostname, count, isolation, expected):
    assert statuses(evaluate_container_rules("WebApp01", build, hostname, count, isolation)) == expected


def test_container_hostname_fqdn_is_called_out():
    finding = evaluate_container_rules("WebApp01", 14393, "webapp01.contoso.com", 1)[0]
    assert finding.status == "error"
    assert "give the short name" in finding.message
    assert "--hostname webapp01" in finding.remediation


# -- summaries -----------------------------------------------------------------------------------------------------


def test_summary_worst_and_fail_on():
    findings = [Finding("a", "ok", ""), Finding("b", "warning", "", "x"), Finding("c", "error", "", "y")]
    assert summarize(findings) == {"ok": 1, "warning": 1, "error": 1}
    assert worst(findings) == "error"
    assert worst(findings[:2]) == "warning"
    assert worst([]) == "ok"
    assert [f.id for f in failing(findings, "error")] == ["c"]
    assert [f.id for f in failing(findings, "warning")] == ["b", "c"]
    assert failing(findings, "never") == []
    assert findings[1].as_dict() == {"id": "b", "status": "warning", "message": "", "remediation": "x"}
