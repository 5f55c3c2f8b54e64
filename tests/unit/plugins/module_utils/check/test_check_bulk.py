# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""gmsa_check for many (gMSA, host) pairs: the requests (pure), what they read, and that the reader asks AD once
per kind of object, whatever the number of pairs (on a stand-in that answers searches by their filter)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any, Callable

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check import (
    REQUEST_OPTIONS,
    CheckRequest,
    LdapCheckReader,
    Reads,
    RefusedCheck,
    check_request,
    check_result,
    entry_request,
    planned_reads,
    refused_result,
    run_checks,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.findings import Finding
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.gmsa import spn_holders_of
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.host import host_clause, match_host
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import build_gmsa_membership
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sid import sid_to_bytes
from ansible_collections.wincontainers.gmsa.plugins.module_utils._spn import SpnHolder
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    DOMAIN_SID,
    HOSTS_SID,
    NOW,
    gmsa,
)

DOMAIN_DN = "DC=contoso,DC=com"
COMPUTERS = f"CN=Computers,{DOMAIN_DN}"

# -- the requests --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "Web App"}, "contains characters AD forbids"),
        ({"name": "W", "host": "H", "host_password": "s3cret", "host_keytab": "/k"}, "mutually exclusive"),
        ({"name": "W", "host_password": "s3cret"}, "need host"),
        ({"name": "W", "credential_spec": {}, "credential_spec_path": "/s.json"}, "mutually exclusive"),
        ({"name": "W", "host": "H", "kerberos_proof": True}, "kerberos_proof needs host_password or host_keytab"),
        ({"name": "W", "windows_build": "95"}, "is not a Windows build"),
    ],
)
def test_bad_requests_are_refused_before_any_ldap_call(values: dict[str, Any], message: str) -> None:
    with pytest.raises(GmsaError, match=message) as caught:
        check_request(values, where="checks[3] (W): ")
    assert str(caught.value).startswith("checks[3] (W): ")
    assert "s3cret" not in str(caught.value)


def test_a_request_keeps_the_name_as_given_and_parses_the_build() -> None:
    request = check_request({"name": "WebApp01$", "host": "HOST01", "windows_build": "2019", "kerberos_proof": None})
    assert request == CheckRequest(name="WebApp01$", host="HOST01", windows_build=17763, kerberos_proof=False)


def test_planned_reads_name_each_gmsa_and_host_once_and_the_pairs_with_hosts(contoso: Any) -> None:
    spec = {"DomainJoinConfig": {}, "CmsPlugins": ["ActiveDirectory"]}
    requests = [
        CheckRequest("WebApp01$", host="HOST01"),
        CheckRequest("webapp01", host="HOST02"),
        CheckRequest("Sql01", host="HOST01"),
        CheckRequest("Sql01"),
        CheckRequest("Sql01", credential_spec=spec),
    ]
    reads = planned_reads(requests)
    assert reads.names == ("WebApp01", "webapp01", "Sql01")
    assert reads.hosts == ("HOST01", "HOST02")
    assert reads.pairs == (("WebApp01", "HOST01"), ("webapp01", "HOST02"), ("Sql01", "HOST01"))
    # A spec that does not load is its own check's finding, not a read.
    assert reads.specs == ()


def test_a_pairs_result_is_the_single_forms_with_its_gmsa_and_host() -> None:
    findings = [Finding("gmsa_exists", "ok", "fine"), Finding("host_allowed", "error", "no", "add it")]
    assert check_result(CheckRequest("WebApp01", host="HOST01"), findings) == {
        "name": "WebApp01",
        "host": "HOST01",
        "findings": [f.as_dict() for f in findings],
        "summary": {"ok": 1, "warning": 0, "error": 1},
        "status": "error",
    }
    assert check_result(CheckRequest("WebApp01"), [])["host"] is None


# -- hosts and SPN holders found among the answers of one search --------------------------------------------


def computer(name: str, dns: str | None = None, sid: int = 1200) -> Entry:
    values = {
        "samaccountname": [f"{name}$".encode()],
        "objectclass": [b"top", b"person", b"user", b"computer"],
        "objectsid": [sid_to_bytes(f"{DOMAIN_SID}-{sid}")],
        "primarygroupid": [b"515"],
    }
    if dns:
        values["dnshostname"] = [dns.encode()]
    return Entry(f"CN={name},{COMPUTERS}", values)


@pytest.mark.parametrize(
    ("host", "clause"),
    [
        ("HOST01", "(sAMAccountName=HOST01$)"),
        ("HOST01$", "(sAMAccountName=HOST01$)"),
        (
            "host01.contoso.com",
            "(&(objectClass=computer)(|(dNSHostName=host01.contoso.com)(sAMAccountName=host01$)))",
        ),
        (f"CN=HOST01,{COMPUTERS}", f"(distinguishedName=CN=HOST01,{COMPUTERS})"),
    ],
)
def test_host_clause(host: str, clause: str) -> None:
    assert host_clause(host) == clause


