# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import struct
from dataclasses import replace

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import (
    ACCESS_ALLOWED_ACE_TYPE,
    ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    ACCESS_DENIED_ACE_TYPE,
    ACL_REVISION,
    ACL_REVISION_DS,
    ADS_RIGHT_DS_WRITE_PROP,
    CONTAINER_INHERIT_ACE,
    DEFAULT_LAYOUT,
    GMSA_MEMBERSHIP_ACCESS_MASK,
    INHERIT_ONLY_ACE,
    INHERITED_ACE,
    SE_DACL_PRESENT,
    SE_SELF_RELATIVE,
    SYSTEM_MANDATORY_LABEL_ACE_TYPE,
    Ace,
    Acl,
    ObjectAce,
    RawAce,
    SecurityDescriptor,
    ace_to_sddl,
    add_explicit_aces,
    allowed_sids,
    build_gmsa_membership,
    is_membership_ace,
    remove_explicit_aces,
    sd_from_bytes,
    sd_to_bytes,
    set_allowed_sids,
    to_sddl,
)

DOMAIN = "S-1-5-21-1-2-3"
ALICE = "S-1-5-21-1-2-3-1105"
BOB = "S-1-5-21-1-2-3-1106"
CAROL = "S-1-5-21-1-2-3-1107"
GMSA_SDDL_RIGHTS = "CCDCLCSWRPWPDTLOCRSDRCWDWO"  # how Samba (and Windows) spell 0x000f01ff

