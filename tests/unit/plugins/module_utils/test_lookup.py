# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one sAMAccountName lookup, against a recording fake client (filters and answers are pure data)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.write_server import PDC_EMULATOR, WriteServer
from ansible_collections.wincontainers.gmsa.plugins.module_utils._lookup import (
    NameConflict,
    NameLookup,
    bare_name,
    find_by_sam_account_name,
    is_conflict_copy,
    most_specific_class,
    name_conflicts,
    sam_account_name_filter,
    seeing_own_writes,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._principals import lookup_principals
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sid import (
    sid_filter_value,
    sid_from_bytes,
    sid_to_bytes,
)

GMSA = "msDS-GroupManagedServiceAccount"
DOMAIN_DN = "DC=contoso,DC=com"


def entry(dn: str, sam: str, *classes: str) -> Entry:
    return Entry(dn, {"samaccountname": [sam.encode()], "objectclass": [c.encode() for c in ("top", *classes)]})


WEB = entry(f"CN=WebApp01,CN=Managed Service Accounts,{DOMAIN_DN}", "WebApp01$", "user", "computer", GMSA)
PC = entry(f"CN=PC1,CN=Computers,{DOMAIN_DN}", "PC1$", "user", "computer")
BOB = entry(f"CN=Bob,CN=Users,{DOMAIN_DN}", "Bob", "user")
HOSTS = entry(f"CN=Hosts,CN=Users,{DOMAIN_DN}", "Hosts", "group")


class Domain:
    domain_dn = DOMAIN_DN
    dns_name = "contoso.com"


class RecordingClient:
    def __init__(self, answer: list[Entry]) -> None:
        self.domain = Domain()
        self.answer = answer
        self.searches: list[tuple[str, str, list[str]]] = []

    def search(self, base: str, ldap_filter: str, attributes: Any = ()) -> list[Entry]:
        self.searches.append((base, ldap_filter, list(attributes)))
        return self.answer


@pytest.mark.parametrize(
    ("names", "kwargs", "expected"),
    [
        (["WebApp01", "Sql01$"], {"suffix": "$"}, "(|(sAMAccountName=WebApp01$)(sAMAccountName=Sql01$))"),
        (["WebApp01"], {"suffix": "$", "bare_too": True}, "(|(sAMAccountName=WebApp01$)(sAMAccountName=WebApp01))"),
        (["Hosts", "hosts"], {}, "(|(sAMAccountName=Hosts)(sAMAccountName=hosts))"),
        (["a(b)*"], {}, "(|(sAMAccountName=a\\28b\\29\\2a))"),
        (["Web*", "X"], {"suffix": "$", "wildcards": True},
         f"(&(objectClass={GMSA})(|(sAMAccountName=Web*$)(sAMAccountName=X$)))"),
        (None, {"suffix": "$", "wildcards": True}, f"(objectClass={GMSA})"),
        ([], {}, None),
        (None, {}, None),
    ],
)  # fmt: skip
def test_filter(names, kwargs, expected):
    assert sam_account_name_filter(names, GMSA, **kwargs) == expected


def test_one_search_for_every_name_and_no_search_for_none():
    client = RecordingClient([WEB, PC])
    found = find_by_sam_account_name(client, ["WebApp01", "PC1", "Gone"], GMSA, suffix="$", attributes=["dNSHostName"])
    assert len(client.searches) == 1
    base, _filter, attributes = client.searches[0]
    assert base == DOMAIN_DN
    assert attributes == ["objectClass", "sAMAccountName", "dNSHostName"]
    assert found.entry("webapp01$") is WEB
    assert found.conflict("WebApp01") is None
    assert found.entry("PC1") is None
    assert found.conflict("pc1") is PC
    assert found.entry("Gone") is None and found.conflict("Gone") is None
    assert found.by_name() == {"webapp01": WEB}
    assert find_by_sam_account_name(client, [], GMSA).entries == ()
    assert len(client.searches) == 1


def test_bare_name_holder_is_a_conflict_only_when_searched_and_the_kind_wins():
    lookup = NameLookup(GMSA, "$", (BOB, WEB))
    assert lookup.holders("bob") == [BOB]
    assert lookup.conflict("Bob") is BOB
    assert NameLookup(GMSA, "$", (entry("CN=W,DC=x", "WebApp01", "user"), WEB)).entry("WebApp01") is WEB


def test_kinds_without_suffix():
    lookup = NameLookup("group", "", (HOSTS, BOB))
    assert lookup.entry("HOSTS") is HOSTS
    assert lookup.conflict("bob") is BOB
    assert most_specific_class(BOB) == "user"


def test_base_is_given_for_other_domains():
    client = RecordingClient([])
    find_by_sam_account_name(client, ["X"], GMSA, suffix="$", base="DC=emea,DC=contoso,DC=com")
    assert client.searches[0][0] == "DC=emea,DC=contoso,DC=com"


@pytest.mark.parametrize(("name", "bare"), [("WebApp01$", "WebApp01"), ("WebApp01", "WebApp01"), ("$", "")])
def test_bare_name(name, bare):
    assert bare_name(name, "$") == bare
    assert bare_name(name, "") == name


# -- reads that see the task's own writes (issue 12 point 4) ---------------------------------------------------


class TwoDcClient:
    """A fake of the client's write-DC interface: DC2 reached, DC1 the write DC, each with its own entries."""

    def __init__(self, reached: list[Entry], write: list[Entry] | None, reached_is_write: bool = False) -> None:
        self.domain = Domain()
        self.server_name = "dc2.contoso.com"
        self.answers = {"dc2.contoso.com": reached, "dc1.contoso.com": write or []}
        self.current = "dc2.contoso.com"
        self.reachable = write is not None
        self.reached_is_write = reached_is_write
        self.write_failure: str | None = None
        self.warnings: list[str] = []
        self.searches: list[str] = []
        self._write_server = WriteServer("dc1.contoso.com", PDC_EMULATOR, reached_is_write)
        self.write_server = self._write_server

    @property
    def on_write_server(self) -> bool:
        return self.reached_is_write or self.current == "dc1.contoso.com"

    def use_write_server(self) -> bool:
        if self.on_write_server:
            return False
        if not self.reachable:
            self.write_failure = "TCP connect failed: connection refused"
            raise GmsaError("unreachable")
        self.current = "dc1.contoso.com"
        return True

    def search(self, base: str, ldap_filter: str, attributes: Any = ()) -> list[Entry]:
        self.searches.append(self.current)
        return self.answers[self.current]


def test_found_on_the_reached_dc_costs_nothing_more() -> None:
    client = TwoDcClient([WEB], [WEB])
    assert find_by_sam_account_name(client, ["WebApp01"], GMSA, suffix="$").entry("WebApp01") == WEB
    assert (client.searches, client.warnings) == (["dc2.contoso.com"], [])


def test_a_miss_on_the_write_dc_itself_is_final() -> None:
    client = TwoDcClient([], [WEB], reached_is_write=True)
    assert find_by_sam_account_name(client, ["WebApp01"], GMSA, suffix="$").entry("WebApp01") is None
    assert client.searches == ["dc2.contoso.com"]


def test_a_miss_looks_on_the_write_dc_and_warns() -> None:
    client = TwoDcClient([PC], [WEB, PC])
    found = find_by_sam_account_name(client, ["WebApp01", "PC1"], GMSA, suffix="$")
    assert found.entry("WebApp01") == WEB
    assert client.searches == ["dc2.contoso.com", "dc1.contoso.com"]
    assert client.current == "dc1.contoso.com"  # the rest of the task reads there
    assert len(client.warnings) == 1
    assert client.warnings[0].startswith("gMSA WebApp01 not found on dc2.contoso.com but on dc1.contoso.com")


def test_missing_everywhere_moves_without_a_warning() -> None:
    client = TwoDcClient([], [])
    assert find_by_sam_account_name(client, ["New01"], GMSA, suffix="$").entry("New01") is None
    assert (client.current, client.warnings) == ("dc1.contoso.com", [])


def test_unreachable_write_dc_keeps_the_first_answer_and_says_so() -> None:
    client = TwoDcClient([], None)
    assert find_by_sam_account_name(client, ["New01"], GMSA, suffix="$").entry("New01") is None
    assert client.searches == ["dc2.contoso.com"]
    assert len(client.warnings) == 1
    assert "could not be reached" in client.warnings[0] and "connection refused" in client.warnings[0]


@pytest.mark.parametrize(
    "kwargs", [{"wildcards": True}, {"base": "DC=emea,DC=contoso,DC=com"}], ids=["patterns", "other domain"]
)
def test_no_fallback_for_patterns_or_other_domains(kwargs: dict[str, Any]) -> None:
    client = TwoDcClient([], [WEB])
    find_by_sam_account_name(client, ["WebApp01"], GMSA, suffix="$", **kwargs)
    assert client.searches == ["dc2.contoso.com"]


def test_seeing_own_writes_with_a_client_without_write_dc() -> None:
    client = RecordingClient([])
    assert seeing_own_writes(client, "x", lambda: 1, lambda result: ["missing"]) == 1


def test_principal_lookup_looks_on_the_write_dc() -> None:
    hosts = Entry(
        f"CN=Hosts,CN=Users,{DOMAIN_DN}",
        {
            "samaccountname": [b"Hosts"],
            "objectclass": [b"top", b"group"],
            "objectsid": [sid_to_bytes("S-1-5-21-1-2-3-1105")],
        },
    )
    client = TwoDcClient([], [hosts])
    index = lookup_principals(client, ["Hosts"], ["S-1-5-21-1-2-3-1999"])
    assert index.find("Hosts") is not None
    assert client.warnings[0].startswith("Principal Hosts not found on dc2.contoso.com")
    # SIDs existing objects name are not a reason to look elsewhere.
    client = TwoDcClient([], [hosts])
    lookup_principals(client, [], ["S-1-5-21-1-2-3-1999"])
    assert client.searches == ["dc2.contoso.com"]


def principal(dn: str, sam: str, sid: str, *classes: str) -> Entry:
    return Entry(
        dn,
        {
            "samaccountname": [sam.encode()],
            "objectclass": [c.encode() for c in ("top", *classes)],
            "objectsid": [sid_to_bytes(sid)],
        },
    )


class FilterClient(RecordingClient):
    """Answers a search with the entries whose SID or sAMAccountName its filter names."""

    def search(self, base: str, ldap_filter: str, attributes: Any = ()) -> list[Entry]:
        self.searches.append((base, ldap_filter, list(attributes)))
        return [
            e
            for e in self.answer
            if f"(objectSid={sid_filter_value(sid_from_bytes(e.first('objectSid') or b''))})" in ldap_filter
            or f"(sAMAccountName={e.text('sAMAccountName')})" in ldap_filter
        ]


HOSTS_P = principal(f"CN=Hosts,CN=Users,{DOMAIN_DN}", "Hosts", "S-1-5-21-1-2-3-1105", "group")
WEB_P = principal(f"CN=WebHosts,CN=Users,{DOMAIN_DN}", "WebHosts", "S-1-5-21-1-2-3-1106", "group")
PC_P = principal(f"CN=PC1,CN=Computers,{DOMAIN_DN}", "PC1$", "S-1-5-21-1-2-3-1107", "user", "computer")
PC_USER = principal(f"CN=PC1 user,CN=Users,{DOMAIN_DN}", "PC1", "S-1-5-21-1-2-3-1108", "user")


def test_a_converged_task_finds_its_principals_by_the_sids_its_objects_hold_in_one_search() -> None:
    client = FilterClient([HOSTS_P, WEB_P, PC_P])
    index = lookup_principals(
        client, ["Hosts", "WebHosts", "PC1$"], ["S-1-5-21-1-2-3-1105", "S-1-5-21-1-2-3-1106", "S-1-5-21-1-2-3-1107"]
    )
    (search,) = client.searches
    assert "sAMAccountName" not in search[1]
    assert [index.find(n).dn for n in ("Hosts", "WebHosts", "PC1$")] == [HOSTS_P.dn, WEB_P.dn, PC_P.dn]


def test_names_the_sids_did_not_find_are_searched_by_name_only_them() -> None:
    client = FilterClient([HOSTS_P, WEB_P])
    index = lookup_principals(client, ["Hosts", "WebHosts"], ["S-1-5-21-1-2-3-1105"])
    assert len(client.searches) == 2
    assert "(sAMAccountName=WebHosts)" in client.searches[1][1]
    assert "(sAMAccountName=Hosts)" not in client.searches[1][1]
    assert index.find("WebHosts").dn == WEB_P.dn and index.find("Hosts").dn == HOSTS_P.dn


def test_a_bare_name_found_only_as_a_computer_is_still_searched_for_an_exact_holder() -> None:
    client = FilterClient([PC_P, PC_USER])
    index = lookup_principals(client, ["PC1"], ["S-1-5-21-1-2-3-1107"])
    assert len(client.searches) == 2
    assert index.find("PC1").dn == PC_USER.dn  # the exact name wins, as one search by name would have it


def test_without_sids_one_search_by_name() -> None:
    client = FilterClient([HOSTS_P])
    assert lookup_principals(client, ["Hosts"]).find("Hosts").dn == HOSTS_P.dn
    assert len(client.searches) == 1
    assert lookup_principals(client, []).by_sid == {}
    assert len(client.searches) == 1


# -- replication conflicts -----------------------------------------------------------------------------------

CNF_GUID = "5f0e0d2a-0c1b-4e4d-9a8b-7c6d5e4f3a2b"
KEPT = f"CN=WebApp01,CN=Managed Service Accounts,{DOMAIN_DN}"
LOSER = f"CN=WebApp01\\0ACNF:{CNF_GUID},CN=Managed Service Accounts,{DOMAIN_DN}"


def gmsa_copy(dn: str, guid: bytes) -> Entry:
    return Entry(
        dn,
        {
            "samaccountname": [b"WebApp01$"],
            "objectclass": [b"top", b"computer", b"msDS-GroupManagedServiceAccount"],
            "objectguid": [guid],
            "whencreated": [b"20261130061500.0Z"],
        },
    )


@pytest.mark.parametrize(
    ("dn", "marked"),
    [
        (LOSER, True),
        (LOSER.replace("\\0A", "\n"), True),
        (LOSER.lower(), True),
        (KEPT, False),
        (f"CN=WebApp01,OU=CNF:old\\0ACNF:{CNF_GUID},{DOMAIN_DN}", False),  # the mark is only read in the RDN
    ],
)
def test_the_cnf_mark_is_read_in_the_rdn(dn, marked):
    assert is_conflict_copy(dn) is marked


def test_two_copies_of_one_name_the_unmarked_is_the_entry_and_the_one_to_keep():
    kept, loser = gmsa_copy(KEPT, b"\x01" * 16), gmsa_copy(LOSER, b"\x02" * 16)
    found = NameLookup(GMSA, "$", (loser, kept))
    assert found.copies("WebApp01") == [loser, kept]
    assert found.entry("WebApp01") is kept
    (conflict,) = name_conflicts([loser, kept])
    assert conflict.keep is kept and conflict.delete == [loser]
    facts = conflict.as_dict()
    assert facts["keep"] == KEPT and facts["delete"] == [LOSER]
    assert [c["conflict_copy"] for c in facts["copies"]] == [True, False]
    assert "2 objects hold sAMAccountName WebApp01$" in conflict.describe()
    assert "Remove-ADObject -Identity '02020202-0202-0202-0202-020202020202'" in conflict.remediation()
    assert f"Keep {KEPT}" in conflict.remediation()


def test_a_lone_copy_under_a_cnf_name_is_renamed_back_and_unique_names_are_no_conflict():
    (conflict,) = name_conflicts([gmsa_copy(LOSER, b"\x02" * 16)])
    assert conflict.delete == [] and "Rename-ADObject" in conflict.remediation()
    assert name_conflicts([gmsa_copy(KEPT, b"\x01" * 16)]) == []


def test_two_unmarked_copies_leave_the_choice_to_the_user():
    conflict = NameConflict(
        "WebApp01$",
        (
            gmsa_copy(KEPT, b"\x01" * 16),
            gmsa_copy(KEPT.replace("CN=Managed Service Accounts", "OU=Apps"), b"\x02" * 16),
        ),
    )
    assert conflict.keep is None and conflict.delete == []
    assert "Decide which copy to keep" in conflict.remediation()


def test_the_name_index_is_built_once_and_is_no_part_of_the_value():
    found = NameLookup(GMSA, "$", (WEB,))
    assert found.entry("webapp01$") == WEB
    assert found._by_sam is found._by_sam  # cached on the frozen instance, not rebuilt per name
    assert found == NameLookup(GMSA, "$", (WEB,))  # equality still from the fields alone
