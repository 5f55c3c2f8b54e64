# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AD side of credential specs, against a fake forest of two domains (the lab DC has only one)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import (
    CredentialSpecError,
    build_credential_spec,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_ad import (
    EXTENDED_DN_CONTROL,
    AccountRequest,
    Forest,
    SpecAccounts,
    find_gmsas,
    parse_account_requests,
    parse_extended_dn,
    read_spec_source,
    read_spec_sources,
    resolve_domain,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import DomainInfo, Entry
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sid import guid_to_bytes, sid_to_bytes

ROOT_DN = "DC=contoso,DC=com"
CHILD_DN = "DC=emea,DC=contoso,DC=com"
CONFIG_DN = f"CN=Configuration,{ROOT_DN}"
CHILD_SID = "S-1-5-21-1111111111-2222222222-3333333333"
CHILD_GUID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

ROOT = DomainInfo(
    dns_name="contoso.com",
    netbios_name="CONTOSO",
    domain_dn=ROOT_DN,
    configuration_dn=CONFIG_DN,
    schema_dn=f"CN=Schema,{CONFIG_DN}",
    forest_root_dn=ROOT_DN,
    forest_dns_name="contoso.com",
    sid="S-1-5-21-702590844-1001920913-2680819671",
    guid="56d9b66c-d746-4f87-bd26-26760cfdca2e",
    dc_dns_hostname="dc1.contoso.com",
    well_known={},
)


def _entry(dn: str, **attributes: Any) -> Entry:
    return Entry(
        dn, {k.lower(): [v if isinstance(v, bytes) else v.encode() for v in vs] for k, vs in attributes.items()}
    )


def _extended(dn: str, sid: str, guid: str) -> str:
    return f"<GUID={guid_to_bytes(guid).hex()}>;<SID={sid_to_bytes(sid).hex()}>;{dn}"


class FakeClient:
    """Answers the searches the backend makes, from a table of objects per domain; records each search."""

    def __init__(self, objects: dict[str, list[Entry]], extended_sid: bool = True) -> None:
        self.domain = ROOT
        self.server_name = "dc1.contoso.com"
        self.objects = objects
        self.extended_sid = extended_sid
        self.searches: list[tuple[str, str, str]] = []

    def search(self, base: str, ldap_filter: str, attributes: Any = (), scope: str = "subtree", controls: Any = None):
        self.searches.append((base, ldap_filter, scope))
        if base == f"CN=Partitions,{CONFIG_DN}":
            assert controls == [EXTENDED_DN_CONTROL]
            assert "systemFlags:1.2.840.113556.1.4.803:=2" in ldap_filter
            child = _extended(CHILD_DN, CHILD_SID, CHILD_GUID) if self.extended_sid else CHILD_DN
            return [
                _entry("CN=CONTOSO,CN=Partitions", nCName=[_extended(ROOT_DN, ROOT.sid, ROOT.guid)],
                       dnsRoot=["contoso.com"], nETBIOSName=["CONTOSO"]),
                _entry("CN=EMEA,CN=Partitions", nCName=[child], dnsRoot=["emea.contoso.com"], nETBIOSName=["EMEA"]),
            ]  # fmt: skip
        if scope == "base":
            if base == CHILD_DN:
                return [_entry(CHILD_DN, objectSid=[sid_to_bytes(CHILD_SID)], objectGUID=[guid_to_bytes(CHILD_GUID)])]
            return []
        names = {n.lower() for n in re.findall(r"sAMAccountName=([^)]*)\)", ldap_filter)}
        return [e for e in self.objects.get(base, []) if (e.text("sAMAccountName") or "").lower() in names]

    def read(self, dn: str, attributes: Any) -> Entry | None:
        found = self.search(dn, "(objectClass=*)", attributes, scope="base")
        return found[0] if found else None


def gmsa(name: str, domain_dn: str = ROOT_DN) -> Entry:
    return _entry(
        f"CN={name},CN=Managed Service Accounts,{domain_dn}",
        sAMAccountName=[f"{name}$"],
        objectClass=["top", "person", "organizationalPerson", "user", "computer", "msDS-GroupManagedServiceAccount"],
    )


@pytest.fixture
def client() -> FakeClient:
    return FakeClient(
        {
            ROOT_DN: [
                gmsa("WebApp01"),
                gmsa("LogAgentSvc"),
                _entry(f"CN=Bob,CN=Users,{ROOT_DN}", sAMAccountName=["Bob"], objectClass=["top", "user"]),
                _entry(
                    f"CN=PC1,CN=Computers,{ROOT_DN}", sAMAccountName=["PC1$"], objectClass=["top", "user", "computer"]
                ),
            ],
            CHILD_DN: [gmsa("ReportSvc", CHILD_DN)],
        }
    )


def test_own_domain_needs_one_search_for_all_accounts(client: FakeClient) -> None:
    source = read_spec_source(client, "WebApp01$", None, [AccountRequest("LogAgentSvc")])

    assert source.domain.sid == ROOT.sid
    assert source.additional_accounts == (("LogAgentSvc", "contoso.com"),)
    assert client.searches == [(ROOT_DN, client.searches[0][1], "subtree")]
    # Every gMSA found by its "$" name: no bare names asked (they only explain an account that is missing).
    assert client.searches[0][1] == "(|(sAMAccountName=WebApp01$)(sAMAccountName=LogAgentSvc$))"


@pytest.mark.parametrize("name", ["contoso.com", "CONTOSO.COM.", "contoso"])
def test_own_domain_by_name_needs_no_crossref_search(client: FakeClient, name: str) -> None:
    assert resolve_domain(client, name).dns_name == "contoso.com"
    assert client.searches == []


def test_additional_account_of_a_child_domain(client: FakeClient) -> None:
    source = read_spec_source(client, "WebApp01", None, [AccountRequest("ReportSvc", "EMEA")])

    assert source.additional_accounts == (("ReportSvc", "emea.contoso.com"),)
    assert [base for base, _f, _s in client.searches] == [f"CN=Partitions,{CONFIG_DN}", ROOT_DN, CHILD_DN]
    spec = build_credential_spec("WebApp01", source.domain, source.additional_accounts)
    assert spec["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"][-1] == {
        "Name": "ReportSvc",
        "Scope": "emea.contoso.com",
    }


@pytest.mark.parametrize("extended_sid", [True, False])
def test_primary_account_of_a_child_domain(client: FakeClient, extended_sid: bool) -> None:
    client.extended_sid = extended_sid

    source = read_spec_source(client, "ReportSvc", "emea.contoso.com")

    assert source.domain.sid == CHILD_SID
    assert source.domain.guid == CHILD_GUID
    assert source.domain.netbios_name == "EMEA"
    assert source.domain.dns_name == "emea.contoso.com"
    assert source.domain.forest_dns_name == "contoso.com"
    # Only without extended DNs is the child domain's NC head read.
    assert ((CHILD_DN, "(objectClass=*)", "base") in client.searches) is not extended_sid


def test_unknown_domain_names_the_forest_domains(client: FakeClient) -> None:
    with pytest.raises(CredentialSpecError, match=r"^Domain 'child\.contoso\.com' is not a domain of the forest "):
        read_spec_source(client, "WebApp01", "child.contoso.com")
    with pytest.raises(CredentialSpecError, match=r"\(its domains: contoso\.com, emea\.contoso\.com\)"):
        read_spec_source(client, "WebApp01", None, [AccountRequest("X", "apac.contoso.com")])


@pytest.mark.parametrize(
    ("account", "additional", "message"),
    [
        ("Missing", [], "gMSA 'Missing' does not exist in contoso.com."),
        ("Bob", [], "'Bob' in contoso.com is a user (CN=Bob,CN=Users,DC=contoso,DC=com), not a group Managed"),
        ("PC1", [], "'PC1' in contoso.com is a computer account (CN=PC1,CN=Computers"),
        ("WebApp01", ["Bob", "Gone"], "'Bob' in contoso.com is a user (CN=Bob,CN=Users,DC=contoso,DC=com), not a "
         "group Managed Service Account; gMSA 'Gone' does not exist in contoso.com."),
    ],
)  # fmt: skip
def test_accounts_that_are_not_gmsas(client: FakeClient, account: str, additional: list[str], message: str) -> None:
    with pytest.raises(CredentialSpecError) as failure:
        read_spec_source(client, account, None, [AccountRequest(a) for a in additional])
    assert str(failure.value).startswith(message)
    assert "msDS-GroupManagedServiceAccount" in str(failure.value)


def test_missing_account_of_another_domain_says_which_dc_answered(client: FakeClient) -> None:
    with pytest.raises(CredentialSpecError, match=r"dc1\.contoso\.com is a DC of contoso\.com; accounts of emea"):
        read_spec_source(client, "WebApp01", None, [AccountRequest("Nope", "emea.contoso.com")])


def test_referral_for_another_domain_is_reported_as_not_found(client: FakeClient) -> None:
    original = client.search

    def refer(base: str, *args: Any, **kwargs: Any) -> Any:
        if base == CHILD_DN and kwargs.get("scope", "subtree") == "subtree":
            raise GmsaError("LDAP search failed: referral (10).", result_code=10)
        return original(base, *args, **kwargs)

    client.search = refer  # type: ignore[method-assign]
    with pytest.raises(CredentialSpecError, match=r"^gMSA 'ReportSvc' does not exist in emea\.contoso\.com\."):
        read_spec_source(client, "WebApp01", None, [AccountRequest("ReportSvc", "emea.contoso.com")])


def test_parse_extended_dn() -> None:
    assert parse_extended_dn("<GUID=00ff>;<SID=0104>;DC=a,DC=b") == ("DC=a,DC=b", {"guid": "00ff", "sid": "0104"})
    assert parse_extended_dn("DC=a,DC=b") == ("DC=a,DC=b", {})


def test_parse_account_requests() -> None:
    assert parse_account_requests(["LogAgentSvc$", {"name": "ReportSvc", "domain": " emea.contoso.com "}]) == [
        AccountRequest("LogAgentSvc"),
        AccountRequest("ReportSvc", "emea.contoso.com"),
    ]
    assert parse_account_requests(None) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([3], "additional_accounts[0] is int, not a name or a mapping."),
        ([{"nom": "x"}], "unknown: nom"),
        ([{"name": "x", "domain": ""}], "additional_accounts[0] has domain ''"),
        (["CONTOSO\\x"], "contains '\\'"),
    ],
)
def test_parse_account_requests_errors(value: list[Any], message: str) -> None:
    with pytest.raises(CredentialSpecError) as failure:
        parse_account_requests(value)
    assert message in str(failure.value)


