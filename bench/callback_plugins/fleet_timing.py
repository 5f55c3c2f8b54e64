# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-task timings of a playbook run, written as JSON for bench/fleet.py.

Enabled by bench/fleet.py only (ANSIBLE_CALLBACK_PLUGINS, ANSIBLE_CALLBACKS_ENABLED); writes
``FLEET_TIMING_FILE``. A task lasts from its start to the start of the next task or play (as
ansible.posix.profile_tasks counts it); each record names the role the task belongs to (or the play, for
tasks outside roles) and counts the host results and loop items it produced.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: fleet_timing
type: aggregate
short_description: Per-task and per-role timings as JSON, for bench/fleet.py
description:
  - Writes the tasks of the run with their duration, role, host results and loop items to FLEET_TIMING_FILE.
requirements:
  - enabled through ANSIBLE_CALLBACKS_ENABLED
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "fleet_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._tasks: list[dict] = []
        self._current: dict | None = None
        self._play = ""

    def _close(self) -> None:
        if self._current is not None:
            self._current["seconds"] = time.perf_counter() - self._current.pop("started")
            self._tasks.append(self._current)
            self._current = None

    def v2_playbook_on_play_start(self, play) -> None:
        self._close()
        self._play = play.get_name()

    def v2_playbook_on_task_start(self, task, is_conditional) -> None:
        self._close()
        role = getattr(task, "_role", None)
        self._current = {
            "role": role.get_name() if role is not None else f"play: {self._play}",
            "task": task.get_name(),
            "results": 0,
            "items": 0,
            "started": time.perf_counter(),
        }

    v2_playbook_on_handler_task_start = v2_playbook_on_task_start

    def _result(self, *args, **kwargs) -> None:
        if self._current is not None:
            self._current["results"] += 1

    def _item(self, *args, **kwargs) -> None:
        if self._current is not None:
            self._current["items"] += 1

    v2_runner_on_ok = v2_runner_on_failed = v2_runner_on_skipped = v2_runner_on_unreachable = _result
    v2_runner_item_on_ok = v2_runner_item_on_failed = v2_runner_item_on_skipped = _item

    def v2_playbook_on_stats(self, stats) -> None:
        self._close()
        path = os.environ.get("FLEET_TIMING_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(self._tasks, handle)
