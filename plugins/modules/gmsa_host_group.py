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
  - Ensures one group (O(name)) or many (O(groups)) in one task, with one search for the current state of all of
    them, one for every principal they name, and one write per group that changes. A converged group costs no
    write.
  - Hosts only see a new group membership once their Kerberos tickets are refreshed; when membership changes the
    module warns to run C(klist -li 0x3e7 purge) on the hosts (or reboot them).
options:
  name:
    description:
      - The group's C(sAMAccountName), also used as its common name when it is created.
      - Mutually exclusive with O(groups); one of them is required.
    type: str
  groups:
    description:
      - Many groups in one task. Each entry takes O(name) and the per-group options below; an option an entry
        omits falls back to the task's top-level value of that option (handy for O(path), O(scope),
        O(lookup_failure_action), O(state)).
      - Results come back in RV(groups), in the same order. A group may be listed once.
    type: list
    elements: dict
    suboptions:
      name:
        description: As O(name).
        type: str
        required: true
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
      path:
        description: As O(path).
        type: str
      scope:
        description: As O(scope).
        type: str
        choices: [domainlocal, global, universal]
      description:
        description: As O(description).
        type: str
      members:
        description: As O(members).
        type: dict
        suboptions:
          add:
            description: As O(members.add).
            type: list
            elements: str
          remove:
            description: As O(members.remove).
            type: list
            elements: str
          set:
            description: As O(members.set); not with O(groups[].members.add) or O(groups[].members.remove).
            type: list
            elements: str
          lookup_failure_action:
            description: As O(members.lookup_failure_action), for this group's members.
            type: str
            choices: [fail, warn, ignore]
      managed_by:
        description: As O(managed_by).
        type: str
      lookup_failure_action:
        description: As O(lookup_failure_action).
        type: str
        choices: [fail, warn, ignore]
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

- name: The host groups of a whole fleet in one task, all in one OU
  wincontainers.gmsa.gmsa_host_group:
    path: OU=Container Hosts,DC=contoso,DC=com
    groups:
      - name: WebApp01Hosts
        description: WebApp01 Authorized Hosts
        members:
          add: [ContainerHost01, ContainerHost02]
      - name: WebApp02Hosts
        description: WebApp02 Authorized Hosts
        members:
          add: [ContainerHost03]
  register: host_groups

- name: Remove the group
  wincontainers.gmsa.gmsa_host_group:
    name: WebApp01Hosts
    state: absent
"""

RETURN = r"""
name:
  description: The group's C(sAMAccountName).
  returned: with O(name)
  type: str
  sample: WebApp01Hosts
state:
  description: The group's state after the task.
  returned: with O(name)
  type: str
  sample: present
distinguished_name:
  description: The group's DN.
  returned: with O(name), when the group exists or would be created
  type: str
  sample: CN=WebApp01Hosts,CN=Users,DC=contoso,DC=com
sid:
  description:
    - The group's SID.
    - V(null) in check mode for a group that would be created (the domain controller assigns it).
  returned: with O(name) and state present
  type: str
  sample: S-1-5-21-2092021672-4292731899-1378885424-1104
object_guid:
  description:
    - The group's C(objectGUID).
    - V(null) in check mode for a group that would be created (the domain controller assigns it).
  returned: with O(name) and state present
  type: str
  sample: 1f6d5c6e-1b8e-4c3a-9f4e-0a6b2d7c9e11
scope:
  description: The group's scope.
  returned: with O(name) and state present
  type: str
  sample: domainlocal
description:
  description: The group's description.
  returned: with O(name) and state present
  type: str
  sample: Container hosts allowed to retrieve the password of WebApp01
members:
  description: The DNs of the group's members after the task.
  returned: with O(name) and state present
  type: list
  elements: str
  sample: [CN=CONTAINERHOST01,CN=Computers,DC=contoso,DC=com]
members_added:
  description: The DNs the task added (or would add, in check mode).
  returned: with O(name) and state present
  type: list
  elements: str
  sample: [CN=CONTAINERHOST02,CN=Computers,DC=contoso,DC=com]
members_removed:
  description: The DNs the task removed (or would remove, in check mode).
  returned: with O(name) and state present
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
  returned: with O(name) and state present
  type: str
  sample: CN=Container Admins,CN=Users,DC=contoso,DC=com
ldap_write_server:
  description:
    - The domain controller this task's writes went to. That is the write DC (O(write_server), else the PDC
      emulator) when the task created an object or read from it, else the DC that answered (RV(ldap_server)).
  returned: when the task wrote to AD
  type: str
  sample: dc1.contoso.com