def test_each_host_finds_its_entry_among_one_answer() -> None:
    one, two = computer("HOST01", "host01.contoso.com"), computer("HOST02", "web.contoso.com", 1201)
    user = Entry(f"CN=HOST03,CN=Users,{DOMAIN_DN}", {"samaccountname": [b"HOST03$"], "objectclass": [b"user"]})
    entries = [one, two, user]
    assert match_host("host01", entries) is one
    assert match_host("HOST02$", entries) is two
    assert match_host("web.contoso.com", entries) is two
    assert match_host("host01.other.example", entries) is one  # by its first label
    assert match_host("cn=host02, cn=computers, dc=contoso, dc=com", entries) is two
    assert match_host("HOST03", entries) is None  # a user, not a computer
    assert match_host("HOST09", entries) is None


def test_spn_holders_of_one_gmsa_among_the_holders_of_many() -> None:
    web = gmsa()
    holders = {
        "host/webapp01": [SpnHolder("host/WebApp01", web.dn, "WebApp01$")],
        "host/webapp01.contoso.com": [
            SpnHolder("host/webapp01.contoso.com", web.dn, "WebApp01$"),
            SpnHolder("HOST/webapp01.contoso.com", f"CN=OLD,{COMPUTERS}", "OLD$"),
        ],
        "host/sql01": [SpnHolder("host/Sql01", f"CN=OLD,{COMPUTERS}", "OLD$")],
    }
    assert spn_holders_of(web, holders) == {"host/webapp01.contoso.com": [f"CN=OLD,{COMPUTERS}"]}


# -- one search per kind of object ----------------------------------------------------------------------------


class FilterClient:
    """Answers each search with the entries whose predicate matches its filter; records every operation."""

    def __init__(self, answers: list[tuple[Callable[[str, str], bool], list[Entry]]]) -> None:
        self.domain = SimpleNamespace(
            domain_dn=DOMAIN_DN,
            forest_root_dn=DOMAIN_DN,
            dns_name="contoso.com",
            netbios_name="CONTOSO",
            sid=DOMAIN_SID,
            guid="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            forest_dns_name="contoso.com",
        )
        self.configuration_dn = f"CN=Configuration,{DOMAIN_DN}"
        self.answers = answers
        self.searches: list[tuple[str, str]] = []

    def search(self, base: str, ldap_filter: str, attributes: Any = (), **_options: Any) -> list[Entry]:
        self.searches.append((base, ldap_filter))
        return next((entries for matches, entries in self.answers if matches(base, ldap_filter)), [])

    def read(self, dn: str, attributes: Any) -> Entry | None:
        found = self.search(dn, "(objectClass=*)", attributes)
        return found[0] if found else None


def fleet_client(count: int) -> FilterClient:
    """A domain with ``count`` gMSAs App1..AppN, each readable by group Hosts, and hosts HOST01, HOST02."""
    membership = build_gmsa_membership([HOSTS_SID])
    apps = [
        Entry(
            f"CN=App{n},CN=Managed Service Accounts,{DOMAIN_DN}",
            {
                "samaccountname": [f"App{n}$".encode()],
                "objectclass": [b"top", b"user", b"computer", b"msDS-GroupManagedServiceAccount"],
                "objectsid": [sid_to_bytes(f"{DOMAIN_SID}-{3000 + n}")],
                "serviceprincipalname": [f"host/App{n}".encode()],
                "dnshostname": [f"app{n}.contoso.com".encode()],
                "msds-groupmsamembership": [membership],
                "useraccountcontrol": [b"4096"],
            },
        )
        for n in range(1, count + 1)
    ]
    hosts = [computer("HOST01"), computer("HOST02", sid=1201)]
    token = Entry("", {"tokengroups": [sid_to_bytes(HOSTS_SID)]})
    group = Entry(
        f"CN=Hosts,CN=Users,{DOMAIN_DN}",
        {"objectsid": [sid_to_bytes(HOSTS_SID)], "samaccountname": [b"Hosts"], "whenchanged": [b"20261101000000.0Z"]},
    )
    return FilterClient(
        [
            (lambda _b, f: f.startswith("(objectClass=msKds"), []),
            (lambda _b, f: "sAMAccountName=App" in f, apps),
            (lambda _b, f: "servicePrincipalName=" in f, apps),
            (lambda _b, f: "sAMAccountName=HOST" in f, hosts),
            (lambda b, f: f == "(objectClass=*)" and "HOST" in b, [token]),
            (lambda _b, f: f.startswith("(|(objectSid="), [group]),
        ]
    )


