# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import MOVE
from ansible_collections.wincontainers.gmsa.plugins.module_utils._delegation import (
    ATTRIBUTE_GUIDS,
    CLASS_GUIDS,
    DACL_ONLY_CONTROL,
    GMSA_WRITTEN_ATTRIBUTES,
    GROUP_WRITTEN_ATTRIBUTES,
    RIGHT_NAMES,
    RIGHTS,
    DelegationRequest,
    aces_for,
    dacl_lines,
    ensure_delegation,
    grant_hint,
    plan_dacl,
    require_write_dac,
    right_to_create,
    right_to_write,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError, ValidationError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._gmsa import ROWS as GMSA_ROWS
from ansible_collections.wincontainers.gmsa.plugins.module_utils._groups import ROWS as GROUP_ROWS
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import (
    ACCESS_ALLOWED_ACE_TYPE,
    INHERITED_ACE,
    Ace,
    Acl,
    ace_to_sddl,
)

DOMAIN = "S-1-5-21-1-2-3"
DELEGATE = "S-1-5-21-1-2-3-1110"
GMSA = "7b8b558a-93a5-4af7-adca-c017e67f1057"
GROUP = "bf967a9c-0de6-11d0-a285-00aa003049e2"

# The ACEs as the Delegation of Control wizard's templates write them (delegwiz.inf: "Create, delete, and
# manage groups" gives CC,DC on the class; "Modify the membership of a group" gives RP,WP on member), with the
# collection's attributes. test_sd.py checks that Samba packs exactly these ACEs as the codec does.
EXPECTED_SDDL = {
    "create_gmsa": [f"(OA;CI;CCDC;{GMSA};;{DELEGATE})"],
    "manage_gmsa": [
        f"(OA;CIIO;WP;{guid};{GMSA};{DELEGATE})"
        for guid in (
            "72e39547-7b18-11d1-adef-00c04fd8d5cd",  # dNSHostName
            "bf967950-0de6-11d0-a285-00aa003049e2",  # description
            "bf967a68-0de6-11d0-a285-00aa003049e2",  # userAccountControl
            "f3a64788-5306-11d1-a9c5-0000f80367c1",  # servicePrincipalName
            "20119867-1d04-4ab7-9371-cfc3d5df0afd",  # msDS-SupportedEncryptionTypes
            "888eedd6-ce04-df40-b462-b8a50e41ba38",  # msDS-GroupMSAMembership
            "3f78c3e5-f79a-46bd-a0b8-9d18116ddc79",  # msDS-AllowedToActOnBehalfOfOtherIdentity
        )
    ],
    "create_group": [
        f"(OA;CI;CCDC;{GROUP};;{DELEGATE})",
        f"(OA;CIIO;WP;bf967950-0de6-11d0-a285-00aa003049e2;{GROUP};{DELEGATE})",
        f"(OA;CIIO;WP;9a9a021e-4a5b-11d1-a9c3-0000f80367c1;{GROUP};{DELEGATE})",
        f"(OA;CIIO;WP;0296c120-40da-11d1-a9c0-0000f80367c1;{GROUP};{DELEGATE})",  # managedBy
    ],
    "manage_group_membership": [f"(OA;CIIO;RPWP;bf9679c0-0de6-11d0-a285-00aa003049e2;{GROUP};{DELEGATE})"],
}


@pytest.mark.parametrize("right", RIGHT_NAMES)
def test_each_right_is_the_wizards_aces(right: str) -> None:
    assert [ace_to_sddl(ace) for ace in aces_for([right], DELEGATE)] == EXPECTED_SDDL[right]


def test_rights_come_in_documented_order_whatever_the_order_asked() -> None:
    aces = aces_for(["manage_group_membership", "create_gmsa", "create_gmsa"], DELEGATE)
    assert [ace_to_sddl(a) for a in aces] == EXPECTED_SDDL["create_gmsa"] + EXPECTED_SDDL["manage_group_membership"]


def test_every_right_is_expected_and_no_ace_belongs_to_two_rights() -> None:
    assert set(RIGHT_NAMES) == set(EXPECTED_SDDL)
    every = [ace_to_sddl(a) for r in RIGHT_NAMES for a in aces_for([r], DELEGATE)]
    assert len(every) == len(set(every)) == 13


def test_unknown_right_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"Unknown right.*full_control.*use create_gmsa"):
        aces_for(["full_control"], DELEGATE)


def test_a_path_that_is_not_a_dn_is_refused_before_any_search() -> None:
    # No client is needed: the check runs before the first LDAP operation (the DC would answer a bare OU name
    # with an unhelpful "attribute type not present").
    request = DelegationRequest(path="Container Apps", trustee="GmsaAutomation", rights=["create_gmsa"])
    with pytest.raises(ValidationError, match=r"path 'Container Apps' is not a distinguished name"):
        ensure_delegation(None, request, check_mode=True, warn=lambda _text: None)


def test_manage_gmsa_covers_every_attribute_gmsa_account_changes() -> None:
    # A new row in the gMSA attribute table that is written on existing accounts needs its WRITE_PROPERTY here.
    # A move (write=MOVE) is a rename, granted by create/delete child, not by a WRITE_PROPERTY.
    written = {row.attribute for row in GMSA_ROWS if not row.create_only and row.write != MOVE}
    assert written == set(GMSA_WRITTEN_ATTRIBUTES)


