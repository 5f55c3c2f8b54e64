# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gMSA checks: exists, enabled, SPNs, duplicates (pure)."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.gmsa import (
    evaluate_duplicate_spns,
    evaluate_enabled,
    evaluate_gmsa,
    evaluate_spns,
)
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    gmsa,
)


def test_gmsa_missing_and_not_a_gmsa():
    assert evaluate_gmsa("WebApp01", None, "contoso.com").status == "error"
    computer = gmsa(object_classes=("top", "user", "computer"))
    finding = evaluate_gmsa("WebApp01", computer, "contoso.com")
    assert finding.status == "error"
    assert "is a computer, not a group Managed Service Account" in finding.message
    assert evaluate_gmsa("WebApp01", gmsa(), "contoso.com").status == "ok"


@pytest.mark.parametrize(("uac", "status"), [(4096, "ok"), (4130, "error"), (None, "ok")])
def test_enabled(uac, status):
    assert evaluate_enabled(gmsa(user_account_control=uac)).status == status


def test_spns_all_present_any_case():
    assert evaluate_spns(gmsa(spns=("HOST/webapp01", "host/WEBAPP01.contoso.com", "http/x"))).status == "ok"


def test_spns_missing_are_listed_with_setspn():
    finding = evaluate_spns(gmsa(spns=("host/WebApp01",)))
    assert finding.status == "error"
    assert "lacks the SPN(s) host/webapp01.contoso.com" in finding.message
    assert "setspn -S host/webapp01.contoso.com WebApp01$" in finding.remediation


def test_spns_without_dns_host_name():
    finding = evaluate_spns(gmsa(dns_host_name=None, spns=()))
    assert finding.status == "error"
    assert "it has no dNSHostName; it lacks the SPN(s) host/WebApp01" in finding.message


def test_duplicate_spns():
    facts = gmsa()
    assert evaluate_duplicate_spns(facts, {}).status == "ok"
    finding = evaluate_duplicate_spns(
        facts, {"host/webapp01.contoso.com": ["CN=OLDWEB,CN=Computers,DC=contoso,DC=com"]}
    )
    assert finding.status == "error"
    assert "host/webapp01.contoso.com is also on CN=OLDWEB" in finding.message