@pytest.mark.parametrize("count", [2, 40])
def test_many_pairs_cost_one_search_per_kind_whatever_their_number(count: int) -> None:
    client = fleet_client(count)
    requests = [CheckRequest(f"App{n}", host=f"HOST0{n % 2 + 1}") for n in range(1, count + 1)]
    reader = LdapCheckReader(client)
    reader.prefetch(planned_reads(requests))
    before = len(client.searches)
    runs = [run_checks(reader, request, NOW) for request in requests]
    # Root keys (none readable here, so one more to list those the account cannot read), gMSAs, SPN holders,
    # hosts, each host's tokenGroups, groups; nothing more while checking.
    assert before == 2 + 1 + 1 + 1 + 2 + 1
    assert len(client.searches) == before
    assert all({f.id: f.status for f in findings}["host_allowed"] == "ok" for findings in runs)
    assert [f.id for f in runs[0]][:2] == ["kds_root_key", "gmsa_exists"]


def test_a_reader_without_prefetch_reads_what_one_request_needs() -> None:
    client = fleet_client(3)
    run_checks(LdapCheckReader(client), CheckRequest("App2", host="HOST01"), NOW)
    filters = [ldap_filter for _base, ldap_filter in client.searches]
    # root keys, the keys the account cannot read (none was readable), the gMSA, SPN holders, host, tokenGroups
    assert len(filters) == 6 + 1
    assert "(sAMAccountName=App2$)" in filters[2]
    assert "App1" not in filters[2] and "App3" not in filters[2]


def test_prefetch_of_nothing_reads_only_the_root_keys() -> None:
    client = fleet_client(1)
    LdapCheckReader(client).prefetch(Reads())
    # the keys, and (none being readable here) the list of those the account may not read
    assert len(client.searches) == 2


def test_gmsa_check_entries_take_the_request_options_and_fall_back_to_the_top_level() -> None:
    from ansible_collections.wincontainers.gmsa.plugins.modules import gmsa_check

    assert tuple(gmsa_check.CHECK_OPTIONS) == REQUEST_OPTIONS
    params = {**dict.fromkeys(gmsa_check.argument_spec()), "kerberos_proof": False, "fail_on": "never"}
    params.update(
        host="HOST01",
        windows_build="2022",
        checks=[
            {**dict.fromkeys(gmsa_check.CHECK_OPTIONS), "name": "WebApp01"},
            {**dict.fromkeys(gmsa_check.CHECK_OPTIONS), "name": "Sql01", "host": "HOST02", "isolation": "hyperv"},
        ],
    )
    first, second = gmsa_check.requests_from_params(params)
    assert (first.host, first.windows_build) == ("HOST01", 20348)
    assert (second.name, second.host, second.windows_build, second.isolation) == ("Sql01", "HOST02", 20348, "hyperv")
    # A wrong entry is refused alone, named by its index (from 0) and as given; the others are still requests.
    params["checks"].append({**dict.fromkeys(gmsa_check.CHECK_OPTIONS), "name": "Bad", "windows_build": "95"})
    params["checks"].append({**dict.fromkeys(gmsa_check.CHECK_OPTIONS), "name": None, "host": "HOST09"})
    first, second, bad, nameless = gmsa_check.requests_from_params(params)
    assert isinstance(first, CheckRequest) and isinstance(second, CheckRequest)
    assert isinstance(bad, RefusedCheck) and isinstance(nameless, RefusedCheck)
    assert re.match(r"^checks\[2\] \(Bad on HOST01\): windows_build '95'", bad.error.message)
    assert nameless.error.message == (
        "checks[3] (no name on HOST09): name is missing: give the gMSA, by its sAMAccountName."
    )
    single = {**params, "name": "Bad", "checks": None, "windows_build": "95"}
    with pytest.raises(GmsaError, match=r"^windows_build '95'"):
        gmsa_check.requests_from_params(single)


@pytest.mark.parametrize(
    ("index", "values", "message"),
    [
        (0, {"name": None}, "checks[0]: name is missing: give the gMSA, by its sAMAccountName."),
        (4, {"name": ""}, "checks[4]: name is missing"),
        (1, {"name": "Web App", "host": "H1"}, "checks[1] (Web App on H1): "),
        (2, {"name": "W", "host": "H", "host_password": "s3cret", "host_keytab": "/k"}, "checks[2] (W on H): "),
    ],
)
def test_a_wrong_entry_is_refused_naming_it(index: int, values: dict[str, Any], message: str) -> None:
    refused = entry_request(index, values)
    assert isinstance(refused, RefusedCheck)
    assert refused.error.message.startswith(message)
    result = refused_result(refused)
    assert result["failed"] is True and result["status"] == "error" and result["findings"] == []
    assert result["msg"] == refused.error.message and result["hint"]
    assert (result["name"], result["host"]) == (values["name"] or None, values.get("host"))
    assert result["summary"] == {"ok": 0, "warning": 0, "error": 0}
    assert "s3cret" not in repr(result)
