# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""List options written as ``{add, remove, set}``, as microsoft.ad's modules take them.

``set`` replaces the whole list; ``add`` and ``remove`` change it and leave the other values alone. ``set``
cannot be combined with ``add`` or ``remove`` (the argument spec says so). Comparisons go through a ``key``
function, so case-insensitive values (SPNs, DNs) and aliases (a SID for a name) compare as AD compares them.

A list of principals also takes ``lookup_failure_action`` inside the mapping, as microsoft.ad's
``service_account`` and ``group`` do (``plugins/modules/service_account.yml``): it wins over the module's
top-level option of that name for that list only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, Callable, TypeVar

from ._principals import LOOKUP_FAILURE_ACTIONS

T = TypeVar("T")

LIST_OPTION_KEYS = ("add", "remove", "set")
LOOKUP_FAILURE_ACTION = "lookup_failure_action"


def list_option_spec(choices: list[str] | None = None, *, principals: bool = False) -> dict[str, Any]:
    """The argument spec of one ``{add, remove, set}`` option (elements are strings).

    ``principals``: the values name principals, and the mapping also takes ``lookup_failure_action`` (no
    default: omitted, the module's top-level option applies; see :func:`lookup_failure_action`).
    """
    element: dict[str, Any] = {"type": "list", "elements": "str"}
    if choices:
        element["choices"] = choices
    options: dict[str, Any] = {key: dict(element) for key in LIST_OPTION_KEYS}
    if principals:
        options[LOOKUP_FAILURE_ACTION] = {"type": "str", "choices": list(LOOKUP_FAILURE_ACTIONS)}
    return {"type": "dict", "options": options, "mutually_exclusive": [("set", "add"), ("set", "remove")]}


def lookup_failure_action(option: dict[str, Any] | None, task_default: str) -> str:
    """The action for principals of this list that do not exist: the mapping's own, else the task's."""
    return (option or {}).get(LOOKUP_FAILURE_ACTION) or task_default


def is_given(option: dict[str, Any] | None) -> bool:
    """Whether the option asks for anything (``{}`` or all keys None asks for nothing)."""
    return bool(option) and any(option.get(key) is not None for key in LIST_OPTION_KEYS)


def option_values(option: dict[str, Any] | None) -> list[str]:
    """Every value the option names, in add, remove, set order (to resolve them all at once)."""
    if not option:
        return []
    return [value for key in LIST_OPTION_KEYS for value in option.get(key) or []]


def _unique(values: Iterable[T], key: Callable[[T], Hashable]) -> list[T]:
    seen: set[Hashable] = set()
    result = []
    for value in values:
        k = key(value)
        if k not in seen:
            seen.add(k)
            result.append(value)
    return result


def apply_list_option(
    current: list[T],
    option: dict[str, Any] | None,
    key: Callable[[T], Hashable] = lambda v: v,
    *,
    add: list[T] | None = None,
    remove: list[T] | None = None,
    set_to: list[T] | None = None,
) -> list[T]:
    """The list after applying an ``{add, remove, set}`` option to ``current``.

    ``option`` gives the raw values; ``add``/``remove``/``set_to`` override them with already converted
    values (resolved principals, say) of the same type as ``current``. Current values keep their order and
    new ones go at the end, so an unchanged list compares equal. No option leaves ``current`` as it is.
    """
    option = option or {}
    add = add if add is not None else option.get("add")
    remove = remove if remove is not None else option.get("remove")
    set_to = set_to if set_to is not None else option.get("set")
    if set_to is not None:
        wanted = {key(v) for v in set_to}
        kept = [v for v in current if key(v) in wanted]
        kept_keys = {key(v) for v in kept}
        return _unique(kept + [v for v in set_to if key(v) not in kept_keys], key)
    result = list(current)
    if add:
        result = result + list(add)
    if remove:
        gone = {key(v) for v in remove}
        result = [v for v in result if key(v) not in gone]
    return _unique(result, key)


def list_changes(
    before: list[T], after: list[T], key: Callable[[T], Hashable] = lambda v: v
) -> tuple[list[T], list[T]]:
    """(added, removed): the values of ``after`` missing from ``before``, and the reverse."""
    before_keys = {key(v) for v in before}
    after_keys = {key(v) for v in after}
    return [v for v in after if key(v) not in before_keys], [v for v in before if key(v) not in after_keys]


def same_members(before: list[T], after: list[T], key: Callable[[T], Hashable] = lambda v: v) -> bool:
    """Whether two lists hold the same values, ignoring order and repeats."""
    return {key(v) for v in before} == {key(v) for v in after}
