# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converge N gMSAs with gmsa_account against the lab DC, next to the two references on the same DC.

    scripts/lab-dc exec .venv/bin/python bench/gmsa_bulk.py --count 100 [--count 500]

For each N it prints: raw ldap3 adds over one connection (the floor: the DC derives a password for every new
gMSA), ``samba-tool service-account create`` in a loop, the module creating the N accounts in one run (the
module process alone, and the whole ansible-playbook task), the no-op re-run, and the LDAP operations the
module issued. Every object is removed again after each measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ldap3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".cache" / "collections"))

from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import build_gmsa_membership  # noqa: E402

MODULE = "ansible_collections.wincontainers.gmsa.plugins.modules.gmsa_account"


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set: run through `scripts/lab-dc exec`, which exports the lab's settings.")
    return value


def connect() -> ldap3.Connection:
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=env("GMSA_LDAP_CA_CERT"))
    server = ldap3.Server(env("GMSA_LDAP_SERVER").split(",")[0], port=636, use_ssl=True, tls=tls, get_info=ldap3.NONE)
    return ldap3.Connection(server, user=env("GMSA_LDAP_USERNAME"), password=env("GMSA_LDAP_PASSWORD"), auto_bind=True)


def samba_db() -> list[str]:
    lab = env("GMSA_LAB_DIR")
    return ["-H", f"{lab}/private/sam.ldb", "-s", f"{lab}/etc/smb.conf"]


def names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:04d}" for i in range(1, count + 1)]


def gmsa_attributes(name: str, membership: bytes, spn: bool = True) -> dict:
    """The attributes gmsa_account writes for a new gMSA ``name`` readable by ``membership`` (a security
    descriptor, ``build_gmsa_membership``); with its two host/ SPNs unless ``spn`` is false."""
    realm = env("GMSA_LAB_REALM").lower()
    attributes = {
        "sAMAccountName": f"{name}$",
        "dNSHostName": f"{name}.{realm}",
        "userAccountControl": "4096",
        "msDS-ManagedPasswordInterval": "30",
        "msDS-SupportedEncryptionTypes": "24",
        "msDS-GroupMSAMembership": membership,
    }
    if spn:
        attributes["servicePrincipalName"] = [f"host/{name}", f"host/{name}.{realm}"]
    return attributes


def raw_adds(conn: ldap3.Connection, container: str, admins_sid: str, count: int, prefix: str = "BenchRaw") -> float:
    """Seconds for ``count`` gMSA adds over ``conn`` (the attributes gmsa_account writes); deleted afterwards."""
    membership = build_gmsa_membership([admins_sid])
    start = time.perf_counter()
    for name in names(prefix, count):
        ok = conn.add(f"CN={name},{container}", "msDS-GroupManagedServiceAccount", gmsa_attributes(name, membership))
        if not ok:
            sys.exit(f"raw add of {name} failed: {conn.result}")
    elapsed = time.perf_counter() - start
    for name in names(prefix, count):
        conn.delete(f"CN={name},{container}")
    return elapsed


def raw_group_adds(conn: ldap3.Connection, container: str, members: list[str], count: int, prefix: str) -> float:
    """Seconds for ``count`` domain-local security group adds with ``members`` (DNs); deleted afterwards."""
    start = time.perf_counter()
    for name in names(prefix, count):
        attributes = {"sAMAccountName": name, "groupType": str(0x80000004 - 2**32)}
        if members:
            attributes["member"] = members
        if not conn.add(f"CN={name},{container}", "group", attributes):
            sys.exit(f"raw add of group {name} failed: {conn.result}")
    elapsed = time.perf_counter() - start
    for name in names(prefix, count):
        conn.delete(f"CN={name},{container}")
    return elapsed


def domain_facts(conn: ldap3.Connection) -> tuple[str, str]:
    """The domain's DN and the SID of Administrator (the principal raw_adds lets read the password)."""
    from ansible_collections.wincontainers.gmsa.plugins.module_utils._sid import sid_from_bytes

    conn.search("", "(objectClass=*)", ldap3.BASE, attributes=["defaultNamingContext"])
    domain_dn = conn.response[0]["raw_attributes"]["defaultNamingContext"][0].decode()
    conn.search(domain_dn, "(sAMAccountName=Administrator)", attributes=["objectSid"])
    return domain_dn, sid_from_bytes(conn.response[0]["raw_attributes"]["objectSid"][0])


def samba_tool_loop(count: int) -> float:
    start = time.perf_counter()
    for name in names("BenchTool", count):
        subprocess.run(
            [
                "samba-tool",
                "service-account",
                "create",
                f"--name={name}",
                f"--dns-host-name={name}.contoso.com",
                *samba_db(),
            ],
            check=True,
            capture_output=True,
        )
    elapsed = time.perf_counter() - start
    for name in names("BenchTool", count):
        subprocess.run(
            ["samba-tool", "service-account", "delete", f"--name={name}", *samba_db()], check=False, capture_output=True
        )
    return elapsed


