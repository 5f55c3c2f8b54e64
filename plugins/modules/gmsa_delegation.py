#!/usr/bin/python
# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: gmsa_delegation
short_description: Delegate the rights this collection needs in an OU to a group or user
version_added: 0.1.0
description:
  - Grants a trustee the rights to create and manage gMSAs and host groups in one OU or container, and removes
    them, so that the automation account needs no Domain Admins membership. It is what the AD team does with
    the I(Delegation of Control) wizard, written as the wizard writes it.
  - Each right is a few object-specific allow ACEs (C(ACCESS_ALLOWED_OBJECT_ACE), MS-DTYP 2.4.4.3) on the
    container's C(nTSecurityDescriptor). Creating objects of a class is C(CREATE_CHILD) and C(DELETE_CHILD)
    for that class, inherited by sub-containers (C(OA;CI;CCDC;<class>;;<trustee>) in SDDL). Changing attributes
    is C(WRITE_PROPERTY) per attribute, inherited only by objects of that class
    (C(OA;CIIO;WP;<attribute>;<class>;<trustee>)).
  - Reads and writes only the DACL (the C(LDAP_SERVER_SD_FLAGS_OID) control with C(DACL_SECURITY_INFORMATION));
    the owner, group and audit entries are never touched. Every other ACE stays as it is, where it is; new ACEs
    go after the explicit ACEs and before the inherited ones, which keeps a DACL in canonical order.
  - O(state=absent) removes exactly the ACEs the O(rights) stand for, and nothing else, so a delegation
    written and then removed leaves the DACL byte for byte as it was.
  - Changing a DACL needs C(WRITE_DAC) (I(Modify permissions)) on the container, which Domain Admins and the
    OU's owner have; run this module as the AD team's account, not as the delegated one. The module reads
    C(sDRightsEffective) first and fails before writing, in check mode too, when the right is missing.
  - The KDS root key is not delegated; creating one needs Enterprise Admins (see
    M(wincontainers.gmsa.gmsa_kds_root_key)).
  - The P(wincontainers.gmsa.ad_prepare#role) role runs this module for its OUs when
    O(wincontainers.gmsa.ad_prepare#role:main:ad_prepare_delegation_trustee) is set.
options:
  path:
    description:
      - The DN of the OU or container to delegate in, such as V(OU=Container Apps,DC=contoso,DC=com), where the
        delegated account creates gMSAs (the O(wincontainers.gmsa.gmsa_account#module:path) of
        M(wincontainers.gmsa.gmsa_account)) or host groups.
      - The rights hold in the container and every container below it.
    type: str
    required: true
  trustee:
    description:
      - Who gets the rights, a group (recommended) or user, as a name (C(sAMAccountName)), a DN, a SID, an
        C(objectGUID) or a user principal name, resolved as every principal of the collection is.
      - A trustee that does not exist fails the task.
      - With O(state=absent), a SID that no longer resolves is accepted, so rights of a deleted account can be
        cleaned up.
    type: str
    required: true
  rights:
    description:
      - The rights to grant or remove.
      - V(create_gmsa) - create and delete C(msDS-GroupManagedServiceAccount) objects (what
        M(wincontainers.gmsa.gmsa_account) needs to create or remove a gMSA).
      - V(manage_gmsa) - write the attributes M(wincontainers.gmsa.gmsa_account) changes on existing gMSAs,
        C(dNSHostName), C(description), C(userAccountControl), C(servicePrincipalName),
        C(msDS-SupportedEncryptionTypes) and C(msDS-GroupMSAMembership), one ACE each.
      - V(create_group) - create and delete groups, and write their C(description) and C(groupType) (what
        M(wincontainers.gmsa.gmsa_host_group) sets besides members).
      - V(manage_group_membership) - read and write C(member) of groups, as the wizard's I(Modify the
        membership of a group) task.
    type: list
    elements: str
    required: true
    choices: [create_gmsa, manage_gmsa, create_group, manage_group_membership]
  state:
    description:
      - V(present) adds the ACEs of O(rights) that are missing; V(absent) removes them. Rights not listed are
        left alone either way.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - wincontainers.gmsa.ldap_connection
  - wincontainers.gmsa.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: The diff lists the container's DACL in SDDL, one ACE per line.
  idempotent:
    support: full
notes:
  - The schemaIDGUIDs in the ACEs are the fixed values of the AD schema ([MS-ADSC], [MS-ADA1] to [MS-ADA3]).
  - Objects created before the delegation inherit the new ACEs too; the DC propagates inheritable ACEs to
    every object below the container.
seealso:
  - module: wincontainers.gmsa.gmsa_account
  - module: wincontainers.gmsa.gmsa_host_group
author:
  - wincontainers.gmsa developers (@wincontainers)
"""

EXAMPLES = r"""
- name: Let the automation group create and manage gMSAs and host groups in one OU
  wincontainers.gmsa.gmsa_delegation:
    path: OU=Container Apps,DC=contoso,DC=com
    trustee: gMSA-Automation
    rights: [create_gmsa, manage_gmsa, create_group, manage_group_membership]

- name: Only membership of existing groups, elsewhere
  wincontainers.gmsa.gmsa_delegation:
    path: OU=Container Hosts,DC=contoso,DC=com
    trustee: gMSA-Automation
    rights: [manage_group_membership]

- name: Withdraw the delegation
  wincontainers.gmsa.gmsa_delegation:
    path: OU=Container Apps,DC=contoso,DC=com
    trustee: gMSA-Automation
    rights: [create_gmsa, manage_gmsa, create_group, manage_group_membership]
    state: absent
"""

RETURN = r"""
path:
  description: The container's DN, as the DC spells it.
  returned: success
  type: str
  sample: OU=Container Apps,DC=contoso,DC=com
state:
  description: The state asked for.
  returned: success
  type: str
  sample: present
trustee:
  description: The trustee, resolved.
  returned: success
  type: dict
  contains:
    name:
      description: Its C(sAMAccountName) (None for a SID that no longer resolves).
      type: str
      sample: gMSA-Automation
    sid:
      description: Its SID, the one the ACEs name.
      type: str
      sample: S-1-5-21-2092021672-4292731899-1378885424-1110
    distinguished_name:
      description: Its DN.
      type: str
      sample: CN=gMSA-Automation,OU=Automation,DC=contoso,DC=com
    object_class:
      description: C(group), C(user), C(computer) or C(msDS-GroupManagedServiceAccount).
      type: str
      sample: group
rights:
  description: The rights the task granted or removed, in the documented order.
  returned: success
  type: list
  elements: str
  sample: [create_gmsa, manage_gmsa]
aces:
  description: The ACEs that O(rights) stand for, in SDDL (domain SIDs as written, well-known ones as aliases).
  returned: success
  type: list
  elements: str
  sample: ["(OA;CI;CCDC;7b8b558a-93a5-4af7-adca-c017e67f1057;;S-1-5-21-2092021672-4292731899-1378885424-1110)"]
aces_added:
  description: The ACEs the task added (or would add, in check mode).
  returned: success
  type: list
  elements: str
  sample: ["(OA;CI;CCDC;7b8b558a-93a5-4af7-adca-c017e67f1057;;S-1-5-21-1460677634-2154929214-2808794320-1110)"]
aces_removed:
  description: The ACEs the task removed (or would remove, in check mode).
  returned: success
  type: list
  elements: str
  sample: []
ldap_server:
  description:
    - The domain controller that answered (as given in O(server) or found through DNS). DCs tried before it and
      passed over are named in the task's warnings, with the reason.
  returned: when a domain controller answered
  type: str
  sample: dc1.contoso.com
ldap_write_server:
  description:
    - The domain controller this task's writes went to. That is the write DC (O(write_server), else the PDC
      emulator) when the task created an object or read from it, else the DC that answered (RV(ldap_server)).
  returned: when the task wrote to AD
  type: str
  sample: dc1.contoso.com
ldap_operations:
  description: How many LDAP operations of each kind the task sent.
  returned: always
  type: dict
  sample: {"search": 5, "add": 0, "modify": 1, "delete": 0}
"""

from ansible_collections.wincontainers.gmsa.plugins.module_utils._delegation import (
    RIGHT_NAMES,
    DelegationRequest,
    ensure_delegation,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module


def main() -> None:
    module = ldap_module(
        {
            "path": {"type": "str", "required": True},
            "trustee": {"type": "str", "required": True},
            "rights": {"type": "list", "elements": "str", "required": True, "choices": list(RIGHT_NAMES)},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        supports_check_mode=True,
    )
    params = module.params
    request = DelegationRequest(
        path=params["path"], trustee=params["trustee"], rights=params["rights"], state=params["state"]
    )

    def work(client):
        outcome = ensure_delegation(client, request, module.check_mode, module.warn)
        result = dict(changed=outcome.changed, **outcome.result)
        if module._diff and outcome.diff is not None:
            result["diff"] = outcome.diff
        return result

    run_ldap_module(module, work, path=params["path"])


if __name__ == "__main__":
    main()
