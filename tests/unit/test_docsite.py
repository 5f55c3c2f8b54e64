"""The docsite's sources stay in step: guides, their stubs, the extra-docs index, links and the inventory.

The guides are written once, as Markdown in docs/; antsibull-docs only takes reStructuredText pages from
docs/docsite/rst/, so each guide has a stub there (its label and title) that scripts/build_docs.py replaces by
the Markdown. These tests catch a guide without a stub, a stub whose title went stale, and a page missing from
docs/docsite/extra-docs.yml; the strict build itself (make docs-check) catches broken references.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import yaml
from sphinx.util.inventory import InventoryFile

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = DOCS / "docsite" / "rst"
GUIDES = sorted(DOCS.glob("*.md"))
LABEL_PREFIX = "ansible_collections.wincontainers.gmsa.docsite."


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build_docs = load(ROOT / "scripts" / "build_docs.py", "build_docs")
site_conf = load(DOCS / "site" / "conf.py", "docsite_conf")


def title_of_markdown(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# "), f"{path.name}: the first line must be the guide's '# Title'"
    return first[2:].strip()


def rst_label_and_title(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    label = re.search(r"^\.\. _([^:]+):$", text, re.MULTILINE)
    title = re.search(r"^(\S[^\n]*)\n(=+)$", text, re.MULTILINE)
    assert label and title, f"{path.name}: needs a label line and an '=' underlined title"
    assert len(title.group(2)) >= len(title.group(1)), f"{path.name}: title underline too short"
    return label.group(1), title.group(1)


def test_guides_found():
    assert {p.stem for p in GUIDES} >= {"getting_started", "guide_mapping", "authentication", "awx", "design"}


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.stem)
def test_every_guide_has_a_stub_with_its_label_and_title(guide):
    stub = PAGES / f"{guide.stem}.rst"
    assert stub.is_file(), f"docs/{guide.name} has no page: add docs/docsite/rst/{guide.stem}.rst (see the others)"
    label, title = rst_label_and_title(stub)
    assert label == LABEL_PREFIX + guide.stem
    assert title == title_of_markdown(guide), f"{stub.name}: the title must be the guide's: {title_of_markdown(guide)}"
    assert f"docs/{guide.name}" in stub.read_text(encoding="utf-8")


def test_extra_docs_lists_every_page_once():
    index = yaml.safe_load((DOCS / "docsite" / "extra-docs.yml").read_text(encoding="utf-8"))
    refs = [entry if isinstance(entry, str) else entry["ref"] for s in index["sections"] for entry in s["toctree"]]
    assert sorted(refs) == sorted(p.stem for p in PAGES.glob("*.rst"))
    assert len(refs) == len(set(refs))


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.rst")), ids=lambda p: p.stem)
def test_every_page_carries_its_label(page):
    label, _title = rst_label_and_title(page)
    assert label == LABEL_PREFIX + page.stem


def test_guide_pages_pairs_markdown_with_stubs():
    pages = build_docs.guide_pages()
    assert set(pages) == {p.stem for p in GUIDES}
    assert "installation" not in pages  # a page without Markdown stays reStructuredText


def test_markdown_page_puts_the_label_above_the_guide():
    page = build_docs.markdown_page(LABEL_PREFIX + "awx", "# AWX\n\ntext\n")
    assert page.startswith(f"({LABEL_PREFIX}awx)=\n\n# AWX\n")


def test_inventory_round_trip(tmp_path):
    table = yaml.safe_load((DOCS / "site" / "intersphinx.yml").read_text(encoding="utf-8"))
    path = tmp_path / "objects.inv"
    build_docs.write_inventory(table, path)
    with path.open("rb") as stream:
        inventory = InventoryFile.load(stream, table["base"], lambda base, uri: base + uri)
    labels = inventory["std:label"]
    assert set(labels) == set(table["labels"])
    entry = labels["common_return_values"]
    assert entry.uri == f"{table['base']}reference_appendices/common_return_values.html#common-return-values"
    assert entry.display_name == "Return Values"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("awx/credential_type_inputs.yml", ("url", "docs/awx/credential_type_inputs.yml")),
        ("../playbooks/verify.yml", ("url", "playbooks/verify.yml")),
        ("../README.md#two-commands", ("url", "README.md#two-commands")),
        ("docsite/rst/installation.rst", ("doc", "/docsite/installation")),
        ("no_such_file.yml", None),
        ("../../outside.txt", None),
        ("https://example.com/x.md", None),
        ("#local-anchor", None),
    ],
)
def test_link_target(target, expected):
    found = site_conf.link_target(target)
    if expected and expected[0] == "url":
        expected = ("url", site_conf.REPOSITORY_BLOB + expected[1])
    assert found == expected
