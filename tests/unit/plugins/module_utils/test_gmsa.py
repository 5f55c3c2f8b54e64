# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gMSA table, planned without a server: request + current entry -> the exact LDAP operations."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import (
    ObjectRequest,
    PlanContext,
    plan_object,
    validate_request,
    validate_requests,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError, ValidationError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._gmsa import GMSA, spn_claims
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import (
    WKGUID_MANAGED_SERVICE_ACCOUNTS,
    DomainInfo,
    Entry,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._principals import Principal, PrincipalIndex
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import allowed_sids, build_gmsa_membership, to_sddl

DOMAIN_SID = "S-1-5-21-1-2-3"
DOMAIN_DN = "DC=contoso,DC=com"
MSA = f"CN=Managed Service Accounts,{DOMAIN_DN}"
HOSTS = Principal(f"CN=Hosts,CN=Users,{DOMAIN_DN}", f"{DOMAIN_SID}-1104", "Hosts", "group")
ADMIN = Principal(f"CN=Administrator,CN=Users,{DOMAIN_DN}", f"{DOMAIN_SID}-500", "Administrator", "user")
CONTOSO = DomainInfo(
    dns_name="contoso.com",
    netbios_name="CONTOSO",
    domain_dn=DOMAIN_DN,
    configuration_dn=f"CN=Configuration,{DOMAIN_DN}",
    schema_dn=f"CN=Schema,CN=Configuration,{DOMAIN_DN}",
    forest_root_dn=DOMAIN_DN,
    forest_dns_name="contoso.com",
    sid=DOMAIN_SID,
    guid="56d9b66c-d746-4f87-bd26-26760cfdca2e",
    dc_dns_hostname="dc1.contoso.com",
    well_known={WKGUID_MANAGED_SERVICE_ACCOUNTS: MSA},
)


def _entry(**attrs):
    base = {
        "sAMAccountName": [b"WebApp01$"],
        "objectClass": [b"top", b"computer", b"msDS-GroupManagedServiceAccount"],
        "dNSHostName": [b"webapp01.contoso.com"],
        "userAccountControl": [b"4096"],
        "servicePrincipalName": [b"host/WebApp01", b"host/webapp01.contoso.com"],
        "msDS-SupportedEncryptionTypes": [b"24"],
        "msDS-GroupMSAMembership": [build_gmsa_membership([HOSTS.sid])],
        "msDS-ManagedPasswordInterval": [b"30"],
    }
    base.update(attrs)
    return Entry(f"CN=WebApp01,{MSA}", {k.lower(): v for k, v in base.items()})


def _plan(entry, action="fail", warnings=None, **options):
    context = PlanContext(CONTOSO, PrincipalIndex([HOSTS, ADMIN]), action, warnings if warnings is not None else [])
    return plan_object(GMSA, entry, validate_request(GMSA, ObjectRequest("WebApp01", options=options)), context)


def _one_modify(plan):
    (operation,) = plan.operations
    assert operation.kind == "modify"
    return operation.changes


@pytest.mark.parametrize("name", ["WebApp01", "WebApp01$", "a", "A-15-characters"])
def test_names_are_stored_without_dollar(name):
    assert validate_request(GMSA, ObjectRequest(name)).name == name.rstrip("$")


@pytest.mark.parametrize(("name", "fragment"), [("SixteenCharsLong", "at most 15"), ("bad*name", "forbids")])
def test_invalid_names(name, fragment):
    with pytest.raises(ValidationError, match=fragment):
        validate_request(GMSA, ObjectRequest(name))


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"spn": {"add": ["host"]}}, "SPN 'host' is not valid"),
        ({"spn": {"set": ["host/a:70000"]}}, "outside 1-65535"),
        ({"managed_password_interval_days": 0}, "out of range"),
        ({"dns_hostname": "bad_name!"}, "dns_hostname"),
    ],
)
def test_option_values_are_checked_before_any_ldap_call(options, fragment):
    with pytest.raises(ValidationError, match=fragment):
        validate_request(GMSA, ObjectRequest("WebApp01", options=options))


