# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules every bulk form shares: an entry's options over the task's top-level options, and (for the object
modules) one result per entry or the single form's one result at the top level.

The bulk forms (``gmsa_account`` ``accounts:``, ``gmsa_host_group`` ``groups:``, ``gmsa_check`` ``checks:``,
``credential_spec`` ``specs:``, ``dockerfile_identity`` ``dockerfiles:``) take the single form's options per entry,
with the top-level ones as the entries' defaults. Pure and free of imports, so a module that never connects to
AD (``dockerfile_identity``) does not load the LDAP libraries for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def entry_over_defaults(
    entry: Mapping[str, Any], defaults: Mapping[str, Any], options: Iterable[str]
) -> dict[str, Any]:
    """``option -> value`` for each of ``options``: the entry's value where it sets one, else ``defaults``' (the
    task's top-level options, ``module.params``).

    * Keys: exactly ``options``, the options a module takes both at the top level and per entry. Keys only an entry
      has (``name``, a Dockerfile's ``path``) are the caller's to read.
    * Unset is None: Ansible gives every suboption an entry omits the value None (the per-entry suboptions carry no
      ``default``, so that the top level's applies). So None falls back, while ``False``, ``0``, ``""`` and ``[]``
      are values an entry sets. An option missing from ``defaults`` is None.
    * Shallow: a mapping is taken whole from where it is set. An entry's ``spn: {add: [x]}`` replaces the
      top-level ``spn`` (its ``add``, ``remove`` and ``set`` are not merged key by key).
    """
    return {option: defaults.get(option) if entry.get(option) is None else entry[option] for option in options}


def object_task_result(
    entries: list[dict[str, Any]], diffs: list[dict[str, Any]], key: str, single: bool, diff_mode: bool
) -> dict[str, Any]:
    """What an object module (``gmsa_account``, ``gmsa_host_group``) returns, in either form.

    ``entries`` are the per-object results in request order, each with ``changed``; ``diffs`` those of the objects
    that change, each ``{name, before, after}``. The task is changed when any entry is. The single form returns
    its one entry's fields at the top level (its ``changed`` is the task's) and, in diff mode, that object's
    ``before`` and ``after``; the bulk form returns the entries under ``key`` and, in diff mode, ``before`` and
    ``after`` keyed by object name.
    """
    result: dict[str, Any] = {"changed": any(entry["changed"] for entry in entries)}
    if single:
        result.update({field: value for field, value in entries[0].items() if field != "changed"})
        if diff_mode and diffs:
            result["diff"] = {"before": diffs[0]["before"], "after": diffs[0]["after"]}
        return result
    result[key] = entries
    if diff_mode:
        result["diff"] = {
            "before": {d["name"]: d["before"] for d in diffs},
            "after": {d["name"]: d["after"] for d in diffs},
        }
    return result