# Real descriptors packed by Samba 4.22 (the lab DC's version). Each was produced with the system python3 and
# its samba bindings:
#   from samba.ndr import ndr_pack; from samba.dcerpc import security
#   dom = security.dom_sid("S-1-5-21-1-2-3")
#   sd = security.descriptor.from_sddl(SDDL, dom)
#   ndr_pack(sd).hex(), sd.as_sddl(dom), sd.as_sddl()
# Columns: SDDL given to Samba, packed hex, Samba's SDDL with the domain SID, Samba's SDDL without it.
SAMBA_DESCRIPTORS = {
    "gmsa-one": (
        "O:BAD:(A;;0xf01ff;;;S-1-5-21-1-2-3-1105)",
        (
            "01000480140000000000000000000000240000000102000000000005200000002002000004002c000100000000002400ff010f00"
            "01050000000000051500000001000000020000000300000051040000"
        ),
        "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)",
        "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)",
    ),
    # samba-tool's GROUP_MSA_MEMBERSHIP_DEFAULT (samba/domain/models/constants.py): what a gMSA created with
    # `samba-tool service-account create` gets.
    "samba-tool-default": (
        "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;LA)",
        (
            "01000480140000000000000000000000240000000102000000000005200000002002000004002c000100000000002400ff010f00"
            "010500000000000515000000010000000200000003000000f4010000"
        ),
        "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;LA)",
        "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-500)",
    ),
    "gmsa-three": (
        "O:BAD:(A;;0xf01ff;;;S-1-5-21-1-2-3-1105)(A;;0xf01ff;;;S-1-5-21-1-2-3-1106)(A;;0xf01ff;;;DD)",
        (
            "010004801400000000000000000000002400000001020000000000052000000020020000040074000300000000002400ff010f00"
            "0105000000000005150000000100000002000000030000005104000000002400ff010f0001050000000000051500000001000000"
            "02000000030000005204000000002400ff010f0001050000000000051500000001000000020000000300000004020000"
        ),
        (
            "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1106)"
            "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DD)"
        ),
        (
            "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1106)"
            "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-516)"
        ),
    ),
    "gmsa-empty": (
        "O:BAD:",
        "0100048014000000000000000000000024000000010200000000000520000000200200000400080000000000",
        "O:BAD:",
        "O:BAD:",
    ),
    "mixed-aces": (
        (
            "O:BAG:DUD:(D;;0xf01ff;;;S-1-5-21-1-2-3-1106)(A;;0xf01ff;;;S-1-5-21-1-2-3-1105)(A;;RP;;;S-1-5-21-1-2-3-1107)"
            "(OA;;RP;bf967a86-0de6-11d0-a285-00aa003049e2;;S-1-5-21-1-2-3-1108)(A;;0xf01ff;;;S-1-5-21-1-2-3-1109)"
        ),
        (
            "01000480140000002400000000000000400000000102000000000005200000002002000001050000000000051500000001000000"
            "0200000003000000010200000400d0000500000001002400ff010f00010500000000000515000000010000000200000003000000"
            "5204000000002400ff010f0001050000000000051500000001000000020000000300000051040000000024001000000001050000"
            "000000051500000001000000020000000300000053040000050038001000000001000000867a96bfe60dd011a28500aa003049e2"
            "0105000000000005150000000100000002000000030000005404000000002400ff010f0001050000000000051500000001000000"
            "020000000300000055040000"
        ),
        (
            "O:BAG:DUD:(D;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1106)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)"
            "(A;;RP;;;S-1-5-21-1-2-3-1107)(OA;;RP;bf967a86-0de6-11d0-a285-00aa003049e2;;S-1-5-21-1-2-3-1108)"
            "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1109)"
        ),
        (
            "O:BAG:S-1-5-21-1-2-3-513D:(D;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1106)"
            "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)(A;;RP;;;S-1-5-21-1-2-3-1107)"
            "(OA;;RP;bf967a86-0de6-11d0-a285-00aa003049e2;;S-1-5-21-1-2-3-1108)"
            "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1109)"
        ),
    ),
    "with-sacl-and-acl-flags": (
        "O:BAG:DUD:PAI(A;;0xf01ff;;;S-1-5-21-1-2-3-1105)S:AI(AU;SAFA;RP;;;WD)",
        (
            "0100149c1400000024000000400000005c000000010200000000000520000000200200000105000000000005150000000100000002"
            "000000030000000102000004001c000100000002c014001000000001010000000000010000000004002c000100000000002400ff01"
            "0f0001050000000000051500000001000000020000000300000051040000"
        ),
        "O:BAG:DUD:PAI(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)S:AI(AU;SAFA;RP;;;WD)",
        "O:BAG:S-1-5-21-1-2-3-513D:PAI(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)S:AI(AU;SAFA;RP;;;WD)",
    ),
    "inheritance-and-object-guids": (
        (
            "O:BAD:PAI(A;CIID;0xf01ff;;;S-1-5-21-1-2-3-1105)"
            "(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;AU)"
            "(OA;;WP;;bf967aba-0de6-11d0-a285-00aa003049e2;PS)"
        ),
        (
            "01000494140000000000000000000000240000000102000000000005200000002002000004008c000300000000122400ff010f0001"
            "050000000000051500000001000000020000000300000051040000050a38000001000003000000709529006d24d011a76800aa006e"
            "0529ba7a96bfe60dd011a28500aa003049e201010000000000050b000000050028002000000002000000ba7a96bfe60dd011a28500"
            "aa003049e201010000000000050a000000"
        ),
        (
            "O:BAD:PAI(A;CIID;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)"
            "(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;AU)"
            "(OA;;WP;;bf967aba-0de6-11d0-a285-00aa003049e2;PS)"
        ),
        (
            "O:BAD:PAI(A;CIID;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)"
            "(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;AU)"
            "(OA;;WP;;bf967aba-0de6-11d0-a285-00aa003049e2;PS)"
        ),
    ),
    "access-mask-spellings": (
        (
            "O:SYG:SYD:(A;;GA;;;SY)(A;;GRGX;;;AU)(A;;FA;;;BA)(A;;FR;;;BU)(A;;0x200;;;S-1-5-21-1-2-3-1110)"
            "(A;;0x201;;;S-1-5-21-1-2-3-1111)(A;;;;;S-1-5-21-1-2-3-1112)"
        ),
        (
            "010004801400000020000000000000002c0000000101000000000005120000000101000000000005120000000400cc000700000000"
            "0014000000001001010000000000051200000000001400000000a001010000000000050b00000000001800ff011f00010200000000"
            "00052000000020020000000018008900120001020000000000052000000021020000000024000002000001050000000000051500"
            "000001000000020000000300000056040000000024000102000001050000000000051500000001000000020000000300000057040000"
            "000024000000000001050000000000051500000001000000020000000300000058040000"
        ),
        (
            "O:SYG:SYD:(A;;GA;;;SY)(A;;GXGR;;;AU)(A;;FA;;;BA)(A;;FR;;;BU)(A;;0x200;;;S-1-5-21-1-2-3-1110)"
            "(A;;0x201;;;S-1-5-21-1-2-3-1111)(A;;;;;S-1-5-21-1-2-3-1112)"
        ),
        (
            "O:SYG:SYD:(A;;GA;;;SY)(A;;GXGR;;;AU)(A;;FA;;;BA)(A;;FR;;;BU)(A;;0x200;;;S-1-5-21-1-2-3-1110)"
            "(A;;0x201;;;S-1-5-21-1-2-3-1111)(A;;;;;S-1-5-21-1-2-3-1112)"
        ),
    ),
    "dacl-only": (
        "D:(A;;0xf01ff;;;S-1-5-21-1-2-3-1105)",
        (
            "010004800000000000000000000000001400000004002c000100000000002400ff010f0001050000000000051500000001000000"
            "020000000300000051040000"
        ),
        "D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)",
        "D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)",
    ),
    "owner-and-group-only": (
        "O:SYG:SY",
        "0100008014000000200000000000000000000000010100000000000512000000010100000000000512000000",
        "O:SYG:SY",
        "O:SYG:SY",
    ),
    "six-byte-authority-and-fifteen-sub-authorities": (
        "O:BAD:(A;;0xf01ff;;;S-1-0xffffffffffff-1)(A;;0xf01ff;;;S-1-5-21-1-2-3-1105-1-2-3-4-5-6-7-8-9-10)",
        (
            "010004801400000000000000000000002400000001020000000000052000000020020000040068000200000000001400ff010f0001"
            "01ffffffffffff0100000000004c00ff010f00010f0000000000051500000001000000020000000300000051040000010000000200"
            "0000030000000400000005000000060000000700000008000000090000000a000000"
        ),
        (
            "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-0xffffffffffff-1)"
            "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105-1-2-3-4-5-6-7-8-9-10)"
        ),
        (
            "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-0xffffffffffff-1)"
            "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105-1-2-3-4-5-6-7-8-9-10)"
        ),
    ),
    # A conditional (callback) ACE, which this module keeps as raw bytes.
    "callback-ace": (
        "O:BAD:(XA;;0xf01ff;;;S-1-5-21-1-2-3-1105;(Member_of {SID(BA)}))(A;;0xf01ff;;;S-1-5-21-1-2-3-1106)",
        (
            "010004801400000000000000000000002400000001020000000000052000000020020000040070000200000009004400ff010f0001"
            "050000000000051500000001000000020000000300000051040000617274785015000000511000000001020000000000052000000020"
            "020000890000002400ff010f0001050000000000051500000001000000020000000300000052040000"
        ),
        None,  # Samba writes the condition as SDDL; this module shows the raw ACE instead
        None,
    ),
}


def samba_blob(name: str) -> bytes:
    return bytes.fromhex(SAMBA_DESCRIPTORS[name][1])


def _membership_sd(*aces: Ace | ObjectAce | RawAce, revision: int = ACL_REVISION_DS) -> bytes:
    return sd_to_bytes(SecurityDescriptor(owner="S-1-5-32-544", dacl=Acl(revision, list(aces))))


def _allow(sid: str, mask: int = GMSA_MEMBERSHIP_ACCESS_MASK, flags: int = 0) -> Ace:
    return Ace(ACCESS_ALLOWED_ACE_TYPE, flags, mask, sid)


def _deny(sid: str) -> Ace:
    return Ace(ACCESS_DENIED_ACE_TYPE, 0, GMSA_MEMBERSHIP_ACCESS_MASK, sid)


# Round trips and SDDL against Samba.


@pytest.mark.parametrize("name", SAMBA_DESCRIPTORS)
def test_samba_descriptors_round_trip_byte_for_byte(name: str) -> None:
    blob = samba_blob(name)
    assert sd_to_bytes(sd_from_bytes(blob)) == blob


