# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site flow for a fleet of N apps against the lab DC, beside the floor measured in the same run.

    scripts/lab-dc exec .venv/bin/python bench/fleet.py --apps 10 --apps 50 [--apps 200] [--repeat 3]

For each N it generates variables like playbooks/demo/vars.yml: N apps, each with 3 environments (dev, test,
prod: one gMSA and one host group of 2 hosts each, so 3N gMSAs and 3N groups), Kubernetes manifests on and one
Dockerfile per app (copies of the demo's three sample apps, in turn). Then, interleaved over N and repeated
``--repeat`` times (the machine is shared and noisy):

- **site, first run**: ``ansible-playbook`` of the lab_dc role and ``playbooks/site.yml`` with those variables on
  an empty fleet (no gMSA, group or file of an earlier round left), wall time and time per role;
- **site, no-op run**: the same again, which must change nothing;
- **floor, LDAP**: raw ldap3 adds of the same objects over one connection (3N groups with their 2 members, 3N
  gMSAs; bench/gmsa_bulk.py's code), deleted again;
- **floor, Ansible**: ``ansible-playbook`` of a playbook with as many tasks as the site run had task results
  (tasks times hosts; loop items not counted), each a ``debug``.

It prints the median and the spread (min-max) of each figure over the rounds, and the site runs as ratios against
their floor: first run / (LDAP floor + Ansible floor of the first run), no-op run / Ansible floor of the no-op run.
``--collection-root`` runs another checkout of the collection (for example ``git archive main``) with this script.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import ldap3
from gmsa_bulk import ROOT, connect, domain_facts, env, raw_adds, raw_group_adds, samba_db

ENVIRONMENTS = {"dev": "Dev", "test": "Tst", "prod": "Prd"}
HOSTS_PER_ENVIRONMENT = 2
# The demo's sample apps (playbooks/demo/apps) and their dockerfiles entries, given to the apps in turn.
SAMPLES = [
    ("webapp01", {"iis_app_pools": ["DefaultAppPool"]}),
    ("order-processor", {"stage": "runtime", "windows_services": ["ContosoOrderProcessor"]}),
    ("report-tool", {"user": "network_service"}),
]
PREFIX = "Fl"


def app_name(index: int) -> str:
    return f"fleet{index:04d}"


def account(index: int, environment: str) -> str:
    return f"{PREFIX}{index:04d}{ENVIRONMENTS[environment]}"


def host_names() -> dict[str, list[str]]:
    return {
        environment: [f"{PREFIX}Host{short}{n}" for n in range(1, HOSTS_PER_ENVIRONMENT + 1)]
        for environment, short in ENVIRONMENTS.items()
    }


def fleet_vars(count: int, output_dir: Path) -> dict:
    """The variables of playbooks/demo/vars.yml for ``count`` generated apps."""
    hosts = host_names()
    apps = []
    for index in range(1, count + 1):
        sample, dockerfile = SAMPLES[(index - 1) % len(SAMPLES)]
        name = app_name(index)
        apps.append(
            {
                "name": name,
                "description": f"Fleet app {index} (like {sample})",
                "environments": {
                    environment: {
                        "account": account(index, environment),
                        "host_group": f"{account(index, environment)}Hosts",
                        "host_group_members": hosts[environment],
                    }
                    for environment in ENVIRONMENTS
                },
                "kubernetes": {"namespace": "fleet", "service_account": name},
                "dockerfiles": [{"path": str(output_dir / "apps" / name / "Dockerfile"), **dockerfile}],
            }
        )
    return {
        "gmsa_domain": env("GMSA_LAB_REALM").lower(),
        "gmsa_environment": "prod",
        "gmsa_ldap_connection": "{{ gmsa_lab_connection }}",
        "gmsa_kds_effective_time_hours": 0,
        "gmsa_output_dir": str(output_dir),
        "gmsa_kubernetes_manifests": True,
        "gmsa_sql_logins": False,
        "gmsa_apps": apps,
    }


def site_playbook(collection_root: Path, vars_file: Path) -> list[dict]:
    """playbooks/demo_site.yml without the demo's set-up plays: the lab DC role, the variables, site.yml."""
    return [
        {
            "name": "Bring up the lab domain controller",
            "hosts": "localhost",
            "gather_facts": False,
            "roles": [{"role": "wincontainers.gmsa.lab_dc", "check_mode": False}],
        },
        {
            "name": "Load the fleet's apps",
            "hosts": "localhost:gmsa_lab",
            "gather_facts": False,
            "tasks": [{"name": "Read the fleet's vars", "ansible.builtin.include_vars": {"file": str(vars_file)}}],
        },
        {
            "name": "The site flow against the lab",
            "ansible.builtin.import_playbook": str(collection_root / "playbooks" / "site.yml"),
            "vars": {"gmsa_controller": "gmsa_lab"},
        },
    ]


class Fleet:
    """One N: its working folder, variables and playbooks, and the clean-up between rounds."""

    def __init__(self, count: int, work_dir: Path, collection_root: Path) -> None:
        self.count = count
        self.collection_root = collection_root
        self.dir = work_dir / f"apps{count}"
        self.output = self.dir / "output"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.vars_file = self.dir / "vars.json"
        self.vars_file.write_text(json.dumps(fleet_vars(count, self.output)))
        self.playbook = self.dir / "site.yml"
        self.playbook.write_text(json.dumps(site_playbook(collection_root, self.vars_file)))

    def reset(self, conn: ldap3.Connection, domain_dn: str) -> None:
        """No gMSA, group or file of the fleet left: the next site run is a first run."""
        conn.search(
            domain_dn,
            f"(&(sAMAccountName={PREFIX}0*)(|(objectClass=group)(objectClass=msDS-GroupManagedServiceAccount)))",
            attributes=["cn"],
        )
        for dn in [entry["dn"] for entry in conn.response if entry.get("type") == "searchResEntry"]:
            conn.delete(dn)
        shutil.rmtree(self.output, ignore_errors=True)
        samples = self.collection_root / "playbooks" / "demo" / "apps"
        for index in range(1, self.count + 1):
            target = self.output / "apps" / app_name(index)
            target.mkdir(parents=True)
            shutil.copyfile(samples / SAMPLES[(index - 1) % len(SAMPLES)][0] / "Dockerfile", target / "Dockerfile")


def ansible_env(collection_root: Path, timing_file: Path) -> dict[str, str]:
    collections = collection_root.parents[2] if collection_root.parent.name == "wincontainers" else None
    path = str(collections) if collections else str(ROOT / ".cache" / "collections")
    return {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": path,
        "ANSIBLE_CALLBACK_PLUGINS": str(Path(__file__).resolve().parent / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "fleet_timing",
        "ANSIBLE_NOCOLOR": "1",
        "FLEET_TIMING_FILE": str(timing_file),
    }


def run_playbook(playbook: Path, extra: list[str], collection_root: Path, work_dir: Path) -> tuple[float, list]:
    """Wall seconds of ansible-playbook and the per-task records of the fleet_timing callback."""
    timing = work_dir / "timing.json"
    timing.unlink(missing_ok=True)
    # The implicit localhost (no inventory), as make demo runs: ansible-playbook's own Python.
    command = [str(Path(sys.executable).with_name("ansible-playbook")), *extra, str(playbook)]
    start = time.perf_counter()
    done = subprocess.run(
        command, check=False, capture_output=True, text=True, env=ansible_env(collection_root, timing)
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        log = work_dir / "failed.log"
        log.write_text(done.stdout + done.stderr)
        sys.exit(f"{playbook} failed (rc {done.returncode}); its output is in {log}")
    return elapsed, json.loads(timing.read_text())


def site_run(fleet: Fleet, lab_vars: list[str], work_dir: Path) -> dict:
    extra = [*lab_vars, "-e", json.dumps({"ad_prepare_environments": list(ENVIRONMENTS)})]
    extra += ["-e", json.dumps({"credential_specs_environments": list(ENVIRONMENTS)})]
    wall, tasks = run_playbook(fleet.playbook, extra, fleet.collection_root, work_dir)
    roles: dict[str, float] = defaultdict(float)
    for task in tasks:
        roles[task["role"]] += task["seconds"]
    slowest = sorted(tasks, key=lambda task: -task["seconds"])[:8]
    return {
        "wall": wall,
        "roles": dict(roles),
        "slowest": [{key: task[key] for key in ("task", "seconds", "items")} for task in slowest],
        "tasks": sum(task["results"] for task in tasks),
        "items": sum(task["items"] for task in tasks),
    }


def empty_playbook(tasks: int, collection_root: Path, work_dir: Path) -> float:
    playbook = work_dir / f"empty{tasks}.yml"
    body = [{"name": f"task {n}", "ansible.builtin.debug": {"msg": "nothing"}} for n in range(tasks)]
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": body}]))
    return run_playbook(playbook, [], collection_root, work_dir)[0]


def ensure_hosts() -> None:
    """The 2 container hosts of each environment, as computer accounts (demo_site.yml's stand-ins)."""
    listed = subprocess.run(
        ["samba-tool", "computer", "list", *samba_db()], check=True, capture_output=True, text=True
    ).stdout
    existing = {line.strip().rstrip("$").lower() for line in listed.splitlines()}
    for names in host_names().values():
        for name in names:
            if name.lower() not in existing:
                subprocess.run(["samba-tool", "computer", "add", name, *samba_db()], check=True, capture_output=True)


def ldap_floor(conn: ldap3.Connection, domain_dn: str, admin_sid: str, count: int) -> float:
    """Raw adds of the fleet's objects: 3N groups of 2 hosts, 3N gMSAs (bench/gmsa_bulk.py)."""
    conn.search(domain_dn, f"(sAMAccountName={PREFIX}Host{ENVIRONMENTS['dev']}*)", attributes=["cn"])
    members = [entry["dn"] for entry in conn.response if entry.get("type") == "searchResEntry"]
    groups = raw_group_adds(conn, f"CN=Users,{domain_dn}", members, len(ENVIRONMENTS) * count, "FlRawGroup")
    accounts = raw_adds(conn, f"CN=Managed Service Accounts,{domain_dn}", admin_sid, len(ENVIRONMENTS) * count, "FlRaw")
    return groups + accounts


def measure_round(fleet: Fleet, lab_vars: list[str], work_dir: Path) -> dict:
    # A connection per LDAP step: the DC drops one left idle through the site runs.
    conn = connect()
    domain_dn, admin_sid = domain_facts(conn)
    fleet.reset(conn, domain_dn)
    conn.unbind()
    first = site_run(fleet, lab_vars, fleet.dir)
    noop = site_run(fleet, lab_vars, fleet.dir)
    conn = connect()
    fleet.reset(conn, domain_dn)
    ldap = ldap_floor(conn, domain_dn, admin_sid, fleet.count)
    conn.unbind()
    empty_first = empty_playbook(first["tasks"], fleet.collection_root, fleet.dir)
    empty_noop = empty_playbook(noop["tasks"], fleet.collection_root, fleet.dir)
    return {
        "first": first,
        "noop": noop,
        "floor_ldap": ldap,
        "floor_ansible_first": empty_first,
        "floor_ansible_noop": empty_noop,
        "ratio_first": first["wall"] / (ldap + empty_first),
        "ratio_noop": noop["wall"] / empty_noop,
    }


def spread(values: list[float], unit: str = "s") -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.2f} {unit}"
    return f"{median:.2f} {unit} ({min(values):.2f}-{max(values):.2f})"


def report(count: int, rounds: list[dict]) -> None:
    """Median and spread of every figure over the rounds of one N."""
    print(f"\n== {count} apps ({len(ENVIRONMENTS) * count} gMSAs, {len(ENVIRONMENTS) * count} host groups), "
          f"{len(rounds)} round(s): median (min-max) ==")  # fmt: skip
    first = [r["first"] for r in rounds]
    noop = [r["noop"] for r in rounds]
    print(f"site, first run                 {spread([r['wall'] for r in first])}"
          f"   tasks {first[0]['tasks']}, loop items {first[0]['items']}")  # fmt: skip
    print(f"site, no-op run                 {spread([r['wall'] for r in noop])}"
          f"   tasks {noop[0]['tasks']}, loop items {noop[0]['items']}")  # fmt: skip
    print(f"floor, raw LDAP adds            {spread([r['floor_ldap'] for r in rounds])}")
    print(f"floor, empty playbook (first)   {spread([r['floor_ansible_first'] for r in rounds])}")
    print(f"floor, empty playbook (no-op)   {spread([r['floor_ansible_noop'] for r in rounds])}")
    print(f"first run / floor               {spread([r['ratio_first'] for r in rounds], 'x')}")
    print(f"no-op run / floor               {spread([r['ratio_noop'] for r in rounds], 'x')}")
    print("per role (first run | no-op run):")
    roles = list(dict.fromkeys(role for run in first + noop for role in run["roles"]))
    for role in roles:
        first_role = spread([run["roles"].get(role, 0.0) for run in first])
        noop_role = spread([run["roles"].get(role, 0.0) for run in noop])
        print(f"  {role[:44]:44} {first_role:28} | {noop_role}")
    for label, runs in (("first", first), ("no-op", noop)):
        print(f"slowest tasks of the last {label} run (seconds, loop items):")
        for task in runs[-1].get("slowest", []):
            print(f"  {task['seconds']:8.2f} s {task['items']:5}  {task['task'][:90]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, action="append", help="number of apps (repeatable); default 10 and 50")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over all N, interleaved (default 3)")
    parser.add_argument("--collection-root", type=Path, default=ROOT, help="the collection checkout to run")
    parser.add_argument("--work-dir", type=Path, default=ROOT / ".build" / "bench-fleet")
    parser.add_argument("--json", type=Path, help="also write every round's figures to this file (after each round)")
    parser.add_argument("--report", type=Path, help="only print the report of a file written by --json")
    options = parser.parse_args()
    if options.report:
        for count, saved in json.loads(options.report.read_text()).items():
            if saved:
                report(int(count), saved)
        return
    counts = options.apps or [10, 50]
    collection_root = options.collection_root.resolve()
    lab_vars = ["-e", f"lab_dc_dir={env('GMSA_LAB_DIR')}", "-e", f"lab_dc_netns={env('GMSA_LAB_NETNS')}"]
    ensure_hosts()
    fleets = {count: Fleet(count, options.work_dir.resolve(), collection_root) for count in counts}
    rounds: dict[int, list[dict]] = {count: [] for count in counts}
    for round_number in range(1, options.repeat + 1):
        for count, fleet in fleets.items():
            print(f"round {round_number}/{options.repeat}: {count} apps", file=sys.stderr, flush=True)
            rounds[count].append(measure_round(fleet, lab_vars, options.work_dir))
            latest = rounds[count][-1]
            print(
                f"  first {latest['first']['wall']:.1f} s ({latest['ratio_first']:.2f}x floor), "
                f"no-op {latest['noop']['wall']:.1f} s ({latest['ratio_noop']:.2f}x floor)",
                file=sys.stderr,
                flush=True,
            )
            if options.json:
                options.json.write_text(json.dumps(rounds, indent=1))
    conn = connect()
    domain_dn, _sid = domain_facts(conn)
    for fleet in fleets.values():
        fleet.reset(conn, domain_dn)
    for count in counts:
        report(count, rounds[count])


if __name__ == "__main__":
    main()
