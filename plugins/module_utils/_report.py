# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verification report of playbooks/verify.yml: gmsa_check results in, Markdown, JUnit XML, HTML and stats out.

Pure functions of plain values (no I/O, no Ansible): the filters of ``plugins/filter/gmsa_report.py`` expose them
to the playbook, which writes their text with ``ansible.builtin.copy`` (atomically, and only when it differs).

A report is a mapping::

    {"generated": "2026-01-23T10:15:42Z", "domain": "contoso.com", "environment": "prod",
     "fail_on": "error", "status": "warning", "failing": 0,
     "summary": {"ok": 9, "warning": 1, "error": 0},
     "checks": [{"app": "webapp01", "account": "WebApp01", "host": "ContainerHost01", "ran": True,
                 "status": "warning", "findings": [{"id", "status", "message", "remediation"}, ...]}, ...]}

``checks`` has one entry per gmsa_check run (a gMSA, optionally with a container host); each finding is one
check of the gMSA troubleshooting guide (``module_utils/_check.py``). ``ran`` is false when gmsa_check could
not run at all (no connection to AD) or could not run that check (a bad option of its entry): its one finding,
``gmsa_check``, says why (``msg``) and what to do (the entry's ``hint``, else the connection's advice).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Worst first; the order findings are listed in, within a run.
STATUSES = ("error", "warning", "ok")
# gmsa_verify_fail_on: the statuses that fail the play (and become JUnit failures).
FAIL_ON = {"error": ("error",), "warning": ("error", "warning"), "never": ()}
NOT_RUN_ID = "gmsa_check"
# gmsa_check fails as a whole on a connection failure; a check with a bad option fails alone, with its own hint.
NOT_RUN_REMEDIATION = (
    "Fix what the message names (the connection to AD: see gmsa_domain_info; or an option of the check it names:"
    " gmsa_verify_checks or the host's variables), then run verify.yml again."
)


class ReportError(ValueError):
    """Input that is no list of gmsa_check results, or an unknown fail_on level."""


def worst(statuses: Iterable[str]) -> str:
    """The worst of ``statuses`` (``ok`` for none)."""
    found = set(statuses)
    return next((status for status in STATUSES if status in found), "ok")


def _finding(raw: Mapping[str, Any]) -> dict[str, str]:
    status = str(raw.get("status") or "error")
    return {
        "id": str(raw.get("id") or "unknown"),
        "status": status if status in STATUSES else "error",
        "message": str(raw.get("message") or ""),
        "remediation": str(raw.get("remediation") or ""),
    }


def _run(result: Mapping[str, Any]) -> dict[str, Any]:
    """One check run from one registered gmsa_check result (``item`` is the request it looped over)."""
    item = result.get("item") or {}
    if not isinstance(item, Mapping):
        item = {"name": str(item)}
    raw = result.get("findings")
    ran = isinstance(raw, list) and bool(raw)
    if isinstance(raw, list) and raw:
        findings = [_finding(f) for f in raw if isinstance(f, Mapping)]
    else:
        message = str(result.get("msg") or "gmsa_check did not run.")
        # A checks entry that could not run carries its own hint (what to fix in that entry).
        remediation = str(result.get("hint") or NOT_RUN_REMEDIATION)
        findings = [{"id": NOT_RUN_ID, "status": "error", "message": message, "remediation": remediation}]
    order = {status: index for index, status in enumerate(STATUSES)}
    findings.sort(key=lambda f: order[f["status"]])  # stable: the guide's order within a status
    account = item.get("name") or item.get("account")
    return {
        "app": item.get("app") or account,
        "account": account,
        "host": item.get("host") or None,
        "ran": ran,
        "status": worst(f["status"] for f in findings),
        "findings": findings,
    }


def build_report(
    results: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    generated: str,
    domain: str | None = None,
    environment: str | None = None,
    fail_on: str = "error",
) -> dict[str, Any]:
    """The report of the ``results`` of a looped gmsa_check task (``register: x`` then ``x.results``).

    ``generated`` is the run's time as text (ISO 8601, UTC); ``fail_on`` is ``error``, ``warning`` or ``never``
    and decides ``failing``, the number of findings that fail the play. Raises ReportError on other input.
    """
    if fail_on not in FAIL_ON:
        raise ReportError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}.")
    runs: Any = results["results"] if isinstance(results, Mapping) and "results" in results else results
    if not isinstance(runs, Sequence) or isinstance(runs, (str, bytes)):
        raise ReportError("Give the list of gmsa_check results: the 'results' of the registered loop.")
    checks = [_run(result) for result in runs if isinstance(result, Mapping)]
    findings = [f for check in checks for f in check["findings"]]
    return {
        "generated": generated,
        "domain": domain,
        "environment": environment,
        "fail_on": fail_on,
        "status": worst(f["status"] for f in findings),
        "failing": sum(1 for f in findings if f["status"] in FAIL_ON[fail_on]),
        "summary": {status: sum(1 for f in findings if f["status"] == status) for status in reversed(STATUSES)},
        "checks": checks,
    }


