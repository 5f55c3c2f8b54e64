# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Profile one no-op gmsa_account ``accounts:`` and one gmsa_host_group ``groups:`` call of N objects.

    scripts/lab-dc exec .venv/bin/python bench/module_profile.py --count 600 [--top 25] [--keep]

The requests are the ones ``ad_prepare`` gives the modules for a fleet (bench/fleet.py's names: N host groups of
2 container hosts each, N gMSAs with dNSHostName, description, their host/ SPNs and their host group allowed to
retrieve the password). The objects are created first (when missing), then each module runs converged, apply
and check mode, as its own process: wall seconds (median of ``--repeat`` runs) beside the empty task's (start-up,
imports, bind, domain facts), ``ldap_operations``, then once under cProfile with the top functions by cumulative
and by own time. ``--keep`` leaves the objects in AD (for a next run or a profile of another branch).

``--compare DIR`` also runs another checkout's modules (DIR holds ``ansible_collections/wincontainers/gmsa``, e.g.
``git archive main`` unpacked there), each run beside this checkout's (alternating which goes first): on a loaded
machine, compare the two medians measured in the same minutes.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fleet import PREFIX, ensure_hosts, host_names
from gmsa_bulk import ROOT, connect, domain_facts, env

MODULES = "ansible_collections.wincontainers.gmsa.plugins.modules."


def names(count: int) -> list[str]:
    return [f"{PREFIX}P{index:04d}" for index in range(1, count + 1)]


def connection() -> dict:
    return {
        "server": [env("GMSA_LDAP_SERVER").split(",")[0]],
        "ca_cert": env("GMSA_LDAP_CA_CERT"),
        "username": env("GMSA_LDAP_USERNAME"),
        "password": env("GMSA_LDAP_PASSWORD"),
    }


def group_args(count: int, state: str = "present") -> dict:
    hosts = host_names()["dev"]
    groups = [
        {"name": f"{name}Hosts", "description": f"{name} Authorized Hosts", "members": {"add": hosts}}
        for name in names(count)
    ]
    if state == "absent":
        groups = [{"name": g["name"], "state": "absent"} for g in groups]
    return {**connection(), "scope": "domainlocal", "groups": groups}


def account_args(count: int, state: str = "present", lookup_failure_action: str = "fail") -> dict:
    realm = env("GMSA_LAB_REALM").lower()
    accounts = [
        {
            "name": name,
            "dns_hostname": f"{name}.{realm}",
            "description": f"Profile app {name}",
            "enabled": True,
            "spn": {"add": [f"host/{name}", f"host/{name}.{realm}"]},
            "allowed_to_retrieve_password": {"add": [f"{name}Hosts"]},
        }
        for name in names(count)
    ]
    if state == "absent":
        accounts = [{"name": a["name"], "state": "absent"} for a in accounts]
    return {**connection(), "accounts": accounts, "lookup_failure_action": lookup_failure_action}


def run(
    module: str, args: dict, check_mode: bool = False, profile: Path | None = None, collections: Path | None = None
) -> tuple[float, dict]:
    """Wall seconds of the module process (from ``collections``, default this checkout) and its result."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": {**args, "_ansible_check_mode": check_mode}}, handle)
    command = [sys.executable, *(["-m", "cProfile", "-o", str(profile)] if profile else []), "-m", MODULES + module]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, handle.name],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(collections or ROOT / ".cache" / "collections")},
    )
    elapsed = time.perf_counter() - start
    os.unlink(handle.name)
    result = json.loads(done.stdout)
    if result.get("failed"):
        sys.exit(f"{module} failed: {result.get('msg')}")
    return elapsed, result


def top(profile: Path, count: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(str(profile), stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(count)
    stats.sort_stats("tottime").print_stats(count)
    return out.getvalue()


def measure(
    label: str, module: str, args: dict, check_mode: bool, options: argparse.Namespace, other: Path | None
) -> None:
    times: dict[str, list[float]] = {"this": [], "other": []}
    results: dict[str, dict] = {}
    for round_number in range(options.repeat):
        order = [("this", None), ("other", other)]
        for which, collections in order[:: 1 if round_number % 2 == 0 else -1]:  # alternate who goes first
            if which == "other" and other is None:
                continue
            elapsed, result = run(module, args, check_mode, collections=collections)
            times[which].append(elapsed)
            results[which] = result
            if result.get("changed"):
                sys.exit(f"{label}: not converged (changed)")
    profile = options.work_dir / f"{module}{'-check' if check_mode else ''}.prof"
    run(module, args, check_mode, profile)
    for which in ("this", "other"):
        if times[which]:
            print(f"\n== {label} ({which}): {statistics.median(times[which]):.2f} s (runs "
                  f"{', '.join(f'{t:.2f}' for t in times[which])}), ldap_operations "
                  f"{results[which]['ldap_operations']} ==")  # fmt: skip
    print(top(profile, options.top))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--keep", action="store_true", help="leave the objects in AD")
    parser.add_argument("--work-dir", type=Path, default=ROOT / ".build" / "bench-profile")
    parser.add_argument("--compare", type=Path, help="another checkout's collections folder, run alternately")
    options = parser.parse_args()
    options.work_dir.mkdir(parents=True, exist_ok=True)
    ensure_hosts()
    conn = connect()
    domain_facts(conn)
    conn.unbind()
    count = options.count
    elapsed, result = run("gmsa_host_group", group_args(count))
    print(f"set-up: groups {elapsed:.2f} s changed={result['changed']} {result['ldap_operations']}")
    elapsed, result = run("gmsa_account", account_args(count))
    print(f"set-up: gMSAs {elapsed:.2f} s changed={result['changed']} {result['ldap_operations']}")
    empty = {**connection(), "accounts": [{"name": "FlPNone", "state": "absent"}]}
    times = [run("gmsa_account", empty)[0] for _round in range(options.repeat)]
    print(f"empty task (start-up, bind, domain facts): {statistics.median(times):.2f} s")
    other = options.compare.resolve() if options.compare else None
    measure("gmsa_host_group no-op", "gmsa_host_group", group_args(count), False, options, other)
    measure("gmsa_host_group check", "gmsa_host_group", group_args(count), True, options, other)
    measure("gmsa_account no-op", "gmsa_account", account_args(count), False, options, other)
    measure("gmsa_account check", "gmsa_account", account_args(count, "present", "ignore"), True, options, other)
    if not options.keep:
        run("gmsa_account", account_args(count, "absent"))
        run("gmsa_host_group", group_args(count, "absent"))


if __name__ == "__main__":
    main()