def test_create_group_covers_every_attribute_gmsa_host_group_changes() -> None:
    # Members are manage_group_membership's; every other attribute written on an existing group is create_group's.
    written = {row.attribute for row in GROUP_ROWS if not row.create_only and row.write != MOVE} - {"member"}
    assert written == set(GROUP_WRITTEN_ATTRIBUTES)


def test_every_name_in_the_rights_has_a_schema_guid() -> None:
    names = {t.object_type for r in RIGHTS.values() for t in r} | {
        t.inherited_object_type for r in RIGHTS.values() for t in r if t.inherited_object_type
    }
    assert names <= set(CLASS_GUIDS) | set(ATTRIBUTE_GUIDS)
    assert set(GROUP_WRITTEN_ATTRIBUTES) <= set(ATTRIBUTE_GUIDS)


def test_sd_flags_control_is_what_ldap3_encodes() -> None:
    ldap3_microsoft = pytest.importorskip("ldap3.protocol.microsoft")
    control = ldap3_microsoft.security_descriptor_control(criticality=True, sdflags=0x4)[0]
    assert (str(control["controlType"]), True, bytes(control["controlValue"])) == DACL_ONLY_CONTROL


def _allow(sid: str, flags: int = 0) -> Ace:
    return Ace(ACCESS_ALLOWED_ACE_TYPE, flags, 0x20014, sid)


def test_plan_present_then_absent_gives_back_the_same_acl() -> None:
    start = Acl(4, [_allow("S-1-5-18"), _allow("S-1-5-11", INHERITED_ACE)])
    aces = aces_for(RIGHT_NAMES, DELEGATE)
    granted = plan_dacl(start, aces, "present")
    assert granted.changed
    assert granted.after is not None
    assert granted.after.aces == [start.aces[0], *aces, start.aces[1]]
    assert not plan_dacl(granted.after, aces, "present").changed
    withdrawn = plan_dacl(granted.after, aces, "absent")
    assert withdrawn.removed == aces
    assert withdrawn.after == start
    assert not plan_dacl(start, aces, "absent").changed


def test_absent_removes_only_the_rights_named() -> None:
    aces = aces_for(RIGHT_NAMES, DELEGATE)
    full = Acl(4, list(aces))
    plan = plan_dacl(full, aces_for(["manage_gmsa"], DELEGATE), "absent")
    assert plan.after is not None
    assert [ace_to_sddl(a) for a in plan.after.aces] == [
        *EXPECTED_SDDL["create_gmsa"],
        *EXPECTED_SDDL["create_group"],
        *EXPECTED_SDDL["manage_group_membership"],
    ]


def test_dacl_lines_use_domain_aliases() -> None:
    acl = Acl(4, [_allow(f"{DOMAIN}-512"), _allow("S-1-5-11")])
    assert dacl_lines(acl, DOMAIN) == ["(A;;LCRPRC;;;DA)", "(A;;LCRPRC;;;AU)"]
    assert dacl_lines(None, DOMAIN) == []


@pytest.mark.parametrize(
    ("effective", "refused"),
    [
        pytest.param([b"4"], False, id="dacl-bit"),
        pytest.param([b"15"], False, id="all-bits"),
        pytest.param([b"1"], True, id="owner-only"),
        pytest.param([b"0"], True, id="nothing"),
        pytest.param([], False, id="not-returned-the-dc-decides"),
    ],
)
def test_require_write_dac(effective: list[bytes], refused: bool) -> None:
    entry = Entry("OU=Apps,DC=contoso,DC=com", {"sdrightseffective": effective})
    if not refused:
        require_write_dac(entry)
        return
    with pytest.raises(GmsaError, match=r"permissions of OU=Apps,DC=contoso,DC=com: it lacks WRITE_DAC") as excinfo:
        require_write_dac(entry)
    assert excinfo.value.details["missing_right"] == "WRITE_DAC"


@pytest.mark.parametrize(
    ("object_class", "right"),
    [("msDS-GroupManagedServiceAccount", "create_gmsa"), ("group", "create_group"), ("user", None)],
)
def test_right_to_create(object_class: str, right: str | None) -> None:
    assert right_to_create(object_class) == right


@pytest.mark.parametrize(
    ("object_class", "attribute", "right"),
    [
        ("msDS-GroupManagedServiceAccount", "servicePrincipalName", "manage_gmsa"),
        ("msDS-GroupManagedServiceAccount", "msds-groupmsamembership", "manage_gmsa"),
        ("group", "member", "manage_group_membership"),
        ("group", "groupType", "create_group"),
        ("group", "servicePrincipalName", None),
        ("msDS-GroupManagedServiceAccount", "member", None),
    ],
)
def test_right_to_write(object_class: str, attribute: str, right: str | None) -> None:
    assert right_to_write(object_class, attribute) == right


def test_grant_hint_names_the_task() -> None:
    hint = grant_hint("OU=Apps,DC=contoso,DC=com", ["manage_gmsa", "create_gmsa"], "gMSA-Automation")
    assert hint == (
        "Have the AD team run wincontainers.gmsa.gmsa_delegation with path: OU=Apps,DC=contoso,DC=com, "
        "trustee: gMSA-Automation, rights: [create_gmsa, manage_gmsa]."
    )
    assert "trustee: <the bind account" in grant_hint("OU=Apps,DC=contoso,DC=com", ["create_group"])
