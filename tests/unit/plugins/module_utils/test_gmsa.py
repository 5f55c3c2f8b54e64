# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError, ValidationError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._gmsa import (
    AccountRequest,
    account_name,
    encryption_bits,
    encryption_names,
    reconcile,
    validate_requests,
    validate_spn,
    wanted_state,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry
from ansible_collections.wincontainers.gmsa.plugins.module_utils._principals import Principal, PrincipalIndex
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import allowed_sids, build_gmsa_membership, to_sddl

DOMAIN = "S-1-5-21-1-2-3"
HOSTS = Principal("CN=Hosts,CN=Users,DC=contoso,DC=com", f"{DOMAIN}-1104", "Hosts", "group")
ADMIN = Principal("CN=Administrator,CN=Users,DC=contoso,DC=com", f"{DOMAIN}-500", "Administrator", "user")


@pytest.mark.parametrize("name", ["WebApp01", "WebApp01$", "a", "A-15-characters"])
def test_valid_names(name):
    assert account_name(name) == name.rstrip("$")


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("SixteenCharsLong", "at most 15"),
        ("bad*name", "forbids"),
        ("bad name", "forbids"),
        ('a"b', "forbids"),
        ("a@b", "forbids"),
        ("ends.", "ends with a period"),
        (".starts", "starts with a period"),
        ("12345", "only digits"),
        ("...", "only periods"),
        ("", "empty"),
        ("$", "empty"),
        ("tab\there", "forbids"),
    ],
)
def test_invalid_names(name, fragment):
    with pytest.raises(ValidationError, match=fragment):
        account_name(name)


@pytest.mark.parametrize(
    "spn",
    [
        "host/WebApp01",
        "HOST/webapp01.contoso.com",
        "MSSQLSvc/sql01.contoso.com:1433",
        "MSSQLSvc/sql01:INST",
        "ldap/dc1.contoso.com/contoso.com",
        "http/mysite.contoso.com",
    ],
)
def test_valid_spns(spn):
    assert validate_spn(spn) == spn


@pytest.mark.parametrize("spn", ["host", "host/", "/host", "host/a b", "host/a:70000", "host/a/b/c", "ho st/a"])
def test_invalid_spns(spn):
    with pytest.raises(ValidationError, match="SPN"):
        validate_spn(spn)


@pytest.mark.parametrize(
    ("names", "bits"),
    [
        ([], 0),
        (["rc4"], 0x4),
        (["aes128"], 0x8),
        (["aes256"], 0x10),
        (["aes128", "aes256"], 0x18),
        (["rc4", "aes128", "aes256", "rc4"], 0x1C),
    ],
)
def test_encryption_type_bits(names, bits):
    assert encryption_bits(names) == bits
    assert set(encryption_names(bits)) == set(names)


def test_encryption_names_ignore_other_bits():
    assert encryption_names(0x3 | 0x20 | 0x10) == ["aes256"]


def test_duplicate_names_in_bulk():
    with pytest.raises(ValidationError, match="listed twice"):
        validate_requests([AccountRequest("WebApp01"), AccountRequest("webapp01$")])


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
    return Entry("CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com", {k.lower(): v for k, v in base.items()})


def _wanted(request, entry, index=None):
    return wanted_state(request, entry, "contoso.com", index or PrincipalIndex([HOSTS, ADMIN]), "fail", lambda _m: None)


def test_new_account_defaults():
    request = AccountRequest("WebApp01", allowed_to_retrieve_password={"set": ["Hosts"]})
    wanted = _wanted(request, None)
    assert wanted == {
        "dns_hostname": "WebApp01.contoso.com",
        "enabled": True,
        "spn": ["host/WebApp01", "host/WebApp01.contoso.com"],
        "kerberos_encryption_types": ["aes128", "aes256"],
        "allowed_to_retrieve_password": [HOSTS.sid],
        "managed_password_interval_days": 30,
    }
    changes = reconcile(None, wanted)
    assert changes.create["userAccountControl"] == ["4096"]
    assert changes.create["msDS-SupportedEncryptionTypes"] == ["24"]
    assert allowed_sids(changes.create["msDS-GroupMSAMembership"][0]) == [HOSTS.sid]
    assert changes.create["servicePrincipalName"] == ["host/WebApp01", "host/WebApp01.contoso.com"]


def test_new_account_spn_add_extends_the_defaults():
    wanted = _wanted(AccountRequest("WebApp01", spn={"add": ["http/mysite.contoso.com"]}), None)
    assert wanted["spn"] == ["host/WebApp01", "host/WebApp01.contoso.com", "http/mysite.contoso.com"]


