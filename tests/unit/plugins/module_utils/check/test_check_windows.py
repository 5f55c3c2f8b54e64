# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The known issues by Windows build, and the findings' summaries (pure)."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.findings import (
    Finding,
    failing,
    summarize,
    worst,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.windows import (
    evaluate_container_rules,
    parse_windows_build,
)
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    statuses,
)


@pytest.mark.parametrize(
    ("value", "build"),
    [
        (17763, 17763),
        ("10.0.14393.4169", 14393),
        ("2016", 14393),
        ("1709", 16299),
        ("ltsc2022", 20348),
        ("Windows Server 2019", 17763),
        ("20348", 20348),
    ],
)
def test_parse_windows_build(value, build):
    assert parse_windows_build(value) == build


@pytest.mark.parametrize("value", ["vista", "9200", "10.0", ""])
def test_parse_windows_build_rejects(value):
    with pytest.raises(ValueError):
        parse_windows_build(value)


@pytest.mark.parametrize(
    ("build", "hostname", "count", "isolation", "expected"),
    [
        (17763, None, None, None, {"container_hostname": "ok", "container_gmsa_sharing": "ok"}),
        (
            20348,
            "other",
            5,
            "hyperv",
            {"container_hostname": "ok", "container_gmsa_sharing": "ok", "container_isolation": "ok"},
        ),
        (14393, None, None, None, {"container_hostname": "warning", "container_gmsa_sharing": "warning"}),
        (
            14393,
            "WEBAPP01",
            1,
            "process",
            {"container_hostname": "ok", "container_gmsa_sharing": "ok", "container_isolation": "ok"},
        ),
        (16299, "web", 2, None, {"container_hostname": "error", "container_gmsa_sharing": "warning"}),
        (
            17134,
            "webapp01",
            1,
            "hyperv",
            {"container_hostname": "ok", "container_gmsa_sharing": "ok", "container_isolation": "error"},
        ),
        (
            14393,
            "webapp01",
            1,
            "hyperv",
            {"container_hostname": "ok", "container_gmsa_sharing": "ok", "container_isolation": "ok"},
        ),
        (10586, None, None, None, {"container_hostname": "error"}),
    ],
)
def test_container_rules(build, hostname, count, isolation, expected):
    assert statuses(evaluate_container_rules("WebApp01", build, hostname, count, isolation)) == expected


def test_container_hostname_fqdn_is_called_out():
    finding = evaluate_container_rules("WebApp01", 14393, "webapp01.contoso.com", 1)[0]
    assert finding.status == "error"
    assert "give the short name" in finding.message
    assert "--hostname webapp01" in finding.remediation


# -- summaries -----------------------------------------------------------------------------------------------------


def test_summary_worst_and_fail_on():
    findings = [Finding("a", "ok", ""), Finding("b", "warning", "", "x"), Finding("c", "error", "", "y")]
    assert summarize(findings) == {"ok": 1, "warning": 1, "error": 1}
    assert worst(findings) == "error"
    assert worst(findings[:2]) == "warning"
    assert worst([]) == "ok"
    assert [f.id for f in failing(findings, "error")] == ["c"]
    assert [f.id for f in failing(findings, "warning")] == ["b", "c"]
    assert failing(findings, "never") == []
    assert findings[1].as_dict() == {"id": "b", "status": "warning", "message": "", "remediation": "x"}
