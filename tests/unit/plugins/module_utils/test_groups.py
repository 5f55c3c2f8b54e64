# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host group table, planned without a server."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import (
    ObjectRequest,
    PlanContext,
    plan_object,
    validate_request,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adwrite import request_context
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError, ValidationError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._groups import (
    HOST_GROUP,
    TICKET_REFRESH_WARNING,
    group_result,
    group_type,
    group_warnings,
    is_security_group,
    scope_of,
    scope_steps,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import WKGUID_USERS, DomainInfo, Entry, parent_dn
from ansible_collections.wincontainers.gmsa.plugins.module_utils._principals import (
    Principal,
    PrincipalIndex,
    identity_kind,
    principals_filter,
)
from ansible_collections.wincontainers.gmsa.plugins.modules.gmsa_host_group import GROUP_OPTIONS, requests_from_params

DOMAIN_DN = "DC=contoso,DC=com"
USERS = f"CN=Users,{DOMAIN_DN}"
HOST1 = Principal(f"CN=Host01,CN=Computers,{DOMAIN_DN}", "S-1-5-21-1-2-3-1001", "Host01$", "computer")
HOST2 = Principal(f"CN=Host02,CN=Computers,{DOMAIN_DN}", "S-1-5-21-1-2-3-1002", "Host02$", "computer")
CONTOSO = DomainInfo(
    "contoso.com",
    "CONTOSO",
    DOMAIN_DN,
    "",
    "",
    DOMAIN_DN,
    "contoso.com",
    "S-1-5-21-1-2-3",
    "",
    "",
    {WKGUID_USERS: USERS},
)


def _group(scope: str = "global", members: tuple[Principal, ...] = (HOST1,)) -> Entry:
    return Entry(
        f"CN=Hosts,{USERS}",
        {
            "samaccountname": [b"Hosts"],
            "objectclass": [b"top", b"group"],
            "grouptype": [str(group_type(scope)).encode()],
            "member": [p.dn.encode() for p in members],
        },
    )


def _plan(entry, **options):
    context = PlanContext(CONTOSO, PrincipalIndex([HOST1, HOST2]))
    return plan_object(HOST_GROUP, entry, ObjectRequest("Hosts", options=options), context)


@pytest.mark.parametrize(
    ("scope", "value"), [("domainlocal", -2147483644), ("global", -2147483646), ("universal", -2147483640)]
)
def test_group_type(scope, value):
    assert group_type(scope) == value
    assert scope_of(value) == scope
    assert is_security_group(value)


def test_distribution_group_is_not_security():
    assert not is_security_group(4)


@pytest.mark.parametrize(
    ("current", "wanted", "steps"),
    [
        ("global", "global", []),
        ("global", "universal", ["universal"]),
        ("universal", "domainlocal", ["domainlocal"]),
        ("global", "domainlocal", ["universal", "domainlocal"]),
        ("domainlocal", "global", ["universal", "global"]),
    ],
)
def test_scope_steps(current, wanted, steps):
    assert scope_steps(current, wanted) == steps


@pytest.mark.parametrize("name", ["Bad/Name", "a*b", "", "ends."])
def test_invalid_group_names(name):
    with pytest.raises(ValidationError):
        validate_request(HOST_GROUP, ObjectRequest(name))


def test_new_group_is_a_domain_local_security_group_in_users():
    plan = _plan(None, description="Hosts", members={"add": ["Host01", "Host02$"]})
    (operation,) = plan.operations
    assert (operation.kind, operation.dn) == ("add", f"CN=Hosts,{USERS}")
    assert operation.attributes == {
        "sAMAccountName": ["Hosts"],
        "groupType": [str(group_type("domainlocal"))],
        "description": ["Hosts"],
        "member": [HOST1.dn, HOST2.dn],
    }
    assert plan.list_changes("members") == ([HOST1.dn, HOST2.dn], [])


def test_scope_change_through_universal_then_one_modify_with_the_rest():
    plan = _plan(_group("global"), scope="domainlocal", members={"set": ["Host02"]})
    first, second = plan.operations
    scope = {name: str(group_type(name)).encode() for name in ("global", "universal", "domainlocal")}
    assert first.changes == {"groupType": [("delete", [scope["global"]]), ("add", [scope["universal"]])]}
    assert second.changes == {
        "groupType": [("delete", [scope["universal"]]), ("add", [scope["domainlocal"]])],
        "member": [("add", [HOST2.dn]), ("delete", [HOST1.dn])],
    }
    assert plan.after["scope"] == "domainlocal"


def test_members_are_added_and_deleted_never_replaced():
    (operation,) = _plan(_group(members=()), members={"add": ["host01"]}).operations
    assert operation.changes == {"member": [("add", [HOST1.dn])]}
    assert _plan(_group(), members={"add": ["HOST01$"], "remove": ["NoSuchHost"]}).operations == []


@pytest.mark.parametrize(
    ("identity", "kind"),
    [
        ("ContainerHost01", "name"),
        ("ContainerHost01$", "name"),
        ("S-1-5-21-1-2-3-1104", "sid"),
        ("CN=Host,CN=Computers,DC=contoso,DC=com", "dn"),
        ("a=b=c", "name"),
        ("0f6e3c52-8d1a-4b8e-9f0c-3a7d2e5b9c41", "guid"),
        ("{0F6E3C52-8D1A-4B8E-9F0C-3A7D2E5B9C41}", "guid"),
        ("{0f6e3c52-8d1a-4b8e-9f0c-3a7d2e5b9c41", "name"),
        ("host01@contoso.com", "upn"),
        ("CN=a@b,DC=contoso,DC=com", "dn"),
    ],
)
def test_identity_kind(identity, kind):
    assert identity_kind(identity) == kind


def test_one_filter_for_a_whole_list():
    text = principals_filter(["Host01", "Host02$", "S-1-5-32-544", "CN=A\\,B,DC=x"])
    assert text.startswith("(&(objectSid=*)(|")
    assert "(sAMAccountName=Host01)(sAMAccountName=Host01$)" in text
    assert "(sAMAccountName=Host02)(sAMAccountName=Host02$)" in text
    assert "(objectSid=\\01\\02" in text
    assert principals_filter([]) is None


def test_guids_and_upns_go_in_the_same_filter():
    text = principals_filter(["0f6e3c52-8d1a-4b8e-9f0c-3a7d2e5b9c41", "Host01@Contoso.com", "Host01"])
    # objectGUID as AD stores it: the first three fields little-endian (MS-DTYP 2.3.4.2).
    assert "(objectGUID=\\52\\3c\\6e\\0f\\1a\\8d\\8e\\4b\\9f\\0c\\3a\\7d\\2e\\5b\\9c\\41)" in text
    assert "(userPrincipalName=Host01@Contoso.com)" in text
    assert text.count("(|") == 1


def test_index_finds_by_guid_and_upn_ignoring_case_and_braces():
    host = Principal(
        "CN=Host01,CN=Computers,DC=x",
        "S-1-5-21-1-2-3-1001",
        "Host01$",
        "computer",
        "0f6e3c52-8d1a-4b8e-9f0c-3a7d2e5b9c41",
        "host/host01@x",
    )
    index = PrincipalIndex([host])
    assert index.find("{0F6E3C52-8D1A-4B8E-9F0C-3A7D2E5B9C41}") == host
    assert index.find("HOST/Host01@X") == host
    assert index.find("someone@x") is None


def test_index_finds_computers_by_bare_name():
    host = Principal("CN=Host01,CN=Computers,DC=x", "S-1-5-21-1-2-3-1001", "Host01$", "computer")
    user = Principal("CN=host01,CN=Users,DC=x", "S-1-5-21-1-2-3-1002", "host01", "user")
    index = PrincipalIndex([host])
    assert index.find("host01") == host
    assert index.find("HOST01$") == host
    assert index.find("cn=host01,cn=computers,dc=x") == host
    assert index.find("S-1-5-21-1-2-3-1001") == host
    index.add(user)
    assert index.find("host01") == user
    assert index.describe_sid("S-1-5-21-9") == {"name": None, "sid": "S-1-5-21-9"}


def test_parent_dn_with_escaped_comma():
    assert parent_dn("CN=Doe\\, John,OU=People,DC=x") == "OU=People,DC=x"


def test_managed_by_is_the_managers_dn():
    (operation,) = _plan(_group(), managed_by="host02").operations
    assert operation.changes == {"managedBy": [("add", [HOST2.dn.encode()])]}
    managed = Entry(_group().dn, {**_group().attributes, "managedby": [HOST2.dn.upper().encode()]})
    assert _plan(managed, managed_by=HOST2.sid).operations == []
    (cleared,) = _plan(managed, managed_by="").operations
    assert cleared.changes == {"managedBy": [("delete", [HOST2.dn.upper().encode()])]}


def test_path_typed_with_spaces_after_commas_is_the_same_container():
    # AD accepts "CN=Users, DC=contoso, DC=com" for CN=Users,DC=contoso,DC=com: no move may be planned.
    assert not _plan(_group(), path="CN=Users, DC=contoso , DC=com").changed
    moved = _plan(_group(), path="OU=Apps, DC=contoso,DC=com")
    assert moved.changed
    assert moved.after["path"] == "OU=Apps,DC=contoso,DC=com"


# -- many groups in one task ----------------------------------------------------------------------------------


def _entry_named(name: str, group_type_value: int, members: tuple[Principal, ...] = ()) -> Entry:
    return Entry(
        f"CN={name},{USERS}",
        {
            "samaccountname": [name.encode()],
            "objectclass": [b"top", b"group"],
            "grouptype": [str(group_type_value).encode()],
            "member": [p.dn.encode() for p in members],
        },
    )


def test_one_ticket_refresh_warning_names_every_group_whose_members_change():
    context = PlanContext(CONTOSO, PrincipalIndex([HOST1, HOST2]))
    distribution = _entry_named("Mail", 0x4, (HOST1,))
    plans = [
        plan_object(HOST_GROUP, None, ObjectRequest("New", options={"members": {"add": ["Host01"]}}), context),
        plan_object(HOST_GROUP, _group(), ObjectRequest("Hosts", options={"members": {"add": ["Host01"]}}), context),
        plan_object(HOST_GROUP, distribution, ObjectRequest("Mail", options={"members": {"set": []}}), context),
        plan_object(HOST_GROUP, _group(), ObjectRequest("Hosts", "absent"), context),
    ]
    warnings = group_warnings(plans)
    assert warnings[0].startswith("Mail is a distribution group")
    assert warnings[1] == TICKET_REFRESH_WARNING.format(group="New, Mail")
    assert len(warnings) == 2


def test_a_groups_result_has_the_members_it_adds_and_removes():
    context = PlanContext(CONTOSO, PrincipalIndex([HOST1, HOST2]))
    plan = plan_object(HOST_GROUP, _group(), ObjectRequest("Hosts", options={"members": {"set": ["Host02"]}}), context)
    result = group_result(plan, context.principals, None)
    assert (result["members_added"], result["members_removed"]) == ([HOST2.dn], [HOST1.dn])
    assert result["members"] == [HOST2.dn]
    gone = group_result(
        plan_object(HOST_GROUP, _group(), ObjectRequest("Hosts", "absent"), context), context.principals, None
    )
    assert gone == {"name": "Hosts", "state": "absent", "distinguished_name": f"CN=Hosts,{USERS}"}


def test_an_entrys_lookup_failure_action_overrides_the_tasks_for_its_principals_only():
    context = PlanContext(CONTOSO, PrincipalIndex([HOST1]), "fail")
    lenient = ObjectRequest("Hosts", options={"members": {"add": ["Nope"]}}, lookup_failure_action="warn")
    strict = ObjectRequest("Other", options={"members": {"add": ["Nope"]}})
    assert request_context(context, strict) is context
    warned = request_context(context, lenient)
    assert warned.lookup_failure_action == "warn" and warned.warnings is context.warnings
    assert plan_object(HOST_GROUP, _group(), lenient, warned).operations == []
    assert context.warnings == ["No user, computer or group found for Nope (in the members of Hosts). Skipped."]
    with pytest.raises(GmsaError, match="No user, computer or group found for Nope"):
        plan_object(HOST_GROUP, _group(), strict, request_context(context, strict))


def test_gmsa_host_group_entries_fall_back_to_the_top_level_options():
    params = {option: None for option in GROUP_OPTIONS}
    params.update(
        name=None,
        state="present",
        lookup_failure_action="fail",
        scope="global",
        path=USERS,
        groups=[
            {"name": "A", **dict.fromkeys(GROUP_OPTIONS), "description": "a"},
            {"name": "B", **dict.fromkeys(GROUP_OPTIONS), "scope": "universal", "lookup_failure_action": "ignore"},
        ],
    )
    first, second = requests_from_params(params)
    assert (first.name, first.state, first.lookup_failure_action) == ("A", "present", "fail")
    assert first.options["scope"] == "global" and first.options["path"] == USERS
    assert first.options["description"] == "a"
    assert (second.options["scope"], second.lookup_failure_action) == ("universal", "ignore")
    params["groups"].append({"name": "a", **dict.fromkeys(GROUP_OPTIONS)})
    twice = r"group a is listed twice in groups: groups\[0\] \(A\) and groups\[2\] \(a\)"
    with pytest.raises(ValidationError, match=twice):
        requests_from_params(params)
