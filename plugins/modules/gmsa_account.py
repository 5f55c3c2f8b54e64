#!/usr/bin/python
# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: gmsa_account
short_description: Ensure group Managed Service Accounts (gMSAs), one or a whole fleet per task
version_added: 0.1.0
description:
  - Ensures group Managed Service Accounts in Active Directory over LDAP, as C(New-ADServiceAccount) and
    C(Set-ADServiceAccount) do on Windows, with the DNS host name, the SPNs, the principals allowed to retrieve
    the password (C(msDS-GroupMSAMembership)), the Kerberos encryption types, and whether the account is enabled.
  - Converges one account (O(name)) or many (O(accounts)) in one task, with one search for the current state of
    all of them, one for the principals they name, and one write per account that changes. A converged account
    costs no write.
  - New accounts are created enabled (C(userAccountControl) 4096); Samba's own default is a disabled account that
    cannot obtain Kerberos tickets.
  - Creating a gMSA needs a usable KDS root key (see M(wincontainers.gmsa.gmsa_kds_root_key)); the module checks
    for one before creating and fails with a clear message when there is none.
  - Every check (names, SPN syntax and duplicates, principals, KDS root key, object of another class holding the
    name) runs before the first write, so a task that fails for bad input changes nothing.
  - Rights are checked before the first write too, in check mode as well, as the DC tells them in advance
    (C(allowedChildClassesEffective) of the container for a new account, which also tells that O(path) exists;
    C(allowedAttributesEffective) of the existing accounts that change, one search for all of them). A missing
    right fails the task naming each account, the right and the M(wincontainers.gmsa.gmsa_delegation) task that
    grants it; a bulk task with a right missing for some accounts writes none of them.
  - A name held by two gMSAs (the C(\\0ACNF:) copies two DCs leave when both created it before replicating) is
    refused, with which copy to delete; M(wincontainers.gmsa.gmsa_account_info) lists such conflicts.
  - Concurrent runs do not lose each other's updates. An attribute written whole (the security descriptors of
    O(allowed_to_retrieve_password) and O(delegates), C(userAccountControl), the SPNs, the single-valued
    attributes) goes in one modify that deletes the exact value read and adds the new one, which the DC refuses
    when another writer changed it meanwhile; the account is then read again, re-planned and written, at most
    3 times. A create that finds the account created meanwhile converges onto it.
  - A task that fails midway (a DC lost during a bulk run) reports C(changed) true when it wrote something, and
    lists the accounts it wrote in C(written).
  - Options that are omitted are not managed on existing accounts; the documented defaults apply when an
    account is created.
