# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report filters: names, documentation beside them, errors as filter errors, the default time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.wincontainers.gmsa.plugins.filter.gmsa_report import FilterModule

FILTER_DIR = Path(__file__).resolve().parents[4] / "plugins" / "filter"
FILTERS = FilterModule().filters()
NAMES = ["gmsa_report", "gmsa_report_markdown", "gmsa_report_junit", "gmsa_report_html", "gmsa_report_stats"]
RESULTS = [{"item": {"app": "a", "name": "A"}, "findings": [{"id": "gmsa_exists", "status": "ok", "message": "m"}]}]


def test_filter_names():
    assert sorted(FILTERS) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_filter_is_documented(name):
    docs = yaml.safe_load((FILTER_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    assert docs["DOCUMENTATION"]["name"] == name


def test_generated_defaults_to_now_utc():
    report = FILTERS["gmsa_report"](RESULTS)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["generated"])


def test_render_chain():
    report = FILTERS["gmsa_report"](RESULTS, "2026-01-23T10:15:42Z", fail_on="warning")
    assert "<td><code>gmsa_exists</code></td>" in FILTERS["gmsa_report_html"](report)
    assert 'tests="1" failures="0" errors="0"' in FILTERS["gmsa_report_junit"](report)
    assert "| 1 | a | A | - | OK |" in FILTERS["gmsa_report_markdown"](report)
    assert FILTERS["gmsa_report_stats"](report, {"md": "r.md"})["files"] == {"md": "r.md"}


def test_bad_results_are_filter_errors():
    with pytest.raises(AnsibleFilterError, match="list of gmsa_check results"):
        FILTERS["gmsa_report"]("not results")
    with pytest.raises(AnsibleFilterError, match="fail_on must be one of"):
        FILTERS["gmsa_report"](RESULTS, fail_on="always")


@pytest.mark.parametrize("name", NAMES[1:])
def test_renderers_want_a_report(name):
    with pytest.raises(AnsibleFilterError, match=r"takes the report that wincontainers\.gmsa\.gmsa_report returns"):
        FILTERS[name](RESULTS)
