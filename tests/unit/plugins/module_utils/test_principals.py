# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Principals by UPN: the stored userPrincipalName first, then the implicit UPN (sAMAccountName@domain DNS name)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry
from ansible_collections.wincontainers.gmsa.plugins.module_utils._principals import (
    Principal,
    PrincipalIndex,
    implicit_upn_name,
    lookup_principals,
    principals_filter,
    resolve,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sid import sid_to_bytes

DOMAIN_DN = "DC=contoso,DC=com"
SID = "S-1-5-21-1-2-3"
ADMIN = Principal(f"CN=Administrator,CN=Users,{DOMAIN_DN}", f"{SID}-500", "Administrator", "user")
HOST = Principal(f"CN=HOST01,CN=Computers,{DOMAIN_DN}", f"{SID}-1105", "HOST01$", "computer")
# Another object whose stored (explicit) UPN is the Administrator's implicit one.
IMPOSTOR = Principal(f"CN=Ops,CN=Users,{DOMAIN_DN}", f"{SID}-1106", "ops", "user", upn="administrator@contoso.com")


@pytest.mark.parametrize(
    ("identity", "suffixes", "expected"),
    [
        ("Administrator@contoso.com", ("contoso.com",), "Administrator"),
        ("Administrator@CONTOSO.COM", ("contoso.com",), "Administrator"),
        ("HOST01$@contoso.com", ("contoso.com",), "HOST01$"),
        ("Administrator@fabrikam.com", ("contoso.com",), None),
        ("Administrator@contoso.com", (), None),
        ("@contoso.com", ("contoso.com",), None),
        ("a@b@contoso.com", ("contoso.com",), None),
        ("Administrator@emea.contoso.com", ("contoso.com",), None),
    ],
)  # fmt: skip
def test_implicit_upn_name(identity: str, suffixes: tuple[str, ...], expected: str | None) -> None:
    assert implicit_upn_name(identity, suffixes) == expected


@pytest.mark.parametrize(
    ("identities", "suffixes", "expected"),
    [
        (["Administrator@contoso.com"], ("contoso.com",),
         "(&(objectSid=*)(|(userPrincipalName=Administrator@contoso.com)(sAMAccountName=Administrator)))"),
        (["Administrator@contoso.com"], (),
         "(&(objectSid=*)(|(userPrincipalName=Administrator@contoso.com)))"),
        (["bob@fabrikam.com"], ("contoso.com",), "(&(objectSid=*)(|(userPrincipalName=bob@fabrikam.com)))"),
        (["o*(x)@contoso.com"], ("contoso.com",),
         "(&(objectSid=*)(|(userPrincipalName=o\\2a\\28x\\29@contoso.com)(sAMAccountName=o\\2a\\28x\\29)))"),
        (["Hosts", "Administrator@contoso.com"], ("contoso.com",),
         "(&(objectSid=*)(|(sAMAccountName=Hosts)(sAMAccountName=Hosts$)"
         "(userPrincipalName=Administrator@contoso.com)(sAMAccountName=Administrator)))"),
    ],
)  # fmt: skip
def test_filter_adds_the_account_name_of_an_implicit_upn(
    identities: list[str], suffixes: tuple[str, ...], expected: str
) -> None:
    assert principals_filter(identities, suffixes) == expected


def test_implicit_upn_finds_the_account_name() -> None:
    index = PrincipalIndex([ADMIN, HOST], ("contoso.com",))
    assert index.find("administrator@Contoso.com") is ADMIN
    assert index.find("HOST01$@contoso.com") is HOST
    # The implicit UPN is the exact account name: no computer without its $, no other suffix.
    assert index.find("HOST01@contoso.com") is None
    assert index.find("Administrator@fabrikam.com") is None
    assert PrincipalIndex([ADMIN]).find("Administrator@contoso.com") is None


def test_an_explicit_upn_wins_over_the_implicit_one() -> None:
    assert PrincipalIndex([ADMIN, IMPOSTOR], ("contoso.com",)).find("Administrator@contoso.com") is IMPOSTOR
    assert PrincipalIndex([IMPOSTOR, ADMIN], ("contoso.com",)).find("Administrator@contoso.com") is IMPOSTOR


class Domain:
    domain_dn = DOMAIN_DN
    dns_name = "contoso.com"


class Client:
    def __init__(self, answer: list[Entry]) -> None:
        self.domain = Domain()
        self.answer = answer
        self.filters: list[str] = []

    def search(self, base: str, ldap_filter: str, attributes: Any = ()) -> list[Entry]:
        self.filters.append(ldap_filter)
        return self.answer


def test_lookup_resolves_an_implicit_upn_in_the_one_search() -> None:
    admin = Entry(
        ADMIN.dn,
        {
            "samaccountname": [b"Administrator"],
            "objectclass": [b"top", b"user"],
            "objectsid": [sid_to_bytes(ADMIN.sid)],
        },
    )
    client = Client([admin])
    index = lookup_principals(client, ["Administrator@CONTOSO.com", "Administrator"])
    assert client.filters == [
        "(&(objectSid=*)(|(userPrincipalName=Administrator@CONTOSO.com)(sAMAccountName=Administrator)"
        "(sAMAccountName=Administrator)(sAMAccountName=Administrator$)))"
    ]
    found = index.find("Administrator@CONTOSO.com")
    assert found is not None and found.sid == ADMIN.sid


def test_a_down_level_name_not_found_gets_a_hint_with_the_forms_that_work() -> None:
    with pytest.raises(GmsaError) as failure:
        resolve(PrincipalIndex([ADMIN]), ["CONTOSO\\Administrator"], "fail", lambda _text: None, "readers")
    assert failure.value.details["missing_principals"] == ["CONTOSO\\Administrator"]
    assert "give Administrator (or Administrator@<domain>)" in failure.value.hint


def test_a_missing_plain_name_gets_no_down_level_hint() -> None:
    with pytest.raises(GmsaError) as failure:
        resolve(PrincipalIndex([ADMIN]), ["Nobody"], "fail", lambda _text: None, "readers")
    assert "DOMAIN\\name" not in failure.value.hint
