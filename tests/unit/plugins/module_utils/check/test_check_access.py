# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host's access to the password and whether its tickets carry it (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.access import (
    AccessDecision,
    evaluate_host_access,
    evaluate_membership_access,
    evaluate_ticket_refresh,
    membership_path,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.host import (
    parse_value_metadata,
)
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
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    DOMAIN_COMPUTERS,
    HOST_SID,
    HOSTS_SID,
    INNER_SID,
    NOW,
    gmsa,
    groups,
    host,
)


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
