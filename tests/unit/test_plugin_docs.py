"""Every documented return value of every module and filter carries a ``sample``.

The docsite and ``ansible-doc`` show samples as the shape users code against; a value without one leaves
them guessing (a SID string? a list?). A value whose ``contains`` documents its parts is sampled through
those parts or by a sample of the whole: every value a task reads is shown in some sample.

The docs are read from the files, as ansible-doc reads them: ``RETURN`` of ``plugins/modules/*.py`` and
the ``RETURN`` mapping of ``plugins/filter/*.yml``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))
FILTER_DOCS = sorted((ROOT / "plugins" / "filter").glob("*.yml"))


def module_return_docs(path: Path) -> Mapping[str, Any]:
    """The parsed ``RETURN`` string of a module file, without importing the module."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "RETURN" for t in node.targets):
            return yaml.safe_load(ast.literal_eval(node.value)) or {}
    raise AssertionError(f"{path.name}: no RETURN")


def filter_return_docs(path: Path) -> Mapping[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("RETURN") or {}


def values_without_sample(entries: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted names of the entries (at any depth) without a ``sample`` of their own or of their container."""
    for name, spec in entries.items():
        dotted = f"{prefix}{name}"
        if "sample" in spec:
            continue
        if spec.get("contains"):
            yield from values_without_sample(spec["contains"], f"{dotted}.")
        else:
            yield dotted


def test_plugins_found():
    assert {p.stem for p in MODULES} >= {"gmsa_account", "gmsa_domain_info", "gmsa_check"}
    assert FILTER_DOCS


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_module_return_value_has_a_sample(path):
    missing = list(values_without_sample(module_return_docs(path)))
    assert not missing, f"{path.name}: return values without a sample: {missing}"


@pytest.mark.parametrize("path", FILTER_DOCS, ids=lambda p: p.stem)
def test_every_filter_return_value_has_a_sample(path):
    missing = list(values_without_sample(filter_return_docs(path)))
    assert not missing, f"{path.name}: return values without a sample: {missing}"


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ({"a": {"sample": 1}}, []),
        ({"a": {"type": "str"}}, ["a"]),
        ({"a": {"contains": {"b": {"sample": "x"}, "c": {"type": "int"}}}}, ["a.c"]),
        ({"a": {"sample": None}}, []),
        ({"a": {"sample": {"b": 1}, "contains": {"b": {"type": "int"}}}}, []),
    ],
)
def test_values_without_sample(entries, expected):
    assert list(values_without_sample(entries)) == expected
