# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every command and data file the suite relies on comes from a Debian package on debian-packages.txt.

A package that is on the developer's or CI machine by accident (installed by hand, or pulled in as a
Recommends) hides a missing line of the list until a user's first run fails. This check, run by `make test`,
makes CI fail instead:

1. every file that debian-packages.txt names (for the groups installed here: lab, build, test) exists and dpkg
   says that its line's package owns it;
2. every command that a task runs (the first word of an ansible.builtin.command or shell task in roles/,
   playbooks/, tests/ and extensions/) resolves either into the virtual environment (a pip requirement) or to a
   file whose owning package is on the list, or is Essential or of priority required (on every Debian system).

Usage: .venv/bin/python tests/system/check_packages.py (make system-check). Exit status 1 when something
fails; one line per finding.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_LIST = ROOT / "debian-packages.txt"
GROUPS_INSTALLED_HERE = {"lab", "build", "test"}
TASK_DIRS = ("roles", "playbooks", "tests", "extensions")
COMMAND_MODULES = {
    "command",
    "shell",
    "ansible.builtin.command",
    "ansible.builtin.shell",
    "ansible.legacy.command",
    "ansible.legacy.shell",
}
SHELL_WORDS = frozenset(
    {"set", "cd", "echo", "printf", "export", "test", "[", "[[", "]", "]]", "true", "false", "exit", "return"}
    | {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in"}
    | {"local", "read", "shift", "trap", "wait", "exec", "eval", "source", ".", ":", "{", "}"}
)
# usr-merge: /bin is /usr/bin, but dpkg's database may record either name for a file.
MERGED_DIRS = (("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/"), ("/usr/lib/", "/lib/"))


def read_package_list(path: Path = PACKAGE_LIST) -> list[tuple[str, set[str], str]]:
    """The (package, groups, file) lines of debian-packages.txt, comments and blank lines left out."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 3:
            raise SystemExit(f"{path.name}:{number}: expected '<package> <groups> <file>', got {line!r}")
        rows.append((fields[0], set(fields[1].split(",")), fields[2]))
    return rows


def dpkg_aliases(path: str) -> list[str]:
    """PATH, its resolved form, and their usr-merge twins: the names dpkg may know the file by."""
    names = [path, os.path.realpath(path)]
    for name in list(names):
        for merged, legacy in MERGED_DIRS:
            if name.startswith(merged):
                names.append(legacy + name[len(merged) :])
            elif name.startswith(legacy):
                names.append(merged + name[len(legacy) :])
    return list(dict.fromkeys(names))


class Owners:
    """Which packages install which files, from one dpkg-query call for all the paths asked about."""

    def __init__(self, paths: list[str]) -> None:
        names = sorted({name for path in paths for name in dpkg_aliases(path)})
        result = subprocess.run(["dpkg-query", "-S", *names], capture_output=True, text=True, check=False)
        self._owners: dict[str, set[str]] = {}
        for line in result.stdout.splitlines():
            if line.startswith("diversion by"):
                continue
            packages, _sep, owned = line.rpartition(": ")
            owners = {package.strip().split(":")[0] for package in packages.split(",")}
            self._owners.setdefault(owned, set()).update(owners)

    def of(self, path: str) -> set[str]:
        """The packages that install PATH under any of its names (architecture qualifiers dropped)."""
        return set().union(*(self._owners.get(name, set()) for name in dpkg_aliases(path)))


def on_every_system(package: str) -> bool:
    """True for Essential packages and those of priority required, which every Debian installation has."""
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Essential} ${Priority}", package], capture_output=True, text=True, check=False
    )
    essential, _sep, priority = result.stdout.partition(" ")
    return essential == "yes" or priority == "required"


def yaml_documents(path: Path) -> Iterator[object]:
    try:
        yield from yaml.safe_load_all(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:  # templates and other not-quite-YAML files hold no tasks
        return


def shell_commands(script: str) -> Iterator[str]:
    """The first word of each simple command of a shell script: shell builtins, keywords and here-documents
    left out."""
    heredoc_end = None
    for line in script.splitlines():
        if heredoc_end is not None:
            if line.strip() == heredoc_end:
                heredoc_end = None
            continue
        if here := re.search(r"<<-?\s*['\"]?(\w+)", line):
            heredoc_end = here.group(1)
        for part in re.split(r"&&|\|\||[;|&()]", line.split(" #", 1)[0]):
            words = part.split()
            while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=\S*", words[0]):  # VAR=value before a command
                words.pop(0)
            if words and words[0] not in SHELL_WORDS and not words[0].startswith(("#", "$", "{{", '"', "'")):
                yield words[0]


def commands_in(node: object) -> Iterator[str]:
    """The program of every command task (argv, cmd or free form) and of every command of a shell task."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in COMMAND_MODULES:
                shell = key.endswith("shell")
                if isinstance(value, dict):
                    value = value.get("argv") or value.get("cmd") or value.get("_raw_params")
                if isinstance(value, list) and value:
                    yield str(value[0])
                elif isinstance(value, str) and shell:
                    yield from shell_commands(value)
                elif isinstance(value, str) and value.split():
                    yield value.split()[0]
            yield from commands_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from commands_in(item)


def task_commands() -> dict[str, set[str]]:
    """Command name -> the files whose tasks run it; templated names and Windows programs left out."""
    found: dict[str, set[str]] = {}
    for top in TASK_DIRS:
        for path in sorted((ROOT / top).rglob("*.y*ml")):
            if "output" in path.relative_to(ROOT).parts:
                continue
            for document in yaml_documents(path):
                for command in commands_in(document):
                    if "{{" in command or command.lower().endswith(".exe"):
                        continue
                    found.setdefault(command, set()).add(str(path.relative_to(ROOT)))
    return found


def main() -> int:
    rows = read_package_list()
    here = [row for row in rows if row[1] & GROUPS_INSTALLED_HERE]
    listed = {row[0] for row in here}
    failures = 0

    def report(ok: bool, text: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok     ' if ok else 'FAILED '} {text}")

    venv_bin = Path(sys.executable).parent
    search_path = os.pathsep.join([str(venv_bin), os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    commands = {
        command: (command if command.startswith("/") else shutil.which(command, path=search_path), files)
        for command, files in sorted(task_commands().items())
    }
    owners = Owners([row[2] for row in here] + [path for path, _files in commands.values() if path])

    for package, _groups, path in here:
        if not os.path.exists(path):
            report(False, f"{path} is missing: install {package} (scripts/install-system-deps.sh)")
            continue
        found = owners.of(path)
        report(package in found, f"{path} belongs to {package}" + ("" if package in found else f" (dpkg: {found})"))

    for command, (path, files) in commands.items():
        where = ", ".join(sorted(files))
        if path is None:
            report(False, f"{command} (run by {where}) is not installed: add its package to debian-packages.txt")
            continue
        if Path(path).parent.resolve() == venv_bin.resolve():
            report(True, f"{command}: {path}, from the virtual environment")
            continue
        found = owners.of(path)
        if not found:
            report(False, f"{command}: {path} belongs to no Debian package (run by {where})")
        elif found & listed:
            report(True, f"{command}: {path}, from {', '.join(sorted(found & listed))} (listed)")
        elif any(on_every_system(package) for package in found):
            report(True, f"{command}: {path}, from {', '.join(sorted(found))} (on every Debian system)")
        else:
            report(
                False,
                f"{command}: {path} comes from {', '.join(sorted(found))}, which debian-packages.txt does not list "
                f"(run by {where}): add it",
            )

    print(f"check_packages.py: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
