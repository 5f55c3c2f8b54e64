#!/usr/bin/python
# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: gmsa_kds_root_key
short_description: Ensure the KDS root key that gMSA passwords derive from
version_added: 0.1.0
description:
  - Ensures the forest has a Key Distribution Service (KDS) root key, the secret every domain controller
    derives group Managed Service Account passwords from, as C(Get-KdsRootKey) and C(Add-KdsRootKey) do on Windows.
  - Works over LDAP from Linux; the key is created as an C(msKds-ProvRootKey) object under
    C(CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services) of the configuration partition, with
    key material generated as MS-GKDI specifies.
  - Domain controllers only use a root key once its C(msKds-UseStartTime) lies 10 hours in the past, so that it
    has replicated to every DC. This module adds the 5-minute clock-skew allowance that Samba applies and
    reports when each key becomes usable.
  - Removing a key that gMSAs still derive their passwords from breaks those gMSAs, so O(state=absent) refuses
    unless O(force=true).
  - Creating a key needs Enterprise Admins (or Domain Admins of the forest root domain). An ordinary or delegated
    account may list the keys but not read them; bound as one, O(state=present) is satisfied by any key it
    lists, with a warning that its usability was not checked, and only fails when it would have to create one.
options:
  state:
    description:
      - V(present) ensures a root key exists. Any existing key satisfies it, unless O(key_id) names one.
      - V(absent) removes the key O(key_id) names.
    type: str
    choices: [present, absent]
    default: present
  key_id:
    description:
      - The GUID of a root key, as C(Get-KdsRootKey) shows it in C(KeyId).
      - With O(state=present), the key to ensure; it is created with this id if missing.
      - Required with O(state=absent).
    type: str
  effective_time_hours:
    description:
      - For a new key, how many hours from now until domain controllers may use it, as C(Add-KdsRootKey
        -EffectiveTime) sets it. The default V(10) is what C(Add-KdsRootKey -EffectiveImmediately) gives in practice.
      - V(0) makes the key usable at once. Only do that in a single-DC lab, where the key does not need to
        replicate; the module warns.
    type: float
    default: 10
  force:
    description:
      - With O(state=absent), remove the key even though gMSAs still derive passwords from it. Those gMSAs
        stop working until their passwords roll over to another key.
    type: bool
    default: false
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
  - module: wincontainers.gmsa.gmsa_account
  - name: Create the KDS root key (Microsoft)
    description: Microsoft's guide to creating the root key with Add-KdsRootKey.
    link: https://learn.microsoft.com/windows-server/security/group-managed-service-accounts/create-the-key-distribution-services-kds-root-key
author:
  - wincontainers.gmsa developers (@wincontainers)
"""

EXAMPLES = r"""
- name: Ensure the forest has a KDS root key (usable by all DCs after 10 hours)
  wincontainers.gmsa.gmsa_kds_root_key:
    server: dc1.contoso.com
    username: CONTOSO\Administrator
    password: "{{ ad_admin_password }}"

- name: Single-DC lab only - a key that is usable at once
  wincontainers.gmsa.gmsa_kds_root_key:
    effective_time_hours: 0

- name: Wait for the key before creating gMSAs
  wincontainers.gmsa.gmsa_kds_root_key:
  register: kds
  failed_when: not kds.usable_now

- name: Remove a key that no gMSA uses any more
  wincontainers.gmsa.gmsa_kds_root_key:
    state: absent
    key_id: 22d55d7b-5973-99d3-b397-f2d8398de064
"""

RETURN = r"""
key_id:
  description:
    - The key that satisfies O(state=present) (the one DCs would use now, else the one usable soonest), or the
      removed key.
    - In check mode, the id a new key would have had; the real run generates another.
  returned: when a key exists or would be created
  type: str
  sample: 22d55d7b-5973-99d3-b397-f2d8398de064