@pytest.mark.parametrize("name", [name for name, row in SAMBA_DESCRIPTORS.items() if row[2] is not None])
def test_to_sddl_matches_samba(name: str) -> None:
    _sddl, _hex, with_domain, without_domain = SAMBA_DESCRIPTORS[name]
    blob = samba_blob(name)
    assert to_sddl(blob, DOMAIN) == with_domain
    assert to_sddl(blob) == without_domain


def test_parse_gmsa_descriptor() -> None:
    sd = sd_from_bytes(samba_blob("gmsa-one"))
    assert sd == SecurityDescriptor(
        owner="S-1-5-32-544",
        group=None,
        dacl=Acl(ACL_REVISION_DS, [Ace(ACCESS_ALLOWED_ACE_TYPE, 0, 0x000F01FF, ALICE)]),
        sacl=None,
        control=SE_SELF_RELATIVE | SE_DACL_PRESENT,
        revision=1,
        resource_manager_control=0,
        layout=DEFAULT_LAYOUT,
    )


def test_parse_mixed_descriptor() -> None:
    sd = sd_from_bytes(samba_blob("mixed-aces"))
    assert (sd.owner, sd.group) == ("S-1-5-32-544", "S-1-5-21-1-2-3-513")
    assert sd.dacl is not None
    assert sd.dacl.aces == [
        Ace(ACCESS_DENIED_ACE_TYPE, 0, 0xF01FF, BOB),
        Ace(ACCESS_ALLOWED_ACE_TYPE, 0, 0xF01FF, ALICE),
        Ace(ACCESS_ALLOWED_ACE_TYPE, 0, 0x10, CAROL),
        ObjectAce(
            ACCESS_ALLOWED_OBJECT_ACE_TYPE, 0, 0x10, "S-1-5-21-1-2-3-1108", "bf967a86-0de6-11d0-a285-00aa003049e2"
        ),
        Ace(ACCESS_ALLOWED_ACE_TYPE, 0, 0xF01FF, "S-1-5-21-1-2-3-1109"),
    ]


def test_parse_keeps_sacl_and_control_flags() -> None:
    sd = sd_from_bytes(samba_blob("with-sacl-and-acl-flags"))
    assert sd.control == 0x9C14
    assert sd.sacl == Acl(ACL_REVISION_DS, [Ace(0x02, 0xC0, 0x10, "S-1-1-0")])


def test_callback_ace_is_kept_raw() -> None:
    blob = samba_blob("callback-ace")
    sd = sd_from_bytes(blob)
    assert sd.dacl is not None
    raw, allow = sd.dacl.aces
    assert isinstance(raw, RawAce)
    assert (raw.ace_type, raw.flags, len(raw.data)) == (0x09, 0, 0x44)
    assert raw.data == blob[0x2C : 0x2C + 0x44]
    assert allow == _allow(BOB)
    assert to_sddl(blob) == f"O:BAD:(RAW:{raw.data.hex()})(A;;{GMSA_SDDL_RIGHTS};;;{BOB})"


# build_gmsa_membership against Samba: identical bytes, ACL revision 4 included.


@pytest.mark.parametrize(
    ("sids", "name"),
    [
        pytest.param([ALICE], "gmsa-one", id="one"),
        pytest.param([DOMAIN + "-500"], "samba-tool-default", id="samba-tool-default"),
        pytest.param([ALICE, BOB, DOMAIN + "-516"], "gmsa-three", id="three"),
        pytest.param([], "gmsa-empty", id="nobody"),
    ],
)
def test_build_gmsa_membership_equals_samba(sids: list[str], name: str) -> None:
    assert build_gmsa_membership(sids) == samba_blob(name)


def test_build_gmsa_membership_normalizes_and_drops_repeats() -> None:
    assert build_gmsa_membership(["s-1-5-21-1-2-3-01105", ALICE]) == samba_blob("gmsa-one")


def test_build_gmsa_membership_accepts_any_iterable() -> None:
    assert build_gmsa_membership(iter([ALICE])) == samba_blob("gmsa-one")


@pytest.mark.parametrize(
    ("sids", "error"),
    [
        pytest.param(["not-a-sid"], ValueError, id="malformed-sid"),
        pytest.param(ALICE, TypeError, id="single-string"),
    ],
)
def test_build_gmsa_membership_rejects_bad_input(sids: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        build_gmsa_membership(sids)  # type: ignore[arg-type]


# allowed_sids.


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("gmsa-one", [ALICE], id="one"),
        pytest.param("samba-tool-default", [DOMAIN + "-500"], id="samba-tool-default"),
        pytest.param("gmsa-three", [ALICE, BOB, DOMAIN + "-516"], id="three-in-order"),
        pytest.param("gmsa-empty", [], id="empty-dacl"),
        # The deny ACE, the read-property-only ACE and the object ACE are not the managed kind.
        pytest.param("mixed-aces", [ALICE, "S-1-5-21-1-2-3-1109"], id="mixed"),
        # An inherited ACE (ID) still applies to the object; a container-inherit flag does not stop it either.
        pytest.param("inheritance-and-object-guids", [ALICE], id="inherited"),
        pytest.param("callback-ace", [BOB], id="callback-ace-ignored"),
        pytest.param("dacl-only", [ALICE], id="no-owner"),
    ],
)
def test_allowed_sids(name: str, expected: list[str]) -> None:
    assert allowed_sids(samba_blob(name)) == expected


def test_allowed_sids_of_none_is_empty() -> None:
    assert allowed_sids(None) == []


@pytest.mark.parametrize(
    ("ace", "managed"),
    [
        pytest.param(_allow(ALICE), True, id="managed"),
        pytest.param(_allow(ALICE, flags=INHERITED_ACE), True, id="inherited"),
        pytest.param(_allow(ALICE, flags=INHERIT_ONLY_ACE | 0x02), False, id="inherit-only"),
        pytest.param(_allow(ALICE, mask=0x10), False, id="read-property-only"),
        pytest.param(_allow(ALICE, mask=0x1F01FF), False, id="other-mask"),
        pytest.param(_deny(ALICE), False, id="deny"),
        pytest.param(ObjectAce(ACCESS_ALLOWED_OBJECT_ACE_TYPE, 0, 0xF01FF, ALICE), False, id="object-ace"),
        pytest.param(RawAce(bytes.fromhex("0900080000000000")), False, id="raw"),
    ],
)
def test_is_membership_ace(ace: Ace | ObjectAce | RawAce, managed: bool) -> None:
    assert is_membership_ace(ace) is managed