options:
  name:
    description:
      - The gMSA's name, its C(sAMAccountName) without the trailing C($) (a trailing C($) is accepted and
        dropped). At most 15 characters, without spaces or any of the characters AD forbids in account names
        (C(" / \\ [ ] ; | = , + * ? < > @) and the colon).
      - Also the common name of a new account. Mutually exclusive with O(accounts).
    type: str
  accounts:
    description:
      - Many gMSAs in one task. Each entry takes O(name) and the per-account options below; an option an entry
        omits falls back to the task's top-level value of that option (handy for O(path),
        O(allowed_to_retrieve_password), O(kerberos_encryption_types), O(enabled)).
      - Results come back in RV(accounts), in the same order.
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
      dns_hostname:
        description: As O(dns_hostname).
        type: str
      path:
        description: As O(path).
        type: str
      description:
        description: As O(description).
        type: str
      enabled:
        description: As O(enabled).
        type: bool
      spn:
        description: As O(spn).
        type: dict
        aliases: [spns]
        suboptions:
          add:
            description: As O(spn.add).
            type: list
            elements: str
          remove:
            description: As O(spn.remove).
            type: list
            elements: str
          set:
            description: As O(spn.set).
            type: list
            elements: str
      allowed_to_retrieve_password:
        description: As O(allowed_to_retrieve_password).
        type: dict
        suboptions:
          add:
            description: As O(allowed_to_retrieve_password.add).
            type: list
            elements: str
          remove:
            description: As O(allowed_to_retrieve_password.remove).
            type: list
            elements: str
          set:
            description: As O(allowed_to_retrieve_password.set).
            type: list
            elements: str
          lookup_failure_action:
            description: As O(allowed_to_retrieve_password.lookup_failure_action).
            type: str
            choices: [fail, warn, ignore]
      kerberos_encryption_types:
        description: As O(kerberos_encryption_types).
        type: dict
        suboptions:
          add:
            description: As O(kerberos_encryption_types.add).
            type: list
            elements: str
            choices: [aes128, aes256, rc4]
          remove:
            description: As O(kerberos_encryption_types.remove).
            type: list
            elements: str
            choices: [aes128, aes256, rc4]
          set:
            description: As O(kerberos_encryption_types.set).
            type: list
            elements: str
            choices: [aes128, aes256, rc4]
      managed_password_interval_days:
        description: As O(managed_password_interval_days).
        type: int
      delegates:
        description: As O(delegates).
        type: dict
        aliases: [principals_allowed_to_delegate]
        suboptions:
          add:
            description: As O(delegates.add).
            type: list
            elements: str
          remove:
            description: As O(delegates.remove).
            type: list
            elements: str
          set:
            description: As O(delegates.set).
            type: list
            elements: str
          lookup_failure_action:
            description: As O(delegates.lookup_failure_action).
            type: str
            choices: [fail, warn, ignore]
      trusted_for_delegation:
        description: As O(trusted_for_delegation).
        type: bool
  state:
    description:
      - V(present) ensures the account; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  dns_hostname:
    description:
      - The account's C(dNSHostName). Defaults to C(<name>.<domain DNS name>) when the account is created, as the
        guide requires. Compared case-insensitively.
      - Per account only; not allowed at the top level together with O(accounts).
    type: str
  path:
    description:
      - The DN of the container or OU the account is in. A new account is created there; an existing account
        elsewhere is moved there (LDAP Modify DN, as C(Move-ADObject) does; its name, SID and attributes stay),
        which costs one more write.
      - Defaults to the domain's Managed Service Accounts container, found through its well-known GUID, when the
        account is created; left alone on an existing account when omitted.
    type: str
  description:
    description: The account's description. An empty string removes it.
    type: str
  enabled:
    description:
      - Whether the account is enabled (the C(ACCOUNTDISABLE) bit of C(userAccountControl)).
      - Defaults to V(true) when the account is created; left alone on an existing account when omitted (the module
        then warns if the account is disabled, as C(samba-tool service-account create) leaves it).
    type: bool
  spn:
    description:
      - The account's service principal names (C(servicePrincipalName)), such as C(host/WebApp01),
        C(http/mysite.contoso.com) or C(MSSQLSvc/sql01.contoso.com:1433). Compared case-insensitively.
      - A new account starts from C(host/<name>) and C(host/<dns_hostname>), as the guide requires, then
        O(spn.add) and O(spn.remove) apply; O(spn.set) replaces them.
      - The syntax C(service/host[:port][/name]) is checked before anything is sent. Before an SPN is added, the
        module searches the forest root domain for another object that already holds it and fails naming that
        object (duplicate SPNs break Kerberos). In a multi-domain forest, other domains are not searched; the
        domain controller's own uniqueness check still applies.
      - Per account only; not allowed at the top level together with O(accounts).
      - C(spns) is an alias, as in microsoft.ad's C(service_account).
    type: dict
    aliases: [spns]
    suboptions:
      add:
        description: SPNs to add; others stay.
        type: list
        elements: str
      remove:
        description: SPNs to remove; others stay.
        type: list
        elements: str
      set:
        description: The exact list of SPNs. Cannot be combined with O(spn.add) or O(spn.remove).
        type: list
        elements: str
  allowed_to_retrieve_password:
    description:
      - The principals allowed to retrieve the managed password (C(PrincipalsAllowedToRetrieveManagedPassword)), as
        groups (typically the container hosts' group, see M(wincontainers.gmsa.gmsa_host_group)), computers or
        users, each as microsoft.ad's modules take them - by C(sAMAccountName) (a computer also without its
        C($)), DN, SID, C(objectGUID) or user principal name (C(name@suffix)). All principals of a task are
        found in one search.
      - Stored in C(msDS-GroupMSAMembership) as a security descriptor with one allow ACE per principal. Only those
        ACEs are managed; other ACEs of the descriptor (deny ACEs, ACEs with other rights) are kept, also by
        O(allowed_to_retrieve_password.set).
      - Principals that do not exist follow O(allowed_to_retrieve_password.lookup_failure_action), else the
        task's O(lookup_failure_action), except in O(allowed_to_retrieve_password.remove).
      - Left alone on an existing account when omitted; a new account then gets no allowed principal.
    type: dict
    suboptions:
      add:
        description: Principals to allow; others stay.
        type: list
        elements: str
      remove:
        description: Principals to disallow; others stay.
        type: list
        elements: str
      set:
        description:
          - The exact list of allowed principals. Cannot be combined with O(allowed_to_retrieve_password.add) or
            O(allowed_to_retrieve_password.remove).
        type: list
        elements: str
      lookup_failure_action:
        description:
          - What to do when a principal of this list does not exist, as in microsoft.ad's C(service_account) -
            V(fail), V(warn) or V(ignore) (see O(lookup_failure_action)).
          - Wins over the task's O(lookup_failure_action) for this list; omitted, that one applies.
        type: str
        choices: [fail, warn, ignore]
  kerberos_encryption_types:
    description:
      - The Kerberos encryption types the account supports (C(msDS-SupportedEncryptionTypes)).
      - A new account starts from AES only (V(aes128) and V(aes256)). Bits this option does not name (DES, AES
        session keys) are kept.
    type: dict
    suboptions:
      add:
        description: Encryption types to allow.
        type: list
        elements: str
        choices: [aes128, aes256, rc4]
      remove:
        description: Encryption types to disallow.
        type: list
        elements: str
        choices: [aes128, aes256, rc4]
      set:
        description: The exact list of encryption types.
        type: list
        elements: str
        choices: [aes128, aes256, rc4]
  managed_password_interval_days:
    description:
      - How often, in days, the password changes (C(msDS-ManagedPasswordInterval)). V(30) when the account is
        created and this is omitted.
      - AD accepts it only at creation. When it differs on an existing account the task fails, naming the current
        value, instead of pretending; omit it for existing accounts, or re-create the account to change it.
    type: int
  delegates:
    description:
      - The principals whose services may act on behalf of other users when they authenticate to services that run
        as this account (resource-based constrained delegation, C(PrincipalsAllowedToDelegateToAccount)), as
        microsoft.ad's C(service_account) takes them - computers, gMSAs, users or groups, each by
        C(sAMAccountName) (a computer also without its C($)), DN, SID, C(objectGUID) or user principal name.
      - C(principals_allowed_to_delegate) is an alias, as in microsoft.ad.
      - Stored in C(msDS-AllowedToActOnBehalfOfOtherIdentity) as a security descriptor with one allow ACE per
        principal, as Windows writes it. Only those ACEs are managed; other ACEs are kept.
      - A highly sensitive setting - each principal can impersonate any user to this account's services.
      - Principals that do not exist follow O(delegates.lookup_failure_action), else the task's
        O(lookup_failure_action), except in O(delegates.remove).
      - Left alone when omitted. O(delegates.set=[]) leaves no principal allowed.
      - Samba domain controllers refuse changes of this attribute on an existing account over LDAP (they enforce its
        C(systemOnly) flag, Windows DCs do not); there, give O(delegates) when the account is created, or use
        C(samba-tool delegation) on the DC.
    type: dict
    aliases: [principals_allowed_to_delegate]
    suboptions:
      add:
        description: Principals to allow; others stay.
        type: list
        elements: str
      remove:
        description: Principals to disallow; others stay.
        type: list
        elements: str
      set:
        description: The exact list of principals. Cannot be combined with O(delegates.add) or O(delegates.remove).
        type: list
        elements: str
      lookup_failure_action:
        description:
          - What to do when a principal of this list does not exist, as in microsoft.ad's C(service_account) -
            V(fail), V(warn) or V(ignore) (see O(lookup_failure_action)).
          - Wins over the task's O(lookup_failure_action) for this list; omitted, that one applies.
        type: str
        choices: [fail, warn, ignore]
  trusted_for_delegation:
    description:
      - Whether the account is trusted for unconstrained Kerberos delegation (the C(TRUSTED_FOR_DELEGATION) bit of
        C(userAccountControl)), as C(Set-ADServiceAccount -TrustedForDelegation) sets it.
      - Services running as the account then receive forwardable tickets of every user who authenticates to them
        and can act as those users anywhere; prefer O(delegates) (resource-based constrained delegation).
      - Setting it needs the C(SeEnableDelegationPrivilege) user right (Domain Admins have it). Left alone when
        omitted; a new account is not trusted.
    type: bool
  lookup_failure_action:
    description:
      - What to do when a principal in O(allowed_to_retrieve_password) or O(delegates) does not exist.
      - V(fail) fails the task before anything changes; V(warn) skips it with a warning; V(ignore) skips it.
      - A list's own C(lookup_failure_action) (O(allowed_to_retrieve_password.lookup_failure_action),
        O(delegates.lookup_failure_action)), the place microsoft.ad's C(service_account) takes it, wins for that
        list.
    type: str
    choices: [fail, warn, ignore]
    default: fail
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
seealso:
  - ref: ansible_collections.wincontainers.gmsa.docsite.migration
    description: Coming from microsoft.ad - its playbooks here, option by option.
  - module: wincontainers.gmsa.gmsa_host_group
  - module: wincontainers.gmsa.gmsa_account_info
  - module: wincontainers.gmsa.gmsa_kds_root_key
  - name: Create a group Managed Service Account (Microsoft)
    description: The guide these options follow.
    link: https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/manage-serviceaccounts
