#!/usr/bin/env python
"""Build the collection's docsite: plugin, role and guide pages and the changelog, as HTML.

Usage: scripts/build_docs.py [--strict] [--out DIR]      (make docs; make docs-check adds --strict)

1. A scratch copy of the checkout (scripts/release_preview.py). While galaxy.yml's version is not released
   and fragments wait for it, the copy gets the release dry run, so the changelog page shows what that
   version will contain, marked as not released.
2. ``antsibull-docs collection`` writes the pages of that copy (docs/site/antsibull-docs.cfg): modules,
   filters, roles, environment variables, the changelog and the extra docs of docs/docsite/.
3. The Markdown guides of docs/ replace their stubs of docs/docsite/rst/ (same page name, with the stub's
   label), so the guides exist once and render with MyST.
4. The intersphinx inventory of docs/site/intersphinx.yml, then ``sphinx-build`` with docs/site/conf.py;
   ``--strict`` turns every warning into a failure.

The site lands in DIR/html (default .build/docs/html); DIR is rebuilt from scratch each time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import yaml
from docutils.nodes import make_id

sys.path.insert(0, str(Path(__file__).resolve().parent))

import release_preview

ROOT = release_preview.ROOT
SITE = ROOT / "docs" / "site"
STUBS = ROOT / "docs" / "docsite" / "rst"
LABEL_PREFIX = "ansible_collections.{namespace}.{name}.docsite."


def guide_pages(root: Path = ROOT) -> dict[str, Path]:
    """Page name -> Markdown guide, for every docs/<name>.md that has its stub docs/docsite/rst/<name>.rst."""
    return {md.stem: md for md in sorted((root / "docs").glob("*.md")) if (STUBS / f"{md.stem}.rst").is_file()}


def markdown_page(label: str, markdown: str) -> str:
    """The guide as the page that replaces its stub: the stub's label (a MyST target) above the guide."""
    return f"({label})=\n\n{markdown}"


def write_inventory(table: dict, path: Path) -> None:
    """An intersphinx inventory (Sphinx's objects.inv, version 2) of the ``std:label`` entries of ``table``.

    ``table``: ``{"base": url, "labels": {label: {"page": path, "title": text}}}``; the anchor of a label
    is its HTML id, as Sphinx derives it (docutils ``make_id``).
    """
    header = (
        "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    lines = "".join(
        f"{label} std:label -1 {entry['page']}#{make_id(label)} {entry['title']}\n"
        for label, entry in sorted(table["labels"].items())
    )
    path.write_bytes(header.encode() + zlib.compress(lines.encode()))


def mark_changelog_preview(changelog: Path, version: str) -> None:
    """Say on the changelog page that ``version`` is not released yet (its entries come from the fragments)."""
    text = changelog.read_text(encoding="utf-8")
    note = (
        f".. note::\n\n   Version {version} is not released yet: its section lists what the release will contain, "
        "from the changelog fragments of this checkout.\n\n"
    )
    marker = "\n.. contents::"
    if marker in text:
        text = text.replace(marker, f"\n{note}{marker}", 1)
    else:
        text += f"\n{note}"
    changelog.write_text(text, encoding="utf-8")


def build(out: Path, strict: bool) -> int:
    started = time.monotonic()
    meta = release_preview.galaxy()
    collection_name = f"{meta['namespace']}.{meta['name']}"
    version = str(meta["version"])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    fragments = list((ROOT / "changelogs" / "fragments").glob("*.y*ml"))
    preview = bool(fragments) and version not in release_preview.released_versions()
    try:
        if preview:
            copy = release_preview.preview(out / "collection", version)
        else:
            copy = release_preview.scratch_copy(out / "collection")
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(f"build_docs: the release dry run failed:\n{exc.stdout}{exc.stderr}")
        return 1

    rst = out / "rst"
    rst.mkdir(mode=0o755)  # antsibull-docs refuses a destination others may write to
    antsibull = [
        "antsibull-docs",
        "--config-file",
        str(SITE / "antsibull-docs.cfg"),
        "collection",
        "--use-current",
        "--squash-hierarchy",
        "--fail-on-error",
        "--dest-dir",
        str(rst),
        collection_name,
    ]
    env = release_preview.tool_env(ANSIBLE_COLLECTIONS_PATH=str(copy.parents[2]))
    if subprocess.run(antsibull, env=env, check=False).returncode:
        sys.stderr.write("build_docs: antsibull-docs failed\n")
        return 1

    label_prefix = LABEL_PREFIX.format(**meta)
    for name, markdown in guide_pages().items():
        stub = rst / "docsite" / f"{name}.rst"
        if not stub.is_file():
            sys.stderr.write(f"build_docs: antsibull-docs wrote no page for the guide {name}\n")
            return 1
        stub.unlink()
        page = markdown_page(label_prefix + name, markdown.read_text(encoding="utf-8"))
        (rst / "docsite" / f"{name}.md").write_text(page, encoding="utf-8")
    if preview:
        mark_changelog_preview(rst / "changelog.rst", version)

    write_inventory(yaml.safe_load((SITE / "intersphinx.yml").read_text(encoding="utf-8")), out / "ansible_devel.inv")

    sphinx = ["sphinx-build", "-q", "-b", "html", "-c", str(SITE), "-d", str(out / "doctrees"), str(rst)]
    sphinx += [str(out / "html")]
    if strict:
        sphinx += ["-W", "--keep-going"]
    result = subprocess.run(sphinx, env=release_preview.tool_env(), check=False)
    pages = len(list((out / "html").rglob("*.html"))) if (out / "html").is_dir() else 0
    state = "failed" if result.returncode else "built"
    print(
        f"docsite {state}: {out / 'html' / 'index.html'} ({pages} pages, {time.monotonic() - started:.1f} s"
        f"{', warnings are errors' if strict else ''}{', changelog previews ' + version if preview else ''})"
    )
    return result.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--strict", action="store_true", help="fail on any Sphinx warning")
    parser.add_argument("--out", type=Path, default=ROOT / ".build" / "docs", help="build folder (rebuilt)")
    args = parser.parse_args(argv)
    return build(args.out.resolve(), args.strict)


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
