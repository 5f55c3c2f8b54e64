# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The troubleshooting guide of "gMSAs for Windows containers" as checks, run from outside Windows.

One module per concern: ``kds`` (the KDS root key), ``gmsa`` (the account and its SPNs), ``host`` and
``access`` (the container host and whether it may retrieve the password), ``proofs`` (binding as the host and
asking the KDC, as the host does), ``credspec`` (the credential spec against AD), ``windows`` (the known issues
by Windows build), ``findings`` (a check's result and how findings fail a task).

Each check is a pure ``evaluate_*`` function (facts in, :class:`Finding` out, unit-tested without a DC). The facts
come from one :class:`CheckReader` (``reader``), the I/O edge: :class:`LdapCheckReader` reads them over LDAP with
the ``read_*`` and ``prove_*`` functions, for many requests with one search per kind of object (``prefetch`` of
:func:`planned_reads`). :func:`run_checks` (``run``) puts them together in the guide's order.

This package exports what the module needs; tests and other code import from the concern's module.
"""

from __future__ import annotations

from .findings import FAIL_ON, Finding, failing, summarize, worst
from .reader import CheckReader, LdapCheckReader, Reads
from .run import (
    REQUEST_OPTIONS,
    CheckRequest,
    RefusedCheck,
    check_request,
    check_result,
    entry_request,
    planned_reads,
    refused_result,
    request_label,
    run_checks,
)
from .windows import parse_windows_build

__all__ = [
    "FAIL_ON",
    "CheckReader",
    "CheckRequest",
    "Finding",
    "LdapCheckReader",
    "REQUEST_OPTIONS",
    "Reads",
    "RefusedCheck",
    "check_request",
    "check_result",
    "entry_request",
    "failing",
    "parse_windows_build",
    "planned_reads",
    "refused_result",
    "request_label",
    "run_checks",
    "summarize",
    "worst",
]
