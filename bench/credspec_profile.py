# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One ``credential_spec`` ``specs:`` task for N gMSAs with their Kubernetes manifests, the module process alone.

    scripts/lab-dc exec .venv/bin/python bench/credspec_profile.py --count 600 [--profile] [--cleanup]
        [--collection-root /tmp/main/ansible_collections/wincontainers/gmsa]

Makes N gMSAs (raw ldap3 adds, kept between runs; ``--cleanup`` deletes them), writes their specs and manifests
once (the first run), then times the no-op run ``--repeat`` times (wall time of ``python -m <module> args.json``)
and, with ``--profile``, runs it once more under cProfile and prints the functions that cost most. Issue 14: the
``credential_specs`` role's no-op at 200 apps (600 gMSAs) is this one task plus a few small ones.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ldap3
from gmsa_bulk import ROOT, connect, domain_facts, env, gmsa_attributes

sys.path.insert(0, str(ROOT / ".cache" / "collections"))
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import build_gmsa_membership

MODULE = "ansible_collections.wincontainers.gmsa.plugins.modules.credential_spec"
PREFIX = "SpProf"


def names(count: int) -> list[str]:
    return [f"{PREFIX}{i:04d}" for i in range(1, count + 1)]


def ensure_gmsas(conn: ldap3.Connection, domain_dn: str, admin_sid: str, count: int) -> None:
    """The N gMSAs, added where missing (the attributes gmsa_account writes)."""
    container = f"CN=Managed Service Accounts,{domain_dn}"
    conn.search(container, f"(sAMAccountName={PREFIX}*)", attributes=["sAMAccountName"])
    existing = {
        str(value).rstrip("$").lower()
        for entry in conn.response
        if entry.get("type") == "searchResEntry"
        for value in entry["raw_attributes"].get("sAMAccountName", [])
        for value in [value.decode()]
    }
    membership = build_gmsa_membership([admin_sid])
    for name in names(count):
        if name.lower() in existing:
            continue
        attributes = gmsa_attributes(name, membership, spn=False)
        if not conn.add(f"CN={name},{container}", "msDS-GroupManagedServiceAccount", attributes):
            sys.exit(f"add of {name} failed: {conn.result}")


def cleanup(conn: ldap3.Connection, domain_dn: str) -> None:
    container = f"CN=Managed Service Accounts,{domain_dn}"
    conn.search(container, f"(sAMAccountName={PREFIX}*)", attributes=["cn"])
    for dn in [e["dn"] for e in conn.response if e.get("type") == "searchResEntry"]:
        conn.delete(dn)


def module_args(count: int, out: Path) -> dict:
    return {
        "server": [env("GMSA_LDAP_SERVER").split(",")[0]],
        "ca_cert": env("GMSA_LDAP_CA_CERT"),
        "username": env("GMSA_LDAP_USERNAME"),
        "password": env("GMSA_LDAP_PASSWORD"),
        "dest": str(out / "CredentialSpecs"),
        "kubernetes_dest": str(out / "kubernetes"),
        "create_folders": True,
        "mode": "0644",
        "specs": [
            {
                "account": name,
                "kubernetes_resource_name": f"gmsa-{name.lower()}",
                "kubernetes_service_account": f"app{index // 3:04d}",
                "kubernetes_namespace": "fleet",
            }
            for index, name in enumerate(names(count))
        ],
    }


def run_module(args_file: str, pythonpath: str, profile: str | None = None) -> tuple[float, dict]:
    command = [sys.executable]
    if profile:
        command += ["-m", "cProfile", "-o", profile]
    command += ["-m", MODULE, args_file]
    start = time.perf_counter()
    done = subprocess.run(
        command, check=False, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": pythonpath}
    )
    elapsed = time.perf_counter() - start
    result = json.loads(done.stdout)
    if result.get("failed"):
        sys.exit(f"credential_spec failed: {result.get('msg')}")
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600, help="gMSAs, one spec and manifest each (default 600)")
    parser.add_argument("--repeat", type=int, default=3, help="timed no-op runs (default 3)")
    parser.add_argument("--profile", action="store_true", help="one more no-op run under cProfile, top functions")
    parser.add_argument("--collection-root", type=Path, default=ROOT, help="the collection checkout to run")
    parser.add_argument("--work-dir", type=Path, default=ROOT / ".build" / "bench-credspec")
    parser.add_argument("--cleanup", action="store_true", help="delete the gMSAs and the files, and stop")
    options = parser.parse_args()
    root = options.collection_root.resolve()
    pythonpath = str(root.parents[2]) if root.parent.name == "wincontainers" else str(ROOT / ".cache" / "collections")

    conn = connect()
    domain_dn, admin_sid = domain_facts(conn)
    if options.cleanup:
        cleanup(conn, domain_dn)
        shutil.rmtree(options.work_dir, ignore_errors=True)
        return
    ensure_gmsas(conn, domain_dn, admin_sid, options.count)
    conn.unbind()

    out = options.work_dir / f"out{options.count}"
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": module_args(options.count, out)}, handle)
    try:
        first, result = run_module(handle.name, pythonpath)
        written = sum(1 for spec in result["specs"] if spec["changed"])
        print(f"{options.count} specs, first run: {first:.2f} s ({written} changed)")
        times = []
        for _round in range(options.repeat):
            elapsed, result = run_module(handle.name, pythonpath)
            if result["changed"]:
                sys.exit("the no-op run changed something")
            times.append(elapsed)
        spread = f"{min(times):.2f}-{max(times):.2f}"
        print(f"no-op: median {statistics.median(times):.2f} s ({spread}), {result['ldap_operations']}")
        if options.profile:
            profile = str(options.work_dir / "noop.prof")
            run_module(handle.name, pythonpath, profile)
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)
    finally:
        os.unlink(handle.name)


if __name__ == "__main__":
    main()
