"""The verification report: building it from gmsa_check results and rendering it (module_utils/_report.py).

JUnit output is read back with junitparser, as a CI system would; HTML with the standard library's parser.
The browser check of the HTML page is tests/report/test_report_browser.py.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._report import (
    NOT_RUN_ID,
    ReportError,
    build_report,
    run_label,
    stats,
    to_html,
    to_junit,
    to_markdown,
    worst,
)
from junitparser import Error, Failure, JUnitXml

GENERATED = "2026-01-23T10:15:42Z"


def finding(check_id, status, message="m", remediation=""):
    return {"id": check_id, "status": status, "message": message, "remediation": remediation}


def result(item, findings=None, **extra):
    registered = {"item": item, "changed": False, **extra}
    if findings is not None:
        registered["findings"] = findings
    return registered


RESULTS = [
    result(
        {"app": "webapp01", "name": "WebApp01", "host": "ContainerHost01"},
        [
            finding("kds_root_key", "ok", "A usable KDS root key exists."),
            finding("gmsa_exists", "ok", "WebApp01 exists."),
            finding(
                "host_allowed", "error", "CONTAINERHOST01$ may not retrieve the password.", "Add it to WebApp01Hosts."
            ),
            finding("host_ticket_refresh", "warning", "Added after its last logon.", "Run klist -li 0x3e7 purge."),
        ],
        status="error",
    ),
    result({"app": "orders", "name": "OrderSvc"}, [finding("gmsa_exists", "ok", "OrderSvc exists.")], status="ok"),
    result({"name": "Broken"}, msg="Cannot reach any domain controller: dc1.contoso.com:636 refused.", failed=True),
]


@pytest.fixture
def report():
    return build_report(RESULTS, GENERATED, domain="contoso.com", environment="prod")


def test_worst():
    assert worst([]) == "ok"
    assert worst(["ok", "warning"]) == "warning"
    assert worst(["warning", "error", "ok"]) == "error"


def test_build_report_counts_and_orders(report):
    assert report["summary"] == {"ok": 3, "warning": 1, "error": 2}
    assert report["status"] == "error"
    assert report["failing"] == 2
    first = report["checks"][0]
    assert [f["status"] for f in first["findings"]] == ["error", "warning", "ok", "ok"]
    assert [f["id"] for f in first["findings"]][2:] == ["kds_root_key", "gmsa_exists"]  # the guide's order kept
    assert (first["app"], first["account"], first["host"], first["ran"], first["status"]) == (
        "webapp01",
        "WebApp01",
        "ContainerHost01",
        True,
        "error",
    )


def test_a_run_that_could_not_check_becomes_one_error(report):
    broken = report["checks"][2]
    assert broken["ran"] is False
    assert broken["app"] == "Broken"  # no app label: the gMSA names the run
    assert broken["host"] is None
    assert broken["findings"] == [
        {
            "id": NOT_RUN_ID,
            "status": "error",
            "message": "Cannot reach any domain controller: dc1.contoso.com:636 refused.",
            "remediation": (
                "Fix what the message names (the connection to AD: see gmsa_domain_info; or an option of the check"
                " it names: gmsa_verify_checks or the host's variables), then run verify.yml again."
            ),
        }
    ]


@pytest.mark.parametrize(("fail_on", "failing"), [("error", 2), ("warning", 3), ("never", 0)])
def test_failing_follows_fail_on(fail_on, failing):
    assert build_report(RESULTS, GENERATED, fail_on=fail_on)["failing"] == failing


def test_accepts_the_registered_loop_itself():
    assert build_report({"results": RESULTS, "changed": False}, GENERATED)["summary"]["ok"] == 3


@pytest.mark.parametrize("bad", ["text", 3, None])
def test_refuses_what_is_no_result_list(bad):
    with pytest.raises(ReportError, match="list of gmsa_check results"):
        build_report(bad, GENERATED)


def test_refuses_unknown_fail_on():
    with pytest.raises(ReportError, match="fail_on must be one of error, warning, never"):
        build_report(RESULTS, GENERATED, fail_on="sometimes")


def test_unknown_status_counts_as_error():
    report = build_report([result({"name": "X"}, [finding("x", "weird")])], GENERATED)
    assert report["summary"]["error"] == 1


def test_report_is_json(report):
    assert json.loads(json.dumps(report)) == report


def test_run_label():
    assert run_label({"app": "a", "account": "A", "host": "H"}) == "a: A on H"
    assert run_label({"app": "a", "account": "A", "host": None}) == "a: A"


def test_stats_has_outcome_without_texts(report):
    out = stats(report, {"html": "/r/gmsa-report.html"})
    assert out["status"] == "error" and out["failing"] == 2 and out["summary"] == report["summary"]
    assert out["checks"][0] == {
        "app": "webapp01",
        "account": "WebApp01",
        "host": "ContainerHost01",
        "status": "error",
        "problems": ["host_allowed", "host_ticket_refresh"],
    }
    assert out["checks"][1]["problems"] == []
    assert out["files"] == {"html": "/r/gmsa-report.html"}
    assert "Add it to WebApp01Hosts." not in json.dumps(out)


def test_markdown(report):
    text = to_markdown(report)
    assert text.startswith("# gMSA verification report\n\nGenerated 2026-01-23T10:15:42Z for contoso.com (prod):\n")
    assert "3 ok, 1 warning(s), 2 error(s)\nin 3 check run(s)." in text
    assert "| 1 | webapp01 | WebApp01 | ContainerHost01 | ERROR |" in text
    assert "| 2 | orders | OrderSvc | - | OK |" in text
    assert (
        "| 1 | ERROR | host_allowed | CONTAINERHOST01$ may not retrieve the password. | Add it to WebApp01Hosts. |"
        in text
    )
    assert "| 2 | OK | gmsa_exists | OrderSvc exists. | - |" in text


def test_markdown_escapes_table_cells():
    report = build_report([result({"name": "A"}, [finding("x", "error", "a | b\nc")])], GENERATED)
    assert "| a \\| b c |" in to_markdown(report)


def junit(report, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(to_junit(report), encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def test_junit_one_case_per_check_failures_and_errors(report, tmp_path):
    xml = junit(report, tmp_path)
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (6, 1, 1, 0)
    suites = {suite.name: suite for suite in xml}
    assert list(suites) == ["webapp01: WebApp01 on ContainerHost01", "orders: OrderSvc", "Broken: Broken"]
    cases = {case.name: case for case in suites["webapp01: WebApp01 on ContainerHost01"]}
    assert set(cases) == {"kds_root_key", "gmsa_exists", "host_allowed", "host_ticket_refresh"}
    assert cases["host_allowed"].classname == "gmsa.webapp01.WebApp01.ContainerHost01"
    (failure,) = cases["host_allowed"].result
    assert isinstance(failure, Failure)
    assert failure.type == "error"
    assert failure.message == "CONTAINERHOST01$ may not retrieve the password."
    assert "Remediation: Add it to WebApp01Hosts." in failure.text
    assert cases["host_ticket_refresh"].is_passed
    assert cases["host_ticket_refresh"].system_out.startswith("WARNING: Added after its last logon.")
    assert cases["kds_root_key"].is_passed
    (error,) = next(iter(suites["Broken: Broken"])).result
    assert isinstance(error, Error)
    assert "dc1.contoso.com:636 refused" in error.message


def test_junit_warning_fails_when_fail_on_warning(tmp_path):
    report = build_report(RESULTS, GENERATED, fail_on="warning")
    xml = junit(report, tmp_path)
    assert (xml.failures, xml.errors) == (2, 1)
    cases = {case.name: case for case in next(iter(xml))}
    assert cases["host_ticket_refresh"].result[0].type == "warning"


def test_junit_properties_and_timestamp(report):
    root = ET.fromstring(to_junit(report))
    suite = root.find("testsuite")
    assert suite.get("timestamp") == "2026-01-23T10:15:42"
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props == {
        "app": "webapp01",
        "account": "WebApp01",
        "host": "ContainerHost01",
        "status": "error",
        "warnings": "1",
    }


class Rows(HTMLParser):
    """The rows of the checks table: (class, data-check, cell texts)."""

    def __init__(self):
        super().__init__()
        self.rows, self.in_checks, self.in_cell = [], False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.in_checks = attrs.get("id") == "checks"
        if self.in_checks and tag == "tr" and "data-check" in attrs:
            self.rows.append([attrs["class"], attrs["data-check"], []])
        if self.in_checks and tag == "td" and self.rows:
            self.rows[-1][2].append("")
            self.in_cell = True

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_checks = False
        if tag == "td":
            self.in_cell = False

    def handle_data(self, data):
        if self.in_cell:
            self.rows[-1][2][-1] += data


def test_html_one_row_per_check_with_status_and_remediation(report):
    page = to_html(report)
    parser = Rows()
    parser.feed(page)
    assert len(parser.rows) == 6
    assert [row[0] for row in parser.rows] == [
        "status-error",
        "status-warning",
        "status-ok",
        "status-ok",
        "status-ok",
        "status-error",
    ]
    _class, check_id, cells = parser.rows[0]
    assert check_id == "host_allowed"
    assert cells == [
        "ERROR",
        "1. webapp01: WebApp01 on ContainerHost01",
        "host_allowed",
        "CONTAINERHOST01$ may not retrieve the password.",
        "Add it to WebApp01Hosts.",
    ]
    assert parser.rows[2][2][4] == "-"


def test_html_is_self_contained_and_escaped():
    report = build_report(
        [result({"name": "<b>x</b>"}, [finding("x", "error", '<script>alert("x")</script>')])], GENERATED
    )
    page = to_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    for external in ("http://", "https://", "<link", "src="):
        assert external not in page


def test_a_checks_entry_that_could_not_run_shows_its_reason_and_hint():
    refused = {
        "name": None,
        "host": "HOST09",
        "findings": [],
        "summary": {"ok": 0, "warning": 0, "error": 0},
        "status": "error",
        "failed": True,
        "msg": "checks[1] (no name on HOST09): name is missing: give the gMSA, by its sAMAccountName.",
        "hint": "Fix this entry of checks; the other entries ran.",
        "item": {"app": "orders", "host": "HOST09"},
    }
    report = build_report([RESULTS[0], refused], GENERATED)
    run = report["checks"][1]
    assert (run["app"], run["host"], run["ran"], run["status"]) == ("orders", "HOST09", False, "error")
    assert run["findings"] == [
        {
            "id": NOT_RUN_ID,
            "status": "error",
            "message": refused["msg"],
            "remediation": "Fix this entry of checks; the other entries ran.",
        }
    ]
    assert report["checks"][0]["ran"] is True
    assert report["failing"] == sum(1 for c in report["checks"] for f in c["findings"] if f["status"] == "error")
