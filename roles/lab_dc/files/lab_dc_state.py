# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the lab DC's machine holds now, read in one process for the lab_dc role's reuse check.

Usage: lab_dc_state.py < SPEC.json; prints one JSON object on stdout and exits 0 whatever the lab's state (a
missing file, namespace or DC is a finding, not an error). It only reads: it creates, starts and changes
nothing, so the role runs it before it checks its prerequisites, and in check mode.

SPEC: {"netns": name, "paths": [path, ...], "smb_confs": [path, ...], "lab_dir": path,
"dcs": [{"fqdn", "netbios", "sam_ldb"}, ...], "ca_cert": path, "client_python": path, "tls_probe": path,
"systemd_units": [unit, ...], "admin": {"principal": "Administrator@REALM", "krb5_conf": path},
"admin_password": the password the lab's variables give (a secret: given on stdin only, never printed)}

Output: {"uid": int, "samba_version": {"rc", "stdout"}, "netns": bool, "lo": {"rc", "stdout"},
"paths": {path: {"exists", "type" (file, directory, link, other or null), "mode" ("0644"), "sha1" (files)}},
"includes": {smb_conf: [its lines that start with "include", ends kept]}, "replica_dirs": [sorted paths of the
directories dc[0-9]* in lab_dir], "dcs": {fqdn: {"ldaps_rc", "ldaps_error", "spns" (ldbsearch output or null)}},
"systemd": {"managed": bool, "units": {unit: {"enabled", "active"}}}, "admin_logon": {"rc" (kinit's exit status,
0 when the domain takes admin_password; null when not tried), "error" (kinit's message, the password masked)}}.
As root only; otherwise uid alone.

The commands it runs (samba --version, ip, ldbsearch, the LDAPS probe lab_dc_probe.py and kinit inside the
namespace, systemctl) run at once, side by side: the check costs about one of them, not their sum. The kinit is
the test that the domain still has the administrator password the variables give (provisioning sets it once); its
ticket stays in memory (KRB5CCNAME MEMORY:), so nothing is written.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

SYSTEMD_CANARIES = ("/run/systemd/system/", "/dev/.run/systemd/", "/dev/.systemd/")
# How long the administrator's kinit may take: a DC held (SIGSTOP) never answers, and MIT kinit would try each KDC
# of krb5.conf for seconds; the LDAPS probe gives up after 3 s too.
LOGON_TIMEOUT = 4.0
MASK = "********"


def describe(path: str) -> dict[str, Any]:
    """Whether PATH exists (following links, as `creates:` does), what it is itself, its mode and content digest."""
    try:
        info = os.lstat(path)
    except OSError:
        return {"exists": False, "type": None, "mode": None, "sha1": None}
    if stat.S_ISLNK(info.st_mode):
        kind = "link"
    elif stat.S_ISREG(info.st_mode):
        kind = "file"
    elif stat.S_ISDIR(info.st_mode):
        kind = "directory"
    else:
        kind = "other"
    digest = None
    if kind == "file":
        try:
            digest = hashlib.sha1(Path(path).read_bytes()).hexdigest()  # what ansible.builtin.copy compares
        except OSError:
            digest = None
    return {"exists": os.path.exists(path), "type": kind, "mode": f"{stat.S_IMODE(info.st_mode):04o}", "sha1": digest}


def include_lines(path: str) -> list[str] | None:
    """The lines of an smb.conf that start with "include" (line ends kept), or None when it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            return [line for line in handle if line.lstrip().startswith("include")]
    except OSError:
        return None


def replica_dirs(lab_dir: str) -> list[str]:
    """The directories dc[0-9]* in LAB_DIR (not links, not hidden), as ansible.builtin.find lists them."""
    try:
        names = os.listdir(lab_dir)
    except OSError:
        return []
    found = []
    for name in fnmatch.filter(names, "dc[0-9]*"):
        path = os.path.join(lab_dir, name)
        try:
            if stat.S_ISDIR(os.lstat(path).st_mode):
                found.append(path)
        except OSError:  # gone since the listing
            continue
    return sorted(found)


def systemd_managed() -> bool:
    """True when Ansible's service_mgr fact would say systemd (its test for Linux; upstart and openrc left out, so
    that a doubt counts as systemd: the services are then read, never skipped)."""
    try:
        init = Path("/proc/1/comm").read_text(encoding="utf-8").strip()
    except OSError:
        init = os.readlink("/sbin/init") if os.path.islink("/sbin/init") else ""
    init = os.path.basename(init).strip()
    if init and init != "init" and not init.endswith("sh"):  # an init that names itself
        return init == "systemd"
    if not shutil.which("systemctl"):
        return False
    init_link = os.path.islink("/sbin/init") and os.path.basename(os.readlink("/sbin/init")) == "systemd"
    return init_link or any(os.path.exists(canary) for canary in SYSTEMD_CANARIES)


def admin_logon_command(spec: dict[str, Any], netns_exists: bool) -> tuple[list[str], dict[str, str]] | None:
    """The kinit of spec["admin"]["principal"] inside the namespace, as (argv, environment), that tells whether the
    domain takes spec["admin_password"]; None when it cannot be tried: no password given, no namespace or no
    krb5.conf (no lab yet, and then other findings make the role run its steps anyway)."""
    admin = spec.get("admin")
    if not spec.get("admin_password") or not admin or not netns_exists or not os.path.isfile(admin["krb5_conf"]):
        return None
    environment = dict(os.environ, KRB5_CONFIG=admin["krb5_conf"], KRB5CCNAME="MEMORY:lab_dc_state")
    return ["ip", "netns", "exec", spec["netns"], "kinit", admin["principal"]], environment


def admin_logon(result: dict[str, Any], password: str) -> dict[str, Any]:
    """{"rc", "error"} of the administrator's kinit (a Runs.result): when it failed, the last line of its stderr
    (MIT kinit prompts on stdout and says why it failed on stderr), PASSWORD masked wherever it appears."""
    if result["rc"] == 0:
        return {"rc": 0, "error": ""}
    lines = [line.strip() for line in result["stderr"].splitlines() if line.strip()]
    error = lines[-1] if lines else f"exit {result['rc']} without a message"
    if password:
        error = error.replace(password, MASK)
    return {"rc": result["rc"], "error": error}


class Runs:
    """Commands started at once and collected later: {key: Popen}."""

    def __init__(self) -> None:
        self._running: dict[str, subprocess.Popen[str] | OSError] = {}

    def start(self, key: str, argv: list[str], stdin: str | None = None, env: dict[str, str] | None = None) -> None:
        """Start ARGV; STDIN, when given, is what it reads on its standard input (a secret goes there, never on a
        command line): a pipe filled and closed before the start, which a few bytes fit without waiting."""
        source: int = subprocess.DEVNULL
        if stdin is not None:
            source, write_end = os.pipe()
            try:
                os.write(write_end, (stdin + "\n").encode())
            finally:
                os.close(write_end)
        try:
            self._running[key] = subprocess.Popen(
                argv, stdin=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
            )
        except OSError as exc:  # the program is not installed: a finding like any other
            self._running[key] = exc
        finally:
            if stdin is not None:
                os.close(source)

    def result(self, key: str, otherwise: str = "not run", timeout: float | None = None) -> dict[str, Any]:
        """{"rc", "stdout", "stderr"} of the command started with KEY; rc None when it was not started (stderr then
        says OTHERWISE), could not run, or ran longer than TIMEOUT seconds (it is then killed)."""
        process = self._running.get(key)
        if process is None:
            return {"rc": None, "stdout": "", "stderr": otherwise}
        if isinstance(process, OSError):
            return {"rc": None, "stdout": "", "stderr": str(process)}
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return {"rc": None, "stdout": "", "stderr": f"no answer within {timeout:g} s"}
        return {"rc": process.returncode, "stdout": stdout, "stderr": stderr}


def read_state(spec: dict[str, Any]) -> dict[str, Any]:
    netns = spec["netns"]
    netns_exists = os.path.exists(f"/run/netns/{netns}")
    runs = Runs()
    runs.start("samba", ["samba", "--version"])
    if netns_exists:
        runs.start("lo", ["ip", "-n", netns, "-o", "addr", "show", "dev", "lo"])
    can_probe = netns_exists and os.path.isfile(spec["ca_cert"])
    for dc in spec["dcs"]:
        if can_probe:
            probe = [spec["client_python"], spec["tls_probe"], dc["fqdn"], "636", spec["ca_cert"]]
            runs.start("ldaps " + dc["fqdn"], ["ip", "netns", "exec", netns, *probe])
        if os.path.isfile(dc["sam_ldb"]):  # ldbsearch would create a database that is not there
            account = f"(sAMAccountName={dc['netbios']}$)"
            runs.start("spns " + dc["fqdn"], ["ldbsearch", "-H", dc["sam_ldb"], account, "servicePrincipalName"])
    logon = admin_logon_command(spec, netns_exists)
    if logon is not None:
        runs.start("admin logon", logon[0], stdin=spec["admin_password"], env=logon[1])
    managed = bool(spec.get("systemd_units")) and systemd_managed()
    if managed:
        for unit in spec["systemd_units"]:
            runs.start("enabled " + unit, ["systemctl", "is-enabled", unit])
            runs.start("active " + unit, ["systemctl", "is-active", unit])

    state: dict[str, Any] = {
        "uid": os.geteuid(),
        "netns": netns_exists,
        "paths": {path: describe(path) for path in spec["paths"]},
        "includes": {path: include_lines(path) for path in spec["smb_confs"]},
        "replica_dirs": replica_dirs(spec["lab_dir"]),
    }
    samba = runs.result("samba")
    state["samba_version"] = {"rc": samba["rc"], "stdout": samba["stdout"].strip()}
    lo = runs.result("lo")
    state["lo"] = {"rc": lo["rc"], "stdout": lo["stdout"]}
    state["dcs"] = {}
    for dc in spec["dcs"]:
        ldaps = runs.result("ldaps " + dc["fqdn"], otherwise="no namespace or no CA certificate")
        spns = runs.result("spns " + dc["fqdn"])
        state["dcs"][dc["fqdn"]] = {
            "ldaps_rc": ldaps["rc"],
            "ldaps_error": ldaps["stderr"].strip(),
            "spns": spns["stdout"] if spns["rc"] == 0 else None,
        }
    units = {}
    if managed:
        for unit in spec["systemd_units"]:
            units[unit] = {
                "enabled": runs.result("enabled " + unit)["stdout"].strip(),
                "active": runs.result("active " + unit)["stdout"].strip(),
            }
    state["systemd"] = {"managed": managed, "units": units}
    logon_result = runs.result("admin logon", otherwise="no password, namespace or krb5.conf", timeout=LOGON_TIMEOUT)
    state["admin_logon"] = admin_logon(logon_result, spec.get("admin_password") or "")
    return state


def main() -> int:
    spec = json.load(sys.stdin)
    if os.geteuid() != 0:  # nothing of the lab is readable; the role fails on the uid
        json.dump({"uid": os.geteuid()}, sys.stdout)
        return 0
    json.dump(read_state(spec), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