@pytest.mark.parametrize("count", [1, 30])
def test_many_specs_cost_the_searches_of_one(client: FakeClient, count: int) -> None:
    specs = [SpecAccounts("WebApp01", None, (AccountRequest("LogAgentSvc"),))] * count
    specs.append(SpecAccounts("LogAgentSvc"))

    sources = read_spec_sources(client, specs)

    assert len(sources) == count + 1
    assert [base for base, _f, _s in client.searches] == [ROOT_DN]
    assert sources[0].additional_accounts == (("LogAgentSvc", "contoso.com"),)
    assert sources[-1].additional_accounts == ()
    assert sources[0].distinguished_names == (
        f"CN=WebApp01,CN=Managed Service Accounts,{ROOT_DN}",
        f"CN=LogAgentSvc,CN=Managed Service Accounts,{ROOT_DN}",
    )


def test_many_specs_of_two_domains_cost_one_search_per_domain(client: FakeClient) -> None:
    specs = [
        SpecAccounts("WebApp01"),
        SpecAccounts("ReportSvc", "emea.contoso.com"),
        SpecAccounts("LogAgentSvc", None, (AccountRequest("ReportSvc", "EMEA"),)),
    ]

    sources = read_spec_sources(client, specs)

    assert [s.domain.dns_name for s in sources] == ["contoso.com", "emea.contoso.com", "contoso.com"]
    assert sources[2].additional_accounts == (("ReportSvc", "emea.contoso.com"),)
    assert [base for base, _f, _s in client.searches] == [f"CN=Partitions,{CONFIG_DN}", ROOT_DN, CHILD_DN]


