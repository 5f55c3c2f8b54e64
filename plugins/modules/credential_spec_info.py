#!/usr/bin/python
# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: credential_spec_info
short_description: List and read the credential specs in a folder, as Get-CredentialSpec does
version_added: 0.1.0
description:
  - Lists the credential spec files in a folder (Docker's C(CredentialSpecs) folder, or a folder of specs staged
    for container hosts), or reads one file, and reports for each its gMSA accounts and its domain.
  - The equivalent of C(Get-CredentialSpec) from Microsoft's CredentialSpec PowerShell module, which lists the
    files of Docker's C(CredentialSpecs) folder; this module also parses and checks each file.
  - A file that is not a usable credential spec (not JSON, UTF-16 text, a missing field, a field of the wrong
    shape) is reported with the reason, not fatal, so one bad file does not hide the others.
  - Every field must have the shape M(wincontainers.gmsa.credential_spec) writes, under the same rules
    (C(Sid) a domain SID, C(S-1-5-21-) and three numbers, not an account's SID with its RID; C(Guid) a GUID without
    braces; C(DnsName) and C(DnsTreeName) DNS names; C(NetBiosName) a NetBIOS domain name; C(MachineAccountName)
    and each C(Name) a gMSA name without C($); each C(Scope) a DNS or NetBIOS domain name). Whether the values are
    those of the domain needs AD; M(wincontainers.gmsa.gmsa_check) compares them.
  - Reads local files only; it does not connect to Active Directory. To compare a spec with AD, build the expected
    one with M(wincontainers.gmsa.credential_spec) (without O(wincontainers.gmsa.credential_spec#module:dest)).
options:
  path:
    description:
      - A folder, whose files matching O(patterns) are read (not those of its subfolders), or one spec file.
    type: path
    required: true
  patterns:
    description:
      - Shell-style patterns the names of a folder's files must match, compared case-insensitively. Ignored when
        O(path) is a file.
      - The default matches the names C(New-CredentialSpec) and M(wincontainers.gmsa.credential_spec) give; use
        V(*) for every file, as C(Get-CredentialSpec) lists them.
    type: list
    elements: str
    default: ["*.json"]
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The module only reads files.
  diff_mode:
    support: none
  platform:
    platforms: posix
author:
  - wincontainers.gmsa developers (@wincontainers)
seealso:
  - module: wincontainers.gmsa.credential_spec
"""

EXAMPLES = r"""
- name: List the specs in Docker's CredentialSpecs folder (run on the machine that holds it)
  wincontainers.gmsa.credential_spec_info:
    path: /srv/container-hosts/CredentialSpecs
  register: specs

- name: Show each spec's gMSA and domain, and the files that are not usable
  ansible.builtin.debug:
    msg: >-
      {{ item.name }}:
      {{ (item.account ~ ' of ' ~ item.domain.dns_name) if item.valid else ('NOT USABLE: ' ~ item.error) }}
  loop: "{{ specs.credential_specs }}"
  loop_control:
    label: "{{ item.name }}"

- name: Read one file
  wincontainers.gmsa.credential_spec_info:
    path: /srv/container-hosts/CredentialSpecs/contoso_webapp01.json
  register: webapp01
"""

RETURN = r"""
path:
  description: The folder or file that was read.
  returned: always
  type: str
  sample: /srv/container-hosts/CredentialSpecs
credential_specs:
  description: One entry per file, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The file name.
      type: str
      sample: contoso_webapp01.json
    path:
      description: The file's full path.
      type: str
      sample: /srv/container-hosts/CredentialSpecs/contoso_webapp01.json
    valid:
      description: Whether the file is a usable credential spec.
      type: bool
      sample: true
    error:
      description: Why the file is not usable, and what to do; every field of the wrong shape is named.
      returned: when RV(credential_specs[].valid) is false
      type: str
      sample: "Credential spec has no DomainJoinConfig."
    security_opt:
      description: The C(docker run --security-opt) value naming the file, C(credentialspec=file://<name>).
      returned: when RV(credential_specs[].valid) is true
      type: str
      sample: credentialspec=file://contoso_webapp01.json
    account:
      description: The gMSA the container runs as (C(DomainJoinConfig.MachineAccountName)).
      returned: when RV(credential_specs[].valid) is true
      type: str
      sample: WebApp01
    domain:
      description: The domain of the gMSA, from C(DomainJoinConfig).
      returned: when RV(credential_specs[].valid) is true
      type: dict
      contains:
        dns_name:
          description: C(DnsName).
          type: str
          sample: contoso.com
        netbios_name:
          description: C(NetBiosName).
          type: str
          sample: CONTOSO
        forest_dns_name:
          description: C(DnsTreeName), the forest root domain's DNS name.
          type: str
          sample: contoso.com
        sid:
          description: C(Sid), the domain's SID.
          type: str
          sample: S-1-5-21-702590844-1001920913-2680819671
        guid:
          description: C(Guid), the domain's objectGUID.
          type: str
          sample: 56d9b66c-d746-4f87-bd26-26760cfdca2e
    accounts:
      description: The C(GroupManagedServiceAccounts) entries, in order.
      returned: when RV(credential_specs[].valid) is true
      type: list
      elements: dict
      sample: [{"name": "WebApp01", "scope": "contoso.com"}, {"name": "WebApp01", "scope": "CONTOSO"}]
    additional_accounts:
      description: The names of the accounts listed besides the primary account, in order.
      returned: when RV(credential_specs[].valid) is true
      type: list
      elements: str
      sample: [LogAgentSvc]
    host_account_config:
      description: C(ActiveDirectoryConfig.HostAccountConfig) of a spec for hosts that are not domain joined.
      returned: when RV(credential_specs[].valid) is true and the spec has one
      type: dict
      sample: {"PortableCcgVersion": "1", "PluginGUID": "{CCC2A336-D7F3-4818-A213-272B7924213E}", "PluginInput": "..."}
    credential_spec:
      description: The parsed document.
      returned: when RV(credential_specs[].valid) is true
      type: dict
"""

import fnmatch
import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import (
    CredentialSpecError,
    parse_credential_spec,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_refs import (
    security_opt,
)


def read_spec_file(path: str) -> dict:
    """What one file holds: the spec's accounts and domain, or why the file is not a usable spec."""
    entry: dict = {"name": os.path.basename(path), "path": path}
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            # Windows PowerShell's Out-File and > write UTF-16 unless told otherwise.
            raise CredentialSpecError(
                "The file is UTF-16 text; Docker reads credential specs as UTF-8.",
                "Write it as UTF-8 or ASCII (Out-File -Encoding ascii, as New-CredentialSpec does).",
            )
        spec = parse_credential_spec(raw)
    except OSError as exc:
        return dict(entry, valid=False, error=f"Cannot read the file: {exc.strerror or to_native(exc)}.")
    except CredentialSpecError as exc:
        return dict(entry, valid=False, error=str(exc))
    join = spec["DomainJoinConfig"]
    directory = spec["ActiveDirectoryConfig"]
    accounts = [{"name": a["Name"], "scope": a["Scope"]} for a in directory["GroupManagedServiceAccounts"]]
    primary = {join["MachineAccountName"].lower()}
    entry.update(
        valid=True,
        security_opt=security_opt(entry["name"]),
        account=join["MachineAccountName"],
        domain={
            "dns_name": join["DnsName"],
            "netbios_name": join["NetBiosName"],
            "forest_dns_name": join["DnsTreeName"],
            "sid": join["Sid"],
            "guid": join["Guid"],
        },
        accounts=accounts,
        additional_accounts=list(dict.fromkeys(a["name"] for a in accounts if a["name"].lower() not in primary)),
        credential_spec=spec,
    )
    if "HostAccountConfig" in directory:
        entry["host_account_config"] = directory["HostAccountConfig"]
    return entry


def spec_files(folder: str, patterns: list[str]) -> list[str]:
    """The regular files of ``folder`` (links followed) whose names match a pattern, sorted by name."""
    wanted = [p.lower() for p in patterns]
    names = sorted(
        name
        for name in os.listdir(folder)
        if any(fnmatch.fnmatchcase(name.lower(), p) for p in wanted) and os.path.isfile(os.path.join(folder, name))
    )
    return [os.path.join(folder, name) for name in names]


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "patterns": {"type": "list", "elements": "str", "default": ["*.json"]},
        },
        supports_check_mode=True,
    )
    path = module.params["path"]
    if not os.path.exists(path):
        module.fail_json(msg=f"{path} does not exist.", path=path)
    if os.path.isdir(path):
        try:
            files = spec_files(path, module.params["patterns"])
        except OSError as exc:
            module.fail_json(msg=f"Cannot list {path}: {exc.strerror or to_native(exc)}.", path=path)
    else:
        files = [path]
    module.exit_json(changed=False, path=path, credential_specs=[read_spec_file(f) for f in files])


if __name__ == "__main__":
    main()
