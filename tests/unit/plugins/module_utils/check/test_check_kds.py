# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The KDS root key checks (pure)."""

from __future__ import annotations

from datetime import timedelta

from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.kds import evaluate_kds, evaluate_password_key
from ansible_collections.wincontainers.gmsa.plugins.module_utils._kds import USABLE_AFTER
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    NOW,
    key,
)


def test_kds_usable_key_is_ok():
    finding = evaluate_kds([key(NOW - USABLE_AFTER - timedelta(seconds=1))], NOW)
    assert finding.status == "ok"
    assert finding.remediation == ""


def test_kds_no_key_is_an_error_naming_the_module():
    finding = evaluate_kds([], NOW)
    assert finding.status == "error"
    assert "no KDS root key" in finding.message
    assert "gmsa_kds_root_key" in finding.remediation


def test_kds_future_key_says_when():
    finding = evaluate_kds([key(NOW - timedelta(minutes=5))], NOW)
    assert finding.status == "error"
    assert "becomes usable at 2026-11-22T22:00:00Z (in 10 h 0 min)" in finding.message


def test_password_key_missing_is_an_error():
    keys = [key(NOW - timedelta(days=1))]
    assert evaluate_password_key("WebApp01", None, keys) is None
    assert evaluate_password_key("WebApp01", keys[0].key_id, keys).status == "ok"
    assert evaluate_password_key("WebApp01", "11111111-1111-1111-1111-111111111111", keys).status == "error"


UNREADABLE = "22222222-2222-2222-2222-222222222222"


def test_keys_an_ordinary_user_may_list_but_not_read_are_cannot_tell_not_an_error():
    finding = evaluate_kds([], NOW, [UNREADABLE])
    assert finding.status == "warning"
    assert finding.message.startswith(
        f"Cannot tell whether a KDS root key is usable: the forest has 1 root key(s) ({UNREADABLE})"
    )
    assert "needs Domain Admins or Enterprise Admins" in finding.message
    assert evaluate_password_key("WebApp01", UNREADABLE, [], [UNREADABLE]).status == "ok"
    assert evaluate_password_key("WebApp01", "11111111-1111-1111-1111-111111111111", [], [UNREADABLE]).status == "error"