def module_args(count: int, state: str = "present") -> dict:
    return {
        "server": [env("GMSA_LDAP_SERVER").split(",")[0]],  # DC1, whose database samba_db() reads
        "ca_cert": env("GMSA_LDAP_CA_CERT"),
        "username": env("GMSA_LDAP_USERNAME"),
        "password": env("GMSA_LDAP_PASSWORD"),
        "state": state,
        "allowed_to_retrieve_password": {"set": ["Administrator"]},
        "accounts": [{"name": name} for name in names("BenchMod", count)],
    }


def run_module(args: dict) -> tuple[float, dict]:
    """The module process alone (Python start-up, imports, connection and work; no ansible-playbook).

    The result carries ``peak_memory_kib``: the module process's peak resident set (ru_maxrss of that one child,
    from wait4, in KiB on Linux).
    """
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    pythonpath = str(ROOT / ".cache" / "collections")
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", MODULE, handle.name],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": pythonpath},
    )
    assert process.stdout is not None
    stdout = process.stdout.read()
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped by wait4; keeps Popen from waiting again
    elapsed = time.perf_counter() - start
    os.unlink(handle.name)
    result = json.loads(stdout)
    if result.get("failed"):
        sys.exit(f"gmsa_account failed: {result.get('msg')}")
    result["peak_memory_kib"] = usage.ru_maxrss
    return elapsed, result


def run_playbook(args: dict) -> float:
    """The same task through ansible-playbook (start-up, templating, module transfer included)."""
    playbook = {
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{"wincontainers.gmsa.gmsa_account": args}],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        json.dump([playbook], handle)
    start = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("ansible-playbook")),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            handle.name,
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".cache" / "collections")},
    )
    elapsed = time.perf_counter() - start
    os.unlink(handle.name)
    return elapsed


def bench(count: int, with_samba_tool: bool, with_raw: bool = True) -> None:
    conn = connect()
    domain_dn, admin_sid = domain_facts(conn)
    container = f"CN=Managed Service Accounts,{domain_dn}"

    raw = raw_adds(conn, container, admin_sid, count) if with_raw else None
    conn.unbind()  # the DC drops a connection left idle through the module runs
    tool = samba_tool_loop(count) if with_samba_tool else None
    created_time, created = run_module(module_args(count))
    noop_time, noop = run_module(module_args(count))
    playbook_noop = run_playbook(module_args(count))
    startup_time, empty = run_module({**module_args(0), "accounts": [{"name": "BenchNone", "state": "absent"}]})
    run_module(module_args(count, "absent"))

    work = created_time - startup_time
    print(f"\n== {count} gMSAs ==")
    if raw is not None:
        print(f"raw ldap3 adds (floor)            {raw:8.2f} s   {raw / count * 1000:6.1f} ms/gMSA")
    if tool is not None:
        print(f"samba-tool create loop            {tool:8.2f} s   {tool / count * 1000:6.1f} ms/gMSA")
    print(
        f"gmsa_account create, module       {created_time:8.2f} s   (process; empty-task baseline {startup_time:.2f} s)"
    )
    over = f"{(work / raw - 1) * 100:+6.1f} %" if raw is not None else "(no floor: --skip-raw)"
    print(f"  module work over the floor      {work:8.2f} s   {over}")
    print(f"gmsa_account no-op, module        {noop_time:8.2f} s   work {noop_time - startup_time:.2f} s")
    print(f"gmsa_account no-op, playbook      {playbook_noop:8.2f} s   (ansible-playbook end to end)")
    print(f"LDAP operations, create           {created['ldap_operations']}")
    print(f"LDAP operations, no-op            {noop['ldap_operations']}   changed={noop['changed']}")
    print(
        f"peak memory of the module process  create {created['peak_memory_kib'] / 1024:.0f} MiB, "
        f"no-op {noop['peak_memory_kib'] / 1024:.0f} MiB, empty task {empty['peak_memory_kib'] / 1024:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, action="append", help="number of gMSAs (repeatable); default 100")
    parser.add_argument("--skip-samba-tool", action="store_true", help="leave out the samba-tool loop (slow)")
    parser.add_argument(
        "--samba-tool-max", type=int, default=500, help="leave out the samba-tool loop above this N (default 500)"
    )
    parser.add_argument("--skip-raw", action="store_true", help="leave out the raw ldap3 adds (the floor)")
    options = parser.parse_args()
    for count in options.count or [100]:
        bench(count, not options.skip_samba_tool and count <= options.samba_tool_max, not options.skip_raw)


if __name__ == "__main__":
    main()
