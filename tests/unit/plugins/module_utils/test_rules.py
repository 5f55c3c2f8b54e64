# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The naming rules, table-driven from their sources (SAM-Account-Name, lmaccess, KB 909264, RFC 1123,
MS-DTYP 2.4.2 and 2.3.4.3, the SPN syntax)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils import _rules as rules
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import ValidationError


class OtherError(ValidationError, ValueError):
    pass


# -- sAMAccountName: SAM-Account-Name forbids " / \ [ ] : ; | = , + * ? < >; lmaccess adds 1-31 and a final period


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("jdoe", "user", "jdoe"),
        ("J.Doe", "user", "J.Doe"),  # periods inside are fine
        ("first last", "user", "first last"),  # KB 909264: logon names may hold spaces
        ("a" * 20, "user", "a" * 20),  # SAM-Account-Name: 20 characters or fewer
        ("svc_web-01", "user", "svc_web-01"),
        ("12345", "user", "12345"),  # only a computer name cannot be all digits
        ("ContainerHosts", "group", "ContainerHosts"),
        ("g" * 256, "group", "g" * 256),  # GROUP_INFO_0: group names up to 256
        ("Domain Users", "group", "Domain Users"),
        ("WEB01", "computer", "WEB01$"),
        ("WEB01$", "computer", "WEB01$"),
        ("a" * 15 + "$", "computer", "a" * 15 + "$"),
    ],
)
def test_sam_account_name_accepts(value: str, kind: str, expected: str) -> None:
    assert rules.sam_account_name(value, kind) == expected


@pytest.mark.parametrize("character", list('"/\\[]:;|=,+*?<>'))
@pytest.mark.parametrize("kind", ["user", "group", "computer"])
def test_sam_account_name_refuses_each_forbidden_character(character: str, kind: str) -> None:
    with pytest.raises(ValidationError, match="contains characters AD forbids"):
        rules.sam_account_name(f"ab{character}cd", kind)


@pytest.mark.parametrize(
    ("value", "kind", "message"),
    [
        ("", "user", "is empty"),
        (None, "user", "must be a string, got NoneType"),
        (42, "group", "must be a string, got int"),
        ("a" * 21, "user", "is 21 characters long; at most 20"),
        ("g" * 257, "group", "is 257 characters long; at most 256"),
        ("a" * 16, "computer", "is 16 characters long; at most 15"),
        ("tab\there", "user", "contains characters AD forbids"),  # characters 1-31
        ("nul\x00", "user", "contains characters AD forbids"),
        ("ends.", "user", "ends with a period"),
        ("ends.", "group", "ends with a period"),
        ("...", "user", "only periods or spaces"),
        ("   ", "group", "only periods or spaces"),
        ("$", "computer", "empty without its '\\$'"),
        ("12345", "computer", "only digits"),
    ],
)
def test_sam_account_name_refuses(value: Any, kind: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        rules.sam_account_name(value, kind)


def test_sam_account_name_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="kind must be one of user, group, computer"):
        rules.sam_account_name("x", "contact")


