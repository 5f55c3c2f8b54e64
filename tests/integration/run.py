# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the integration targets against one lab DC, each target in its own ``ansible-playbook`` process.

    python tests/integration/run.py [--targets '"gmsa_account", "role_ad_prepare"'] [--fail-fast]

One process per target: a variable one target registers cannot reach another target's tasks (in one play,
registered variables outrank task and role variables). The lab DC is brought up once (``lab.yml``, which
also writes ``<LAB_DIR>/integration_inventory.yml``); each target then runs ``integration.yml`` with that
inventory, which leaves the lab alone.

Without ``--targets``: every folder of ``targets/`` except the ``setup_*`` ones, in name order. ``--targets``
takes names separated by commas or spaces, quoted or not (``make integration TARGETS='"gmsa_account"'``).
Every target runs even after one fails (``--fail-fast`` stops at the first failure); the summary names the
failed targets and the exit status is 1 when any failed, 2 when the lab could not be brought up or a target
name is unknown. After the summary, each failed target's failed tasks are printed again (the task line and
Ansible's failure, not those of ignored errors), so the end of the log alone says why: CI keeps only its tail.

The lab has two DCs that replicate, DC1 and dc2 (``LAB_DC_REPLICAS`` sets how many DCs beside DC1; 0 for one DC
alone); the connection the targets get lists both, DC1 first.

Environment: ``LAB_DIR`` (default ``.lab/dc``) and ``LAB_NETNS`` (default ``gmsalab``) choose the lab, as for
``scripts/lab-dc``; ``ANSIBLE_COLLECTIONS_PATH`` and ``ANSIBLE_ROLES_PATH`` default to this checkout's
``.cache/collections`` and ``tests/integration/targets``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TARGETS_DIR = HERE / "targets"


def all_targets() -> list[str]:
    """The target folders, without the shared setup_* roles, sorted by name."""
    return sorted(path.name for path in TARGETS_DIR.iterdir() if path.is_dir() and not path.name.startswith("setup_"))


def requested_targets(text: str | None) -> list[str]:
    """The names in ``text`` ('"a", "b"', 'a b' or 'a,b'), in order, once each; every target when empty."""
    if not text or not text.strip():
        return all_targets()
    names = re.findall(r"[^\s,\"'\[\]]+", text)
    return list(dict.fromkeys(names))


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(REPO / ".cache" / "collections"))
    env.setdefault("ANSIBLE_ROLES_PATH", str(TARGETS_DIR))
    env.setdefault("ANSIBLE_NOCOLOR", "1")
    # The ansible-playbook beside this interpreter (the project's virtual environment) comes first.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


FAILURE_STARTS = ("fatal:", "failed:", "[ERROR]", "ERROR!")
EXCERPT_CHARS = 4000  # per failed target: the failures' text is cut to this many characters, its end kept


HEADERS = ("TASK [", "RUNNING HANDLER [", "PLAY [", "PLAY RECAP")


RESULT_HOST = re.compile(r"^(?:fatal|failed): \[([^\]]+?)(?: -> [^\]]*)?\]")
RAN_ON = "(not this host's last failure: it ran on, so a rescue caught it or an always section failed after it)"


