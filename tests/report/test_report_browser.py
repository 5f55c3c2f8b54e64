"""The HTML report of verify.yml in a real browser: headless Chromium loads it as a person would open the file.

The page itself has no script. The test loads a copy with one appended, which writes what the browser
computed (each row's background colour, the counts) into the DOM; ``--dump-dom`` returns that DOM. So the
assertions are on what Chromium laid out: one row per check, coloured by status, with the remediation text,
and nothing fetched from elsewhere. A screenshot is written too (``--keep`` prints where) for a look.

Needs /usr/bin/chromium (Debian's ``chromium`` package): ``make report-check``.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# module_utils/_report.py needs nothing but the standard library: load it from its file.
_spec = importlib.util.spec_from_file_location("gmsa_report", ROOT / "plugins" / "module_utils" / "_report.py")
_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_report)
build_report, to_html = _report.build_report, _report.to_html

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The colours of _report._CSS, as the browser reports computed backgrounds.
ROW_BACKGROUND = {
    "status-error": "rgb(255, 235, 233)",
    "status-warning": "rgb(255, 248, 197)",
    "status-ok": "rgba(0, 0, 0, 0)",
}
BADGE_BACKGROUND = {"ERROR": "rgb(207, 34, 46)", "WARNING": "rgb(154, 103, 0)", "OK": "rgb(26, 127, 55)"}
PROBE = """
<script>
for (const row of document.querySelectorAll('#checks tbody tr')) {
  row.dataset.bg = getComputedStyle(row.cells[1]).backgroundColor;
  const badge = row.querySelector('.badge');
  row.dataset.badgeBg = getComputedStyle(badge).backgroundColor;
  row.dataset.badgeText = badge.textContent;
  row.dataset.visible = String(row.getBoundingClientRect().height > 0);
}
document.body.dataset.resources = String(performance.getEntriesByType('resource').length);
document.body.dataset.rows = String(document.querySelectorAll('#checks tbody tr').length);
</script>
"""


def finding(check_id, status, message, remediation=""):
    return {"id": check_id, "status": status, "message": message, "remediation": remediation}


REPORT = build_report(
    [
        {
            "item": {"app": "webapp01", "name": "WebApp01", "host": "ContainerHost01"},
            "findings": [
                finding("kds_root_key", "ok", "A usable KDS root key exists."),
                finding(
                    "host_allowed",
                    "error",
                    "CONTAINERHOST01$ may not retrieve the password of WebApp01$.",
                    "Add ContainerHost01 to WebApp01Hosts (gmsa_host_group), then purge its tickets.",
                ),
                finding(
                    "host_ticket_refresh",
                    "warning",
                    "ContainerHost01 joined WebApp01Hosts after its last logon.",
                    "Run klist -li 0x3e7 purge on ContainerHost01.",
                ),
            ],
        },
        {"item": {"app": "orders", "name": "OrderSvc"}, "findings": [finding("gmsa_exists", "ok", "OrderSvc exists.")]},
        {"item": {"name": "Broken"}, "msg": "Cannot reach any domain controller <dc1.contoso.com>."},
    ],
    "2026-01-23T10:15:42Z",
    domain="contoso.com",
    environment="prod",
)


class Dom(HTMLParser):
    """The body's data attributes and the rows of the checks table with their data attributes and text."""

    def __init__(self):
        super().__init__()
        self.body: dict[str, str] = {}
        self.rows: list[dict[str, str]] = []
        self.in_row = False

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.body = attrs
        if tag == "tr" and "data-check" in attrs:
            self.rows.append({**attrs, "text": ""})
            self.in_row = True

    def handle_endtag(self, tag):
        if tag == "tr":
            self.in_row = False

    def handle_data(self, data):
        if self.in_row:
            self.rows[-1]["text"] += data


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not found:
        pytest.fail("Chromium is needed for this test: apt-get install chromium")
    return found


def run_chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    page = to_html(REPORT)
    (folder / "gmsa-report.html").write_text(page, encoding="utf-8")
    probe = folder / "probe.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    result = run_chromium("--dump-dom", probe.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = Dom()
    dom.feed(result.stdout)
    return folder, dom


def test_the_browser_ran_the_probe(rendered):
    _folder, dom = rendered
    assert dom.body.get("data-rows") == "5", "the probe script did not run: no DOM from the browser"


def test_one_row_per_check_coloured_by_status(rendered):
    _folder, dom = rendered
    assert [row["data-check"] for row in dom.rows] == [
        "host_allowed",
        "host_ticket_refresh",
        "kds_root_key",
        "gmsa_exists",
        "gmsa_check",
    ]
    for row in dom.rows:
        assert row["data-visible"] == "true"
        assert row["data-bg"] == ROW_BACKGROUND[row["class"]], row
        assert row["data-badge-bg"] == BADGE_BACKGROUND[row["data-badge-text"]], row
    assert [row["data-badge-text"] for row in dom.rows] == ["ERROR", "WARNING", "OK", "OK", "ERROR"]


def test_rows_carry_finding_and_remediation(rendered):
    _folder, dom = rendered
    first = dom.rows[0]["text"]
    assert "1. webapp01: WebApp01 on ContainerHost01" in first
    assert "CONTAINERHOST01$ may not retrieve the password of WebApp01$." in first
    assert "Add ContainerHost01 to WebApp01Hosts (gmsa_host_group), then purge its tickets." in first
    assert "Cannot reach any domain controller <dc1.contoso.com>." in dom.rows[4]["text"]  # escaped, shown as text
    assert "run verify.yml again" in dom.rows[4]["text"]


def test_nothing_is_fetched(rendered):
    _folder, dom = rendered
    assert dom.body.get("data-resources") == "0"


def test_screenshot(rendered, request):
    folder, _dom = rendered
    shot = folder / "gmsa-report.png"
    result = run_chromium("--window-size=1280,900", f"--screenshot={shot}", (folder / "gmsa-report.html").as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1280  # IHDR width
    if request.config.getoption("--keep", default=False):
        print(f"\nscreenshot: {shot}")
