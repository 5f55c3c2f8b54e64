# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DC discovery: the default realm as libkrb5 reads it, and SRV targets in RFC 2782 order."""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import dns.rrset
import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import (
    default_kerberos_realm,
    domain_controllers,
    libraries,
    srv_targets,
)

SRV_NAME = "_ldap._tcp.dc._msdcs.contoso.com."


def srv(*records: str) -> dns.rrset.RRset:
    """An SRV rrset from ``priority weight port target`` lines, as a resolver answer holds it."""
    return dns.rrset.from_text(SRV_NAME, 600, "IN", "SRV", *records)


def use_krb5_conf(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    monkeypatch.setenv("KRB5_CONFIG", ":".join(str(p) for p in paths))


def test_default_realm_of_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "krb5.conf"
    conf.write_text("[libdefaults]\n    default_realm = CONTOSO.COM\n    rdns = false\n")
    use_krb5_conf(monkeypatch, tmp_path / "missing.conf", conf)
    assert default_kerberos_realm() == "CONTOSO.COM"


def test_default_realm_from_an_included_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The old regex over krb5.conf found nothing here: the realm is only in the included file.
    realm = tmp_path / "realm.conf"
    realm.write_text("[libdefaults]\n    default_realm = FABRIKAM.COM\n")
    conf = tmp_path / "krb5.conf"
    conf.write_text(f"[libdefaults]\n    rdns = false\n\ninclude {realm}\n")
    use_krb5_conf(monkeypatch, conf)
    assert default_kerberos_realm() == "FABRIKAM.COM"


def test_default_realm_from_an_included_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snippets = tmp_path / "krb5.conf.d"
    snippets.mkdir()
    (snippets / "realm").write_text("[libdefaults]\n    default_realm = TAILSPIN.TEST\n")
    conf = tmp_path / "krb5.conf"
    conf.write_text(f"includedir {snippets}\n")
    use_krb5_conf(monkeypatch, conf)
    assert default_kerberos_realm() == "TAILSPIN.TEST"


def test_no_default_realm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "krb5.conf"
    conf.write_text("[libdefaults]\n    rdns = false\n")
    use_krb5_conf(monkeypatch, conf)
    assert default_kerberos_realm() is None
    use_krb5_conf(monkeypatch, tmp_path / "missing.conf")
    assert default_kerberos_realm() is None


def test_no_server_and_no_realm_says_what_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_krb5_conf(monkeypatch, tmp_path / "missing.conf")
    with pytest.raises(GmsaError, match="no Kerberos default realm") as raised:
        domain_controllers((), 1)
    assert "GMSA_LDAP_SERVER" in str(raised.value)


def test_no_server_and_no_gssapi_says_gssapi_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # krb5.conf has a default realm: only gssapi, which reads it, is missing. The message said "no Kerberos default
    # realm" before, sending the user to a krb5.conf that is right.
    conf = tmp_path / "krb5.conf"
    conf.write_text("[libdefaults]\n    default_realm = CONTOSO.COM\n")
    use_krb5_conf(monkeypatch, conf)
    monkeypatch.setattr(libraries, "_OPTIONAL", {})
    monkeypatch.setitem(sys.modules, "gssapi", None)  # import gssapi: ModuleNotFoundError, as when not installed
    with pytest.raises(GmsaError) as raised:
        domain_controllers((), 1)
    assert raised.value.message == (
        "No server given, and the gssapi Python library, which reads the Kerberos default realm to discover the "
        "domain controllers from, is not installed."
    )
    assert "GMSA_LDAP_SERVER" in (raised.value.hint or "")
    assert "pip install gssapi" in (raised.value.hint or "")


def test_given_servers_are_tried_as_given() -> None:
    assert domain_controllers(("dc2.contoso.com", "dc1.contoso.com"), 1) == (["dc2.contoso.com", "dc1.contoso.com"], [])


def test_priority_groups_come_in_ascending_order() -> None:
    records = srv("10 100 389 dc3.contoso.com.", "0 100 389 dc1.contoso.com.", "5 100 389 dc2.contoso.com.")
    assert srv_targets(records) == ["dc1.contoso.com", "dc2.contoso.com", "dc3.contoso.com"]


def test_a_dot_target_offers_no_service_and_duplicates_go() -> None:
    records = srv("0 100 389 .", "0 100 389 dc1.contoso.com.", "1 0 636 DC1.contoso.com.")
    assert srv_targets(records) == ["dc1.contoso.com"]


def test_within_a_priority_the_order_follows_the_weights() -> None:
    # RFC 2782: the chance of coming first is weight / sum of weights; weight 0 comes first very rarely.
    records = srv("0 90 389 heavy.contoso.com.", "0 10 389 light.contoso.com.", "0 0 389 zero.contoso.com.")
    random.seed(2782)
    firsts = Counter(srv_targets(records)[0] for _trial in range(4000))
    assert 0.86 < firsts["heavy.contoso.com"] / 4000 < 0.94
    assert 0.06 < firsts["light.contoso.com"] / 4000 < 0.14
    assert firsts["zero.contoso.com"] / 4000 < 0.01
    every = ["heavy.contoso.com", "light.contoso.com", "zero.contoso.com"]
    assert all(sorted(srv_targets(records)) == every for _trial in range(50))


def test_a_lower_priority_always_wins_over_weight() -> None:
    records = srv("1 65535 389 backup.contoso.com.", "0 1 389 primary.contoso.com.")
    assert all(srv_targets(records)[0] == "primary.contoso.com" for _trial in range(200))