def test_allowed_sids_lists_each_sid_once() -> None:
    blob = _membership_sd(_allow(ALICE), _allow(BOB), _allow(ALICE))
    assert allowed_sids(blob) == [ALICE, BOB]


def test_allowed_sids_ignores_inherit_only_aces() -> None:
    blob = _membership_sd(_allow(ALICE, flags=INHERIT_ONLY_ACE), _allow(BOB))
    assert allowed_sids(blob) == [BOB]


@pytest.mark.parametrize(
    "blob",
    [
        # SE_DACL_PRESENT with OffsetDacl 0: a NULL DACL.
        pytest.param(
            bytes.fromhex("0100048014000000000000000000000000000000")
            + bytes.fromhex("0102" + "0" * 10 + "05")
            + bytes.fromhex("2000000020020000"),
            id="null-dacl",
        ),
        pytest.param(samba_blob("owner-and-group-only"), id="no-dacl"),
    ],
)
def test_allowed_sids_refuses_a_descriptor_without_dacl(blob: bytes) -> None:
    with pytest.raises(ValueError, match="lets every principal retrieve the password"):
        allowed_sids(blob)


# set_allowed_sids.


@pytest.mark.parametrize("name", [name for name in SAMBA_DESCRIPTORS if name != "owner-and-group-only"])
def test_set_allowed_sids_with_the_current_list_changes_nothing(name: str) -> None:
    blob = samba_blob(name)
    assert set_allowed_sids(blob, allowed_sids(blob)) == blob


def test_set_allowed_sids_of_none_builds_a_new_descriptor() -> None:
    assert set_allowed_sids(None, [ALICE, BOB, DOMAIN + "-516"]) == samba_blob("gmsa-three")


@pytest.mark.parametrize(
    ("name", "sids", "expected_sddl"),
    [
        pytest.param("gmsa-empty", [ALICE], "O:BAD:(A;;{r};;;{a})", id="add-to-empty"),
        pytest.param("gmsa-one", [], "O:BAD:", id="remove-all"),
        pytest.param("gmsa-three", [BOB, ALICE], "O:BAD:(A;;{r};;;{b})(A;;{r};;;{a})", id="reorder-and-drop"),
        pytest.param("gmsa-one", [ALICE, BOB], "O:BAD:(A;;{r};;;{a})(A;;{r};;;{b})", id="append"),
        # The managed ACEs take the place of the first one; the deny ACE, the read-property ACE, the object ACE,
        # the owner and the group stay exactly as they were.
        pytest.param(
            "mixed-aces",
            [ALICE, "S-1-5-21-1-2-3-1200"],
            "O:BAG:DUD:(D;;{r};;;{b})(A;;{r};;;{a})(A;;{r};;;S-1-5-21-1-2-3-1200)(A;;RP;;;{c})"
            "(OA;;RP;bf967a86-0de6-11d0-a285-00aa003049e2;;S-1-5-21-1-2-3-1108)",
            id="mixed-keeps-other-aces",
        ),
        pytest.param(
            "with-sacl-and-acl-flags",
            [BOB],
            "O:BAG:DUD:PAI(A;;{r};;;{b})S:AI(AU;SAFA;RP;;;WD)",
            id="keeps-sacl-and-flags",
        ),
        pytest.param(
            "callback-ace",
            [CAROL],
            "O:BAD:(RAW:{raw})(A;;{r};;;{c})",
            id="keeps-raw-ace",
        ),
        pytest.param("owner-and-group-only", [ALICE], "O:SYG:SYD:(A;;{r};;;{a})", id="adds-missing-dacl"),
    ],
)
def test_set_allowed_sids(name: str, sids: list[str], expected_sddl: str) -> None:
    blob = samba_blob(name)
    raw = blob[0x2C : 0x2C + 0x44].hex()
    result = set_allowed_sids(blob, sids)
    assert to_sddl(result, DOMAIN) == expected_sddl.format(r=GMSA_SDDL_RIGHTS, a=ALICE, b=BOB, c=CAROL, raw=raw)
    assert allowed_sids(result) == sids
    assert sd_to_bytes(sd_from_bytes(result)) == result


def test_set_allowed_sids_keeps_the_raw_ace_bytes() -> None:
    blob = samba_blob("callback-ace")
    result = set_allowed_sids(blob, [CAROL])
    assert blob[0x2C : 0x2C + 0x44] in result


def test_set_allowed_sids_replaces_a_null_dacl_and_keeps_the_owner() -> None:
    null_dacl = struct.pack("<BBHIIII", 1, 0, 0x8004, 20, 0, 0, 0) + bytes.fromhex("010100000000000512000000")
    result = set_allowed_sids(null_dacl, [ALICE])
    assert to_sddl(result) == f"O:SYD:(A;;{GMSA_SDDL_RIGHTS};;;{ALICE})"


def test_set_allowed_sids_adds_before_inherited_aces() -> None:
    inherited = _allow(CAROL, mask=0x10, flags=INHERITED_ACE)
    blob = _membership_sd(_deny(BOB), _allow(CAROL, mask=0x10), inherited)
    result = sd_from_bytes(set_allowed_sids(blob, [ALICE]))
    assert result.dacl is not None
    assert result.dacl.aces == [_deny(BOB), _allow(CAROL, mask=0x10), _allow(ALICE), inherited]


def test_set_allowed_sids_keeps_acl_revision_2() -> None:
    # Samba accepts a hand-built revision-2 DACL too (notes/samba-lab.md); rewriting must not change it.
    blob = _membership_sd(_allow(ALICE), revision=ACL_REVISION)
    result = sd_from_bytes(set_allowed_sids(blob, [BOB]))
    assert result.dacl == Acl(ACL_REVISION, [_allow(BOB)])


