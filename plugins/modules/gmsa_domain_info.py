#!/usr/bin/python
# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: gmsa_domain_info
short_description: Read the domain facts gMSA work needs, and diagnose the LDAP connection
version_added: 0.1.0
description:
  - Connects as every module of the collection does and returns the domain's facts (DNS and NetBIOS names,
    SID, GUID, forest root, naming contexts, well-known containers) and how the connection was made.
  - Use it first when an execution environment cannot reach or bind to AD; it reports the library versions
    and, when O(server) is omitted, the domain controllers found through DNS.
  - Reads only; never changes anything.
extends_documentation_fragment:
  - wincontainers.gmsa.ldap_connection
  - wincontainers.gmsa.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  idempotent:
    support: full
author:
  - wincontainers.gmsa developers (@wincontainers)
"""

EXAMPLES = r"""
- name: Show the domain and how we reach it
  wincontainers.gmsa.gmsa_domain_info:
    server: dc1.contoso.com
  register: ad

- name: Use the domain SID
  ansible.builtin.debug:
    msg: "{{ ad.domain.netbios_name }} has SID {{ ad.domain.sid }}"
"""

RETURN = r"""
domain:
  description: The domain's facts.
  returned: success
  type: dict
  contains:
    dns_name:
      description: The domain's DNS name.
      type: str
      sample: contoso.com
    netbios_name:
      description: The domain's NetBIOS name.
      type: str
      sample: CONTOSO
    sid:
      description: The domain's SID.
      type: str
      sample: S-1-5-21-2092021672-4292731899-1378885424
    guid:
      description: The domain's objectGUID.
      type: str
      sample: 5c1a1f3e-2b45-4f6c-9c2b-0a0f5e3d7b21
    domain_dn:
      description: The domain's naming context.
      type: str
      sample: DC=contoso,DC=com
    forest_dns_name:
      description: The forest root domain's DNS name (what credential specs call C(DnsTreeName)).
      type: str
      sample: contoso.com
    forest_root_dn:
      description: The forest root domain's naming context.
      type: str
      sample: DC=contoso,DC=com
    configuration_dn:
      description: The configuration naming context.
      type: str
      sample: CN=Configuration,DC=contoso,DC=com
    schema_dn:
      description: The schema naming context.
      type: str
      sample: CN=Schema,CN=Configuration,DC=contoso,DC=com
    dc_dns_hostname:
      description: The DNS host name of the DC that answered.
      type: str
      sample: dc1.contoso.com
    users_container:
      description: The default container for users and groups (from the domain's well-known objects).
      type: str
      sample: CN=Users,DC=contoso,DC=com
    computers_container:
      description: The default container for computers.
      type: str
      sample: CN=Computers,DC=contoso,DC=com
    managed_service_accounts_container:
      description: The default container for gMSAs.
      type: str
      sample: CN=Managed Service Accounts,DC=contoso,DC=com
connection:
  description: How the connection was made (no secrets).
  returned: success
  type: dict
  contains:
    server:
      description: The DC that answered.
      type: str
      sample: dc1.contoso.com
    port:
      description: The port used.
      type: int
      sample: 636
    tls_mode:
      description: V(ldaps) or V(start_tls).
      type: str
      sample: ldaps
    auth_protocol:
      description: V(simple) or V(kerberos).
      type: str
      sample: kerberos
    username:
      description: The bind account, if one was given.
      type: str
      sample: svc-gmsa@contoso.com
    discovered_servers:
      description: The DCs found through DNS, in RFC 2782 priority and weight order, when O(server) was omitted.
      type: list
      elements: str
      sample: [dc1.contoso.com, dc2.contoso.com]
    write_server:
      description:
        - The DC that creates objects, O(write_server) or else the PDC emulator (the DC that C(fSMORoleOwner) of
          the domain object names). Tasks that create objects send them there whichever DC answered.
        - Give it as the first O(server) of later tasks to keep a whole play on one DC, the one that has every
          write of the play.
      type: str
      sample: dc1.contoso.com
    servers_for_run:
      description:
        - The O(server) list that keeps the tasks after this one on one DC, the one with every write of the run -
          C(write_server) first, then the DC that answered, then the other DCs of O(server) (or found through DNS)
          as the failover; each once.
        - The collection's playbooks give it as O(server) to every later AD task of the run.
      type: list
      elements: str
      sample: [dc1.contoso.com, dc2.contoso.com]
    skipped_servers:
      description:
        - The DCs tried before the one that answered and passed over, each with the reason (no answer within
          O(connection_timeout), connection refused...).
      type: list
      elements: dict
      sample:
        - server: dc2.contoso.com
          port: 636
          reason: no answer to the TLS handshake within connection_timeout (3 s)
libraries:
  description: Versions of the Python libraries the collection uses (V(null) when missing).
  returned: always
  type: dict
  sample: {"ldap3": "2.9.1", "dnspython": "2.7.0", "gssapi": "1.9.0"}
ldap_server:
  description:
    - The domain controller that answered (as given in O(server) or found through DNS). DCs tried before it and
      passed over are named in the task's warnings, with the reason.
    - Pass it as O(server) to later tasks to keep them on the DC that has this task's writes.
  returned: when a domain controller answered
  type: str
  sample: dc1.contoso.com
ldap_operations:
  description: How many LDAP operations of each kind the task sent.
  returned: always
  type: dict
  sample: {"search": 4, "add": 0, "modify": 0, "delete": 0}
"""

from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import library_versions
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.write_server import servers_for_run
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module


def main() -> None:
    module = ldap_module({}, supports_check_mode=True)

    def work(client):
        write = client.write_server.name
        described = client.describe()
        lead = write
        if not client.on_write_server:
            # servers_for_run leads every later task of the run: a write DC that does not answer would cost each
            # of them connection_timeout, so it is tried once here and, when it fails, goes last instead of first.
            try:
                client.use_write_server()
            except GmsaError:
                lead = None
                client.warnings.append(
                    f"The write DC {client.write_server.label} did not answer ({client.write_failure}); "
                    f"servers_for_run leads with {client.server_name} instead. Tasks that create objects fail "
                    "until the write DC is back."
                )
        run_servers = servers_for_run(lead, client.server_name, [*client.servers, write] if write else client.servers)
        return {
            "changed": False,
            "domain": client.domain.as_dict(),
            "connection": {**described, "write_server": write, "servers_for_run": run_servers},
            "libraries": library_versions(),
        }

    run_ldap_module(module, work, libraries=library_versions())


if __name__ == "__main__":
    main()
