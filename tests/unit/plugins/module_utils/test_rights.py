# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which planned writes the bind account may not make, from AD's constructed attributes (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import (
    ObjectRequest,
    PlanContext,
    plan_object,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._gmsa import GMSA
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry, dn_key
from ansible_collections.wincontainers.gmsa.plugins.module_utils._rights import (
    containers_created_in,
    missing_rights,
    modified_entries,
    read_allowed_attributes,
    read_allowed_children,
    require_rights,
    rights_error,
)
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.test_gmsa import (
    CONTOSO,
    DOMAIN_DN,
    MSA,
    _entry,
)

OU = f"OU=Apps,{DOMAIN_DN}"


def plan(entry, name: str = "WebApp01", **options: Any):
    return plan_object(GMSA, entry, ObjectRequest(name, options=options), PlanContext(CONTOSO))


def writable(*attributes: str):
    return _entry(allowedAttributesEffective=[a.encode() for a in attributes])


def test_a_create_needs_the_class_among_the_containers_allowed_child_classes():
    plans = [plan(None), plan(None, "Other", path=OU)]
    assert containers_created_in(plans) == [MSA, OU]
    children = {dn_key(MSA): {"msds-groupmanagedserviceaccount"}, dn_key(OU): {"user", "group"}}
    (missing,) = missing_rights(plans, children)
    assert (missing.name, missing.right, missing.path) == ("Other", "create_gmsa", OU)
    assert missing.what == (f"create msDS-GroupManagedServiceAccount objects in {OU}",)


def test_a_modify_needs_each_attribute_among_the_objects_allowed_attributes():
    assert missing_rights([plan(writable("description"), description="web")], {}) == []
    (missing,) = missing_rights([plan(writable("description"), description="web", enabled=False)], {})
    assert (missing.what, missing.right, missing.path) == (("write userAccountControl",), "manage_gmsa", MSA)
    # No allowedAttributesEffective at all: the account may write nothing there.
    (missing,) = missing_rights([plan(_entry(), description="web")], {})
    assert missing.what == ("write description",)


def test_converged_objects_and_deletions_need_nothing_told_in_advance():
    assert (
        missing_rights(
            [plan(_entry()), plan_object(GMSA, _entry(), ObjectRequest("WebApp01", "absent"), PlanContext(CONTOSO))], {}
        )
        == []
    )


def test_one_failure_names_every_object_the_right_and_the_delegation_call():
    plans = [plan(None, "New1", path=OU), plan(None, "New2", path=OU), plan(_entry(), description="x")]
    error = rights_error(missing_rights(plans, {dn_key(OU): set()}))
    assert (
        "lacks rights (insufficientAccessRights, told in advance by the DC) for 3 planned write(s), so nothing was "
        "written" in error.message
    )
    assert "gMSA New1 (CN=New1," in error.message and "(right create_gmsa)" in error.message
    assert "write description (right manage_gmsa)" in error.message
    assert f"gmsa_delegation with path: {OU}" in (error.hint or "")
    assert "rights: [create_gmsa]" in (error.hint or "")
    assert f"path: {MSA}, trustee: <the bind account or its group>, rights: [manage_gmsa]" in (error.hint or "")
    assert [m["right"] for m in error.details["missing_rights"]] == ["create_gmsa", "create_gmsa", "manage_gmsa"]


class Containers:
    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.searches: list[str] = []

    def search(self, base: str, _filter: str, attributes: Any, scope: str = "subtree") -> list[Any]:
        self.searches.append(base)
        if base not in self.answers:
            return []
        return [_entry(allowedChildClassesEffective=[c.encode() for c in self.answers[base]])]


def test_a_missing_container_fails_before_any_write_naming_it_and_the_objects():
    client = Containers({MSA: ["msDS-GroupManagedServiceAccount"]})
    with pytest.raises(GmsaError, match=f"The container {OU} does not exist .* so New1, New2 cannot be created"):
        require_rights(client, [plan(None), plan(None, "New1", path=OU), plan(None, "New2", path=OU.upper())])
    assert client.searches == [MSA, OU]  # one search per container, whatever the number of objects


def test_nothing_created_no_container_read():
    client = Containers({})
    require_rights(client, [plan(writable("description"), description="web")])
    assert client.searches == []


GUID = bytes(range(16))