author:
  - wincontainers.gmsa developers (@wincontainers)
"""

EXAMPLES = r"""
- name: The WebApp01 gMSA of the guide, readable by the WebApp01Hosts group
  wincontainers.gmsa.gmsa_account:
    name: WebApp01
    allowed_to_retrieve_password:
      set: [WebApp01Hosts]

- name: An extra SPN for the load-balanced name
  wincontainers.gmsa.gmsa_account:
    name: WebApp01
    spn:
      add: [http/mysite.contoso.com]

- name: A whole fleet in one task, all readable by one group
  wincontainers.gmsa.gmsa_account:
    allowed_to_retrieve_password:
      set: [ContainerHosts]
    accounts:
      - name: WebApp01
      - name: WebApp02
        dns_hostname: webapp02.apps.contoso.com
      - name: Sql01
        spn:
          add: [MSSQLSvc/sql01.contoso.com:1433]
        kerberos_encryption_types:
          set: [aes256]
  register: fleet

- name: As microsoft.ad.service_account takes it - spns, principals by UPN or GUID, the list's own lookup_failure_action
  wincontainers.gmsa.gmsa_account:
    name: WebApp03
    spns:
      add: [http/webapp03.contoso.com]
    allowed_to_retrieve_password:
      add:
        - ContainerHost05@contoso.com
        - 8c5d7e1a-2f3b-4c6d-9e0f-1a2b3c4d5e6f
      lookup_failure_action: warn

