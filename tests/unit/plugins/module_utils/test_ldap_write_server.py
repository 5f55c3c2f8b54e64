# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which DC creates objects (issue 12 point 3): the pure decision, the option, and the messages."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import ConnectionOptions, Entry, LdapClient
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.write_server import (
    ADDRESS,
    NAMED,
    PDC_EMULATOR,
    REACHED,
    READ_ONLY,
    UNKNOWN,
    WRITE_SERVER_OPTION,
    ServerObject,
    WriteServer,
    WriteServerFacts,
    address_warning,
    choose_write_server,
    judge_by_server_objects,
    judge_write_server,
    replication_behind,
    same_host,
    server_names,
    servers_for_run,
    unreachable_write_server,
    writable_dc_names,
    write_server_from_dns_name,
)

DOMAIN_DN = "DC=contoso,DC=com"
SITE = "CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=contoso,DC=com"
DC1_NTDS = f"CN=NTDS Settings,CN=DC1,{SITE}"
DC2_NTDS = f"CN=NTDS Settings,CN=DC2,{SITE}"


def facts(reached: str = "dc1.contoso.com", ntds: str = DC1_NTDS, owner: str = DC1_NTDS, requested=None):
    return WriteServerFacts(reached, reached.lower(), ntds, owner, requested)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # One DC: the reached DC owns the role, nothing more to read or open.
        (facts(), WriteServer("dc1.contoso.com", PDC_EMULATOR, True)),
        # The DN as another DC spells it (case, spaces after commas) is the same object.
        (facts(owner=DC1_NTDS.upper().replace(",", ", ")), WriteServer("dc1.contoso.com", PDC_EMULATOR, True)),
        # Reached DC2: the PDC's server object (parent of its nTDSDSA DN) is to be read for its dNSHostName.
        (
            facts("dc2.contoso.com", DC2_NTDS),
            WriteServer(None, PDC_EMULATOR, False, server_dn=f"CN=DC1,{SITE}"),
        ),
        # The user's choice wins, whatever the role owner; compared with the name connected to ...
        (facts(requested="DC1.contoso.com."), WriteServer("DC1.contoso.com.", WRITE_SERVER_OPTION, True)),
        (facts(requested="dc2.contoso.com"), WriteServer("dc2.contoso.com", WRITE_SERVER_OPTION, False)),
        # ... and with the reached DC's dnsHostName (connected by address).
        (
            WriteServerFacts("127.0.0.3", "dc2.contoso.com", DC2_NTDS, DC1_NTDS, "dc2.contoso.com"),
            WriteServer("dc2.contoso.com", WRITE_SERVER_OPTION, True),
        ),
        # fSMORoleOwner unreadable: the reached DC, as before.
        (facts("dc2.contoso.com", DC2_NTDS, ""), WriteServer("dc2.contoso.com", "", True)),
    ],
)
def test_choose_write_server(given: WriteServerFacts, expected: WriteServer) -> None:
    chosen = choose_write_server(given)
    assert (chosen.name, chosen.is_reached) == (expected.name, expected.is_reached)
    assert chosen.server_dn == expected.server_dn
    if expected.reason:
        assert chosen.reason == expected.reason
    else:
        assert "fSMORoleOwner could not be read" in chosen.reason


def test_pdc_found_by_its_server_object() -> None:
    given = facts("dc2.contoso.com", DC2_NTDS)
    unresolved = choose_write_server(given)
    resolved = write_server_from_dns_name(unresolved, "DC1.contoso.com", given)  # as Samba's provision writes it
    assert (resolved.name, resolved.is_reached, resolved.label) == (
        "dc1.contoso.com",
        False,
        "dc1.contoso.com (the PDC emulator)",
    )
    # Reached by address, the PDC's dNSHostName is the reached DC's own name.
    by_address = WriteServerFacts("127.0.0.2", "dc1.contoso.com", "", DC1_NTDS)
    assert write_server_from_dns_name(choose_write_server(by_address), "DC1.contoso.com", by_address).is_reached
    with pytest.raises(GmsaError, match="has no dNSHostName") as failure:
        write_server_from_dns_name(unresolved, None, given)
    assert "write_server" in failure.value.hint


def test_unreachable_write_server_names_it_and_what_to_do() -> None:
    write = WriteServer("dc1.contoso.com", PDC_EMULATOR, False)
    error = unreachable_write_server(write, "dc2.contoso.com", "TCP connect failed: connection refused")
    assert "created only on dc1.contoso.com (the PDC emulator)" in error.message
    assert "connection refused" in error.message
    assert "Nothing was created on dc2.contoso.com" in error.message
    assert error.hint.startswith("Bring dc1.contoso.com back") and "write_server" in error.hint
    assert error.details["write_server"] == "dc1.contoso.com"