def test_many_specs_name_every_missing_account_at_once(client: FakeClient) -> None:
    specs = [
        SpecAccounts("WebApp01"),
        SpecAccounts("Gone1"),
        SpecAccounts("LogAgentSvc", None, (AccountRequest("Gone2"),)),
    ]

    with pytest.raises(CredentialSpecError, match=r"^gMSA 'Gone1' does not exist in contoso\.com; gMSA 'Gone2' does"):
        read_spec_sources(client, specs)
    # One search for all; one more for the two names not found, bare too (a user of that name is no gMSA).
    assert [f for _b, f, _s in client.searches][1] == (
        "(|(sAMAccountName=Gone1$)(sAMAccountName=Gone1)(sAMAccountName=Gone2$)(sAMAccountName=Gone2))"
    )


def test_missing_accounts_are_named_in_the_error_details(client: FakeClient) -> None:
    specs = [SpecAccounts("Gone1"), SpecAccounts("Bob"), SpecAccounts("WebApp01", None, (AccountRequest("Gone2"),))]

    with pytest.raises(CredentialSpecError) as failure:
        read_spec_sources(client, specs)

    assert failure.value.message.startswith("gMSA 'Gone1' does not exist in contoso.com; 'Bob' in contoso.com is a")
    assert failure.value.message.endswith("; gMSA 'Gone2' does not exist in contoso.com.")
    assert failure.value.details["missing_accounts"] == ["Gone1", "Gone2"]