use_start_time:
  description: That key's C(msKds-UseStartTime), ISO 8601 UTC.
  returned: when a key exists or would be created
  type: str
  sample: "2026-11-21T13:22:08Z"
usable_time:
  description: When domain controllers may derive passwords from that key (use start time plus 10 hours 5 minutes).
  returned: when a key exists or would be created
  type: str
  sample: "2026-11-21T23:27:08Z"
usable_now:
  description:
    - Whether any root key is usable now, so that gMSAs can be created.
    - V(null) when root keys exist that the bind account cannot read (only Enterprise Admins, Domain Admins and
      SYSTEM can read them); O(state=present) is then satisfied without a check, and the module warns.
  returned: always
  type: bool
  sample: true
root_keys:
  description:
    - Every root key of the forest after the task, oldest first.
    - The same list is also returned as C(keys); since C(keys) is a dict method name, read that one as
      C(result['keys']).
  returned: always
  type: list
  elements: dict
  contains:
    key_id:
      description: The key's GUID.
      type: str
    distinguished_name:
      description: The key object's DN.
      type: str
    use_start_time:
      description: C(msKds-UseStartTime), ISO 8601 UTC.
      type: str
    usable_time:
      description: When DCs may use the key.
      type: str
    usable_now:
      description: Whether DCs may use the key now.
      type: bool
    create_time:
      description: C(msKds-CreateTime), ISO 8601 UTC.
      type: str
    domain_controller:
      description: The DN of the DC that created the key (C(msKds-DomainID)).
      type: str
  sample:
    - key_id: 22d55d7b-5973-99d3-b397-f2d8398de064
      distinguished_name: CN=22d55d7b-5973-99d3-b397-f2d8398de064,CN=Master Root Keys,...
      use_start_time: "2026-11-21T13:22:08Z"
      usable_time: "2026-11-21T23:27:08Z"
      usable_now: true
      create_time: "2026-11-21T23:27:08Z"
      domain_controller: CN=DC1,OU=Domain Controllers,DC=contoso,DC=com
gmsas_using_key:
  description: With O(state=absent), the gMSAs whose passwords derive from the key.
  returned: when state is absent and the key exists
  type: list
  elements: str
  sample: [CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com]
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
  description: How many LDAP operations of each kind the task sent (for troubleshooting and benchmarks).
  returned: always
  type: dict
  sample: {"search": 2, "add": 0, "modify": 0, "delete": 0}
