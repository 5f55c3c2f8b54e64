# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import ValidationError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import (
    WKGUID_MANAGED_SERVICE_ACCOUNTS,
    WKGUID_USERS,
    ConnectionOptions,
    DomainInfo,
    connection_argument_spec,
    dn_to_dns_name,
    escape_dn_value,
    escape_filter,
    parse_well_known,
)

BASE = {"server": ["dc1.contoso.com"], "username": "admin@contoso.com", "password": "secret"}


def test_every_connection_option_has_its_environment_variable() -> None:
    for name, spec in connection_argument_spec().items():
        assert spec["fallback"][1] == [f"GMSA_LDAP_{name.upper()}"]
    assert connection_argument_spec()["password"]["no_log"] is True


@pytest.mark.parametrize(
    ("params", "port"),
    [({}, 636), ({"tls_mode": "start_tls"}, 389), ({"port": 3269}, 3269)],
)
def test_effective_port(params: dict, port: int) -> None:
    assert ConnectionOptions.from_params({**BASE, **params}).effective_port == port


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tls_mode": "plain"}, "Unknown tls_mode 'plain'.*no plaintext mode"),
        ({"cert_validation": "never"}, "Unknown cert_validation"),
        ({"auth_protocol": "ntlm"}, "Unknown auth_protocol"),
        ({"password": None}, "needs username and password"),
        ({"port": 70000}, "out of range"),
        ({"ca_cert": "/nonexistent/ca.pem"}, "not a readable file"),
        ({"connection_timeout": 0}, "positive"),
    ],
)
def test_bad_options_fail_before_connecting(params: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ConnectionOptions.from_params({**BASE, **params})


def test_kerberos_needs_no_password() -> None:
    options = ConnectionOptions.from_params({"auth_protocol": "kerberos"})
    assert options.auth_protocol == "kerberos"
    assert options.server == ()


def test_password_is_not_in_repr() -> None:
    assert "secret" not in repr(ConnectionOptions.from_params(BASE))


def test_server_list_is_cleaned() -> None:
    assert ConnectionOptions.from_params({**BASE, "server": [" dc1 ", "", "dc2"]}).server == ("dc1", "dc2")


@pytest.mark.parametrize(
    ("dn", "dns"),
    [("DC=contoso,DC=com", "contoso.com"), ("DC=child,DC=contoso,DC=com", "child.contoso.com"), ("CN=x,DC=a", "a")],
)
def test_dn_to_dns_name(dn: str, dns: str) -> None:
    assert dn_to_dns_name(dn) == dns


def test_escaping() -> None:
    assert escape_filter("a*b(c)\\") == "a\\2ab\\28c\\29\\5c"
    assert escape_dn_value("Smith, John") == "Smith\\, John"
    assert escape_dn_value("#lead") == "\\#lead"


def test_parse_well_known() -> None:
    values = [
        b"B:32:A9D1CA15768811D1ADED00C04FD8D5CD:CN=Users,DC=contoso,DC=com",
        b"B:32:1EB93889E40C45DF9F0C64D23BBB6237:CN=Managed Service Accounts,DC=contoso,DC=com",
        b"garbage",
    ]
    parsed = parse_well_known(values)
    assert parsed == {
        WKGUID_USERS: "CN=Users,DC=contoso,DC=com",
        WKGUID_MANAGED_SERVICE_ACCOUNTS: "CN=Managed Service Accounts,DC=contoso,DC=com",
    }


def test_domain_info_falls_back_to_default_containers() -> None:
    info = DomainInfo("contoso.com", "CONTOSO", "DC=contoso,DC=com", "", "", "", "", "S-1-5-21-1-2-3", "", "", {})
    assert info.users_dn == "CN=Users,DC=contoso,DC=com"
    assert info.managed_service_accounts_dn == "CN=Managed Service Accounts,DC=contoso,DC=com"
