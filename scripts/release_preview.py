#!/usr/bin/env python
"""A release dry run in a scratch copy: what ``antsibull-changelog release`` would write for the next version.

Usage: scripts/release_preview.py DEST [--version VERSION] [--date YYYY-MM-DD]

Copies the checkout as it is on disk (the files Git tracks or would track: ``git ls-files --cached --others
--exclude-standard``, through antsibull-fileutils' GitCopier) into ``DEST/ansible_collections/<namespace>/<name>``
and runs ``antsibull-changelog release`` there, for galaxy.yml's version unless ``--version`` says otherwise.
The checkout itself is never touched. Prints the copy's path.

The release test (tests/release) checks what the dry run wrote; the docsite build (scripts/build_docs.py)
renders the changelog page from it while galaxy.yml's version is not released yet.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from antsibull_fileutils.copier import GitCopier

ROOT = Path(__file__).resolve().parents[1]
# Local artefacts that are not ignored by Git as symlinks (.venv is a link to a shared environment) and must
# not be copied: galaxy.yml's build_ignore names them too.
_NEVER_COPY = [".venv", ".cache", ".lab", ".build"]


def galaxy(root: Path = ROOT) -> dict[str, Any]:
    """galaxy.yml as a mapping (namespace, name, version, ...)."""
    return yaml.safe_load((root / "galaxy.yml").read_text(encoding="utf-8"))


def released_versions(root: Path = ROOT) -> set[str]:
    """The versions changelogs/changelog.yaml records as released."""
    changes = yaml.safe_load((root / "changelogs" / "changelog.yaml").read_text(encoding="utf-8")) or {}
    return set((changes.get("releases") or {}).keys())


def scratch_copy(dest: Path, root: Path = ROOT) -> Path:
    """Copy the checkout to ``dest/ansible_collections/<namespace>/<name>`` (which must not exist yet)."""
    meta = galaxy(root)
    collection = dest / "ansible_collections" / meta["namespace"] / meta["name"]
    collection.parent.mkdir(parents=True, exist_ok=True)
    GitCopier().copy(str(root), str(collection), exclude_root=_NEVER_COPY)
    return collection


def release_dry_run(collection: Path, version: str, date: str | None = None) -> None:
    """Run ``antsibull-changelog release`` in ``collection`` (a scratch copy); raises CalledProcessError."""
    date = date or datetime.date.today().isoformat()
    command = ["antsibull-changelog", "release", "--version", version, "--date", date]
    # antsibull-changelog lists the collection's files through Git when it finds a work tree around them; a copy
    # inside an ignored folder of the checkout (.build/) would look empty. Git must not look above the copy.
    env = tool_env(GIT_CEILING_DIRECTORIES=str(collection.parents[2]))
    subprocess.run(command, cwd=collection, env=env, check=True, capture_output=True, text=True)


def preview(dest: Path, version: str | None = None, date: str | None = None, root: Path = ROOT) -> Path:
    """A scratch copy of the checkout with the release of ``version`` (default: galaxy.yml's) applied."""
    collection = scratch_copy(dest, root)
    release_dry_run(collection, version or str(galaxy(root)["version"]), date)
    return collection


def tool_env(**extra: str) -> dict[str, str]:
    """The environment with this interpreter's scripts folder (the project's virtual environment) first on PATH.

    antsibull-changelog runs ansible-doc from PATH; without the environment activated it would find none, or
    another installation's.
    """
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return dict(os.environ, PATH=path, **extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("dest", type=Path, help="an empty or missing folder for the scratch copy")
    parser.add_argument("--version", help="the version to release (default: galaxy.yml's)")
    parser.add_argument("--date", help="the release date (default: today)")
    args = parser.parse_args(argv)
    if args.dest.exists() and any(args.dest.iterdir()):
        parser.error(f"{args.dest} is not empty")
    try:
        collection = preview(args.dest, args.version, args.date)
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(f"antsibull-changelog release failed:\n{exc.stdout}{exc.stderr}")
        return 1
    print(os.fspath(collection))
    return 0


if __name__ == "__main__":
    sys.exit(main())
