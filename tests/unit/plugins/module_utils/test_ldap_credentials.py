# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials: which one the options name, what ldap3 gets from each, and what their failures say.

The Kerberos failures are real libkrb5 answers: a krb5.conf whose KDC port is closed, a keytab made by ktutil.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import ldap3
import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import (
    ConnectionOptions,
    KerberosPasswordCredential,
    KeytabCredential,
    PasswordCredential,
    TicketCacheCredential,
    credential_from_options,
)

SECRET = "S3cret-Never-Shown"


@pytest.fixture
def unreachable_kdc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A krb5.conf for EXAMPLE.TEST whose KDC is a closed local port: libkrb5 fails at once."""
    conf = tmp_path / "krb5.conf"
    conf.write_text(
        "[libdefaults]\n default_realm = EXAMPLE.TEST\n dns_lookup_kdc = false\n dns_lookup_realm = false\n"
        "[realms]\n EXAMPLE.TEST = {\n  kdc = 127.0.0.1:9\n }\n"
    )
    monkeypatch.setenv("KRB5_CONFIG", str(conf))
    return conf


@pytest.mark.parametrize(
    ("params", "kind", "principal"),
    [
        ({"username": "admin@contoso.com", "password": SECRET}, PasswordCredential, "admin@contoso.com"),
        (
            {"auth_protocol": "kerberos", "username": "admin@CONTOSO.COM", "password": SECRET},
            KerberosPasswordCredential,
            "admin@CONTOSO.COM",
        ),
        ({"auth_protocol": "kerberos"}, TicketCacheCredential, "the Kerberos ticket's principal"),
    ],
)
def test_the_options_name_the_credential(params: dict, kind: type, principal: str) -> None:
    credential = credential_from_options(ConnectionOptions.from_params({"server": ["dc1"], **params}))
    assert isinstance(credential, kind)
    assert credential.principal == principal
    assert SECRET not in repr(credential)


def test_a_password_credential_is_a_simple_bind() -> None:
    assert PasswordCredential("CONTOSO\\admin", SECRET).bind_arguments() == {
        "authentication": ldap3.SIMPLE,
        "user": "CONTOSO\\admin",
        "password": SECRET,
    }


def test_the_default_ticket_cache_leaves_the_credentials_to_gssapi() -> None:
    credential = TicketCacheCredential()
    assert credential.auth_protocol == "kerberos"
    assert credential.bind_arguments() == {"authentication": ldap3.SASL, "sasl_mechanism": ldap3.KERBEROS}


def test_a_named_ticket_cache_that_does_not_exist(tmp_path: Path, unreachable_kdc: Path) -> None:
    with pytest.raises(GmsaError, match=f"No Kerberos ticket in the cache FILE:{tmp_path}/none") as raised:
        TicketCacheCredential(f"FILE:{tmp_path}/none").bind_arguments()
    assert "kinit" in str(raised.value)


def test_kerberos_password_failure_names_the_principal_not_the_password(unreachable_kdc: Path) -> None:
    credential = KerberosPasswordCredential("probe@EXAMPLE.TEST", SECRET)
    with pytest.raises(GmsaError, match=r"Kerberos refused the credentials of probe@EXAMPLE\.TEST: .*KDC") as raised:
        credential.bind_arguments()
    assert SECRET not in str(raised.value)
    assert raised.value.details == {"result": "kerberos"}


def test_a_missing_keytab_is_named_before_kerberos_is_asked(tmp_path: Path, unreachable_kdc: Path) -> None:
    missing = tmp_path / "missing.keytab"
    with pytest.raises(GmsaError, match=r"The keytab .*missing\.keytab does not exist on the machine") as raised:
        KeytabCredential("host01$@EXAMPLE.TEST", str(missing)).bind_arguments()
    assert "exportkeytab" in raised.value.hint
    with pytest.raises(GmsaError, match=r"The keytab .* is not a readable file"):
        KeytabCredential("host01$@EXAMPLE.TEST", str(tmp_path)).bind_arguments()


@pytest.mark.skipif(shutil.which("ktutil") is None, reason="ktutil (krb5-user) is not installed")
def test_a_keytab_with_the_principal_s_keys_goes_to_the_kdc(tmp_path: Path, unreachable_kdc: Path) -> None:
    keytab = tmp_path / "host.keytab"
    subprocess.run(
        ["ktutil"],
        input=f"addent -password -p probe@EXAMPLE.TEST -k 1 -e aes256-cts-hmac-sha1-96\n{SECRET}\nwkt {keytab}\nquit\n",
        text=True,
        check=True,
        capture_output=True,
    )
    # The keys were found (so the KDC was asked): the failure is the KDC's, not the keytab's.
    with pytest.raises(GmsaError, match=r"Cannot contact any KDC for realm 'EXAMPLE\.TEST'"):
        KeytabCredential("probe@EXAMPLE.TEST", str(keytab)).bind_arguments()
    with pytest.raises(GmsaError, match=r"No credentials cache found|not found|No key table entry"):
        KeytabCredential("other@EXAMPLE.TEST", str(keytab)).bind_arguments()
