# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The object engine on a small made-up kind: what each kind of row plans, without a server."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adcodecs import (
    INTEGER,
    TEXT,
    TEXTS,
    bit_names,
    flag,
    same_set_by,
    same_text_ci,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import (
    ADD_DELETE,
    PATH_ROW,
    ObjectKind,
    ObjectRequest,
    PlanContext,
    Principals,
    Row,
    plan_object,
    rdn_of,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adwrite import (
    permission_hint,
    plan_diff,
    plan_result,
    send,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import DomainInfo, Entry
from ansible_collections.wincontainers.gmsa.plugins.module_utils._principals import Principal, PrincipalIndex

DOMAIN_DN = "DC=x"
GUID = "00112233445566778899aabbccddeeff"
OWNER = Principal(f"CN=Owner,CN=Users,{DOMAIN_DN}", "S-1-5-21-1-2-3-1000", "Owner", "user")
DOMAIN = DomainInfo(
    "x", "X", DOMAIN_DN, "", "", DOMAIN_DN, "x", "S-1-5-21-1-2-3", "", "", {GUID: f"OU=Things,{DOMAIN_DN}"}
)

ROWS = (
    Row("label", "label", {"type": "str"}, TEXT, same=same_text_ci, default=lambda new: new.name.lower()),
    Row("on", "flags", {"type": "bool"}, flag(0x1), default=lambda _new: True),
    Row("off", "flags", {"type": "bool"}, flag(0x4, inverted=True)),
    Row("colors", "colors", {"type": "dict"}, bit_names({"red": 1, "blue": 2}), list_key=str),
    Row("level", "level", {"type": "int"}, INTEGER, create_only=True, default=lambda _new: 1),
    Row(
        "size", "size", {"type": "str"}, TEXT, steps=lambda a, b: ["medium", b] if {a, b} == {"small", "large"} else [b]
    ),
    Row("tags", "tag", {"type": "dict"}, TEXTS, same=same_set_by(str.lower), list_key=str.lower, write=ADD_DELETE),
    Row("owner", "owner", {"type": "str"}, TEXT, same=same_text_ci, principals=Principals("dn")),
)
THING = ObjectKind(
    object_class="thing",
    noun="thing",
    object_noun="thing",
    rows=ROWS,
    container_guid=GUID,
    container_fallback="CN=Things",
    name_rule=str,
    permission_name="Thing",
    conflict_text="{name} is already a {other}: {dn}.",
    create_attributes={"flags": ("16",)},
)


def thing(**attributes: list[bytes]) -> Entry:
    base = {"samaccountname": [b"T1"], "objectclass": [b"top", b"thing"], "flags": [b"17"], "level": [b"1"]}
    base.update({k.lower(): v for k, v in attributes.items()})
    return Entry(f"CN=T1,OU=Things,{DOMAIN_DN}", base)


def plan(entry: Entry | None, action: str = "fail", **options):
    return plan_object(
        THING, entry, ObjectRequest("T1", options=options), PlanContext(DOMAIN, PrincipalIndex([OWNER]), action)
    )


def test_create_in_the_well_known_container_with_defaults_over_create_attributes():
    new = plan(None, colors={"set": ["blue"]}, owner="Owner")
    (operation,) = new.operations
    assert operation.dn == f"CN=T1,OU=Things,{DOMAIN_DN}"
    assert operation.attributes == {
        "flags": ["17"],
        "sAMAccountName": ["T1"],
        "label": ["t1"],
        "colors": ["2"],
        "level": ["1"],
        "owner": [OWNER.dn],
    }
    assert new.after == {
        "label": "t1", "on": True, "off": True, "colors": ["blue"], "level": 1, "size": None, "tags": [],
        "owner": OWNER.dn,
    }  # fmt: skip


def test_without_the_well_known_guid_the_fallback_container():
    bare = DomainInfo("x", "X", DOMAIN_DN, "", "", DOMAIN_DN, "x", "", "", "", {})
    assert THING.container(bare) == f"CN=Things,{DOMAIN_DN}"


def test_two_rows_of_one_attribute_write_it_once_with_both_changes():
    changed = plan(thing(), on=False, off=False)
    (operation,) = changed.operations
    assert operation.changes == {"flags": [("delete", [b"17"]), ("add", [b"20"])]}
    assert changed.changed_options == ["on", "off"]


def test_steps_are_separate_writes_before_the_one_modify():
    first, second = plan(thing(size=[b"small"]), size="large", label="New").operations
    assert first.changes == {"size": [("delete", [b"small"]), ("add", [b"medium"])]}
    assert second.changes == {"size": [("delete", [b"medium"]), ("add", [b"large"])], "label": [("add", [b"New"])]}


def test_add_delete_rows_write_only_what_changes():
    (operation,) = plan(thing(tag=[b"a", b"B"]), tags={"set": ["b", "c"]}).operations
    assert operation.changes == {"tag": [("add", ["c"]), ("delete", ["a"])]}


def test_create_only_rows_fail_on_a_difference():
    with pytest.raises(GmsaError, match="thing T1 has level 1, not 2: AD only sets level when the thing is created"):
        plan(thing(), level=2)
    assert plan(thing(), level=1).operations == []


def test_a_principal_row_stores_the_dn_clears_with_an_empty_string_and_keeps_a_missing_one():
    assert plan(thing(owner=[OWNER.dn.upper().encode()]), owner="Owner").operations == []
    (operation,) = plan(thing(owner=[OWNER.dn.encode()]), owner="").operations
    assert operation.changes == {"owner": [("delete", [OWNER.dn.encode()])]}
    with pytest.raises(GmsaError, match="No user, computer or group found for Nobody"):
        plan(thing(), owner="Nobody")
    assert plan(thing(), "ignore", owner="Nobody").operations == []


def test_results_and_diffs_come_from_the_table():
    index = PrincipalIndex([OWNER])
    new = plan(None, tags={"add": ["a"]})
    # The DC assigns SID and GUID on creation: unknown (None) in a plan, never prose or a made-up value.
    assert plan_result(new, index)["sid"] is None
    assert plan_result(new, index)["object_guid"] is None
    assert plan_result(new, index)["tags"] == ["a"]
    assert plan_diff(new, index)["before"] == {"state": "absent"}
    changed = plan(thing(), label="Other")
    assert plan_diff(changed, index) == {"before": {"label": None}, "after": {"label": "Other"}}
    gone = plan_object(THING, thing(), ObjectRequest("T1", "absent"), PlanContext(DOMAIN))
    assert plan_result(gone, index) == {"name": "T1", "state": "absent", "distinguished_name": thing().dn}
    assert plan_diff(gone, index)["after"] == {"state": "absent"}


def test_the_name_taken_by_another_class_and_the_permission_hints():
    other = Entry("CN=T1,CN=Users,DC=x", {"objectclass": [b"top", b"user"]})
    assert THING.conflict_error("T1", other).message == "T1 is already a user: CN=T1,CN=Users,DC=x."
    (add,) = plan(None).operations
    assert "'Create Thing objects' permission on OU=Things,DC=x" in permission_hint(THING, add)
    (modify,) = plan(thing(), label="y", on=False).operations
    assert permission_hint(THING, modify) == f"The bind account needs permission to write label, flags on {thing().dn}."


class RefusingClient:
    """Answers every write as a DC that refuses it does (the GmsaError LdapClient raises)."""

    def __init__(self, message: str, code: int) -> None:
        self.error = GmsaError(message, hint="generic advice", result_code=code)

    def modify(self, dn: str, changes: object) -> None:
        raise self.error


def test_a_systemonly_refusal_says_to_give_the_value_on_creation():
    (operation,) = plan(thing(), label="y").operations
    refusal = (
        "LDAP modify failed: constraintViolation (19). Server says: attribute 'label' can only be modified as system"
    )
    with pytest.raises(GmsaError) as failure:
        send(RefusingClient(refusal, 19), THING, operation)
    assert failure.value.hint.startswith("This DC lets only itself change label of an existing object")
    assert "give the value when the thing is created" in failure.value.hint
    with pytest.raises(GmsaError) as other:
        send(RefusingClient("LDAP modify failed: constraintViolation (19).", 19), THING, operation)
    assert other.value.hint == "generic advice"


@pytest.mark.parametrize(
    ("dn", "rdn"),
    [("CN=Doe\\, John,OU=People,DC=x", "CN=Doe\\, John"), ("CN=T1,OU=Things,DC=x", "CN=T1"), ("DC=x", "DC=x")],
)
def test_rdn_of(dn, rdn):
    assert rdn_of(dn) == rdn


def test_a_path_spelled_otherwise_is_the_same_container():
    # AD returns OU=Doe\, John; a user may type the comma as \2C, in another case or with spaces: no move
    assert PATH_ROW.same("OU=Doe\\, John,DC=x", "ou=doe\\2C John, DC=X")
    assert not PATH_ROW.same("OU=Doe\\, John,DC=x", "OU=Doe,OU=John,DC=x")


def test_a_principal_given_by_a_dn_spelled_otherwise_is_found():
    index = PrincipalIndex([OWNER])  # its DN as AD returns it: CN=Owner,CN=Users,DC=x
    assert index.find("cn=owner, cn=users, dc=X") == OWNER
    assert index.find("CN=\\4fwner,CN=Users,DC=x") == OWNER  # an escaped O (RFC 4514 2.4)
    assert index.find("CN=Owner2,CN=Users,DC=x") is None
