# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The glue every LDAP module shares: the argument spec, library checks, the connection, and failures."""

from __future__ import annotations

from typing import Any, Callable

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._errors import GmsaError
from ._ldap import LdapClient, connect_from_params, connection_argument_spec, missing_libraries


def ldap_module(argument_spec: dict[str, Any], **kwargs: Any) -> AnsibleModule:
    """An AnsibleModule whose spec is the shared connection options plus the module's own."""
    spec = connection_argument_spec()
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, **kwargs)
    for library, error in missing_libraries():
        module.fail_json(msg=missing_required_lib(library), exception=error)
    return module


def run_ldap_module(module: AnsibleModule, work: Callable[[LdapClient], dict[str, Any]], **on_failure: Any) -> None:
    """Connect, run ``work(client)`` and exit with its result; a GmsaError becomes one clear failure.

    ``on_failure`` are extra (secret-free) values returned with a failure, for diagnostics.
    """
    client = None
    try:
        client = connect_from_params(module.params)
        result = work(client)
    except GmsaError as exc:
        extra = dict(on_failure)
        if client is not None:
            extra["ldap_operations"] = dict(client.operations)
        exc.fail(module, **extra)
        return
    finally:
        if client is not None:
            client.close()
    result["ldap_operations"] = dict(client.operations)
    module.exit_json(**result)
