# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the lab DC's machine holds now, read in one process for the lab_dc role's reuse check.

Usage: lab_dc_state.py < SPEC.json; prints one JSON object on stdout and exits 0 whatever the lab's state (a
missing file, namespace or DC is a finding, not an error). It only reads: it creates, starts and changes
nothing, so the role runs it before it checks its prerequisites, and in check mode.

SPEC: {"netns": name, "paths": [path, ...], "smb_confs": [path, ...], "lab_dir": path,
"dcs": [{"fqdn", "netbios", "sam_ldb"}, ...], "ca_cert": path, "client_python": path, "tls_probe": path,
"systemd_units": [unit, ...]}

Output: {"uid": int, "samba_version": {"rc", "stdout"}, "netns": bool, "lo": {"rc", "stdout"},
"paths": {path: {"exists", "type" (file, directory, link, other or null), "mode" ("0644"), "sha1" (files)}},
"includes": {smb_conf: [its lines that start with "include", ends kept]}, "replica_dirs": [sorted paths of the
directories dc[0-9]* in lab_dir], "dcs": {fqdn: {"ldaps_rc", "ldaps_error", "spns" (ldbsearch output or null)}},
"systemd": {"managed": bool, "units": {unit: {"enabled", "active"}}}}. As root only; otherwise uid alone.

The commands it runs (samba --version, ip, ldbsearch, the LDAPS probe lab_dc_probe.py inside the namespace,
systemctl) run at once, side by side: the check costs about one of them, not their sum.
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


class Runs:
    """Commands started at once and collected later: {key: Popen}."""

    def __init__(self) -> None:
        self._running: dict[str, subprocess.Popen[str] | OSError] = {}

    def start(self, key: str, argv: list[str]) -> None:
        try:
            self._running[key] = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        except OSError as exc:  # the program is not installed: a finding like any other
            self._running[key] = exc

    def result(self, key: str, otherwise: str = "not run") -> dict[str, Any]:
        """{"rc", "stdout", "stderr"} of the command started with KEY; rc None when it was not started (stderr then
        says OTHERWISE) or could not run."""
        process = self._running.get(key)
        if process is None:
            return {"rc": None, "stdout": "", "stderr": otherwise}
        if isinstance(process, OSError):
            return {"rc": None, "stdout": "", "stderr": str(process)}
        stdout, stderr = process.communicate()
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