def test_set_allowed_sids_normalizes_and_deduplicates() -> None:
    blob = samba_blob("gmsa-one")
    assert set_allowed_sids(blob, ["s-1-5-21-1-2-3-1105", ALICE]) == blob
    assert allowed_sids(set_allowed_sids(blob, [BOB, "S-1-5-21-1-2-3-01106"])) == [BOB]


@pytest.mark.parametrize(
    ("sids", "error"),
    [
        pytest.param(["S-1-5-21-"], ValueError, id="malformed-sid"),
        pytest.param(ALICE, TypeError, id="single-string"),
    ],
)
def test_set_allowed_sids_rejects_bad_sids(sids: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        set_allowed_sids(samba_blob("gmsa-one"), sids)  # type: ignore[arg-type]


# Layout: another writer's order of parts survives a round trip and a rewrite.


def _dacl_first_blob() -> bytes:
    """The gmsa-one descriptor with the DACL placed before the owner, as Windows lays out its descriptors."""
    owner = bytes.fromhex("01020000000000052000000020020000")
    dacl = samba_blob("gmsa-one")[0x24:]
    header = struct.pack("<BBHIIII", 1, 0, 0x8004, 20 + len(dacl), 0, 0, 20)
    return header + dacl + owner


def test_other_layout_round_trips_byte_for_byte() -> None:
    blob = _dacl_first_blob()
    sd = sd_from_bytes(blob)
    assert sd.layout == ("dacl", "owner", "group", "sacl")
    assert sd_to_bytes(sd) == blob
    assert sd_to_bytes(replace(sd, layout=DEFAULT_LAYOUT)) == samba_blob("gmsa-one")


def test_set_allowed_sids_keeps_the_layout() -> None:
    result = set_allowed_sids(_dacl_first_blob(), [ALICE, BOB])
    assert struct.unpack_from("<I", result, 16)[0] == 20  # the DACL still comes first
    assert allowed_sids(result) == [ALICE, BOB]


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param(("dacl", "dacl"), id="repeated"),
        pytest.param(("owner", "acl"), id="unknown-part"),
    ],
)
def test_sd_to_bytes_rejects_a_bad_layout(layout: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="Invalid layout"):
        sd_to_bytes(SecurityDescriptor(owner=ALICE, layout=layout))


# ACE shapes the codec keeps unchanged.


@pytest.mark.parametrize(
    "ace_hex",
    [
        # ACCESS_ALLOWED with four bytes after the SID: not the plain layout, so kept raw.
        pytest.param("00001c00ff010f0001020000000000052000000020020000deadbeef", id="bytes-after-sid"),
        # Object ACE with an unknown object-flags bit (0x4).
        pytest.param("05001c00100000000400000001020000000000052000000020020000", id="unknown-object-flag"),
        # SYSTEM_RESOURCE_ATTRIBUTE (0x12), a type this module does not read.
        pytest.param("12000c0000000000aabbccdd", id="resource-attribute"),
        # Unassigned type 0x7f with an odd size.
        pytest.param("7f000500ee", id="unknown-type"),
    ],
)
def test_unusual_aces_are_kept_raw(ace_hex: str) -> None:
    ace = bytes.fromhex(ace_hex)
    blob = _membership_sd(RawAce(ace), _allow(ALICE))
    sd = sd_from_bytes(blob)
    assert sd.dacl is not None
    assert sd.dacl.aces[0] == RawAce(ace)
    assert sd_to_bytes(sd) == blob
    assert blob[0x2C : 0x2C + len(ace)] == ace


def test_mandatory_label_ace_is_parsed() -> None:
    # SYSTEM_MANDATORY_LABEL_ACE (2.4.4.13): High integrity, no-write-up; rendered as Windows names the type.
    label = Ace(SYSTEM_MANDATORY_LABEL_ACE_TYPE, 0, 0x1, "S-1-16-12288")
    sd = SecurityDescriptor(owner="S-1-5-32-544", sacl=Acl(ACL_REVISION, [label]))
    blob = sd_to_bytes(sd)
    assert sd_from_bytes(blob).sacl == Acl(ACL_REVISION, [label])
    assert to_sddl(blob) == "O:BAS:(ML;;CC;;;HI)"


def test_object_ace_with_both_guids_round_trips() -> None:
    ace = ObjectAce(
        0x06, 0x02, 0x100, BOB, "00299570-246d-11d0-a768-00aa006e0529", "bf967aba-0de6-11d0-a285-00aa003049e2"
    )
    blob = _membership_sd(ace)
    assert sd_from_bytes(blob).dacl == Acl(ACL_REVISION_DS, [ace])
    assert to_sddl(blob) == f"O:BAD:(OD;CI;CR;{ace.object_type};{ace.inherited_object_type};{BOB})"


