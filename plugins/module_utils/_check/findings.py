# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A check's result: :class:`Finding`, and how a list of findings sums up and fails a task."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

OK, WARNING, ERROR = "ok", "warning", "error"
STATUSES = (OK, WARNING, ERROR)
FAIL_ON = ("error", "warning", "never")


@dataclass(frozen=True)
class Finding:
    """One result of a check: ``id`` names the check, ``remediation`` says what to do (empty when ok)."""

    id: str
    status: str
    message: str
    remediation: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status, "message": self.message, "remediation": self.remediation}


def ok(check: str, message: str) -> Finding:
    """A passing finding of ``check``."""
    return Finding(check, OK, message)


def worst(findings: Iterable[Finding]) -> str:
    """The worst status among ``findings``: error, warning, or ok (also for none)."""
    statuses = {f.status for f in findings}
    return next((s for s in (ERROR, WARNING) if s in statuses), OK)


def summarize(findings: Sequence[Finding]) -> dict[str, int]:
    """How many findings have each status: ``{"ok": n, "warning": n, "error": n}``."""
    return {status: sum(1 for f in findings if f.status == status) for status in STATUSES}


def failing(findings: Sequence[Finding], fail_on: str) -> list[Finding]:
    """The findings that fail the task under ``fail_on`` (error, warning or never)."""
    if fail_on == "never":
        return []
    levels = (ERROR,) if fail_on == "error" else (ERROR, WARNING)
    return [f for f in findings if f.status in levels]
