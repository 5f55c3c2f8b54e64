# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every LDAP module's result says about the connection: the DC that answered and the ones skipped."""

from __future__ import annotations

from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import (
    ConnectionOptions,
    LdapClient,
    SkippedServer,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import _connection_result


class RecordingModule:
    """The one AnsibleModule method _connection_result uses."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warn(self, warning: str) -> None:
        self.warnings.append(warning)


def test_the_result_names_the_dc_that_answered_and_warns_of_each_skipped_one() -> None:
    options = ConnectionOptions.from_params({"server": ["dc2", "dc3", "dc1"], "username": "u", "password": "p"})
    client = LdapClient(options)
    client.skipped = [SkippedServer("dc2", 636, "no answer"), SkippedServer("dc3", 636, "TCP connect failed: refused")]
    client.server_name = "dc1"
    client.operations["search"] = 3
    module = RecordingModule()
    assert _connection_result(module, client) == {
        "ldap_server": "dc1",
        "ldap_operations": {"search": 3, "add": 0, "modify": 0, "delete": 0},
    }
    assert module.warnings == [
        "Skipped domain controller dc2:636: no answer. dc1 answered instead.",
        "Skipped domain controller dc3:636: TCP connect failed: refused. dc1 answered instead.",
    ]