# -- gMSA names: a NetBIOS computer name (15, no leading period, not only digits) plus the sAMAccountName rules


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("WebApp01", "WebApp01"),
        ("WebApp01$", "WebApp01"),
        ("gmsa-web", "gmsa-web"),
        ("svc_web", "svc_web"),
        ("a" * 15, "a" * 15),
        ("a" * 15 + "$", "a" * 15),
        ("1web", "1web"),
        ("web.app", "web.app"),
    ],
)
def test_gmsa_name_accepts(value: str, expected: str) -> None:
    assert rules.gmsa_name(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "is empty"),
        ("$", "is empty without"),
        ("a" * 16, "16 characters long; at most 15"),
        ("web app", "contains characters AD forbids: ' '"),
        ("web@contoso", "contains characters AD forbids: '@'"),
        ("CONTOSO\\web", "contains characters AD forbids: '\\\\\\\\'"),
        ("web$$", "contains characters AD forbids: '\\$'"),
        ("web.", "ends with a period"),
        (".web", "starts with a period"),
        ("....", "only periods"),
        ("12345", "only digits"),
        ("web\n", "contains characters AD forbids"),
    ],
)
def test_gmsa_name_refuses(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        rules.gmsa_name(value, option="name")
    assert caught.value.details == {"option": "name"}


def test_error_class_and_what_are_the_callers() -> None:
    with pytest.raises(OtherError, match=r"^MachineAccountName 'a b' contains"):
        rules.gmsa_name("a b", what="MachineAccountName", error=OtherError)


# -- group names: sAMAccountName (group) and cn (64)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("g" * 65, "65 characters long; AD allows at most 64"),
        (" leading", "starts or ends with white space"),
        ("ends.", "ends with a period"),
        ("a,b", "contains characters AD forbids"),
        ("", "is empty"),
    ],
)
def test_group_name_refuses(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        rules.group_name(value)


def test_group_name_accepts_spaces_inside_and_64_characters() -> None:
    assert rules.group_name("Container Hosts") == "Container Hosts"
    assert rules.group_name("g" * 64) == "g" * 64


# -- SPN: service class/host[:port][/service name]


@pytest.mark.parametrize(
    "value",
    [
        "host/WebApp01",
        "HOST/webapp01.contoso.com",
        "MSSQLSvc/sql01.contoso.com:1433",
        "MSSQLSvc/sql01.contoso.com:SQLEXPRESS",  # named instance in the port position
        "ldap/dc01.contoso.com/contoso.com",  # with a service name
        "ldap/dc01.contoso.com:389/contoso.com",
        "http/web:65535",
        "http/web:1",
    ],
)
def test_spn_accepts(value: str) -> None:
    assert rules.spn(value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("host", "expected service/host"),
        ("host/", "expected service/host"),
        ("/web", "expected service/host"),
        ("host/web app", "expected service/host"),
        ("host/web/", "expected service/host"),
        ("host/web:", "expected service/host"),
        ("host/a/b/c", "expected service/host"),
        ("http/web:0", "port 0, outside 1-65535"),
        ("http/web:65536", "port 65536, outside 1-65535"),
        ("", "is empty"),
    ],
)
def test_spn_refuses(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        rules.spn(value)
    assert caught.value.details == {"option": "spn"}


# -- DNS names: RFC 1123 2.1 / RFC 1035 2.3.4


@pytest.mark.parametrize(
    "value",
    ["contoso.com", "CONTOSO.COM", "corp.contoso.com", "3com.com", "a-b.c-d", "localdomain", "x" * 63 + ".com"],
)
def test_dns_name_accepts(value: str) -> None:
    assert rules.dns_name(value) == value


def test_dns_name_accepts_253_characters() -> None:
    name = ".".join(["a" * 63] * 3 + ["b" * 61])
    assert len(name) == 253
    assert rules.dns_name(name) == name


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("contoso.com.", "empty label"),
        (".contoso.com", "empty label"),
        ("contoso..com", "empty label"),
        ("contoso_com", "label 'contoso_com' holds other than"),
        ("-contoso.com", "holds other than"),
        ("contoso-.com", "holds other than"),
        ("con toso.com", "holds other than"),
        ("x" * 64 + ".com", "longer than 63"),
        (".".join(["a" * 63] * 4), "at most 253"),
        ("", "is empty"),
        (7, "must be a string"),
    ],
)
def test_dns_name_refuses(value: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        rules.dns_name(value)


# -- NetBIOS domain names: KB 909264


@pytest.mark.parametrize("value", ["CONTOSO", "A" * 15, "CORP-01", "my domain"])
def test_netbios_name_accepts(value: str) -> None:
    assert rules.netbios_name(value) == value


@pytest.mark.parametrize(
    "value", ["", "A" * 16, "CON.TOSO", *(f"A{c}B" for c in '\\/:*?"<>|'), "A\tB", " CONTOSO", "CONTOSO "]
)
def test_netbios_name_refuses(value: str) -> None:
    with pytest.raises(ValidationError, match=r"NetBIOS domain name|is empty"):
        rules.netbios_name(value)


# -- SIDs: MS-DTYP 2.4.2.1; domain SIDs: MS-DTYP 2.4.2.4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("S-1-5-32-544", "S-1-5-32-544"),
        ("s-1-5-18", "S-1-5-18"),
        ("S-1-5-21-01-2-3-0500", "S-1-5-21-1-2-3-500"),
        ("S-1-1-0", "S-1-1-0"),
        ("S-1-5-21-4294967295-1-2", "S-1-5-21-4294967295-1-2"),
    ],
)
def test_sid_normalizes(value: str, expected: str) -> None:
    assert rules.sid(value) == expected