@pytest.mark.parametrize(
    ("ace", "message"),
    [
        pytest.param(
            Ace(ACCESS_ALLOWED_OBJECT_ACE_TYPE, 0, 1, ALICE), "cannot be written as Ace", id="object-type-as-ace"
        ),
        pytest.param(
            ObjectAce(ACCESS_ALLOWED_ACE_TYPE, 0, 1, ALICE), "cannot be written as ObjectAce", id="plain-as-object"
        ),
        pytest.param(Ace(ACCESS_ALLOWED_ACE_TYPE, 0x100, 1, ALICE), "flags", id="flags-too-wide"),
        pytest.param(Ace(ACCESS_ALLOWED_ACE_TYPE, 0, 1 << 32, ALICE), "mask", id="mask-too-wide"),
        pytest.param(Ace(ACCESS_ALLOWED_ACE_TYPE, 0, 1, "ALICE"), "Invalid SID", id="bad-sid"),
        pytest.param(ObjectAce(0x05, 0, 1, ALICE, "not-a-guid"), "Invalid GUID", id="bad-guid"),
    ],
)
def test_sd_to_bytes_rejects_unwritable_aces(ace: Ace | ObjectAce, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _membership_sd(ace)


def test_sd_to_bytes_rejects_another_revision() -> None:
    with pytest.raises(ValueError, match="revision must be 1"):
        sd_to_bytes(SecurityDescriptor(revision=2))


def test_sd_to_bytes_sets_self_relative_and_present_flags() -> None:
    blob = sd_to_bytes(SecurityDescriptor(owner="S-1-5-32-544", dacl=Acl(), control=0))
    assert blob == samba_blob("gmsa-empty")


# Malformed descriptors.


def _header(
    control: int = 0x8004, owner: int = 0, group: int = 0, sacl: int = 0, dacl: int = 0, revision: int = 1
) -> bytes:
    return struct.pack("<BBHIIII", revision, 0, control, owner, group, sacl, dacl)


_OWNER = bytes.fromhex("01020000000000052000000020020000")
_ACE = bytes.fromhex("00002400ff010f0001050000000000051500000001000000020000000300000051040000")


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        pytest.param(b"", "0 bytes, the header alone is 20", id="empty"),
        pytest.param(_header()[:19], "19 bytes", id="short-header"),
        pytest.param(_header(revision=2), "revision 2, expected 1", id="sd-revision"),
        pytest.param(_header(control=0x0004), "SE_SELF_RELATIVE is not set", id="absolute-format"),
        pytest.param(
            _header(owner=8) + _OWNER, "owner offset 8 points into the descriptor header", id="owner-in-header"
        ),
        pytest.param(_header(owner=40) + _OWNER, "owner: Invalid binary SID at offset 40", id="owner-past-end"),
        pytest.param(_header(owner=20) + _OWNER[:12], "owner: Invalid binary SID", id="owner-truncated"),
        pytest.param(
            _header(group=20) + b"\x02" + _OWNER[1:],
            "group: Invalid binary SID at offset 20: revision 2",
            id="group-revision",
        ),
        pytest.param(
            _header(control=0x8000, dacl=20) + struct.pack("<BBHHH", 4, 0, 8, 0, 0),
            "SE_DACL_PRESENT control flag is not set",
            id="dacl-without-flag",
        ),
        pytest.param(
            _header(control=0x8000, sacl=20) + struct.pack("<BBHHH", 4, 0, 8, 0, 0),
            "SE_SACL_PRESENT control flag is not set",
            id="sacl-without-flag",
        ),
        pytest.param(_header(dacl=4), "DACL offset 4 points into the descriptor header", id="dacl-in-header"),
        pytest.param(
            _header(dacl=20) + b"\x04\x00\x08", "DACL at offset 20 runs past the end", id="acl-header-truncated"
        ),
        pytest.param(_header(dacl=20) + struct.pack("<BBHHH", 3, 0, 8, 0, 0), "DACL has revision 3", id="acl-revision"),
        pytest.param(_header(dacl=20) + struct.pack("<BBHHH", 4, 0, 4, 0, 0), "DACL size 4", id="acl-size-too-small"),
        pytest.param(_header(dacl=20) + struct.pack("<BBHHH", 4, 0, 64, 0, 0), "DACL size 64", id="acl-size-past-end"),
        pytest.param(
            _header(dacl=20) + struct.pack("<BBHHH", 4, 0, 8, 1, 0) + _ACE,
            "declares 1 ACEs but ACE 0 starts past its end",
            id="ace-outside-acl",
        ),
        pytest.param(
            _header(dacl=20) + struct.pack("<BBHHH", 4, 0, 12, 1, 0) + b"\x00\x00\x02\x00",
            "ACE 0 has size 2",
            id="ace-size-too-small",
        ),
        pytest.param(
            _header(dacl=20) + struct.pack("<BBHHH", 4, 0, 12, 1, 0) + b"\x00\x00\x24\x00",
            "ACE 0 has size 36",
            id="ace-size-past-acl",
        ),
        pytest.param(
            _header(dacl=20) + struct.pack("<BBHHH", 4, 0, 8 + 6, 1, 0) + b"\x00\x00\x06\x00\xff\x01",
            "DACL ACE 0: ACE of type 0x00 is 6 bytes",
            id="ace-without-mask",
        ),
        pytest.param(
            _header(dacl=20)
            + struct.pack("<BBHHH", 4, 0, 8 + 16, 1, 0)
            + b"\x00\x00\x10\x00"
            + b"\xff" * 4
            + _OWNER[:8],
            "need 16 bytes, only 8 available",
            id="ace-sid-truncated",
        ),
        pytest.param(
            _header(dacl=20)
            + struct.pack("<BBHHH", 4, 0, 8 + 16, 1, 0)
            + b"\x05\x00\x10\x00"
            + struct.pack("<II", 1, 1)
            + b"\x00" * 4,
            "truncated inside a GUID",
            id="object-ace-guid-truncated",
        ),
        pytest.param(
            _header(dacl=20) + struct.pack("<BBHHH", 4, 0, 8 + 8, 1, 0) + b"\x05\x00\x08\x00" + b"\x00" * 4,
            "too short for its fields",
            id="object-ace-too-short",
        ),
    ],
)
def test_sd_from_bytes_rejects_malformed_descriptors(blob: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message) as excinfo:
        sd_from_bytes(blob)
    assert str(excinfo.value).startswith("Invalid security descriptor")


def test_sd_from_bytes_rejects_non_bytes() -> None:
    with pytest.raises(TypeError):
        sd_from_bytes("O:BAD:")  # type: ignore[arg-type]


def test_sd_from_bytes_compacts_non_canonical_input() -> None:
    # ACL slack (AclSize larger than its ACEs) and a gap before the owner are accepted and dropped.
    dacl = struct.pack("<BBHHH", 4, 0, 8 + len(_ACE) + 4, 1, 0) + _ACE + b"\x00" * 4
    blob = _header(owner=20 + len(dacl) + 4, dacl=20) + dacl + b"\x00" * 4 + _OWNER
    compact = sd_to_bytes(sd_from_bytes(blob))
    assert allowed_sids(compact) == [ALICE]
    assert len(compact) == len(blob) - 8


# to_sddl details.


def test_to_sddl_shows_a_null_dacl() -> None:
    blob = _header(owner=20) + _OWNER
    assert to_sddl(blob) == "O:BAD:NO_ACCESS_CONTROL"