- name: Remove an account
  wincontainers.gmsa.gmsa_account:
    name: WebApp02
    state: absent
"""

RETURN = r"""
name:
  description: The gMSA's name (without C($)). With O(name).
  returned: with O(name)
  type: str
  sample: WebApp01
state:
  description: The account's state after the task. With O(name).
  returned: with O(name)
  type: str
  sample: present
distinguished_name:
  description: The account's DN. With O(name).
  returned: with O(name), when the account exists or would be created
  type: str
  sample: CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com
sid:
  description:
    - The account's SID.
    - V(null) in check mode for an account that would be created (the domain controller assigns it).
  returned: with O(name) and state present
  type: str
  sample: S-1-5-21-2092021672-4292731899-1378885424-1105
object_guid:
  description:
    - The account's C(objectGUID).
    - V(null) in check mode for an account that would be created (the domain controller assigns it).
  returned: with O(name) and state present
  type: str
  sample: 0f6e3c52-8d1a-4b8e-9f0c-3a7d2e5b9c41
dns_hostname:
  description: The account's C(dNSHostName).
  returned: with O(name) and state present
  type: str
  sample: WebApp01.contoso.com
description:
  description: The account's description.
  returned: with O(name) and state present
  type: str
  sample: gMSA of WebApp01 (production)
