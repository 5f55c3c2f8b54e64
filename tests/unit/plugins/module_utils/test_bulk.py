# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk forms' rule: an entry's options over the task's top-level options."""

from __future__ import annotations

from ansible_collections.wincontainers.gmsa.plugins.module_utils._bulk import entry_over_defaults

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
