# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module harness: run a module's ``main()`` as Ansible would, and catch what it returns.

A test file names its module once, by overriding the ``module_main`` fixture::

    @pytest.fixture
    def module_main() -> Callable[[], None]:
        return dockerfile_identity.main

and its tests ask for ``run`` (the result of a run that succeeds, as a dict), ``fail`` (the result of a run
that fails: ``msg`` and the other keys given to ``fail_json``) and ``warnings`` (what the module warned).
``run`` lets a failure escape as ``FailJson``, so pytest shows the module's message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args


class ExitJson(Exception):
    """``exit_json`` was called; ``args[0]`` is the result."""


class FailJson(Exception):
    """``fail_json`` was called; ``args[0]`` is the result, with ``msg``."""


@pytest.fixture(autouse=True)
def _no_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    def exit_json(self: basic.AnsibleModule, **kwargs: Any) -> None:
        raise ExitJson(kwargs)

    def fail_json(self: basic.AnsibleModule, msg: str, **kwargs: Any) -> None:
        raise FailJson({"msg": msg, **kwargs})

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)


@pytest.fixture
def module_main() -> Callable[[], None]:
    """The ``main`` of the module under test: override this fixture in the test file."""
    raise pytest.UsageError("Define a module_main fixture in the test file that returns the module's main.")


@pytest.fixture
def run(module_main: Callable[[], None]) -> Callable[..., dict[str, Any]]:
    """``run(args, *, check_mode=False, diff=False)``: the module's result; a failure raises ``FailJson``."""

    def run(args: dict[str, Any], *, check_mode: bool = False, diff: bool = False) -> dict[str, Any]:
        module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        with patch_module_args(module_args), pytest.raises(ExitJson) as result:
            module_main()
        return result.value.args[0]

    return run


@pytest.fixture
def fail(module_main: Callable[[], None]) -> Callable[..., dict[str, Any]]:
    """``fail(args, *, check_mode=False)``: the result of a run that must fail (``msg`` and the rest)."""

    def fail(args: dict[str, Any], *, check_mode: bool = False) -> dict[str, Any]:
        with patch_module_args(dict(args, _ansible_check_mode=check_mode)), pytest.raises(FailJson) as result:
            module_main()
        return result.value.args[0]

    return fail


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the module passed to ``warn``, in order."""
    seen: list[str] = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning: seen.append(warning))
    return seen
