# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn gmsa_check results into the verification report and render it (playbooks/verify.yml).

The report logic and rendering live in ``module_utils/_report.py``; each filter is documented in the
``<filter name>.yml`` file beside this one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._report import (
    ReportError,
    build_report,
    stats,
    to_html,
    to_junit,
    to_markdown,
)


def gmsa_report(
    results: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    generated: str | None = None,
    domain: str | None = None,
    environment: str | None = None,
    fail_on: str = "error",
) -> dict[str, Any]:
    """The report of a looped gmsa_check task's results; ``generated`` defaults to now (UTC)."""
    if generated is None:
        generated = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return build_report(results, generated, domain=domain, environment=environment, fail_on=fail_on)


def _report_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(report: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(report, Mapping) or "checks" not in report:
            raise AnsibleFilterError(f"{name} takes the report that wincontainers.gmsa.gmsa_report returns.")
        try:
            return function(report, *args, **kwargs)
        except ReportError as exc:
            raise AnsibleFilterError(str(exc)) from exc

    wrapper.__name__ = name
    wrapper.__doc__ = function.__doc__
    return wrapper


def _results_filter(results: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    try:
        return gmsa_report(results, *args, **kwargs)
    except ReportError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "gmsa_report": _results_filter,
            "gmsa_report_markdown": _report_filter("gmsa_report_markdown", to_markdown),
            "gmsa_report_junit": _report_filter("gmsa_report_junit", to_junit),
            "gmsa_report_html": _report_filter("gmsa_report_html", to_html),
            "gmsa_report_stats": _report_filter("gmsa_report_stats", stats),
        }
