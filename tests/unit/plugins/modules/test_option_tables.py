# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each object module's documentation against its attribute table, so the two cannot drift.

Every row of a kind's table (``_adobject.Row``) is a documented option of the module with the row's type,
choices and ``{add, remove, set}`` suboptions; every documented option is a row or one of the few options the
module handles itself; every row the module returns is in RETURN. ansible-test's validate-modules then holds
the argument spec (built from the same rows) against the same documentation.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import ObjectKind
from ansible_collections.wincontainers.gmsa.plugins.module_utils._gmsa import GMSA
from ansible_collections.wincontainers.gmsa.plugins.module_utils._groups import HOST_GROUP
from ansible_collections.wincontainers.gmsa.plugins.modules import (
    credential_spec,
    dockerfile_identity,
    gmsa_account,
    gmsa_account_info,
    gmsa_check,
    gmsa_host_group,
)

# module, kind, the options the module handles itself (not rows)
MODULES = [
    (gmsa_account, GMSA, {"name", "accounts", "state", "lookup_failure_action"}),
    (gmsa_host_group, HOST_GROUP, {"name", "groups", "state", "lookup_failure_action"}),
]


def _documented(module: Any) -> dict[str, Any]:
    return yaml.safe_load(module.DOCUMENTATION)["options"]


def _check_option(option: str, spec: dict[str, Any], doc: dict[str, Any]) -> None:
    assert doc.get("type", "str") == spec["type"], f"{option}: type"
    assert sorted(doc.get("choices") or []) == sorted(spec.get("choices") or []), f"{option}: choices"
    assert doc.get("elements") == spec.get("elements"), f"{option}: elements"
    assert sorted(doc.get("aliases") or []) == sorted(spec.get("aliases") or []), f"{option}: aliases"
    assert doc.get("default") == spec.get("default"), f"{option}: default"
    assert doc.get("description"), f"{option}: no description"
    sub_specs, sub_docs = spec.get("options") or {}, doc.get("suboptions") or {}
    assert set(sub_docs) == set(sub_specs), f"{option}: suboptions"
    for name, sub in sub_specs.items():
        _check_option(f"{option}.{name}", sub, sub_docs[name])


@pytest.mark.parametrize(("module", "kind", "own"), MODULES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_row_is_documented_as_its_spec_says(module: Any, kind: ObjectKind, own: set[str]) -> None:
    documented = _documented(module)
    for row in kind.rows:
        assert row.option in documented, f"{row.option} is a row of the {kind.noun} table but not documented"
        _check_option(row.option, dict(row.spec), documented[row.option])


@pytest.mark.parametrize(("module", "kind", "own"), MODULES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_documented_option_is_a_row_or_the_modules_own(module: Any, kind: ObjectKind, own: set[str]) -> None:
    rows = {row.option for row in kind.rows}
    assert set(_documented(module)) == rows | own
    assert not rows & own


@pytest.mark.parametrize(("module", "kind", "own"), MODULES, ids=lambda v: getattr(v, "__name__", ""))
def test_the_argument_spec_is_the_table(module: Any, kind: ObjectKind, own: set[str]) -> None:
    spec = module.argument_spec()
    for row in kind.rows:
        assert spec[row.option] == dict(row.spec)


@pytest.mark.parametrize(("module", "kind", "own"), MODULES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_returned_row_is_in_return(module: Any, kind: ObjectKind, own: set[str]) -> None:
    returned = yaml.safe_load(module.RETURN)
    for row in kind.rows:
        if row.returned:
            assert row.option in returned, f"{row.option} is returned but not in RETURN"
            assert returned[row.option]["description"]


def test_accounts_entries_take_every_row() -> None:
    entries = _documented(gmsa_account)["accounts"]["suboptions"]
    assert set(entries) == {row.option for row in GMSA.rows} | {"name", "state"}
    for row in GMSA.rows:
        _check_option(f"accounts.{row.option}", dict(row.spec), entries[row.option])


def test_groups_entries_take_every_row() -> None:
    entries = _documented(gmsa_host_group)["groups"]["suboptions"]
    assert set(entries) == {row.option for row in HOST_GROUP.rows} | {"name", "state", "lookup_failure_action"}
    for row in HOST_GROUP.rows:
        _check_option(f"groups.{row.option}", dict(row.spec), entries[row.option])


def test_gmsa_account_info_returns_every_row() -> None:
    contains = yaml.safe_load(gmsa_account_info.RETURN)["accounts"]["contains"]
    for row in GMSA.rows:
        if row.returned:
            assert row.option in contains, f"gmsa_account_info does not document {row.option}"


# The bulk forms: module and the option whose entries take the single form's options.
BULK = [
    (gmsa_account, "accounts"),
    (gmsa_host_group, "groups"),
    (gmsa_check, "checks"),
    (credential_spec, "specs"),
    (dockerfile_identity, "dockerfiles"),
]


def _same_as_top_level(path: str, entry: dict[str, Any], top: dict[str, Any]) -> None:
    for name, doc in entry.items():
        if name not in top:
            continue  # the entry's own option (none of the top level's)
        description = " ".join([doc["description"]] if isinstance(doc["description"], str) else doc["description"])
        assert description.startswith(f"As O({path}{name})"), f"{path}{name}: say 'As O({path}{name})'"
        for key, default in (("type", "str"), ("choices", None), ("elements", None), ("aliases", None)):
            assert doc.get(key, default) == top[name].get(key, default), f"{path}{name}: {key}"
        _same_as_top_level(f"{path}{name}.", doc.get("suboptions") or {}, top[name].get("suboptions") or {})


@pytest.mark.parametrize(("module", "option"), BULK, ids=lambda v: getattr(v, "__name__", v))
def test_bulk_entries_document_an_option_once_at_the_top_level(module: Any, option: str) -> None:
    """An entry's option is the top-level one: its text lives there (the entry says "As O(...)"), its type,
    choices, elements and aliases agree (validate-modules holds each against the argument spec)."""
    documented = _documented(module)
    _same_as_top_level("", documented[option]["suboptions"], documented)