def run_label(check: Mapping[str, Any]) -> str:
    """``app: gMSA on host`` (the host part only for runs with a container host)."""
    label = f"{check.get('app')}: {check.get('account')}"
    return f"{label} on {check['host']}" if check.get("host") else label


def stats(report: Mapping[str, Any], files: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What verify.yml hands to AWX with ``set_stats``: the outcome without the finding texts.

    A workflow's next node reads ``gmsa_verify.status`` or ``gmsa_verify.failing``; ``files`` maps each
    report format to the path it was written to.
    """
    return {
        "generated": report.get("generated"),
        "domain": report.get("domain"),
        "environment": report.get("environment"),
        "status": report.get("status"),
        "fail_on": report.get("fail_on"),
        "failing": report.get("failing"),
        "summary": dict(report.get("summary") or {}),
        "checks": [
            {
                "app": c.get("app"),
                "account": c.get("account"),
                "host": c.get("host"),
                "status": c.get("status"),
                "problems": [f["id"] for f in c.get("findings", []) if f["status"] != "ok"],
            }
            for c in report.get("checks", [])
        ],
        "files": dict(files or {}),
    }


# Markdown ------------------------------------------------------------------------------------------------------


def _cell(text: Any) -> str:
    return str(text if text not in (None, "") else "-").replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Mapping[str, Any]) -> str:
    """The report as Markdown: one table row per run, then one per finding with its remediation."""
    summary = report.get("summary") or {}
    where = f" for {report['domain']}" if report.get("domain") else ""
    where += f" ({report['environment']})" if report.get("environment") else ""
    checks = report.get("checks") or []
    lines = [
        "# gMSA verification report",
        "",
        f"Generated {report.get('generated')}{where}:",
        f"{summary.get('ok', 0)} ok, {summary.get('warning', 0)} warning(s), {summary.get('error', 0)} error(s)",
        f"in {len(checks)} check run(s).",
        "",
        "| Run | App | gMSA | Host | Status |",
        "| --- | --- | --- | --- | --- |",
    ]
    for index, check in enumerate(checks, 1):
        cells = [index, check.get("app"), check.get("account"), check.get("host"), str(check.get("status")).upper()]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += [
        "",
        "## Findings",
        "",
        "| Run | Status | Check | Finding | Remediation |",
        "| --- | --- | --- | --- | --- |",
    ]
    for index, check in enumerate(checks, 1):
        for f in check.get("findings", []):
            cells = [index, f["status"].upper(), f["id"], f["message"], f["remediation"]]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


# JUnit XML -----------------------------------------------------------------------------------------------------


def to_junit(report: Mapping[str, Any]) -> str:
    """The report as JUnit XML, as CI systems read it: a test suite per run, a test case per check.

    A finding whose status is at or above the report's ``fail_on`` is a ``<failure>`` (type: its status); a run
    that could not check anything is an ``<error>``. Other warnings pass, with ``WARNING:`` and the remediation
    in ``<system-out>`` and a ``warnings`` property per suite. Case names are the check ids (``host_allowed``),
    class names ``gmsa.<app>.<gMSA>[.<host>]``.
    """
    failing = FAIL_ON.get(str(report.get("fail_on")), FAIL_ON["error"])
    suites = ET.Element("testsuites", name="gmsa verify")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for check in report.get("checks") or []:
        suite = ET.SubElement(suites, "testsuite", name=run_label(check))
        counts = {"tests": 0, "failures": 0, "errors": 0, "warnings": 0}
        properties = ET.SubElement(suite, "properties")
        classname = ".".join(
            str(part) for part in ("gmsa", check.get("app"), check.get("account"), check.get("host")) if part
        )
        for finding in check.get("findings", []):
            counts["tests"] += 1
            case = ET.SubElement(suite, "testcase", name=finding["id"], classname=classname, time="0")
            detail = finding["message"] + (f"\nRemediation: {finding['remediation']}" if finding["remediation"] else "")
            if not check.get("ran", True):
                counts["errors"] += 1
                ET.SubElement(case, "error", type="not_run", message=finding["message"]).text = detail
            elif finding["status"] in failing:
                counts["failures"] += 1
                ET.SubElement(case, "failure", type=finding["status"], message=finding["message"]).text = detail
            else:
                if finding["status"] == "warning":
                    counts["warnings"] += 1
                ET.SubElement(case, "system-out").text = f"{finding['status'].upper()}: {detail}"
        for name, value in (
            ("app", check.get("app")),
            ("account", check.get("account")),
            ("host", check.get("host")),
            ("status", check.get("status")),
            ("warnings", counts["warnings"]),
        ):
            if value is not None:
                ET.SubElement(properties, "property", name=name, value=str(value))
        for key in ("tests", "failures", "errors"):
            suite.set(key, str(counts[key]))
            totals[key] += counts[key]
        suite.set("skipped", "0")
        suite.set("time", "0")
        if report.get("generated"):
            suite.set("timestamp", str(report["generated"]).rstrip("Z"))
    for key, value in totals.items():
        suites.set(key, str(value))
    suites.set("time", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


# HTML ----------------------------------------------------------------------------------------------------------

_CSS = """
:root { --ok: #1a7f37; --ok-bg: #dafbe1; --warning: #9a6700; --warning-bg: #fff8c5;
        --error: #cf222e; --error-bg: #ffebe9; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1f2328; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.tile .count { font-size: 26px; font-weight: 600; display: block; }
.tile.ok { background: var(--ok-bg); border-color: var(--ok); color: var(--ok); }
.tile.warning { background: var(--warning-bg); border-color: var(--warning); color: var(--warning); }
.tile.error { background: var(--error-bg); border-color: var(--error); color: var(--error); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr.status-error td { background: var(--error-bg); }
tr.status-warning td { background: var(--warning-bg); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 12px;
         color: #fff; white-space: nowrap; }
.badge.ok { background: var(--ok); } .badge.warning { background: var(--warning); }
.badge.error { background: var(--error); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
#checks td:nth-child(4), #checks td:nth-child(5) { width: 32%; }
@media print { body { padding: 0; } tr { break-inside: avoid; } }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _badge(status: str) -> str:
    return f'<span class="badge {_e(status)}">{_e(status.upper())}</span>'


def to_html(report: Mapping[str, Any]) -> str:
    """The report as one self-contained HTML page (inline CSS, no script, nothing fetched).

    A summary of counts, a table of runs, and a table with one row per check (``<tr class="status-<status>"
    data-check="<id>">``): status, run, check, finding and remediation, coloured by status; errors first.
    """
    summary = report.get("summary") or {}
    checks = report.get("checks") or []
    status = str(report.get("status") or "ok")
    where = " · ".join(_e(v) for v in (report.get("domain"), report.get("environment")) if v)
    title = f"gMSA verification: {status.upper()}" + (f" ({_e(report['domain'])})" if report.get("domain") else "")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        f'<body data-status="{_e(status)}">',
        f"<h1>gMSA verification report {_badge(status)}</h1>",
        f'<p class="meta">Generated {_e(report.get("generated"))}'
        + (f" for {where}" if where else "")
        + f"; play fails on: {_e(report.get('fail_on'))} ({_e(report.get('failing'))} failing finding(s)).</p>",
        '<div class="tiles">',
    ]
    for name in STATUSES:
        out.append(f'<div class="tile {name}"><span class="count">{_e(summary.get(name, 0))}</span>{_e(name)}</div>')
    out.append(f'<div class="tile"><span class="count">{len(checks)}</span>check run(s)</div>')
    out += [
        "</div>",
        "<h2>Runs</h2>",
        '<table id="runs"><thead><tr><th>#</th><th>Status</th><th>App</th><th>gMSA</th><th>Container host</th>'
        "</tr></thead><tbody>",
    ]
    for index, check in enumerate(checks, 1):
        status = str(check.get("status"))
        cells = "".join(
            f"<td>{_e(value)}</td>" for value in (check.get("app"), check.get("account"), check.get("host") or "-")
        )
        out.append(f'<tr class="status-{_e(status)}"><td>{index}</td><td>{_badge(status)}</td>{cells}</tr>')
    out += [
        "</tbody></table>",
        "<h2>Checks</h2>",
        '<table id="checks"><thead><tr><th>Status</th><th>Run</th><th>Check</th><th>Finding</th><th>Remediation</th>'
        "</tr></thead><tbody>",
    ]
    for index, check in enumerate(checks, 1):
        for f in check.get("findings", []):
            out.append(
                f'<tr class="status-{_e(f["status"])}" data-check="{_e(f["id"])}" data-run="{index}">'
                f"<td>{_badge(f['status'])}</td><td>{index}. {_e(run_label(check))}</td>"
                f"<td><code>{_e(f['id'])}</code></td><td>{_e(f['message'])}</td>"
                f'<td class="remediation">{_e(f["remediation"] or "-")}</td></tr>'
            )
    out += ["</tbody></table>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
