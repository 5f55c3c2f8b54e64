# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk forms' rule: an entry's options over the task's top-level options."""

from __future__ import annotations

from ansible_collections.wincontainers.gmsa.plugins.module_utils._bulk import entry_over_defaults, object_task_result

TASK = {"path": "OU=Apps,DC=x", "enabled": True, "spn": {"add": ["http/a"]}, "description": None, "name": None}


def test_an_option_the_entry_omits_or_leaves_none_comes_from_the_task():
    merged = entry_over_defaults({"name": "A", "enabled": None}, TASK, ["path", "enabled", "description"])
    assert merged == {"path": "OU=Apps,DC=x", "enabled": True, "description": None}


def test_false_zero_empty_text_and_empty_list_are_values_an_entry_sets():
    entry = {"enabled": False, "path": "", "spn": [], "days": 0}
    merged = entry_over_defaults(entry, {**TASK, "days": 30}, ["enabled", "path", "spn", "days"])
    assert merged == {"enabled": False, "path": "", "spn": [], "days": 0}


def test_a_mapping_is_taken_whole_not_merged_key_by_key():
    merged = entry_over_defaults({"spn": {"remove": ["http/b"]}}, TASK, ["spn"])
    assert merged == {"spn": {"remove": ["http/b"]}}


def test_only_the_named_options_and_none_for_one_the_task_lacks():
    merged = entry_over_defaults({"name": "A", "path": "OU=B,DC=x"}, TASK, ["path", "unknown"])
    assert merged == {"path": "OU=B,DC=x", "unknown": None}


ONE = {"name": "A", "distinguished_name": "CN=A,DC=x", "changed": True}
TWO = {"name": "B", "distinguished_name": "CN=B,DC=x", "changed": False}
DIFF = {"name": "A", "before": {"enabled": False}, "after": {"enabled": True}}


def test_the_single_form_returns_its_entry_at_the_top_level():
    assert object_task_result([ONE], [DIFF], "accounts", single=True, diff_mode=True) == {
        "changed": True,
        "name": "A",
        "distinguished_name": "CN=A,DC=x",
        "diff": {"before": {"enabled": False}, "after": {"enabled": True}},
    }
    assert object_task_result([TWO], [], "accounts", single=True, diff_mode=True) == {
        "changed": False,
        "name": "B",
        "distinguished_name": "CN=B,DC=x",
    }


def test_the_bulk_form_returns_every_entry_and_the_diffs_by_name():
    result = object_task_result([ONE, TWO], [DIFF], "groups", single=False, diff_mode=True)
    assert result == {
        "changed": True,
        "groups": [ONE, TWO],
        "diff": {"before": {"A": {"enabled": False}}, "after": {"A": {"enabled": True}}},
    }
    assert object_task_result([TWO], [], "groups", single=False, diff_mode=False) == {"changed": False, "groups": [TWO]}
