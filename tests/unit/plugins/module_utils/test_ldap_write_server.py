# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which DC creates objects (issue 12 point 3): the pure decision, the option, and the messages."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import ConnectionOptions
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.write_server import (
    PDC_EMULATOR,
    WRITE_SERVER_OPTION,
    WriteServer,
    WriteServerFacts,
    choose_write_server,
    replication_behind,
    same_host,
    servers_for_run,
    unreachable_write_server,
    write_server_from_dns_name,
)

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