def test_duplicate_names_in_bulk():
    with pytest.raises(ValidationError, match="gMSA webapp01 is listed twice in accounts") as caught:
        validate_requests(GMSA, [ObjectRequest("WebApp01"), ObjectRequest("Sql01"), ObjectRequest("webapp01$")])
    # Both entries, by index (from 0) and as spelled.
    assert "accounts[0] (WebApp01) and accounts[2] (webapp01$)" in caught.value.message


def test_new_account_defaults_in_one_add():
    plan = _plan(None, allowed_to_retrieve_password={"set": ["Hosts"]})
    (operation,) = plan.operations
    assert operation.kind == "add"
    assert operation.dn == f"CN=WebApp01,{MSA}"
    attributes = operation.attributes
    assert attributes["sAMAccountName"] == ["WebApp01$"]
    assert attributes["dNSHostName"] == ["WebApp01.contoso.com"]
    assert attributes["userAccountControl"] == ["4096"]
    assert attributes["msDS-SupportedEncryptionTypes"] == ["24"]
    assert attributes["msDS-ManagedPasswordInterval"] == ["30"]
    assert attributes["servicePrincipalName"] == ["host/WebApp01", "host/WebApp01.contoso.com"]
    assert allowed_sids(attributes["msDS-GroupMSAMembership"][0]) == [HOSTS.sid]
    assert "description" not in attributes
    assert plan.after["enabled"] is True
    assert plan.after["kerberos_encryption_types"] == ["aes128", "aes256"]
    assert plan.after["allowed_to_retrieve_password"] == [HOSTS.sid]


def test_new_account_spn_add_extends_the_defaults_and_all_are_claimed():
    plan = _plan(None, dns_hostname="web.apps.contoso.com", spn={"add": ["http/mysite.contoso.com"]})
    spns = ["host/WebApp01", "host/web.apps.contoso.com", "http/mysite.contoso.com"]
    assert plan.operations[0].attributes["servicePrincipalName"] == spns
    assert [claim.spn for claim in spn_claims([plan])] == spns


def test_new_account_in_another_container():
    plan = _plan(None, path="OU=Apps,DC=contoso,DC=com")
    assert plan.dn == "CN=WebApp01,OU=Apps,DC=contoso,DC=com"
    assert plan.operations[0].dn == plan.dn


def test_an_account_elsewhere_is_moved_then_changed_at_its_new_dn():
    plan = _plan(_entry(), path="OU=Apps,DC=contoso,DC=com", description="moved")
    move, modify = plan.operations
    assert (move.kind, move.dn, move.new_parent) == ("move", f"CN=WebApp01,{MSA}", "OU=Apps,DC=contoso,DC=com")
    assert (modify.kind, modify.dn) == ("modify", "CN=WebApp01,OU=Apps,DC=contoso,DC=com")
    assert plan.changed_options == ["path", "description"]
    assert _plan(_entry(), path=MSA.upper()).operations == []


def test_path_must_be_a_dn():
    with pytest.raises(ValidationError, match="path 'Apps' is not a distinguished name"):
        _plan(None, path="Apps")


def test_converged_account_needs_nothing():
    plan = _plan(
        _entry(),
        dns_hostname="WebApp01.CONTOSO.com",
        enabled=True,
        spn={"set": ["HOST/webapp01", "host/WebApp01.contoso.com"]},
        kerberos_encryption_types={"set": ["aes256", "aes128"]},
        allowed_to_retrieve_password={"set": ["Hosts"]},
        managed_password_interval_days=30,
    )
    assert plan.operations == []
    assert spn_claims([plan]) == []


def test_omitted_options_are_not_managed_on_existing_accounts():
    entry = _entry(**{"userAccountControl": [b"4130"], "msDS-SupportedEncryptionTypes": []})
    assert _plan(entry).operations == []