spn:
  description: The account's SPNs.
  returned: with O(name) and state present
  type: list
  elements: str
  sample: [host/WebApp01, host/WebApp01.contoso.com]
allowed_to_retrieve_password:
  description: The principals allowed to retrieve the password, each with its name (None when no object has the SID).
  returned: with O(name) and state present
  type: list
  elements: dict
  contains:
    name:
      description: The principal's C(sAMAccountName).
      type: str
    sid:
      description: The principal's SID.
      type: str
  sample: [{"name": "WebApp01Hosts", "sid": "S-1-5-21-2092021672-4292731899-1378885424-1104"}]
kerberos_encryption_types:
  description: The encryption types of C(msDS-SupportedEncryptionTypes) among aes128, aes256 and rc4 (empty when unset).
  returned: with O(name) and state present
  type: list
  elements: str
  sample: [aes128, aes256]
enabled:
  description: Whether the account is enabled.
  returned: with O(name) and state present
  type: bool
  sample: true
managed_password_interval_days:
  description: C(msDS-ManagedPasswordInterval).
  returned: with O(name) and state present
  type: int
  sample: 30
delegates:
  description: The principals allowed to delegate to the account, each with its name (None when no object has the SID).
  returned: with O(name) and state present
  type: list
  elements: dict
  contains:
    name:
      description: The principal's C(sAMAccountName).
      type: str
    sid:
      description: The principal's SID.
      type: str
  sample: [{"name": "WebProxy01$", "sid": "S-1-5-21-2092021672-4292731899-1378885424-1107"}]
trusted_for_delegation:
  description: Whether the account is trusted for unconstrained Kerberos delegation.
  returned: with O(name) and state present
  type: bool
  sample: false
accounts:
  description: With O(accounts), one entry per account, in order, with the fields above and C(changed).
  returned: with O(accounts)
  type: list
  elements: dict
  sample:
    - name: WebApp01
      changed: true
      state: present
      distinguished_name: CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com
      dns_hostname: WebApp01.contoso.com
      spn: [host/WebApp01, host/WebApp01.contoso.com]
      enabled: true
written:
  description:
    - When the task fails after it wrote some accounts (a DC lost midway through O(accounts)), the names of the
      accounts it wrote before the failure, in request order; C(changed) is then true. The write in flight
      when a connection broke may or may not have been applied (the message names it).
  returned: on failure, once the task started writing
  type: list
  elements: str
  sample: [Bulk1, Bulk2]
