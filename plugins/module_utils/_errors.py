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