def test_to_sddl_accepts_a_parsed_descriptor() -> None:
    sd = sd_from_bytes(samba_blob("gmsa-three"))
    assert to_sddl(sd, DOMAIN) == SAMBA_DESCRIPTORS["gmsa-three"][2]


def test_to_sddl_normalizes_the_domain_sid() -> None:
    assert to_sddl(samba_blob("samba-tool-default"), "s-1-5-21-01-2-3").endswith(";;;LA)")


def test_to_sddl_writes_authorities_as_ms_dtyp_says() -> None:
    # Samba prints this SID as S-1-0x100000000-1 and S-1-4294967295-1 as S-1-0xffffffff-1; MS-DTYP 2.4.2.1
    # wants 12 hex digits from 2^32 up and decimal below.
    blob = _membership_sd(_allow("S-1-0x000100000000-1"), _allow("S-1-4294967295-1"))
    assert to_sddl(blob) == (
        f"O:BAD:(A;;{GMSA_SDDL_RIGHTS};;;S-1-0x000100000000-1)(A;;{GMSA_SDDL_RIGHTS};;;S-1-4294967295-1)"
    )


def test_to_sddl_shows_unknown_ace_flags_in_hex() -> None:
    assert to_sddl(_membership_sd(_allow(ALICE, flags=0x20))) == f"O:BAD:(A;0x20;{GMSA_SDDL_RIGHTS};;;{ALICE})"


# Object ACEs as delegation writes them, and editing the explicit ACEs of a DACL.

DELEGATE = "S-1-5-21-1-2-3-1110"
GMSA_CLASS = "7b8b558a-93a5-4af7-adca-c017e67f1057"

# DACL-only descriptors, as a DC returns them under LDAP_SERVER_SD_FLAGS_OID with DACL_SECURITY_INFORMATION
# (no owner, group or SACL), packed by Samba 4.22 as SAMBA_DESCRIPTORS above. "ou-dacl" is canonical: an
# explicit deny, explicit allows, then inherited ACEs. "ou-dacl-delegated" is the same with the eleven ACEs
# of every gmsa_delegation right for DELEGATE between the explicit and the inherited ACEs.
_OU_EXPLICIT = "(OD;;CR;00299570-246d-11d0-a768-00aa006e0529;;WD)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)(A;;LCRPLORC;;;AU)"
_OU_INHERITED = (
    "(OA;CIIOID;RP;4c164200-20c0-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;RU)(A;CIID;LC;;;RU)"
)
_DELEGATED = (
    f"(OA;CI;CCDC;{GMSA_CLASS};;{DELEGATE})"
    + "".join(
        f"(OA;CIIO;WP;{attribute};{GMSA_CLASS};{DELEGATE})"
        for attribute in (
            "72e39547-7b18-11d1-adef-00c04fd8d5cd",
            "bf967950-0de6-11d0-a285-00aa003049e2",
            "bf967a68-0de6-11d0-a285-00aa003049e2",
            "f3a64788-5306-11d1-a9c5-0000f80367c1",
            "20119867-1d04-4ab7-9371-cfc3d5df0afd",
            "888eedd6-ce04-df40-b462-b8a50e41ba38",
        )
    )
    + f"(OA;CI;CCDC;bf967a9c-0de6-11d0-a285-00aa003049e2;;{DELEGATE})"
    + f"(OA;CIIO;WP;bf967950-0de6-11d0-a285-00aa003049e2;bf967a9c-0de6-11d0-a285-00aa003049e2;{DELEGATE})"
    + f"(OA;CIIO;WP;9a9a021e-4a5b-11d1-a9c3-0000f80367c1;bf967a9c-0de6-11d0-a285-00aa003049e2;{DELEGATE})"
    + f"(OA;CIIO;RPWP;bf9679c0-0de6-11d0-a285-00aa003049e2;bf967a9c-0de6-11d0-a285-00aa003049e2;{DELEGATE})"
)
DACL_ONLY_DESCRIPTORS = {
    "ou-dacl": (
        f"D:AI{_OU_EXPLICIT}{_OU_INHERITED}",
        "01000484000000000000000000000000140000000400ac0005000000060028000001000001000000709529006d24d011a76800aa"
        "006e052901010000000000010000000000001400ff010f00010100000000000512000000000014009400020001010000000000050b"
        "000000051a3c0010000000030000000042164cc020d011a76800aa006e0529ba7a96bfe60dd011a28500aa003049e201020000000000"
        "05200000002a02000000121800040000000102000000000005200000002a020000",
    ),
    "ou-dacl-delegated": (
        f"D:AI{_OU_EXPLICIT}{_DELEGATED}{_OU_INHERITED}",
        "01000484000000000000000000000000140000000400a40310000000060028000001000001000000709529006d24d011a76800aa"
        "006e052901010000000000010000000000001400ff010f00010100000000000512000000000014009400020001010000000000050b"
        "0000000502380003000000010000008a558b7ba593f74aadcac017e67f10570105000000000005150000000100000002000000030000"
        "0056040000050a480020000000030000004795e372187bd111adef00c04fd8d5cd8a558b7ba593f74aadcac017e67f105701050000"
        "000000051500000001000000020000000300000056040000050a48002000000003000000507996bfe60dd011a28500aa003049e28a55"
        "8b7ba593f74aadcac017e67f105701050000000000051500000001000000020000000300000056040000050a48002000000003000000"
        "687a96bfe60dd011a28500aa003049e28a558b7ba593f74aadcac017e67f10570105000000000005150000000100000002000000030000"
        "0056040000050a480020000000030000008847a6f30653d111a9c50000f80367c18a558b7ba593f74aadcac017e67f105701050000"
        "000000051500000001000000020000000300000056040000050a4800200000000300000067981120041db74a9371cfc3d5df0afd8a55"
        "8b7ba593f74aadcac017e67f105701050000000000051500000001000000020000000300000056040000050a48002000000003000000"
        "d6ed8e8804ce40dfb462b8a50e41ba388a558b7ba593f74aadcac017e67f105701050000000000051500000001000000020000000300"
        "0000560400000502380003000000010000009c7a96bfe60dd011a28500aa003049e20105000000000005150000000100000002000000"
        "0300000056040000050a48002000000003000000507996bfe60dd011a28500aa003049e29c7a96bfe60dd011a28500aa003049e20105"
        "0000000000051500000001000000020000000300000056040000050a480020000000030000001e029a9a5b4ad111a9c30000f80367c1"
        "9c7a96bfe60dd011a28500aa003049e201050000000000051500000001000000020000000300000056040000050a4800300000000300"
        "0000c07996bfe60dd011a28500aa003049e29c7a96bfe60dd011a28500aa003049e20105000000000005150000000100000002000000"
        "0300000056040000051a3c0010000000030000000042164cc020d011a76800aa006e0529ba7a96bfe60dd011a28500aa003049e20102"
        "000000000005200000002a02000000121800040000000102000000000005200000002a020000",
    ),
    # One ACE, both GUID fields exercised apart: ObjectType only.
    "create-gmsa-only": (
        f"D:(OA;CI;CCDC;{GMSA_CLASS};;{DELEGATE})",
        "010004800000000000000000000000001400000004004000010000000502380003000000010000008a558b7ba593f74aadcac017e67f"
        "105701050000000000051500000001000000020000000300000056040000",
    ),
}