def test_replication_warning() -> None:
    write = WriteServer("dc1.contoso.com", PDC_EMULATOR, False)
    text = replication_behind("gMSA", ["WebApp01"], "dc2.contoso.com", write)
    assert text.startswith("gMSA WebApp01 not found on dc2.contoso.com but on dc1.contoso.com (the PDC emulator)")
    assert "read from dc1.contoso.com" in text


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [("dc1.contoso.com", "DC1.CONTOSO.COM.", True), ("dc1", "dc1.contoso.com", False), ("", "", False)],
)
def test_same_host(one: str, other: str, same: bool) -> None:
    assert same_host(one, other) is same


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), ("  ", None), (" dc1.x ", "dc1.x")])
def test_write_server_option(value, expected) -> None:
    options = ConnectionOptions.from_params({"username": "u", "password": "p", "write_server": value})
    assert options.write_server == expected


def test_write_server_env_fallback() -> None:
    from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import connection_argument_spec

    spec = connection_argument_spec()["write_server"]
    assert spec["type"] == "str"
    assert spec["fallback"][1] == ["GMSA_LDAP_WRITE_SERVER"]


@pytest.mark.parametrize(
    ("write", "reached", "servers", "expected"),
    [
        # one DC: nothing to reorder
        ("dc1.contoso.com", "dc1.contoso.com", ["dc1.contoso.com"], ["dc1.contoso.com"]),
        # reached DC2 (DC1 slow to answer): DC1, the write DC, goes first, DC2 stays as the failover
        (
            "dc1.contoso.com",
            "dc2.contoso.com",
            ["dc1.contoso.com", "dc2.contoso.com"],
            ["dc1.contoso.com", "dc2.contoso.com"],
        ),
        # names compare as hosts: case and a trailing dot do not make a second entry
        (
            "DC1.contoso.com.",
            "dc2.contoso.com",
            ["dc2.contoso.com", "dc1.CONTOSO.com"],
            ["DC1.contoso.com.", "dc2.contoso.com"],
        ),
        # the write DC unknown (it could not be read): the DC that answered leads
        (None, "dc2.contoso.com", ["dc1.contoso.com", "dc2.contoso.com"], ["dc2.contoso.com", "dc1.contoso.com"]),
        # DCs found through DNS (no server list) after the write DC and the reached one
        (
            "dc3.contoso.com",
            "dc1.contoso.com",
            ["dc1.contoso.com", "dc2.contoso.com", "dc3.contoso.com"],
            ["dc3.contoso.com", "dc1.contoso.com", "dc2.contoso.com"],
        ),
    ],
)
def test_servers_for_run_put_the_write_dc_first_and_keep_the_rest_as_failover(write, reached, servers, expected):
    assert servers_for_run(write, reached, servers) == expected


# -- a write_server the user gives is checked on every task -----------------------------------------------------

WRITABLE = (DC1_NTDS, DC2_NTDS)
SERVERS = [
    ServerObject(f"CN=DC1,{SITE}", "DC1.contoso.com"),
    ServerObject(f"CN=DC2,{SITE}", "dc2.contoso.com"),
    ServerObject(f"CN=RODC1,{SITE}", "rodc1.contoso.com"),
    ServerObject(f"CN=EU1,{SITE}", "eu1.eu.contoso.com"),
]


@pytest.mark.parametrize(
    ("requested", "verdict"),
    [
        # The DC reached, by the name connected to or its dnsHostName: nothing to read.
        ("dc1.contoso.com", REACHED),
        ("DC1.CONTOSO.COM.", REACHED),
        # Another writable DC by its usual names, told by masteredBy of the domain head read anyway.
        ("dc2.contoso.com", NAMED),
        ("DC2", NAMED),
        # An address cannot be told from names.
        ("10.0.0.3", ADDRESS),
        ("[fd00::3]", ADDRESS),
        # A misspelling (name or domain), or a DC whose DNS name is not <name>.<domain>: the server objects decide.
        ("dc3.contoso.com", UNKNOWN),
        ("dc2.contso.com", UNKNOWN),
        ("dc2-eu.example.net", UNKNOWN),
    ],
)
def test_judge_write_server_from_what_the_client_read_anyway(requested: str, verdict: str) -> None:
    assert judge_write_server(facts(requested=requested), WRITABLE, "contoso.com") == verdict


