# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gMSA checks: exists, enabled, SPNs, duplicates (pure); and what their readers ask AD."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.gmsa import (
    evaluate_duplicate_spns,
    evaluate_enabled,
    evaluate_gmsa,
    evaluate_spns,
    evaluate_unique,
    read_gmsa,
    read_spn_holders,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    gmsa,
)


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


# -- the readers, on a recording stand-in for LdapClient (search and domain only) -------------------------------

ROOT_DN = "DC=contoso,DC=com"
CHILD_DN = "DC=emea,DC=contoso,DC=com"


class RecordingClient:
    """Answers each search with the entries given for its base, and records (base, filter, attributes)."""

    def __init__(self, answers: dict[str, list[Entry]], domain_dn: str = ROOT_DN) -> None:
        self.domain = SimpleNamespace(domain_dn=domain_dn, forest_root_dn=ROOT_DN)
        self.answers = answers
        self.searches: list[tuple[str, str, list[str]]] = []

    def search(self, base: str, ldap_filter: str, attributes: Any = ()) -> list[Entry]:
        self.searches.append((base, ldap_filter, list(attributes)))
        return self.answers.get(base, [])


def entry(dn: str, sam: str, *classes: str, **attributes: list[str]) -> Entry:
    values = {"samaccountname": [sam.encode()], "objectclass": [c.encode() for c in ("top", *classes)]}
    values.update({name.lower(): [v.encode() for v in vs] for name, vs in attributes.items()})
    return Entry(dn, values)


WEB_DN = f"CN=WebApp01,CN=Managed Service Accounts,{ROOT_DN}"
WEB = entry(
    WEB_DN,
    "WebApp01$",
    "person",
    "user",
    "computer",
    "msDS-GroupManagedServiceAccount",
    servicePrincipalName=["host/WebApp01", "host/webapp01.contoso.com"],
    dNSHostName=["webapp01.contoso.com"],
    userAccountControl=["4096"],
)


def test_read_gmsa_decodes_through_the_gmsa_table_in_one_search():
    client = RecordingClient({ROOT_DN: [WEB]})
    facts = read_gmsa(client, "webapp01")
    assert facts is not None and facts.is_gmsa
    assert (facts.dn, facts.spns, facts.dns_host_name) == (
        WEB_DN,
        ("host/WebApp01", "host/webapp01.contoso.com"),
        "webapp01.contoso.com",
    )
    assert facts.user_account_control == 4096
    [(base, ldap_filter, attributes)] = client.searches
    assert base == ROOT_DN
    assert ldap_filter == "(|(sAMAccountName=webapp01$)(sAMAccountName=webapp01))"
    assert {"servicePrincipalName", "msDS-GroupMSAMembership", "msDS-ManagedPasswordId"} <= set(attributes)


def test_read_gmsa_prefers_the_gmsa_and_else_reports_what_holds_the_name():
    user = entry(f"CN=WebApp01,CN=Users,{ROOT_DN}", "WebApp01", "person", "user")
    assert read_gmsa(RecordingClient({ROOT_DN: [user, WEB]}), "WebApp01").dn == WEB_DN
    other = read_gmsa(RecordingClient({ROOT_DN: [user]}), "WebApp01")
    assert other is not None and not other.is_gmsa and other.dn == user.dn
    assert read_gmsa(RecordingClient({}), "WebApp01") is None


def test_read_spn_holders_leaves_out_the_gmsa_and_searches_the_forest_root_too():
    old = entry(f"CN=OLDWEB,CN=Computers,{ROOT_DN}", "OLDWEB$", "computer", servicePrincipalName=["HOST/WebApp01"])
    client = RecordingClient({ROOT_DN: [old]}, domain_dn=CHILD_DN)
    child_web = replace(gmsa(), dn=f"CN=WebApp01,CN=Managed Service Accounts,{CHILD_DN}")
    client.answers[CHILD_DN] = [entry(child_web.dn, "WebApp01$", servicePrincipalName=list(child_web.spns))]
    assert read_spn_holders(client, child_web) == {"host/webapp01": [old.dn]}
    assert [base for base, _filter, _attributes in client.searches] == [ROOT_DN, CHILD_DN]
    assert read_spn_holders(RecordingClient({}), gmsa(spns=())) == {}


def test_a_name_held_by_two_gmsas_is_one_error_and_the_copy_ad_kept_is_checked():
    loser_dn = f"CN=WebApp01\\0ACNF:5f0e0d2a-0c1b-4e4d-9a8b-7c6d5e4f3a2b,CN=Managed Service Accounts,{ROOT_DN}"
    loser = entry(loser_dn, "WebApp01$", "computer", "msDS-GroupManagedServiceAccount", servicePrincipalName=["x"])
    facts = read_gmsa(RecordingClient({ROOT_DN: [loser, WEB]}), "WebApp01")
    assert facts is not None and facts.dn == WEB_DN
    finding = evaluate_unique(facts)
    assert finding is not None and finding.status == "error" and finding.id == "gmsa_unique"
    assert "2 objects hold sAMAccountName WebApp01$" in finding.message
    assert f"the checks below look at {WEB_DN}" in finding.message
    assert f"Keep {WEB_DN}" in finding.remediation
    assert evaluate_unique(read_gmsa(RecordingClient({ROOT_DN: [WEB]}), "WebApp01")) is None
