"""Release hygiene: the changelog fragments follow the rules and the next release announces every plugin once.

antsibull-changelog announces new modules, plugins and roles itself, from their ``version_added``, under "New
Modules", "New Plugins" (per type: "Filter") and "New Roles"; Ansible's changelog rules forbid fragments that
announce them again. A plugin whose ``version_added`` is newer than the version released is silently left out.
So:

- ``antsibull-changelog lint`` passes and no fragment announces a new module, plugin or role;
- every ``version_added`` (plugins, roles, options) names a released version or galaxy.yml's version, which is
  the next release while fragments wait for it;
- a release dry run of galaxy.yml's version, in a scratch copy (scripts/release_preview.py), lists every
  module, filter and role added in it exactly once, in changelog.yaml and in the rendered CHANGELOG.rst.

Runs ``ansible-doc`` and ``antsibull-changelog`` (about 15 s): ``make release-check``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from docutils import nodes
from docutils.core import publish_doctree

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import release_preview  # noqa: E402

GALAXY = release_preview.galaxy()
COLLECTION = f"{GALAXY['namespace']}.{GALAXY['name']}"
VERSION = str(GALAXY["version"])
RELEASED = release_preview.released_versions()
FRAGMENTS = sorted((ROOT / "changelogs" / "fragments").glob("*.y*ml"))
# What the rendered changelog calls each kind of new object, and where changelog.yaml lists it.
KINDS = {
    "module": ("New Modules", ("modules",)),
    "filter": ("Filter", ("plugins", "filter")),
    "role": ("New Roles", ("objects", "role")),
}
ANNOUNCEMENT = re.compile(r"\bnew\s+(module|plugin|filter|lookup|inventory|role|playbook)s?\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def metadata(tmp_path_factory) -> Mapping[str, Any]:
    """``ansible-doc --metadata-dump`` of the collection in a scratch copy (doc fragments applied)."""
    copy = release_preview.scratch_copy(tmp_path_factory.mktemp("doc"))
    out = subprocess.run(
        ["ansible-doc", "--metadata-dump", "--no-fail-on-errors", COLLECTION],
        env=release_preview.tool_env(ANSIBLE_COLLECTIONS_PATH=str(copy.parents[2])),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)["all"]


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> tuple[Mapping[str, Any], str]:
    """The dry run of galaxy.yml's version: its changelog.yaml entry and the rendered CHANGELOG.rst."""
    if VERSION in RELEASED:
        # Right after a release: nothing waits for a version yet (test_fragments_wait_for_an_unreleased_version
        # fails once fragments arrive without a new version in galaxy.yml).
        pytest.skip(f"galaxy.yml's version {VERSION} is released: no release to preview")
    try:
        copy = release_preview.preview(tmp_path_factory.mktemp("release"), VERSION)
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"antsibull-changelog release failed:\n{exc.stdout}\n{exc.stderr}")
    changes = yaml.safe_load((copy / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))
    return changes["releases"][VERSION], (copy / "CHANGELOG.rst").read_text(encoding="utf-8")


def own(metadata: Mapping[str, Any], kind: str) -> dict[str, Mapping[str, Any]]:
    """Short name -> docs of this collection's plugins (or roles) of one kind."""
    prefix = f"{COLLECTION}."
    found = {}
    for fqcn, data in (metadata.get(kind) or {}).items():
        if fqcn.startswith(prefix):
            docs = data.get("doc") or (data.get("entry_points") or {}).get("main") or {}
            found[fqcn[len(prefix) :]] = docs
    return found


def versions_added(docs: Mapping[str, Any], where: str) -> Iterator[tuple[str, Any]]:
    """(place, version_added) of a plugin and of each of its own options and suboptions.

    Options from ansible-core's doc fragments (``unsafe_writes``) carry ansible-core's versions and say so in
    ``version_added_collection``; they are not this collection's.
    """
    yield where, docs.get("version_added")
    stack = [(f"{where}:{name}", spec) for name, spec in (docs.get("options") or {}).items()]
    while stack:
        place, spec = stack.pop()
        if "version_added" in spec and spec.get("version_added_collection", COLLECTION) == COLLECTION:
            yield place, spec["version_added"]
        stack.extend((f"{place}.{name}", sub) for name, sub in (spec.get("suboptions") or {}).items())


def section_items(rst: str) -> dict[str, list[str]]:
    """Section title -> the first words (``<fqcn>``) of the bullet items directly in it."""
    items: dict[str, list[str]] = {}
    settings = {"report_level": 5, "doctitle_xform": False}
    for section in publish_doctree(rst, settings_overrides=settings).findall(nodes.section):
        title = section.next_node(nodes.title).astext()
        for child in section.children:
            if isinstance(child, nodes.bullet_list):
                items.setdefault(title, []).extend(item.astext().split(" - ")[0] for item in child.children)
    return items


def test_changelog_lint():
    result = subprocess.run(
        ["antsibull-changelog", "lint"],
        cwd=ROOT,
        env=release_preview.tool_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=lambda p: p.name)
def test_fragment_announces_no_new_plugin(fragment):
    entries = yaml.safe_load(fragment.read_text(encoding="utf-8")) or {}
    announcing = [
        text
        for section, texts in entries.items()
        if section != "release_summary"
        for text in (texts if isinstance(texts, list) else [texts])
        if ANNOUNCEMENT.search(str(text))
    ]
    assert not announcing, (
        f"{fragment.name} announces new plugins or roles, which antsibull-changelog lists from version_added: "
        f"{announcing}"
    )


def test_fragments_wait_for_an_unreleased_version():
    assert not FRAGMENTS or VERSION not in RELEASED, (
        f"changelogs/fragments has entries but galaxy.yml's version {VERSION} is released: bump galaxy.yml"
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_version_added_is_released_or_next(metadata, kind):
    allowed = RELEASED | {VERSION}
    wrong = [
        f"{place}: {version!r}"
        for name, docs in own(metadata, kind).items()
        for place, version in versions_added(docs, name)
        if str(version) not in allowed
    ]
    assert own(metadata, kind), f"ansible-doc lists no {kind} of {COLLECTION}"
    assert not wrong, f"version_added must be one of {sorted(allowed)} (galaxy.yml: {VERSION}): {wrong}"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_release_lists_each_new_plugin_once(metadata, release, kind):
    entry, _rst = release
    _title, path = KINDS[kind]
    listed = entry
    for key in path:
        listed = (listed or {}).get(key) or []
    names = Counter(item["name"] for item in listed)
    expected = {name for name, docs in own(metadata, kind).items() if str(docs.get("version_added")) == VERSION}
    assert {n for n, c in names.items() if c > 1} == set(), f"listed more than once: {names}"
    assert set(names) == expected, f"changelog.yaml lists {sorted(names)}, expected {sorted(expected)}"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_rendered_changelog_lists_each_new_plugin_once(metadata, release, kind):
    _entry, rst = release
    title, _path = KINDS[kind]
    expected = sorted(
        f"{COLLECTION}.{name}"
        for name, docs in own(metadata, kind).items()
        if str(docs.get("version_added")) == VERSION
    )
    assert sorted(section_items(rst).get(title, [])) == expected
    # Nowhere else: a fragment naming the plugin as new would add a second line for it.
    for fqcn in expected:
        assert len(re.findall(rf"^- {re.escape(fqcn)} - ", rst, re.MULTILINE)) == 1, fqcn


def test_section_items():
    rst = "T\n=\n\nNew Modules\n-----------\n\n- ns.c.a - A.\n- ns.c.b - B.\n"
    assert section_items(rst) == {"New Modules": ["ns.c.a", "ns.c.b"]}