class Rights:
    """A DC that answers the rights search by objectGUID with ``allowed`` for the object of GUID."""

    def __init__(self, allowed: list[str]) -> None:
        self.allowed = allowed
        self.searches: list[tuple[str, str, list[str]]] = []
        self.domain = CONTOSO

    def search(self, base: str, ldap_filter: str, attributes: Any, scope: str = "subtree") -> list[Any]:
        self.searches.append((base, ldap_filter, list(attributes)))
        return [_entry(objectGUID=[GUID], allowedAttributesEffective=[a.encode() for a in self.allowed])]


def test_the_rights_on_objects_to_modify_are_read_in_one_search_by_guid_only_for_those():
    changed = plan(_entry(objectGUID=[GUID]), description="web")
    converged = plan(_entry(objectGUID=[bytes(16)]))
    assert modified_entries([changed, converged]) == [changed.entry]
    client = Rights(["description"])
    require_rights(client, [changed, converged])
    (search,) = client.searches
    assert search == (DOMAIN_DN, "(|(objectGUID=" + "".join(f"\\{b:02x}" for b in GUID) + "))",
                      ["objectGUID", "allowedAttributesEffective"])  # fmt: skip
    client = Rights(["dNSHostName"])
    with pytest.raises(GmsaError, match="write description"):
        require_rights(client, [changed])


def test_a_converged_task_reads_no_rights():
    client = Rights([])
    require_rights(client, [plan(_entry(objectGUID=[GUID])), plan(_entry(objectGUID=[GUID]), "Other")])
    assert client.searches == []
    assert read_allowed_attributes(client, []) == {}


def test_rights_read_apart_win_over_the_entry_and_an_object_not_found_again_falls_back_to_it():
    changed = plan(_entry(objectGUID=[GUID], allowedAttributesEffective=[b"description"]), description="web")
    assert missing_rights([changed], {}, {dn_key(changed.dn): {"description"}}) == []
    (missing,) = missing_rights([changed], {}, {dn_key(changed.dn): set()})
    assert missing.what == ("write description",)
    assert missing_rights([changed], {}, {}) == []


# One OU, spelled three ways: with the hex escape a user may type, with RFC 1779 spaces, and as AD returns it.
WEB_TYPED = f"OU=Web\\2CApps,{DOMAIN_DN}"
WEB_SPACED = "OU=Web\\,Apps, DC=contoso, DC=com"
WEB_AD = f"OU=Web\\,Apps,{DOMAIN_DN}"


def test_one_container_however_its_dn_is_spelled_is_one_key():
    assert dn_key(WEB_TYPED) == dn_key(WEB_SPACED) == dn_key(WEB_AD.upper())
    plans = [plan(None, "New1", path=WEB_TYPED), plan(None, "New2", path=WEB_AD)]
    assert containers_created_in(plans) == [WEB_TYPED]  # one container: one read, in the first spelling
    # The rights AD told for the container as it spells it apply to the plans that spell it otherwise (the
    # lower-case DN missed it: the missing right went untold, and the DC refused the add).
    missing = missing_rights(plans, {dn_key(WEB_AD): {"user"}})
    assert [(m.name, m.right) for m in missing] == [("New1", "create_gmsa"), ("New2", "create_gmsa")]
    error = rights_error(missing)
    assert (error.hint or "").count("gmsa_delegation with path:") == 1  # one task to run, for one path


def test_the_containers_read_and_the_objects_modified_are_keyed_by_dn_key():
    client = Containers({WEB_SPACED: ["msDS-GroupManagedServiceAccount"]})
    assert read_allowed_children(client, [WEB_SPACED]) == {dn_key(WEB_AD): {"msds-groupmanagedserviceaccount"}}
    # A container typed with spaces and the same one as AD returns it: one key, so the plan finds its rights.
    assert missing_rights([plan(None, path=WEB_AD)], read_allowed_children(client, [WEB_SPACED])) == []
    changed = plan(_entry(objectGUID=[GUID]), description="web")
    assert modified_entries([changed, plan(Entry(changed.dn.upper(), changed.entry.attributes), description="x")]) == [
        changed.entry
    ]
    spaced = changed.dn.replace(",", ", ")
    assert missing_rights([changed], {}, {dn_key(spaced): {"description"}}) == []


def test_a_missing_container_spelled_two_ways_is_named_once_with_both_objects():
    client = Containers({MSA: ["msDS-GroupManagedServiceAccount"]})
    with pytest.raises(GmsaError) as failure:
        require_rights(client, [plan(None, "New1", path=WEB_TYPED), plan(None, "New2", path=WEB_AD)])
    assert failure.value.message.startswith(f"The container {WEB_TYPED} does not exist")
    assert "so New1, New2 cannot be created" in failure.value.message
    assert client.searches == [WEB_TYPED]
