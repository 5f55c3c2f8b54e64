# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn a credential spec file name or document into what each orchestrator expects.

Each filter is documented in the ``<filter name>.yml`` file beside this one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import (
    CredentialSpecError,
    parse_credential_spec,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_refs import (
    compose_credential_spec,
    security_opt,
    swarm_credential_spec,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._k8s import gmsa_credential_spec_resource


def _filter_errors(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    # Ansible names the failing filter in its own message; ours says what is wrong and what to do.
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except CredentialSpecError as exc:
            raise AnsibleFilterError(str(exc)) from exc

    wrapper.__name__ = name
    wrapper.__doc__ = function.__doc__
    return wrapper


def credential_spec_k8s_resource(spec: Mapping[str, Any] | str, name: str) -> dict[str, Any]:
    """A GMSACredentialSpec resource from a credential spec (a mapping or the file's JSON text)."""
    if isinstance(spec, str):
        spec = parse_credential_spec(spec)
    return gmsa_credential_spec_resource(name, spec)


class FilterModule:
    """wincontainers.gmsa credential spec filters."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        functions: dict[str, Callable[..., Any]] = {
            "credential_spec_security_opt": security_opt,
            "credential_spec_compose": compose_credential_spec,
            "credential_spec_swarm": swarm_credential_spec,
            "credential_spec_k8s_resource": credential_spec_k8s_resource,
        }
        return {name: _filter_errors(name, function) for name, function in functions.items()}