@pytest.mark.parametrize(
    "value",
    ["CONTOSO", "S-1", "S-1-5", "S-2-5-21", "S-1-5-21-4294967296-1-2", "S-1-5-" + "-".join(["1"] * 16), "S-1-5-x"],
)
def test_sid_refuses(value: str) -> None:
    with pytest.raises(ValidationError, match="is not a SID"):
        rules.sid(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("S-1-5-21-1491159469-2640480700-2178151669", "S-1-5-21-1491159469-2640480700-2178151669"),
        ("s-1-5-21-1-2-3", "S-1-5-21-1-2-3"),
    ],
)
def test_domain_sid_accepts(value: str, expected: str) -> None:
    assert rules.domain_sid(value) == expected


def test_domain_sid_names_the_rid_of_an_account_sid() -> None:
    # The AKS example's mistake: the gMSA's SID where the domain's belongs.
    with pytest.raises(ValidationError) as caught:
        rules.domain_sid("S-1-5-21-1491159469-2640480700-2178151669-1106")
    assert "it has a fourth number, the RID 1106, so it is an account's SID" in caught.value.message
    assert "Get-ADDomain DomainSID" in (caught.value.hint or "")


@pytest.mark.parametrize(
    "value",
    ["S-1-5-32-544", "S-1-5-21-1-2", "S-1-5-21-1-2-3-4-5", "S-1-5-18", "CONTOSO", "", "S-1-5-21-1-2-4294967296"],
)
def test_domain_sid_refuses(value: str) -> None:
    with pytest.raises(ValidationError, match=r"is not a (domain )?SID|is empty"):
        rules.domain_sid(value)


# -- GUIDs: MS-DTYP 2.3.4.3

GUID = "56d9b66c-d746-4f87-bd26-26760cfdca2e"


@pytest.mark.parametrize(
    ("value", "braces", "expected"),
    [
        (GUID, "optional", GUID),
        (GUID.upper(), "optional", GUID),
        ("{" + GUID + "}", "optional", GUID),
        (GUID, "forbidden", GUID),
        ("{" + GUID.upper() + "}", "required", GUID),
        (uuid.UUID(GUID), "forbidden", GUID),
        (f" {GUID} ", "optional", GUID),
    ],
)
def test_guid_normalizes(value: Any, braces: str, expected: str) -> None:
    assert rules.guid(value, braces=braces) == expected


@pytest.mark.parametrize(
    ("value", "braces"),
    [
        ("{" + GUID + "}", "forbidden"),
        (GUID, "required"),
        ("{" + GUID, "optional"),
        (GUID.replace("-", ""), "optional"),
        ("urn:uuid:" + GUID, "optional"),
        ("GDMA0342-266A-4D1P-831J-20990E82944F", "optional"),
        (42, "optional"),
        ("", "optional"),
    ],
)
def test_guid_refuses(value: Any, braces: str) -> None:
    with pytest.raises(ValidationError, match="is not a GUID"):
        rules.guid(value, braces=braces)


# -- problem(): the same rules, reporting


def test_problem_returns_message_and_hint_or_none() -> None:
    assert rules.problem(rules.domain_sid, "S-1-5-21-1-2-3") is None
    text = rules.problem(rules.domain_sid, "S-1-5-21-1-2-3-1106", what="DomainJoinConfig.Sid")
    assert text is not None
    assert text.startswith("DomainJoinConfig.Sid 'S-1-5-21-1-2-3-1106' is not a domain SID")
    assert "Get-ADDomain DomainSID" in text
    assert rules.problem(rules.sam_account_name, "a" * 21, "user") is not None


def test_guid_message_and_hint() -> None:
    with pytest.raises(ValidationError) as caught:
        rules.guid("{" + GUID + "}", braces="forbidden", what="Guid")
    assert caught.value.message == f"Guid '{{{GUID}}}' is not a GUID."
    assert caught.value.hint == "Give 8-4-4-4-12 hex digits without braces."
