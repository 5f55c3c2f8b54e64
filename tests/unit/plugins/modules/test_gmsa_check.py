# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""gmsa_check's entries that cannot run: refused one by one, and no connection when none can run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.modules import gmsa_check


@pytest.fixture
def module_main() -> Callable[[], None]:
    return gmsa_check.main


def test_when_no_entry_can_run_each_is_named_and_nothing_connects(fail: Callable[..., dict[str, Any]]) -> None:
    # No server and no DNS: a connection attempt would fail with another message.
    result = fail({"checks": [{"host": "HOST01"}, {"name": "WebApp01", "windows_build": "95"}]})
    assert result["msg"].startswith("gmsa_check could not run 2 of 2 checks: checks[0] (no name on HOST01): name is")
    assert "checks[1] (WebApp01): windows_build '95'" in result["msg"]
    assert [c["failed"] for c in result["checks"]] == [True, True]
    assert [c["name"] for c in result["checks"]] == [None, "WebApp01"]
    assert result["status"] == "error"
    assert "ldap_server" not in result and "ldap_operations" not in result


def test_an_empty_checks_list_checks_nothing_and_connects_to_nothing(run: Callable[..., dict[str, Any]]) -> None:
    # As the other bulk forms (accounts: [], specs: []): a list built from an empty inventory is no error.
    result = run({"checks": []})
    assert result["checks"] == [] and result["status"] == "ok" and result["changed"] is False
    assert result["summary"] == {"error": 0, "ok": 0, "warning": 0}
    assert "ldap_server" not in result and "msg" not in result