def test_skip_missing_notes_each_spec_whose_accounts_do_not_exist(client: FakeClient) -> None:
    specs = [
        SpecAccounts("WebApp01"),
        SpecAccounts("Gone1"),
        SpecAccounts("LogAgentSvc", None, (AccountRequest("Gone2"), AccountRequest("WebApp01"))),
    ]

    sources = read_spec_sources(client, specs, skip_missing=True)

    assert [s.missing for s in sources] == [
        (),
        ("gMSA 'Gone1' does not exist in contoso.com",),
        ("gMSA 'Gone2' does not exist in contoso.com",),
    ]
    assert sources[0].distinguished_names == (f"CN=WebApp01,CN=Managed Service Accounts,{ROOT_DN}",)
    assert len(sources[2].distinguished_names) == 2
    assert len(client.searches) == 2


def test_skip_missing_still_fails_for_an_object_that_is_not_a_gmsa(client: FakeClient) -> None:
    with pytest.raises(CredentialSpecError, match=r"^'Bob' in contoso\.com is a user") as failure:
        read_spec_sources(client, [SpecAccounts("Gone1"), SpecAccounts("Bob")], skip_missing=True)
    assert "missing_accounts" not in failure.value.details


@pytest.mark.parametrize(
    ("names", "bare_names_after", "filters"),
    [
        ([], True, []),
        (["WebApp01", "LogAgentSvc"], True, ["(|(sAMAccountName=WebApp01$)(sAMAccountName=LogAgentSvc$))"]),
        (
            ["WebApp01", "Bob"],
            True,
            ["(|(sAMAccountName=WebApp01$)(sAMAccountName=Bob$))", "(|(sAMAccountName=Bob$)(sAMAccountName=Bob))"],
        ),
        (["WebApp01"], False, ["(|(sAMAccountName=WebApp01$)(sAMAccountName=WebApp01))"]),
    ],
)
def test_find_gmsas_searches_as_its_docstring_says(
    client: FakeClient, names: list[str], bare_names_after: bool, filters: list[str]
) -> None:
    # One search; with bare_names_after a second one, for the names the first did not find only, both forms.
    own = Forest(client).own
    if "Bob" in names:
        with pytest.raises(CredentialSpecError, match=r"^'Bob' in contoso\.com is a user") as failure:
            find_gmsas(client, own, names, bare_names_after=bare_names_after)
        assert failure.value.details["accounts"] == names
    else:
        found = find_gmsas(client, own, names, bare_names_after=bare_names_after)
        assert found == {name: f"CN={name},CN=Managed Service Accounts,{ROOT_DN}" for name in names}
    assert [f for _b, f, _s in client.searches] == filters