"""

import uuid
from datetime import datetime, timezone

from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._kds import (
    RootKey,
    create_root_key,
    gmsas_using,
    iso,
    normalize_key_id,
    preferred_key,
    read_root_keys,
    unreadable_root_key_ids,
    use_start_for,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module


def _summary(keys: list[RootKey], chosen: RootKey | None, now: datetime) -> dict:
    listed = [k.as_dict(now) for k in keys]
    result = {
        "root_keys": listed,
        "keys": listed,
        "usable_now": any(k.usable_at(now) for k in keys),
    }
    if chosen is not None:
        result.update(
            key_id=chosen.key_id,
            use_start_time=iso(chosen.use_start_time),
            usable_time=iso(chosen.usable_time),
        )
    return result


def _unreadable_key(module, client, key_id: str | None) -> dict | None:
    """When the bound account sees root keys it cannot read, the key that satisfies present, unverified."""
    listed = unreadable_root_key_ids(client)
    chosen = key_id if key_id in listed else (None if key_id else (listed[-1] if listed else None))
    if chosen is None:
        return None
    module.warn(
        f"KDS root key {chosen} exists, but the bind account cannot read root keys (only Enterprise Admins, Domain "
        "Admins and SYSTEM can), so whether it is usable yet was not checked. Nothing was created; creating a gMSA "
        "fails with a clear message if no key is usable. Bind as an administrator to check the key."
    )
    return dict(
        changed=False, root_keys=[], keys=[], usable_now=None, key_id=chosen, use_start_time=None, usable_time=None
    )


def ensure_present(module, client, key_id: str | None, hours: float, now: datetime) -> dict:
    keys = read_root_keys(client)
    wanted = next((k for k in keys if k.key_id == key_id), None) if key_id else preferred_key(keys, now)
    if wanted is None and not keys:
        unverified = _unreadable_key(module, client, key_id)
        if unverified is not None:
            return unverified
    if wanted is not None:
        result = _summary(keys, wanted, now)
        if not result["usable_now"]:
            module.warn(
                f"No KDS root key is usable yet; key {wanted.key_id} becomes usable at {iso(wanted.usable_time)}."
            )
        return dict(changed=False, **result)

    if client.use_write_server():
        # Keys are created on the write DC only (so a re-run on another DC never makes a second key); it may hold
        # a key the DC reached has not replicated yet, so decide again from what it holds.
        return ensure_present(module, client, key_id, hours, now)
    if hours == 0:
        module.warn(
            "effective_time_hours 0 makes the key usable before it can replicate: only do this in a single-DC lab."
        )
    new_id = key_id or str(uuid.uuid4())
    use_start = use_start_for(hours, now)
    if module.check_mode:
        new_key = RootKey(new_id, "", use_start, now, None)
    else:
        new_key = create_root_key(client, new_id, use_start, now)
    after = sorted([*keys, new_key], key=lambda k: (k.use_start_time, k.key_id))
    result = _summary(after, new_key, now)
    result["usable_now"] = any(k.usable_at(now) for k in after)
    if module._diff:
        result["diff"] = {
            "before": {"keys": [k.key_id for k in keys]},
            "after": {"keys": [k.key_id for k in after]},
        }
    return dict(changed=True, **result)


def ensure_absent(module, client, key_id: str, force: bool, now: datetime) -> dict:
    keys = read_root_keys(client)
    target = next((k for k in keys if k.key_id == key_id), None)
    if target is None:
        return dict(changed=False, **_summary(keys, None, now))
    users = gmsas_using(client, client.domain.domain_dn).get(key_id, [])
    if users and not force:
        raise GmsaError(
            f"KDS root key {key_id} still backs the passwords of {len(users)} gMSA(s): {', '.join(users[:5])}"
            + (" ..." if len(users) > 5 else "")
            + ". Deleting it would break them.",
            hint="Leave the key in place, or set force: true if those gMSAs are to be removed or re-keyed.",
            gmsas_using_key=users,
        )
    if not module.check_mode:
        client.delete(target.dn)
    after = [k for k in keys if k.key_id != key_id]
    result = _summary(after, None, now)
    result.update(key_id=key_id, use_start_time=iso(target.use_start_time), usable_time=iso(target.usable_time))
    result["gmsas_using_key"] = users
    if module._diff:
        result["diff"] = {
            "before": {"keys": [k.key_id for k in keys]},
            "after": {"keys": [k.key_id for k in after]},
        }
    return dict(changed=True, **result)


def main() -> None:
    module = ldap_module(
        {
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "key_id": {"type": "str"},
            "effective_time_hours": {"type": "float", "default": 10},
            "force": {"type": "bool", "default": False},
        },
        required_if=[("state", "absent", ("key_id",))],
        supports_check_mode=True,
    )
    params = module.params
    if params["effective_time_hours"] < 0:
        module.fail_json(msg="effective_time_hours must be 0 or more: a key cannot become usable in the past.")
    try:
        key_id = normalize_key_id(params["key_id"]) if params["key_id"] else None
    except GmsaError as exc:
        exc.fail(module)
        return
    now = datetime.now(timezone.utc)

    def work(client):
        if params["state"] == "absent":
            return ensure_absent(module, client, key_id, params["force"], now)
        return ensure_present(module, client, key_id, params["effective_time_hours"], now)

    run_ldap_module(module, work)


if __name__ == "__main__":
    main()