def test_one_modify_with_every_change():
    plan = _plan(
        _entry(),
        enabled=False,
        description="web",
        kerberos_encryption_types={"add": ["rc4"]},
        allowed_to_retrieve_password={"add": ["Administrator"]},
    )
    changes = _one_modify(plan)
    assert changes["userAccountControl"] == [("delete", [b"4096"]), ("add", [b"4098"])]
    assert changes["msDS-SupportedEncryptionTypes"] == [("delete", [b"24"]), ("add", [b"28"])]
    assert changes["description"] == [("add", [b"web"])]
    (deleted, (_op, (sd,))) = changes["msDS-GroupMSAMembership"]
    assert deleted == ("delete", [build_gmsa_membership([HOSTS.sid])])
    assert allowed_sids(sd) == [HOSTS.sid, ADMIN.sid]
    assert set(changes) == {
        "userAccountControl",
        "msDS-SupportedEncryptionTypes",
        "description",
        "msDS-GroupMSAMembership",
    }
    assert plan.after["kerberos_encryption_types"] == ["rc4", "aes128", "aes256"]


def test_empty_description_clears_it():
    changes = _one_modify(_plan(_entry(description=[b"old"]), description=""))
    assert changes["description"] == [("delete", [b"old"])]


def test_unknown_encryption_bits_are_kept():
    entry = _entry(**{"msDS-SupportedEncryptionTypes": [str(0x20 | 0x18).encode()]})
    changes = _one_modify(_plan(entry, kerberos_encryption_types={"set": ["aes256"]}))
    assert changes["msDS-SupportedEncryptionTypes"] == [("delete", [b"56"]), ("add", [str(0x20 | 0x10).encode()])]


def test_set_keeps_foreign_aces():
    from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import (
        SE_DACL_PRESENT,
        SE_SELF_RELATIVE,
        Ace,
        Acl,
        SecurityDescriptor,
        sd_to_bytes,
    )

    # A foreign ACE (read property only, for Domain Users) next to a managed one for the Administrator.
    aces = [Ace(0, 0, 0x000F01FF, ADMIN.sid), Ace(0, 0, 0x10, f"{DOMAIN_SID}-513")]
    sd = SecurityDescriptor("S-1-5-32-544", None, Acl(4, aces), None, SE_SELF_RELATIVE | SE_DACL_PRESENT)
    entry = _entry(**{"msDS-GroupMSAMembership": [sd_to_bytes(sd)]})
    written = _one_modify(_plan(entry, allowed_to_retrieve_password={"set": ["Hosts"]}))["msDS-GroupMSAMembership"]
    assert to_sddl(written[1][1][0]) == f"O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;{HOSTS.sid})(A;;RP;;;{DOMAIN_SID}-513)"


def test_remove_by_sid_of_unknown_principal():
    entry = _entry(**{"msDS-GroupMSAMembership": [build_gmsa_membership([HOSTS.sid, f"{DOMAIN_SID}-9999"])]})
    plan = _plan(entry, allowed_to_retrieve_password={"remove": [f"{DOMAIN_SID}-9999", "Gone42"]})
    assert plan.after["allowed_to_retrieve_password"] == [HOSTS.sid]


def test_unknown_principal_fails_or_warns():
    with pytest.raises(GmsaError, match="No user, computer or group found for Nobody"):
        _plan(_entry(), allowed_to_retrieve_password={"add": ["Nobody"]})
    warnings: list[str] = []
    plan = _plan(_entry(), "warn", warnings, allowed_to_retrieve_password={"add": ["Nobody"]})
    assert plan.after["allowed_to_retrieve_password"] == [HOSTS.sid]
    assert plan.operations == []
    assert "Nobody" in warnings[0]