def failures(lines: list[str], keep: int = 3) -> list[str]:
    """The last ``keep`` failures Ansible printed in ``lines`` (one playbook's output), each after its task line.

    A task's failure is its output from the first line starting with ``[ERROR]``, ``ERROR!``, ``fatal:`` or
    ``failed:`` (a loop item) up to the next task or play line (ansible-core 2.19 prints ``[ERROR]: ...``, the
    task's source lines, then ``fatal: ...``); one Ansible ended with ``...ignoring`` (``ignore_errors``) is left
    out. A failure whose hosts all fail again later is marked with ``RAN_ON``: a failure that is not rescued ends
    the host's run, so it was rescued (``block``/``rescue``, which Ansible's output does not tell) or an always
    section failed after it. Without any failure, the last 30 lines stand for them (a crash or a signal says why
    there).
    """
    units: list[tuple[str, list[str], set[str]]] = []
    task = ""
    unit: list[str] = []

    def close() -> None:
        if unit and "...ignoring" not in (text.strip() for text in unit):
            hosts = {match.group(1) for match in map(RESULT_HOST.match, unit) if match}
            units.append((task, list(unit), hosts))
        unit.clear()

    for line in lines:
        if line.startswith(HEADERS):
            close()
            task = line.rstrip(" *")
        elif unit or line.startswith(FAILURE_STARTS):
            unit.append(line)
    close()
    found = []
    for index, (title, text, hosts) in enumerate(units):
        later = set().union(*(after[2] for after in units[index + 1 :]))
        head = [title, RAN_ON] if hosts and hosts <= later else [title]
        found.append("\n".join([*filter(None, head), *text]).rstrip())
    return found[-keep:] or ["\n".join(lines[-30:])]


def playbook(args: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """Runs ansible-playbook, its output passed through as it comes; returns its exit status and output lines."""
    print("+ ansible-playbook " + " ".join(args), flush=True)
    lines: list[str] = []
    with subprocess.Popen(
        ["ansible-playbook", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line.rstrip("\n"))
    return process.returncode, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--targets", help="target names, separated by commas or spaces; default every target")
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first failing target")
    options = parser.parse_args(argv)

    targets = requested_targets(options.targets)
    unknown = [name for name in targets if name not in all_targets()]
    if unknown:
        print(f"run.py: unknown targets {', '.join(unknown)}; known: {', '.join(all_targets())}", file=sys.stderr)
        return 2

    lab_dir = os.environ.get("LAB_DIR") or str(REPO / ".lab" / "dc")
    lab_netns = os.environ.get("LAB_NETNS") or "gmsalab"
    lab_vars = ["-e", f"lab_dc_dir={lab_dir}", "-e", f"lab_dc_netns={lab_netns}"]
    replicas = os.environ.get("LAB_DC_REPLICAS")
    replica_vars = ["-e", f"lab_dc_replicas={replicas}"] if replicas else []  # lab.yml's default: 1
    env = environment()

    print(f"=== lab DCs {lab_netns} ({lab_dir})", flush=True)
    started = time.monotonic()
    status, lines = playbook([str(HERE / "lab.yml"), *lab_vars, *replica_vars], env)
    if status != 0:
        print("\n".join(failures(lines))[-EXCERPT_CHARS:], file=sys.stderr)
        print("run.py: the lab DC did not come up; no target ran.", file=sys.stderr)
        return 2
    print(f"=== lab DCs up in {time.monotonic() - started:.1f} s", flush=True)
    inventory = str(Path(lab_dir) / "integration_inventory.yml")

    results: list[tuple[str, str, float]] = []
    why: dict[str, str] = {}
    for number, target in enumerate(targets, 1):
        print(f"\n=== target {target} ({number}/{len(targets)})", flush=True)
        started = time.monotonic()
        status, lines = playbook(
            ["-i", inventory, str(HERE / "integration.yml"), *lab_vars, "-e", f"target={target}"], env
        )
        results.append((target, "passed" if status == 0 else f"FAILED (exit {status})", time.monotonic() - started))
        if status != 0:
            why[target] = "\n\n".join(failures(lines))[-EXCERPT_CHARS:]
        if status != 0 and options.fail_fast:
            break

    print("\n=== integration targets", flush=True)
    for target, outcome, seconds in results:
        print(f"{target:<28} {outcome:<20} {seconds:6.1f} s")
    failed = [target for target, outcome, _seconds in results if outcome != "passed"]
    not_run = targets[len(results) :]
    if not_run:
        print(f"not run (--fail-fast): {', '.join(not_run)}")
    if failed:
        for target in failed:
            print(f"\n=== why {target} failed\n{why[target]}")
        print(f"\n{len(failed)} of {len(targets)} targets failed: {', '.join(failed)}")
        return 1
    print(f"all {len(targets)} targets passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
