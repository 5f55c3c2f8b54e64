# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The glue every LDAP module shares: the argument spec, library checks, the connection, and failures."""

from __future__ import annotations

from typing import Any, Callable

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._errors import GmsaError
from ._ldap import ConnectionOptions, LdapClient, connection_argument_spec, missing_libraries


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

    Every result, failed or not, names the DC that answered (``ldap_server``) and carries ``ldap_operations``
    once a DC answered, and ``ldap_write_server`` (the DC written on) once the task wrote; each DC passed over on
    the way is a warning. ``on_failure`` are extra (secret-free)
    values returned with a failure, for diagnostics.
    """
    client = None
    try:
        client = LdapClient(ConnectionOptions.from_params(module.params))
        client.connect()
        result = work(client)
    except GmsaError as exc:
        extra = dict(on_failure)
        if client is not None and client.server_name is not None:
            extra.update(_connection_result(module, client))
        exc.fail(module, **extra)
        return
    finally:
        if client is not None:
            client.close()
    result.update(_connection_result(module, client))
    module.exit_json(**result)


def _connection_result(module: AnsibleModule, client: LdapClient) -> dict[str, Any]:
    """``ldap_server``, ``ldap_operations`` and, when the task wrote, ``ldap_write_server`` of a connected client;
    warns of each DC it skipped and of what the client noted (reads moved to the write DC)."""
    for skipped in client.skipped:
        module.warn(f"{skipped.warning} {client.server_name} answered instead.")
    for warning in dict.fromkeys(client.warnings):
        module.warn(warning)
    result: dict[str, Any] = {"ldap_server": client.server_name, "ldap_operations": dict(client.operations)}
    if client.written_on is not None:
        result["ldap_write_server"] = client.written_on
    return result
