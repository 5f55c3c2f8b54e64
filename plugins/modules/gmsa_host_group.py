#!/usr/bin/python
# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: gmsa_host_group
short_description: Ensure the security group of container hosts allowed to retrieve a gMSA password
version_added: 0.1.0
description:
  - Ensures an Active Directory security group and its members over LDAP, as C(New-ADGroup) and
    C(Add-ADGroupMember) do on Windows. The group is meant to hold the container hosts that may retrieve a group
    Managed Service Account's password; give it to M(wincontainers.gmsa.gmsa_account) in
    O(wincontainers.gmsa.gmsa_account#module:allowed_to_retrieve_password).
  - Always a security group; a distribution group cannot grant access to a password.
  - A converged group costs one search for the group and one for the principals the task names, and no write.
  - Hosts only see a new group membership once their Kerberos tickets are refreshed; when membership changes the
    module warns to run C(klist -li 0x3e7 purge) on the hosts (or reboot them).
options:
  name:
    description:
      - The group's C(sAMAccountName), also used as its common name when it is created.
    type: str
    required: true
  path:
    description:
      - The DN of the container or OU the group is in. A new group is created there; an existing group elsewhere is
        moved there (LDAP Modify DN, as C(Move-ADObject) does; its name, SID and members stay), which costs one more
        write, counted as a C(modify) in RV(ldap_operations).
      - Defaults to the domain's Users container, found through its well-known GUID, when the group is created;
        left alone on an existing group when omitted.
    type: str
  scope:
    description:
      - The group scope. V(domainlocal) (the default for a new group) is what the guide uses.
      - On an existing group, the scope is changed only when this is given. AD cannot turn a global group into a
        domain local one (or back) directly; the module goes through universal, which costs a second write.
    type: str
    choices: [domainlocal, global, universal]
  description:
    description:
      - The group's description. An empty string removes it. Left alone when omitted.
    type: str
  members:
    description:
      - The group's members, computers, groups and users, each as microsoft.ad's C(group) takes them - by
        C(sAMAccountName) (a computer as C(ContainerHost01) or C(ContainerHost01$)), DN, SID, C(objectGUID) or
        user principal name (C(name@suffix)). All of them are found in one search.
      - Members that do not exist follow O(members.lookup_failure_action), else the task's
        O(lookup_failure_action), except in O(members.remove), where a principal that does not exist is simply
        not a member.
    type: dict
    suboptions:
      add:
        description: Principals to add; other members stay.
        type: list
        elements: str
      remove:
        description: Principals to remove; other members stay.
        type: list
        elements: str
      set:
        description:
          - The exact list of members; every other member is removed. V([]) empties the group.
          - Cannot be combined with O(members.add) or O(members.remove).
        type: list
        elements: str
      lookup_failure_action:
        description:
          - What to do when a member of this list does not exist, as in microsoft.ad's C(group) - V(fail),
            V(warn) or V(ignore) (see O(lookup_failure_action)).
          - Wins over the task's O(lookup_failure_action) for O(members); omitted, that one applies.
        type: str
        choices: [fail, warn, ignore]
  managed_by:
    description:
      - The user or group that manages the group (C(managedBy)), by name (a computer also as C(NAME$)), DN, SID,
        C(objectGUID) or user principal name, as microsoft.ad's C(group) takes it. Stored as the manager's DN.
      - An empty string removes the manager. Left alone when omitted. A principal that does not exist follows
        O(lookup_failure_action).
    type: str
  lookup_failure_action:
    description:
      - What to do when a member in O(members.add) or O(members.set), or the O(managed_by) principal, does not
        exist.
      - V(fail) fails the task before anything changes; V(warn) skips it with a warning; V(ignore) skips it.
      - O(members.lookup_failure_action), the place microsoft.ad's C(group) takes it, wins for the members.
    type: str
    choices: [fail, warn, ignore]
    default: fail
  state:
    description:
      - V(present) ensures the group; V(absent) deletes it.
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
  idempotent:
    support: full
notes:
  - Group members are read from the C(member) attribute in one search; Active Directory returns at most 1500
    values of it that way, so groups of more than 1500 hosts are not supported.
seealso:
  - ref: ansible_collections.wincontainers.gmsa.docsite.migration
    description: Coming from microsoft.ad - its playbooks here, option by option.
  - module: wincontainers.gmsa.gmsa_account
author:
  - wincontainers.gmsa developers (@wincontainers)
"""

EXAMPLES = r"""
- name: The WebApp01Hosts group with the three container hosts, as in the guide
  wincontainers.gmsa.gmsa_host_group:
    name: WebApp01Hosts
    description: WebApp01 Authorized Hosts
    members:
      add: [ContainerHost01, ContainerHost02, ContainerHost03]

- name: Exactly these hosts, in an OU of their own
  wincontainers.gmsa.gmsa_host_group:
    name: WebApp01Hosts
    path: OU=Container Hosts,DC=contoso,DC=com
    members:
      set: [ContainerHost01, ContainerHost04]
    lookup_failure_action: warn

- name: Remove the group
  wincontainers.gmsa.gmsa_host_group:
    name: WebApp01Hosts
    state: absent
"""

RETURN = r"""
name:
  description: The group's C(sAMAccountName).
  returned: always
  type: str
  sample: WebApp01Hosts
state:
  description: The group's state after the task.
  returned: always
  type: str
  sample: present
distinguished_name:
  description: The group's DN.
  returned: when the group exists or would be created
  type: str
  sample: CN=WebApp01Hosts,CN=Users,DC=contoso,DC=com
sid:
  description:
    - The group's SID.
    - V(null) in check mode for a group that would be created (the domain controller assigns it).
  returned: when state is present
  type: str
  sample: S-1-5-21-2092021672-4292731899-1378885424-1104
object_guid:
  description:
    - The group's C(objectGUID).
    - V(null) in check mode for a group that would be created (the domain controller assigns it).
  returned: when state is present
  type: str
  sample: 1f6d5c6e-1b8e-4c3a-9f4e-0a6b2d7c9e11
scope:
  description: The group's scope.
  returned: when state is present
  type: str
  sample: domainlocal
description:
  description: The group's description.
  returned: when state is present
  type: str
  sample: Container hosts allowed to retrieve the password of WebApp01
members:
  description: The DNs of the group's members after the task.
  returned: when state is present
  type: list
  elements: str
  sample: [CN=CONTAINERHOST01,CN=Computers,DC=contoso,DC=com]
members_added:
  description: The DNs the task added (or would add, in check mode).
  returned: when state is present
  type: list
  elements: str
  sample: [CN=CONTAINERHOST02,CN=Computers,DC=contoso,DC=com]
members_removed:
  description: The DNs the task removed (or would remove, in check mode).
  returned: when state is present
  type: list
  elements: str
  sample: []
ldap_server:
  description:
    - The domain controller that answered (as given in O(server) or found through DNS). DCs tried before it and
      passed over are named in the task's warnings, with the reason.
    - Pass it as O(server) to later tasks to keep them on the DC that has this task's writes.
  returned: when a domain controller answered
  type: str
  sample: dc1.contoso.com
managed_by:
  description: The DN of the group's manager (C(managedBy)); None when it has none.
  returned: when state is present
  type: str
  sample: CN=Container Admins,CN=Users,DC=contoso,DC=com
ldap_operations:
  description: How many LDAP operations of each kind the task sent (for troubleshooting and benchmarks).
  returned: always
  type: dict
  sample: {"search": 5, "add": 0, "modify": 1, "delete": 0}
"""

from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import ObjectRequest, validate_request
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._groups import HOST_GROUP, ensure_group
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module
from ansible_collections.wincontainers.gmsa.plugins.module_utils._principals import LOOKUP_FAILURE_ACTIONS


def argument_spec() -> dict:
    """The group table's rows, plus name, state and lookup_failure_action."""
    spec = {
        "name": {"type": "str", "required": True},
        "lookup_failure_action": {"type": "str", "choices": list(LOOKUP_FAILURE_ACTIONS), "default": "fail"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    spec.update({row.option: dict(row.spec) for row in HOST_GROUP.rows})
    return spec


def main() -> None:
    module = ldap_module(argument_spec(), supports_check_mode=True)
    params = module.params
    options = {row.option: params[row.option] for row in HOST_GROUP.rows}
    try:
        request = validate_request(HOST_GROUP, ObjectRequest(params["name"], params["state"], options))
    except GmsaError as exc:
        exc.fail(module)
        return

    def work(client):
        outcome = ensure_group(client, request, params["lookup_failure_action"], module.check_mode)
        for warning in outcome.warnings:
            module.warn(warning)
        result = dict(changed=outcome.changed, **outcome.result)
        if module._diff and outcome.diff is not None:
            result["diff"] = outcome.diff
        return result

    run_ldap_module(module, work)


if __name__ == "__main__":
    main()