missing_rights:
  description:
    - When the bind account lacks a right a planned write needs, one entry per account and right, found before
      anything was written (in check mode too).
    - Each has C(name), C(dn), C(missing) (what the account may not do, e.g. C(write description)), C(right)
      (the M(wincontainers.gmsa.gmsa_delegation) right that grants it, or None) and C(path) (where to delegate).
  returned: on failure for lack of rights
  type: list
  elements: dict
  sample: [{name: WebApp01, dn: "CN=WebApp01,OU=Apps,DC=contoso,DC=com", missing: [write description],
            right: manage_gmsa, path: "OU=Apps,DC=contoso,DC=com"}]
ldap_server:
  description:
    - The domain controller that answered (as given in O(server) or found through DNS). DCs tried before it and
      passed over are named in the task's warnings, with the reason.
    - Pass it as O(server) to later tasks to keep them on the DC that has this task's writes.
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
  description:
    - How many LDAP operations of each kind the task sent (for troubleshooting and benchmarks).
    - A converged task costs 3 searches for the domain facts, 1 for the accounts and 1 for the principals.
    - Creating accounts adds 1 search per container they go to (the rights and existence check), 1 for the KDS
      root key, 1 for duplicate SPNs and 1 reading back the new accounts; changing existing ones adds 1 search
      for the rights on them, the duplicate-SPN search only when SPNs are added, and 1 for the principals when
      it names principals they do not hold yet (those they hold are looked up by SID first).
    - A write refused because another writer got there first costs 1 more search (and 1 more for principals
      the other writer named) and the write again.
    - A move (O(path)) is counted as one C(modify).
  returned: always
  type: dict
  sample: {"search": 5, "add": 0, "modify": 0, "delete": 0}
"""

from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import ObjectRequest, validate_requests
from ansible_collections.wincontainers.gmsa.plugins.module_utils._bulk import entry_over_defaults, object_task_result
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._gmsa import ACCOUNT_OPTIONS, GMSA, converge_accounts
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module
from ansible_collections.wincontainers.gmsa.plugins.module_utils._principals import LOOKUP_FAILURE_ACTIONS


def argument_spec() -> dict:
    """The options of ACCOUNT_OPTIONS (the gMSA table's rows and state) at the top level and per accounts entry."""
    spec = {name: dict(option) for name, option in ACCOUNT_OPTIONS.items()}
    spec["state"] = dict(spec["state"], default="present")
    spec["name"] = {"type": "str"}
    spec["accounts"] = {
        "type": "list",
        "elements": "dict",
        "options": dict(name={"type": "str", "required": True}, **ACCOUNT_OPTIONS),
    }
    spec["lookup_failure_action"] = {"type": "str", "choices": list(LOOKUP_FAILURE_ACTIONS), "default": "fail"}
    return spec


def requests_from_params(params: dict) -> list[ObjectRequest]:
    """One request per account; accounts entries fall back to the top-level options."""
    entries = [{"name": params["name"]}] if params["name"] is not None else params["accounts"]
    requests = []
    for entry in entries:
        values = entry_over_defaults(entry, params, ACCOUNT_OPTIONS)
        state = values.pop("state")
        requests.append(ObjectRequest(entry["name"], state, values))
    return validate_requests(GMSA, requests)


def main() -> None:
    module = ldap_module(
        argument_spec(),
        required_one_of=[("name", "accounts")],
        mutually_exclusive=[("name", "accounts"), ("accounts", "dns_hostname"), ("accounts", "spn")],
        supports_check_mode=True,
    )
    try:
        requests = requests_from_params(module.params)
    except GmsaError as exc:
        exc.fail(module)
        return

    def work(client):
        outcome = converge_accounts(client, requests, module.params["lookup_failure_action"], module.check_mode)
        for warning in outcome.warnings:
            module.warn(warning)
        single = module.params["name"] is not None
        return object_task_result(outcome.accounts, outcome.diffs, "accounts", single, module._diff)

    run_ldap_module(module, work)


if __name__ == "__main__":
    main()
