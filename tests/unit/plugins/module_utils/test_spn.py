# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SPN rules: required SPNs, claims within a task, and the one duplicate search (recording fake client)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry
from ansible_collections.wincontainers.gmsa.plugins.module_utils._spn import (
    SpnClaim,
    SpnHolder,
    check_new_spns,
    claims_by_spn,
    duplicate_spn_error,
    find_spn_holders,
    required_spns,
    spn_search_bases,
)

ROOT_DN = "DC=contoso,DC=com"
CHILD_DN = "DC=emea,DC=contoso,DC=com"
WEB_DN = f"CN=WebApp01,CN=Managed Service Accounts,{ROOT_DN}"


class Domain:
    def __init__(self, domain_dn: str) -> None:
        self.domain_dn = domain_dn
        self.forest_root_dn = ROOT_DN


class RecordingClient:
    def __init__(self, domain_dn: str, answers: dict[str, list[Entry]]) -> None:
        self.domain = Domain(domain_dn)
        self.answers = answers
        self.searches: list[tuple[str, str]] = []

    def search(self, base: str, ldap_filter: str, attributes: Any = ()) -> list[Entry]:
        self.searches.append((base, ldap_filter))
        return self.answers.get(base, [])


def holder(dn: str, sam: str, *spns: str) -> Entry:
    return Entry(dn, {"samaccountname": [sam.encode()], "serviceprincipalname": [s.encode() for s in spns]})


@pytest.mark.parametrize(
    ("name", "dns", "spns"),
    [
        ("WebApp01", "webapp01.contoso.com", ["host/WebApp01", "host/webapp01.contoso.com"]),
        ("WebApp01$", None, ["host/WebApp01"]),
    ],
)
def test_required_spns(name, dns, spns):
    assert required_spns(name, dns) == spns


def test_search_bases_forest_root_then_domain_once_each():
    assert spn_search_bases(ROOT_DN, ROOT_DN) == [ROOT_DN]
    assert spn_search_bases(ROOT_DN, CHILD_DN) == [ROOT_DN, CHILD_DN]


def test_one_search_per_naming_context_and_each_holder_once():
    web = holder(WEB_DN, "WebApp01$", "host/WebApp01", "HTTP/web.contoso.com")
    client = RecordingClient(CHILD_DN, {ROOT_DN: [web], CHILD_DN: [web]})
    holders = find_spn_holders(client, ["http/WEB.contoso.com", "host/other"])
    assert [base for base, _filter in client.searches] == [ROOT_DN, CHILD_DN]
    assert client.searches[0][1] == "(|(servicePrincipalName=host/other)(servicePrincipalName=http/web.contoso.com))"
    assert holders == {"http/web.contoso.com": [SpnHolder("HTTP/web.contoso.com", WEB_DN, "WebApp01$")]}
    assert find_spn_holders(client, []) == {}
    assert len(client.searches) == 2


def test_two_accounts_of_a_task_cannot_claim_one_spn():
    with pytest.raises(GmsaError, match="SPN HTTP/X is asked for by both A and B; an SPN must belong to one account"):
        claims_by_spn([SpnClaim("http/x", "A"), SpnClaim("HTTP/X", "B")])


def test_an_account_holding_its_own_spn_is_no_duplicate():
    claims = claims_by_spn([SpnClaim("host/WebApp01", "WebApp01", WEB_DN.upper())])
    assert duplicate_spn_error(claims, {"host/webapp01": [SpnHolder("host/WebApp01", WEB_DN, "WebApp01$")]}) is None


def test_another_holder_is_named_with_its_spelling_of_the_spn():
    client = RecordingClient(ROOT_DN, {ROOT_DN: [holder(WEB_DN, "WebApp01$", "host/webapp01.contoso.com")]})
    with pytest.raises(GmsaError) as failure:
        check_new_spns(client, [SpnClaim("HOST/WebApp01.contoso.com", "WebApp02")])
    assert failure.value.message == (
        f"SPN host/webapp01.contoso.com is already registered on {WEB_DN} (WebApp01$); duplicate SPNs break "
        "Kerberos authentication."
    )
    assert "setspn -D host/webapp01.contoso.com WebApp01$" in str(failure.value)
    assert "give WebApp02 another SPN" in str(failure.value)


def test_no_claims_no_search():
    client = RecordingClient(ROOT_DN, {})
    check_new_spns(client, [])
    assert client.searches == []


def test_an_account_created_meanwhile_by_a_concurrent_run_is_no_duplicate_of_itself():
    claims = claims_by_spn([SpnClaim("host/WebApp01", "WebApp01")])  # a new account: no DN yet
    made_meanwhile = SpnHolder("host/WebApp01", WEB_DN, "WebApp01$")
    assert duplicate_spn_error(claims, {"host/webapp01": [made_meanwhile]}) is None
    other = SpnHolder("host/WebApp01", f"CN=OLDWEB,{CHILD_DN}", "OLDWEB$")
    assert duplicate_spn_error(claims, {"host/webapp01": [other]}) is not None