def test_the_dc_reached_as_write_server_must_hold_a_writable_copy():
    rodc = f"CN=NTDS Settings,CN=RODC1,{SITE}"
    given = WriteServerFacts("rodc1.contoso.com", "rodc1.contoso.com", rodc, DC1_NTDS, "rodc1.contoso.com")
    assert judge_write_server(given, WRITABLE, "contoso.com") == READ_ONLY
    # masteredBy unread: nothing to hold it against.
    assert judge_write_server(given, (), "contoso.com") == REACHED


def test_the_server_objects_accept_a_writable_dc_by_its_dns_name():
    judge_by_server_objects("DC1.contoso.com", SERVERS, WRITABLE, "contoso.com")
    # masteredBy unread: any DC of the forest with that name.
    judge_by_server_objects("rodc1.contoso.com", SERVERS, (), "contoso.com")


READ_ONLY_TEXT = (
    "is a domain controller, but holds no writable copy of the domain (a read-only DC, or a DC of another domain "
    "of the forest)"
)


@pytest.mark.parametrize(
    ("requested", "what"),
    [
        ("dc3.contoso.com", "names no domain controller of the forest"),
        ("rodc1.contoso.com", READ_ONLY_TEXT),
        ("eu1.eu.contoso.com", READ_ONLY_TEXT),
    ],
)
def test_a_write_server_that_is_no_writable_dc_of_the_domain_fails_naming_them(requested: str, what: str):
    with pytest.raises(GmsaError) as failure:
        judge_by_server_objects(requested, SERVERS, WRITABLE, "contoso.com")
    error = failure.value
    assert error.message == (
        f"write_server {requested} {what}, so contoso.com cannot create objects there; the task stops here, "
        "having written nothing. Its writable DCs: dc1.contoso.com, dc2.contoso.com."
    )
    assert "Its writable DCs: dc1.contoso.com, dc2.contoso.com." in error.message
    assert "leave it out to create objects on the PDC emulator" in (error.hint or "")
    assert error.details["writable_dcs"] == ["dc1.contoso.com", "dc2.contoso.com"]


def test_server_names_and_the_address_warning():
    assert server_names(WRITABLE) == ["DC1", "DC2"]
    assert writable_dc_names(SERVERS, ()) == [s.dns_host_name.lower() for s in SERVERS]
    assert "cannot check against the domain's DCs" in address_warning("10.0.0.3")


class CannedClient(LdapClient):
    """An LdapClient reached on dc1 whose reads answer from the lab's domain head and server objects."""

    def __init__(self, write_server: str) -> None:
        super().__init__(ConnectionOptions(server=("dc1.contoso.com",), write_server=write_server))
        self.server_name = "dc1.contoso.com"
        self._root_dse = Entry(
            "",
            {
                "defaultnamingcontext": [b"DC=contoso,DC=com"],
                "configurationnamingcontext": [b"CN=Configuration,DC=contoso,DC=com"],
                "dnshostname": [b"DC1.contoso.com"],
                "dsservicename": [DC1_NTDS.encode()],
            },
        )
        self.bases: list[str] = []

    def search(self, base, ldap_filter="(objectClass=*)", attributes=(), scope="subtree", **_kwargs):
        self.bases.append(base)
        if base == "DC=contoso,DC=com":
            head = {"objectsid": [bytes.fromhex("010400000000000515000000010000000200000003000000")]}
            head["objectguid"] = [bytes(16)]
            head["masteredby"] = [DC1_NTDS.encode(), DC2_NTDS.encode()]
            return [Entry(base, head)]
        if base.startswith("CN=Sites,"):
            return [Entry(s.dn, {"dnshostname": [s.dns_host_name.encode()]}) for s in SERVERS]
        return []


@pytest.mark.parametrize("write_server", ["dc1.contoso.com", "dc2.contoso.com", "DC2"])
def test_a_usual_write_server_name_costs_no_operation(write_server: str) -> None:
    client = CannedClient(write_server)
    assert client.domain.writable_dcs == WRITABLE
    assert not [base for base in client.bases if base.startswith("CN=Sites,")]


def test_a_misspelled_write_server_fails_when_the_domain_is_read() -> None:
    client = CannedClient("dc3.contoso.com")
    with pytest.raises(GmsaError, match=r"write_server dc3\.contoso\.com names no domain controller of the forest"):
        client.check_write_server()
    assert client.bases[-1] == f"CN=Sites,CN=Configuration,{DOMAIN_DN}"


def test_an_address_is_used_with_a_warning() -> None:
    client = CannedClient("10.0.0.3")
    assert client.domain.dns_name == "contoso.com"
    assert [w for w in client.warnings if "is an IP address" in w]