def dacl_blob(name: str) -> bytes:
    return bytes.fromhex(DACL_ONLY_DESCRIPTORS[name][1])


def delegated_aces() -> list[ObjectAce]:
    sd = sd_from_bytes(dacl_blob("ou-dacl-delegated"))
    assert sd.dacl is not None
    return [ace for ace in sd.dacl.aces if isinstance(ace, ObjectAce) and ace.sid == DELEGATE]


@pytest.mark.parametrize("name", sorted(DACL_ONLY_DESCRIPTORS))
def test_dacl_only_descriptors_round_trip_as_samba_packs_them(name: str) -> None:
    sddl, hex_blob = DACL_ONLY_DESCRIPTORS[name]
    blob = bytes.fromhex(hex_blob)
    sd = sd_from_bytes(blob)
    assert (sd.owner, sd.group, sd.sacl) == (None, None, None)
    assert sd_to_bytes(sd) == blob
    assert to_sddl(blob) == sddl


def test_delegation_object_aces_parse_field_by_field() -> None:
    first, write_dns, *_rest = delegated_aces()
    assert first == ObjectAce(ACCESS_ALLOWED_OBJECT_ACE_TYPE, CONTAINER_INHERIT_ACE, 0x3, DELEGATE, GMSA_CLASS, None)
    assert write_dns == ObjectAce(
        ACCESS_ALLOWED_OBJECT_ACE_TYPE,
        CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE,
        ADS_RIGHT_DS_WRITE_PROP,
        DELEGATE,
        "72e39547-7b18-11d1-adef-00c04fd8d5cd",
        GMSA_CLASS,
    )
    assert ace_to_sddl(write_dns) == f"(OA;CIIO;WP;72e39547-7b18-11d1-adef-00c04fd8d5cd;{GMSA_CLASS};{DELEGATE})"


def test_add_explicit_aces_puts_them_between_explicit_and_inherited_as_samba_packs_it() -> None:
    sd = sd_from_bytes(dacl_blob("ou-dacl"))
    dacl, added = add_explicit_aces(sd.dacl, delegated_aces())
    assert added == delegated_aces()
    assert sd_to_bytes(replace(sd, dacl=dacl)) == dacl_blob("ou-dacl-delegated")


def test_add_explicit_aces_adds_nothing_twice() -> None:
    sd = sd_from_bytes(dacl_blob("ou-dacl-delegated"))
    dacl, added = add_explicit_aces(sd.dacl, delegated_aces() + delegated_aces()[:1])
    assert added == []
    assert dacl is sd.dacl


def test_add_explicit_aces_does_not_count_an_inherited_copy() -> None:
    ace = delegated_aces()[0]
    inherited = replace(ace, flags=ace.flags | INHERITED_ACE)
    dacl, added = add_explicit_aces(Acl(ACL_REVISION_DS, [inherited]), [ace])
    assert added == [ace]
    assert dacl.aces == [ace, inherited]


def test_add_explicit_aces_raises_revision_2_for_object_aces() -> None:
    dacl, _added = add_explicit_aces(Acl(ACL_REVISION, [_allow(ALICE)]), delegated_aces()[:1])
    assert dacl.revision == ACL_REVISION_DS
    assert dacl.aces == [_allow(ALICE), delegated_aces()[0]]


def test_add_explicit_aces_to_no_dacl() -> None:
    dacl, added = add_explicit_aces(None, delegated_aces()[:1])
    assert sd_to_bytes(SecurityDescriptor(dacl=dacl, control=SE_SELF_RELATIVE)) == dacl_blob("create-gmsa-only")
    assert added == delegated_aces()[:1]


def test_add_explicit_aces_refuses_an_inherited_ace() -> None:
    ace = delegated_aces()[0]
    with pytest.raises(ValueError, match="INHERITED_ACE"):
        add_explicit_aces(None, [replace(ace, flags=INHERITED_ACE)])


def test_remove_explicit_aces_restores_the_bytes_before() -> None:
    sd = sd_from_bytes(dacl_blob("ou-dacl-delegated"))
    dacl, removed = remove_explicit_aces(sd.dacl, delegated_aces())
    assert removed == delegated_aces()
    assert sd_to_bytes(replace(sd, dacl=dacl)) == dacl_blob("ou-dacl")


def test_remove_explicit_aces_keeps_inherited_and_other_trustees_aces() -> None:
    ace = delegated_aces()[0]
    inherited = replace(ace, flags=ace.flags | INHERITED_ACE)
    other = replace(ace, sid=ALICE)
    acl = Acl(ACL_REVISION_DS, [other, ace, inherited, ace])
    dacl, removed = remove_explicit_aces(acl, [ace])
    assert removed == [ace, ace]
    assert dacl is not None
    assert dacl.aces == [other, inherited]


def test_remove_explicit_aces_changes_nothing_when_absent() -> None:
    acl = Acl(ACL_REVISION_DS, [_allow(ALICE)])
    assert remove_explicit_aces(acl, delegated_aces()) == (acl, [])
    assert remove_explicit_aces(None, delegated_aces()) == (None, [])
