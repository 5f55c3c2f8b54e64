# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._listopts import (
    apply_list_option,
    is_given,
    list_changes,
    option_values,
    same_members,
)


@pytest.mark.parametrize(
    ("current", "option", "expected"),
    [
        (["a", "b"], None, ["a", "b"]),
        (["a", "b"], {}, ["a", "b"]),
        (["a", "b"], {"add": ["c"], "remove": None, "set": None}, ["a", "b", "c"]),
        (["a", "b"], {"add": ["A"]}, ["a", "b"]),
        (["a", "b"], {"remove": ["B", "zz"]}, ["a"]),
        (["a", "b"], {"add": ["c"], "remove": ["a"]}, ["b", "c"]),
        (["a", "b"], {"set": ["c", "B"]}, ["b", "c"]),
        (["a", "b"], {"set": []}, []),
        ([], {"set": ["x", "X", "y"]}, ["x", "y"]),
    ],
)
def test_apply_list_option_case_insensitive(current, option, expected):
    assert apply_list_option(current, option, key=str.lower) == expected


def test_apply_list_option_with_converted_values():
    assert apply_list_option(["S-1"], {"add": ["name"]}, add=["S-2"]) == ["S-1", "S-2"]
    assert apply_list_option(["S-1", "S-2"], {"set": ["n"]}, set_to=["S-2"]) == ["S-2"]


def test_is_given_and_values():
    assert not is_given(None)
    assert not is_given({"add": None, "remove": None, "set": None})
    assert is_given({"set": []})
    assert option_values({"add": ["a"], "remove": ["b"], "set": None}) == ["a", "b"]


def test_changes_and_sameness():
    assert list_changes(["a", "B"], ["b", "c"], key=str.lower) == (["c"], ["a"])
    assert same_members(["a", "b"], ["b", "a", "a"])
    assert not same_members(["a"], ["a", "b"])
