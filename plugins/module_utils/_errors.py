# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception type every backend raises, and the one place that turns it into a task failure."""

from __future__ import annotations

from typing import Any


class GmsaError(Exception):
    """A failure the user can act on.

    ``message`` says what went wrong, ``hint`` what to do next; ``details`` are extra, secret-free facts
    (LDAP result name and code, the DN involved) returned with the failure so playbooks can branch on them.
    """

    def __init__(self, message: str, hint: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = {k: v for k, v in details.items() if v is not None}

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message

    def fail(self, module: Any, **result: Any) -> None:
        """Fail the Ansible task with this error (``module`` is an AnsibleModule)."""
        module.fail_json(msg=str(self), **self.details, **result)


class ValidationError(GmsaError):
    """Input that is wrong before any LDAP call is made."""


def bulk_entry(option: str, index: int, label: str | None = None) -> str:
    """How a message names one entry of a bulk form: ``checks[2] (WebApp01 on HOST01)``.

    ``index`` counts from 0, as Ansible's ``loop.index0`` and the entries' order in the result do; ``label`` is
    the entry as the user spelled it (its name), left out when empty.
    """
    return f"{option}[{index}] ({label})" if label else f"{option}[{index}]"