def test_converged_account_needs_nothing():
    request = AccountRequest(
        "WebApp01",
        dns_hostname="WebApp01.CONTOSO.com",
        enabled=True,
        spn={"set": ["HOST/webapp01", "host/WebApp01.contoso.com"]},
        kerberos_encryption_types={"set": ["aes256", "aes128"]},
        allowed_to_retrieve_password={"set": ["Hosts"]},
        managed_password_interval_days=30,
    )
    entry = _entry()
    assert not reconcile(entry, _wanted(request, entry)).changed


def test_omitted_options_are_not_managed_on_existing_accounts():
    entry = _entry(**{"userAccountControl": [b"4130"], "msDS-SupportedEncryptionTypes": []})
    assert _wanted(AccountRequest("WebApp01"), entry) == {}


def test_one_modify_with_every_change():
    entry = _entry()
    request = AccountRequest(
        "WebApp01",
        enabled=False,
        description="web",
        kerberos_encryption_types={"add": ["rc4"]},
        allowed_to_retrieve_password={"add": ["Administrator"]},
    )
    changes = reconcile(entry, _wanted(request, entry))
    assert changes.modify["userAccountControl"] == [("replace", ["4098"])]
    assert changes.modify["msDS-SupportedEncryptionTypes"] == [("replace", ["28"])]
    assert changes.modify["description"] == [("replace", ["web"])]
    ((_op, (sd,)),) = changes.modify["msDS-GroupMSAMembership"]
    assert allowed_sids(sd) == [HOSTS.sid, ADMIN.sid]
    assert set(changes.modify) == {
        "userAccountControl",
        "msDS-SupportedEncryptionTypes",
        "description",
        "msDS-GroupMSAMembership",
    }


def test_unknown_encryption_bits_are_kept():
    entry = _entry(**{"msDS-SupportedEncryptionTypes": [str(0x20 | 0x18).encode()]})
    changes = reconcile(
        entry, _wanted(AccountRequest("WebApp01", kerberos_encryption_types={"set": ["aes256"]}), entry)
    )
    assert changes.modify["msDS-SupportedEncryptionTypes"] == [("replace", [str(0x20 | 0x10)])]


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
    aces = [Ace(0, 0, 0x000F01FF, ADMIN.sid), Ace(0, 0, 0x10, f"{DOMAIN}-513")]
    sd = SecurityDescriptor("S-1-5-32-544", None, Acl(4, aces), None, SE_SELF_RELATIVE | SE_DACL_PRESENT)
    entry = _entry(**{"msDS-GroupMSAMembership": [sd_to_bytes(sd)]})
    request = AccountRequest("WebApp01", allowed_to_retrieve_password={"set": ["Hosts"]})
    changes = reconcile(entry, _wanted(request, entry))
    written = changes.modify["msDS-GroupMSAMembership"][0][1][0]
    assert to_sddl(written) == f"O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;{HOSTS.sid})(A;;RP;;;{DOMAIN}-513)"


def test_remove_by_sid_of_unknown_principal():
    entry = _entry(**{"msDS-GroupMSAMembership": [build_gmsa_membership([HOSTS.sid, f"{DOMAIN}-9999"])]})
    request = AccountRequest("WebApp01", allowed_to_retrieve_password={"remove": [f"{DOMAIN}-9999", "Gone42"]})
    assert _wanted(request, entry)["allowed_to_retrieve_password"] == [HOSTS.sid]


def test_unknown_principal_fails_or_warns():
    entry = _entry()
    request = AccountRequest("WebApp01", allowed_to_retrieve_password={"add": ["Nobody"]})
    with pytest.raises(GmsaError, match="No user, computer or group found for Nobody"):
        _wanted(request, entry)
    warnings = []
    wanted = wanted_state(request, entry, "contoso.com", PrincipalIndex([HOSTS]), "warn", warnings.append)
    assert wanted["allowed_to_retrieve_password"] == [HOSTS.sid]
    assert "Nobody" in warnings[0]


def test_interval_is_create_only():
    entry = _entry()
    with pytest.raises(GmsaError, match="has managed_password_interval_days 30, not 60"):
        reconcile(entry, _wanted(AccountRequest("WebApp01", managed_password_interval_days=60), entry))


def test_enable_clears_only_the_disable_bit():
    entry = _entry(userAccountControl=[b"4130"])
    changes = reconcile(entry, _wanted(AccountRequest("WebApp01", enabled=True), entry))
    assert changes.modify["userAccountControl"] == [("replace", ["4128"])]


@pytest.mark.parametrize(
    "name",
    ["WebApp01", "WebApp01$", "web app", "12345", "ends.", ".starts", "a" * 16, "a@b", "a\\b", "svc_web", "x$$", " x"],
)
def test_gmsa_account_and_credential_spec_agree_on_names(name):
    # One rule (_rules.gmsa_name): the name gmsa_account creates is the name credential_spec accepts.
    from ansible_collections.wincontainers.gmsa.plugins.module_utils import _credspec

    def outcome(function):
        try:
            return function(name)
        except ValidationError:
            return "refused"

    assert outcome(account_name) == outcome(_credspec.account_name)
