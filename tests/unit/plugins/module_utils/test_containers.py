# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Objects in the way of a task's new DNs, and the one read per container that finds them (pure, fake client)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import (
    ObjectRequest,
    PlanContext,
    plan_object,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._containers import (
    ContainersSeen,
    container_filter,
    names_taken,
    new_names,
    read_containers,
    require_free_names,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._gmsa import GMSA
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry, dn_key
from ansible_collections.wincontainers.gmsa.plugins.module_utils._rights import require_rights
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.test_gmsa import (
    CONTOSO,
    DOMAIN_DN,
    MSA,
    _entry,
)

OU = f"OU=Apps,{DOMAIN_DN}"


def plan(entry, name: str = "app1", state: str = "present", **options: Any):
    return plan_object(GMSA, entry, ObjectRequest(name, state, options=options), PlanContext(CONTOSO))


def group(dn: str, sam: str = "app1") -> Entry:
    return Entry(dn, {"objectclass": [b"top", b"group"], "samaccountname": [sam.encode()]})


def test_the_new_names_per_container_from_creates_and_moves_only():
    plans = [plan(None, path=OU), plan(None, "App2", path=OU), plan(None, "app3"), plan(_entry(), path=OU)]
    assert new_names(plans) == {dn_key(OU): (OU, ["app1", "App2", "WebApp01"]), dn_key(MSA): (MSA, ["app3"])}
    assert new_names([plan(_entry(), description="x"), plan(_entry(), state="absent")]) == {}


def test_the_filter_finds_the_container_and_escapes_the_names():
    assert container_filter(OU, ["app1", "a(b)*"]) == (f"(|(distinguishedName={OU})(name=app1)(name=a\\28b\\29\\2a))")


def test_a_group_holding_the_gmsas_dn_is_in_the_way_whatever_the_case_and_spacing():
    seen = ContainersSeen(
        {dn_key(OU): {"msds-groupmanagedserviceaccount"}}, (group("cn=APP1, ou=apps,dc=contoso,dc=com"),)
    )
    (taken,) = names_taken([plan(None, path=OU)], seen)
    assert (taken.name, taken.dn, taken.holder_class, taken.verb) == ("app1", f"CN=app1,{OU}", "group", "created")
    assert taken.as_dict()["holder_sam_account_name"] == "app1"


def test_a_move_into_a_container_where_the_rdn_is_taken():
    seen = ContainersSeen({}, (group(f"CN=WebApp01,{OU}", "WebApp01"),))
    (taken,) = names_taken([plan(_entry(), "WebApp01", path=OU)], seen)
    assert (taken.dn, taken.verb) == (f"CN=WebApp01,{OU}", f"moved to {OU}")


def test_objects_deeper_down_or_elsewhere_and_those_the_task_removes_first_are_not_in_the_way():
    deeper = group(f"CN=app1,OU=Old,{OU}")
    assert names_taken([plan(None, path=OU)], ContainersSeen({}, (deeper,))) == []
    # The task deletes the object holding the DN before it creates the new one.
    holder = Entry(f"CN=app1,{OU}", {"samaccountname": [b"old$"], "objectclass": [b"computer"]})
    gone = plan(Entry(f"CN=app1,{OU}", holder.attributes), "old", "absent")
    assert names_taken([gone, plan(None, path=OU)], ContainersSeen({}, (holder,))) == []
    assert len(names_taken([plan(None, path=OU), gone], ContainersSeen({}, (holder,)))) == 1


def test_an_object_the_task_moves_away_only_later_is_named_with_the_order_that_works():
    # An existing gMSA whose CN (app1) is not its sAMAccountName (old$) leaves the container after the new app1 is
    # planned: the add would meet entryAlreadyExists, so the error says which entry to list first.
    holder = Entry(f"CN=app1,{MSA}", {"samaccountname": [b"old$"], "objectclass": [b"msDS-GroupManagedServiceAccount"]})
    leaves = plan(holder, "old", path=OU)
    (taken,) = names_taken([plan(None), leaves], ContainersSeen({}, (holder,)))
    assert taken.freed_later_by == "old"
    with pytest.raises(GmsaError) as failure:
        require_free_names([plan(None), leaves], ContainersSeen({}, (holder,)))
    assert "already holds that DN until old of this task leaves it: list old before app1" in failure.value.message
    assert "two objects of one CN cannot share a container" in failure.value.message
    assert names_taken([leaves, plan(None)], ContainersSeen({}, (holder,))) == []
    # An object the task does not move is in the way, with nothing more to say.
    (still,) = names_taken([plan(None)], ContainersSeen({}, (holder,)))
    assert still.freed_later_by == ""
    assert "until" not in still.describe()


def test_the_error_names_every_object_in_the_way_and_what_to_do():
    seen = ContainersSeen({}, (group(f"CN=app1,{OU}"), group(f"CN=app2,{OU}", "app2")))
    with pytest.raises(GmsaError) as failure:
        require_free_names([plan(None, path=OU), plan(None, "app2", path=OU), plan(None, "app3", path=OU)], seen)
    error = failure.value
    assert error.message.startswith("2 planned object(s) would take a DN another object holds, so nothing was written")
    assert f"gMSA app1 cannot be created as CN=app1,{OU}: a group app1 already holds that DN" in error.message
    assert "another name, or another path" in (error.hint or "")
    assert error.details["result"] == "entryAlreadyExists"
    assert [t["holder_dn"] for t in error.details["names_taken"]] == [f"CN=app1,{OU}", f"CN=app2,{OU}"]


class Directory:
    """A fake client answering each container search with the entries under it that the test lists."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.searches: list[tuple[str, str, str]] = []

    def search(self, base: str, ldap_filter: str, attributes: Any, scope: str = "subtree") -> list[Entry]:
        self.searches.append((base, ldap_filter, scope))
        return [e for e in self.entries if e.dn.lower().endswith(base.lower())]


def test_one_subtree_search_per_container_tells_the_rights_and_the_objects_in_the_way():
    container = Entry(OU, {"allowedchildclasseseffective": [b"group", b"msDS-GroupManagedServiceAccount"]})
    client = Directory([container, group(f"CN=app1,{OU}"), group(f"CN=app1,OU=Old,{OU}")])
    plans = [plan(None, path=OU), plan(None, "app2", path=OU.upper()), plan(None, "app3")]
    seen = read_containers(client, plans)
    assert [(base, scope) for base, _filter, scope in client.searches] == [(OU, "subtree"), (MSA, "subtree")]
    assert seen.allowed_children == {dn_key(OU): {"group", "msds-groupmanagedserviceaccount"}, dn_key(MSA): None}
    assert [e.dn for e in seen.holders] == [f"CN=app1,{OU}"]


def test_nothing_created_nothing_read():
    client = Directory([])
    assert read_containers(client, [plan(_entry(), description="x")]) == ContainersSeen({}, ())
    assert client.searches == []


WEB_TYPED = f"OU=Web\\2CApps,{DOMAIN_DN}"  # the comma as a hex escape, as a user may type it
WEB_AD = f"OU=Web\\,Apps,{DOMAIN_DN}"  # the same OU as AD returns it


class AdSpelling:
    """A DC that finds the container however the base spells it, and returns every DN in its own spelling."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.searches: list[str] = []

    def search(self, base: str, ldap_filter: str, attributes: Any, scope: str = "subtree") -> list[Entry]:
        self.searches.append(base)
        return [e for e in self.entries if dn_key(e.dn).endswith(dn_key(base))]


def test_a_container_spelled_two_ways_is_read_once_and_its_rights_reach_both_plans():
    container = Entry(WEB_AD, {"allowedchildclasseseffective": [b"msDS-GroupManagedServiceAccount"]})
    client = AdSpelling([container, group(f"CN=app2,{WEB_AD}", "app2")])
    plans = [plan(None, path=WEB_TYPED), plan(None, "app2", path=WEB_AD.upper())]
    assert list(new_names(plans)) == [dn_key(WEB_AD)]
    seen = read_containers(client, plans)
    assert client.searches == [WEB_TYPED]  # one read for the one container
    assert seen.allowed_children == {dn_key(WEB_AD): {"msds-groupmanagedserviceaccount"}}
    require_rights(client, plans, seen.allowed_children)  # the container exists and the gMSAs may be created
    (taken,) = names_taken(plans, seen)
    assert (taken.name, taken.holder.dn) == ("app2", f"CN=app2,{WEB_AD}")