@pytest.mark.parametrize(
    ("task", "inner", "outcome"), [("fail", "warn", "warn"), ("warn", "fail", "fail"), ("fail", None, "fail")]
)
def test_the_lists_own_lookup_failure_action_wins_for_that_list(task, inner, outcome):
    # microsoft.ad's shape: lookup_failure_action inside the {add, remove, set} mapping.
    option = {"add": ["Nobody"], "lookup_failure_action": inner}
    warnings: list[str] = []
    if outcome == "fail":
        with pytest.raises(GmsaError, match="No user, computer or group found for Nobody") as failure:
            _plan(_entry(), task, warnings, allowed_to_retrieve_password=option)
        assert "allowed_to_retrieve_password.lookup_failure_action" in failure.value.hint
        return
    plan = _plan(_entry(), task, warnings, allowed_to_retrieve_password=option, delegates={"add": ["Hosts"]})
    assert plan.after["allowed_to_retrieve_password"] == [HOSTS.sid]
    assert plan.after["delegates"] == [HOSTS.sid]
    assert warnings == [
        "No user, computer or group found for Nobody (in the allowed_to_retrieve_password of WebApp01). Skipped."
    ]


def test_principals_by_guid_and_upn():
    admin = Principal(
        ADMIN.dn, ADMIN.sid, ADMIN.name, "user", "0f6e3c52-8d1a-4b8e-9f0c-3a7d2e5b9c41", "Administrator@contoso.com"
    )
    index = PrincipalIndex([HOSTS, admin])
    entry = _entry()
    plan = plan_object(
        GMSA,
        entry,
        ObjectRequest(
            "WebApp01",
            options={
                "allowed_to_retrieve_password": {"add": ["{0F6E3C52-8D1A-4B8E-9F0C-3A7D2E5B9C41}"]},
                "delegates": {"set": ["administrator@CONTOSO.com"]},
            },
        ),
        PlanContext(CONTOSO, index),
    )
    assert plan.after["allowed_to_retrieve_password"] == [HOSTS.sid, ADMIN.sid]
    assert plan.after["delegates"] == [ADMIN.sid]


def test_interval_is_create_only():
    with pytest.raises(GmsaError, match="has managed_password_interval_days 30, not 60"):
        _plan(_entry(), managed_password_interval_days=60)


def test_enable_clears_only_the_disable_bit():
    assert _one_modify(_plan(_entry(userAccountControl=[b"4130"]), enabled=True))["userAccountControl"] == [
        ("delete", [b"4130"]),
        ("add", [b"4128"]),
    ]


def test_spns_added_to_an_existing_account_are_claimed_with_its_dn():
    plan = _plan(_entry(), spn={"add": ["HOST/webapp01", "http/web.contoso.com"]})
    (claim,) = spn_claims([plan])
    assert (claim.spn, claim.owner, claim.dn) == ("http/web.contoso.com", "WebApp01", f"CN=WebApp01,{MSA}")


def test_absent_deletes_and_absent_again_does_nothing():
    (operation,) = plan_object(GMSA, _entry(), ObjectRequest("WebApp01", "absent"), PlanContext(CONTOSO)).operations
    assert (operation.kind, operation.dn) == ("delete", f"CN=WebApp01,{MSA}")
    assert plan_object(GMSA, None, ObjectRequest("WebApp01", "absent"), PlanContext(CONTOSO)).operations == []


def test_trusted_for_delegation_and_enabled_share_one_user_account_control_write():
    changes = _one_modify(_plan(_entry(), trusted_for_delegation=True, enabled=False))
    assert changes == {"userAccountControl": [("delete", [b"4096"]), ("add", [str(0x1000 | 0x2 | 0x80000).encode()])]}
    assert _plan(_entry(userAccountControl=[b"528384"]), trusted_for_delegation=True).operations == []


def test_delegates_are_a_descriptor_of_allow_aces_as_windows_writes_them():
    changes = _one_modify(_plan(_entry(), delegates={"add": ["Hosts"]}))
    ((operation, (sd,)),) = changes["msDS-AllowedToActOnBehalfOfOtherIdentity"]
    assert operation == "add"
    assert to_sddl(sd) == f"O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;{HOSTS.sid})"
    entry = _entry(**{"msDS-AllowedToActOnBehalfOfOtherIdentity": [sd]})
    assert _plan(entry, delegates={"set": [HOSTS.sid]}).operations == []
    assert _plan(entry, delegates={"remove": ["Hosts"]}).after["delegates"] == []