groups:
  description: With O(groups), one entry per group, in order, with the fields above and C(changed).
  returned: with O(groups)
  type: list
  elements: dict
  sample:
    - name: WebApp01Hosts
      changed: true
      state: present
      distinguished_name: CN=WebApp01Hosts,OU=Container Hosts,DC=contoso,DC=com
      scope: domainlocal
      members: [CN=CONTAINERHOST01,CN=Computers,DC=contoso,DC=com]
      members_added: [CN=CONTAINERHOST01,CN=Computers,DC=contoso,DC=com]
      members_removed: []
written:
  description:
    - When the task fails after it wrote some groups (a DC lost midway through O(groups)), the names of the groups
      it wrote before the failure, in request order; C(changed) is then true.
  returned: on failure, once the task started writing
  type: list
  elements: str
  sample: [WebApp01Hosts, WebApp02Hosts]
missing_rights:
  description:
    - When the bind account lacks a right a planned write needs, one entry per group and right, found before
      anything was written (in check mode too).
    - Each has C(name), C(dn), C(missing), C(right) (the M(wincontainers.gmsa.gmsa_delegation) right that grants
      it, or None) and C(path) (where to delegate).
  returned: on failure for lack of rights
  type: list
  elements: dict
  sample: [{name: WebApp01Hosts, dn: "CN=WebApp01Hosts,OU=Apps,DC=contoso,DC=com", missing: [write member],
            right: manage_group_membership, path: "OU=Apps,DC=contoso,DC=com"}]
ldap_operations:
  description:
    - How many LDAP operations of each kind the task sent (for troubleshooting and benchmarks).
    - A converged task costs 3 searches for the domain facts, 1 for the groups and 1 for the principals they
      name, whatever the number of groups.
    - Changing existing groups adds 1 search for the rights on them (C(allowedAttributesEffective)); creating
      groups adds 1 per container they go to (C(allowedChildClassesEffective)) and 1 reading back the new groups.
  returned: always
  type: dict
  sample: {"search": 6, "add": 0, "modify": 1, "delete": 0}
"""

from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import ObjectRequest, validate_requests
from ansible_collections.wincontainers.gmsa.plugins.module_utils._bulk import entry_over_defaults, object_task_result
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._groups import HOST_GROUP, converge_groups
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module
from ansible_collections.wincontainers.gmsa.plugins.module_utils._principals import LOOKUP_FAILURE_ACTIONS

# The options one group takes, at the top level (with name) and in each groups entry.
GROUP_OPTIONS: dict[str, dict] = {
    "state": {"type": "str", "choices": ["present", "absent"]},
    "lookup_failure_action": {"type": "str", "choices": list(LOOKUP_FAILURE_ACTIONS)},
    **{row.option: dict(row.spec) for row in HOST_GROUP.rows},
}


def argument_spec() -> dict:
    """The group table's rows, state and lookup_failure_action at the top level and per groups entry."""
    spec = {name: dict(option) for name, option in GROUP_OPTIONS.items()}
    spec["state"] = dict(spec["state"], default="present")
    spec["lookup_failure_action"] = dict(spec["lookup_failure_action"], default="fail")
    spec["name"] = {"type": "str"}
    spec["groups"] = {
        "type": "list",
        "elements": "dict",
        "options": dict(name={"type": "str", "required": True}, **GROUP_OPTIONS),
    }
    return spec


def requests_from_params(params: dict) -> list[ObjectRequest]:
    """One request per group; groups entries fall back to the top-level options."""
    entries = [{"name": params["name"]}] if params["name"] is not None else params["groups"]
    requests = []
    for entry in entries:
        values = entry_over_defaults(entry, params, GROUP_OPTIONS)
        state, action = values.pop("state"), values.pop("lookup_failure_action")
        requests.append(ObjectRequest(entry["name"], state, values, action))
    return validate_requests(HOST_GROUP, requests, option="groups")


def main() -> None:
    module = ldap_module(
        argument_spec(),
        required_one_of=[("name", "groups")],
        mutually_exclusive=[("name", "groups")],
        supports_check_mode=True,
    )
    params = module.params
    try:
        requests = requests_from_params(params)
    except GmsaError as exc:
        exc.fail(module)
        return
    single = params["name"] is not None

    def work(client):
        outcome = converge_groups(client, requests, params["lookup_failure_action"], module.check_mode)
        for warning in outcome.warnings:
            module.warn(warning)
        return object_task_result(outcome.groups, outcome.diffs, "groups", single, module._diff)

    run_ldap_module(module, work)


if __name__ == "__main__":
    main()
