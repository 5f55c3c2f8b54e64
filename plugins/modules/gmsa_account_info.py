#!/usr/bin/python
# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: gmsa_account_info
short_description: Read group Managed Service Accounts (gMSAs), without their passwords
version_added: 0.1.0
description:
  - Reads one, several or all gMSAs of the domain over LDAP, as C(Get-ADServiceAccount) does, with the same fields
    M(wincontainers.gmsa.gmsa_account) returns, plus the KDS root key the current password derives from.
  - Never reads C(msDS-ManagedPassword).
  - Costs one search for the accounts and one for the principals allowed to retrieve their passwords.
options:
  name:
    description:
      - The gMSAs to read, by name (with or without the trailing C($)). C(*) is a wildcard (C(Web*)).
      - Omit it to read every gMSA of the domain.
    type: list
    elements: str
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
seealso:
  - module: wincontainers.gmsa.gmsa_account
author:
  - wincontainers.gmsa developers (@wincontainers)
"""

EXAMPLES = r"""
- name: Read one gMSA
  wincontainers.gmsa.gmsa_account_info:
    name: WebApp01
  register: webapp01

- name: Read every gMSA whose name starts with Web
  wincontainers.gmsa.gmsa_account_info:
    name: ["Web*"]

- name: Read all gMSAs
  wincontainers.gmsa.gmsa_account_info:
  register: all_gmsas
"""

RETURN = r"""
accounts:
  description: The gMSAs found, ordered by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The gMSA's name, without C($).
      type: str
    distinguished_name:
      description: Its DN.
      type: str
    sid:
      description: Its SID.
      type: str
    object_guid:
      description: Its C(objectGUID).
      type: str
    dns_hostname:
      description: Its C(dNSHostName).
      type: str
    description:
      description: Its description.
      type: str
    spn:
      description: Its service principal names.
      type: list
      elements: str
    allowed_to_retrieve_password:
      description: The principals allowed to retrieve the password, each as C(name) and C(sid) (name None when no
        object has the SID).
      type: list
      elements: dict
    kerberos_encryption_types:
      description:
        - The encryption types among aes128, aes256 and rc4 (empty when C(msDS-SupportedEncryptionTypes) is unset).
      type: list
      elements: str
    enabled:
      description: Whether the account is enabled.
      type: bool
    managed_password_interval_days:
      description: C(msDS-ManagedPasswordInterval).
      type: int
    managed_password_id:
      description: The GUID of the KDS root key the current password derives from (from C(msDS-ManagedPasswordId)).
      type: str
    delegates:
      description: The principals allowed to delegate to the account (C(msDS-AllowedToActOnBehalfOfOtherIdentity)),
        each as C(name) and C(sid).
      type: list
      elements: dict
    trusted_for_delegation:
      description: Whether the account is trusted for unconstrained Kerberos delegation (C(userAccountControl)).
      type: bool
    user_account_control:
      description: The raw C(userAccountControl) value.
      type: int
  sample:
    - name: WebApp01
      distinguished_name: CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com
      sid: S-1-5-21-2092021672-4292731899-1378885424-1105
      dns_hostname: WebApp01.contoso.com
      spn: [host/WebApp01, host/WebApp01.contoso.com]
      allowed_to_retrieve_password: [{"name": "WebApp01Hosts", "sid": "S-1-5-21-2092021672-4292731899-1378885424-1104"}]
      kerberos_encryption_types: [aes128, aes256]
      enabled: true
      managed_password_interval_days: 30
      managed_password_id: 58797e41-7376-c715-8f69-538daf5ae8c6
missing:
  description: The names in O(name) without a wildcard that matched no gMSA.
  returned: always
  type: list
  elements: str
  sample: [OldApp01]
conflicts:
  description:
    - Replication conflicts among the gMSAs found, each also a warning. Two DCs that create the same gMSA before
      they replicate both keep it; replication then renames one copy with AD's C(\\0ACNF:) mark and leaves both
      with the same C(sAMAccountName). O(name) then names two objects, and gmsa_account refuses to change either.
    - One entry per shared C(sAMAccountName) (or per copy left alone under a CNF name), with what to do.
  returned: always
  type: list
  elements: dict
  contains:
    sam_account_name:
      description: The C(sAMAccountName) the copies share.
      type: str
    copies:
      description: Each copy's C(distinguished_name), C(sid), C(object_guid), C(when_created) (AD's
        C(whenCreated), generalized time) and C(conflict_copy) (its RDN carries the CNF mark).
      type: list
      elements: dict
    keep:
      description: The DN of the copy AD kept under the name (the one without the CNF mark), or None when the user
        must choose.
      type: str
    delete:
      description: The DNs of the copies to delete once no host or credential spec uses their SID.
      type: list
      elements: str
    remediation:
      description: What to do, with the PowerShell and Samba commands (by C(objectGUID), which is unambiguous).
      type: str
  sample:
    - sam_account_name: WebApp01$
      copies:
        - {distinguished_name: "CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com", conflict_copy: false,
           sid: S-1-5-21-2092021672-4292731899-1378885424-1105, object_guid: 9d1c1b5e-5a8e-4a3e-8c53-0f0c1f2d3e4a,
           when_created: 20261130061500.0Z}
      keep: CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com
      delete: []
      remediation: Keep CN=WebApp01,... (the copy AD kept under the name); ...
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
  sample: {"search": 5, "add": 0, "modify": 0, "delete": 0}
"""

from ansible_collections.wincontainers.gmsa.plugins.module_utils._gmsa import read_accounts
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module


def main() -> None:
    module = ldap_module({"name": {"type": "list", "elements": "str"}}, supports_check_mode=True)

    def work(client):
        accounts, missing, conflicts = read_accounts(client, module.params["name"])
        for conflict in conflicts:
            module.warn(f"Replication conflict on {conflict['sam_account_name']}: {conflict['remediation']}")
        return {"changed": False, "accounts": accounts, "missing": missing, "conflicts": conflicts}

    run_ldap_module(module, work)


if __name__ == "__main__":
    main()
