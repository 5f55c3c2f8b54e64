#!/usr/bin/python
# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: credential_spec
short_description: Write the credential spec a Windows container needs to run as a gMSA
version_added: 0.1.0
description:
  - Builds the credential spec JSON document Docker, containerd and the Kubernetes gMSA webhook read to give a
    Windows container the identity of a group Managed Service Account (gMSA), exactly as Microsoft's
    C(New-CredentialSpec) builds it, but from Linux, over LDAP, with the facts read live from Active Directory.
  - C(DomainJoinConfig) holds the B(domain's) SID and objectGUID (not the gMSA's), the forest root's DNS name in
    C(DnsTreeName), the domain's DNS name in C(DnsName), its NetBIOS name, and the gMSA name without C($) in
    C(MachineAccountName). C(GroupManagedServiceAccounts) lists the primary account twice (scoped to the
    domain's DNS name, then to its NetBIOS name) and each additional account once, scoped to its domain's DNS
    name. Keys are in the order of Microsoft's published example.
  - Every account must exist in AD as a gMSA (object class C(msDS-GroupManagedServiceAccount)); a missing
    account, a user or a computer fails the task.
  - With O(dest) or O(path) the spec is written to a file, atomically and only when its JSON content differs.
    A file holding the same JSON in another layout (the whitespace of PowerShell's C(ConvertTo-Json), say) is
    left alone. Without either, the spec is only returned.
  - Also returns the C(docker run --security-opt) value and, on request, the Kubernetes C(GMSACredentialSpec)
    resource and the RBAC objects that let a pod's service account use it.
options:
  account:
    description:
      - The gMSA the container runs as (its C(sAMAccountName), with or without the trailing C($)).
      - It is written as given, without C($), as C(New-CredentialSpec -AccountName) writes it.
    type: str
    required: true
  domain:
    description:
      - The DNS name of the domain O(account) belongs to, as C(New-CredentialSpec -Domain) takes it. Its NetBIOS
        name is accepted too.
      - Defaults to the domain of the domain controller the module connects to. Another domain of the same
        forest is found through its crossRef in the configuration partition; its accounts can only be checked
        through a DC of that domain, so set O(server) to one.
    type: str
  additional_accounts:
    description:
      - More gMSAs that services inside the container may run as. Each becomes one
        C(GroupManagedServiceAccounts) entry, scoped to the DNS name of its domain.
      - An item is an account name (of the primary account's domain) or a mapping C({name, domain}) for an
        account of another domain of the forest (C(domain) its DNS name).
    type: list
    elements: raw
    default: []
  host_account_config:
    description:
      - For container hosts that are not domain joined, the Container Credential Guard (CCG) plug-in that fetches
        the credentials of a host account allowed to retrieve the gMSA's password. Adds
        C(ActiveDirectoryConfig.HostAccountConfig).
    type: dict
    suboptions:
      plugin_guid:
        description:
          - The CCG plug-in's COM class id, braced or bare; it is written braced and upper case.
          - For example V({CCC2A336-D7F3-4818-A213-272B7924213E}) (Azure Key Vault, as C(New-CredentialSpec -AKV)
            writes it) or V({859E1386-BDB4-49E8-85C7-3070B13920E1}) (AWS).
        type: str
        required: true
      plugin_input:
        description:
          - The plug-in's input, kept as given. A string for Microsoft's plug-in and for Kubernetes
            (V(ObjectId=...;SecretUri=...)), a mapping for plug-ins that read a JSON object (the AWS ECS form).
          - The Kubernetes resource only allows a string (see O(kubernetes_resource_name)).
        type: raw
        required: true
      portable_ccg_version:
        description: The C(PortableCcgVersion) of the spec.
        type: str
        default: "1"
  dest:
    description:
      - The folder to write the spec to, for example Docker's C(CredentialSpecs) folder
        (C(C:\\ProgramData\\Docker\\CredentialSpecs) on a Windows host, or a folder the file is copied from).
      - It must exist.
    type: path
  filename:
    description:
      - The file name inside O(dest). Defaults to C(<netbios name>_<account>.json) in lower case, as
        C(New-CredentialSpec) names it (V(contoso_webapp01.json)).
      - C(.json) is appended when the name does not end with it, as C(New-CredentialSpec -FileName) does.
      - It must be a plain file name. A path separator, C(..), C(:), a Windows device name or a symbolic link
        that leads out of O(dest) fail the task.
    type: str
  path:
    description:
      - The full path of the spec file, instead of O(dest) and O(filename). Its folder must exist.
    type: path
  state:
    description:
      - V(present) writes the spec to the file when its content differs.
      - V(absent) removes the file, so it needs O(dest) or O(path). With O(path) or O(filename) the module then
        does not connect to AD; without them it reads only the domain's NetBIOS name for the default file name. The
        accounts are not checked (they may already be gone).
    type: str
    choices: [present, absent]
    default: present
  backup:
    description:
      - Keep a timestamped copy of the file before it is replaced or removed.
    type: bool
    default: false
  kubernetes_resource_name:
    description:
      - Also return, in RV(kubernetes_resource), the C(GMSACredentialSpec) object of this name that the Kubernetes
        gMSA webhook reads, and in RV(kubernetes_rbac) the objects allowing a service account to use it.
      - A lower-case DNS-1123 name, for example V(gmsa-webapp01).
    type: str
  kubernetes_service_account:
    description: The service account of the pods that use the spec, bound to the C(ClusterRole) in RV(kubernetes_rbac).
    type: str
    default: default
  kubernetes_namespace:
    description: The namespace of O(kubernetes_service_account) (and of the C(RoleBinding)).
    type: str
    default: default
extends_documentation_fragment:
  - ansible.builtin.files
  - wincontainers.gmsa.ldap_connection
  - wincontainers.gmsa.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: The diff shows the file's text before and after (JSON), not changes of mode or owner.
  idempotent:
    support: full
  safe_file_operations:
    description: Uses Ansible's atomic_move to replace the file.
    support: full
notes:
  - Docker only reads specs from its C(CredentialSpecs) folder and takes them by name,
    C(--security-opt "credentialspec=file://contoso_webapp01.json"); copy the file there on each container host.
  - The file is ASCII (non-ASCII characters are escaped), with four-space indentation and a final newline, which
    every consumer reads whatever encoding it assumes.
seealso:
  - module: wincontainers.gmsa.credential_spec_info
  - name: Create a credential spec (Microsoft)
    description: How New-CredentialSpec is used on Windows, and what the file holds.
    link: https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/manage-serviceaccounts#create-a-credential-spec
  - name: Configure GMSA for Windows Pods and containers (Kubernetes)
    description: The GMSACredentialSpec resource and the RBAC a pod's service account needs.
    link: https://kubernetes.io/docs/tasks/configure-pod-container/configure-gmsa/
author:
  - wincontainers.gmsa developers (@wincontainers)
"""

EXAMPLES = r"""
- name: Write contoso_webapp01.json into Docker's CredentialSpecs folder staged on the controller
  wincontainers.gmsa.credential_spec:
    account: WebApp01
    dest: /srv/container-hosts/CredentialSpecs
    server: dc1.contoso.com
    username: CONTOSO\Administrator
    password: "{{ ad_admin_password }}"
  register: webapp01_spec

- name: Start the container with it (on a Windows host)
  ansible.windows.win_command: >-
    docker run -d --security-opt "{{ webapp01_spec.security_opt }}" --hostname webapp01
    mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022

- name: A spec with a second gMSA of this domain and one of a child domain
  wincontainers.gmsa.credential_spec:
    account: WebApp01
    additional_accounts:
      - LogAgentSvc
      - name: ReportSvc
        domain: emea.contoso.com
    path: /srv/specs/webapp01-with-agents.json
    mode: "0644"

- name: A spec for a host that is not domain joined (CCG plug-in)
  wincontainers.gmsa.credential_spec:
    account: WebApp01
    host_account_config:
      plugin_guid: "{CCC2A336-D7F3-4818-A213-272B7924213E}"
      plugin_input: "ObjectId=/subscriptions/.../gmsa-host;SecretUri=https://contoso-kv.vault.azure.net/secrets/gmsa"
    dest: /srv/container-hosts/CredentialSpecs
    filename: contoso_webapp01_ccg.json

- name: Only build the Kubernetes objects, without a file
  wincontainers.gmsa.credential_spec:
    account: WebApp01
    kubernetes_resource_name: gmsa-webapp01
    kubernetes_service_account: webapp01
    kubernetes_namespace: shop
  register: webapp01_k8s

- name: Apply them
  kubernetes.core.k8s:
    definition: "{{ [webapp01_k8s.kubernetes_resource] + webapp01_k8s.kubernetes_rbac }}"

- name: Remove the spec file
  wincontainers.gmsa.credential_spec:
    account: WebApp01
    dest: /srv/container-hosts/CredentialSpecs
    filename: contoso_webapp01.json
    state: absent
"""

RETURN = r"""
credential_spec:
  description: The credential spec, as written to the file.
  returned: when O(state=present)
  type: dict
  sample:
    CmsPlugins: [ActiveDirectory]
    DomainJoinConfig:
      Sid: S-1-5-21-702590844-1001920913-2680819671
      MachineAccountName: WebApp01
      Guid: 56d9b66c-d746-4f87-bd26-26760cfdca2e
      DnsTreeName: contoso.com
      DnsName: contoso.com
      NetBiosName: CONTOSO
    ActiveDirectoryConfig:
      GroupManagedServiceAccounts:
        - {Name: WebApp01, Scope: contoso.com}
        - {Name: WebApp01, Scope: CONTOSO}
path:
  description: The full path of the spec file.
  returned: when O(dest) or O(path) is given
  type: str
  sample: /srv/container-hosts/CredentialSpecs/contoso_webapp01.json
filename:
  description: The file's name; without O(dest) and O(path), the name C(New-CredentialSpec) would give it.
  returned: always
  type: str
  sample: contoso_webapp01.json
security_opt:
  description:
    - The value of C(docker run --security-opt) (and of a compose service's C(security_opt) item) that uses the
      spec, C(credentialspec=file://<name>), the name relative to Docker's C(CredentialSpecs) folder.
    - For a O(path) inside a C(CredentialSpecs) folder, the part after that folder; otherwise the file name.
  returned: always
  type: str
  sample: credentialspec=file://contoso_webapp01.json
kubernetes_resource:
  description: The C(windows.k8s.io/v1) C(GMSACredentialSpec) holding the spec, valid against the CRD of
    kubernetes-sigs/windows-gmsa.
  returned: when O(kubernetes_resource_name) is given and O(state=present)
  type: dict
  sample:
    apiVersion: windows.k8s.io/v1
    kind: GMSACredentialSpec
    metadata: {name: gmsa-webapp01}
    credspec: {CmsPlugins: [ActiveDirectory], DomainJoinConfig: {}, ActiveDirectoryConfig: {}}
kubernetes_rbac:
  description:
    - A C(ClusterRole) named C(use-<resource name>) allowing the C(use) verb on that C(GMSACredentialSpec), and a
      C(RoleBinding) of it to O(kubernetes_service_account) in O(kubernetes_namespace).
  returned: when O(kubernetes_resource_name) is given and O(state=present)
  type: list
  elements: dict
  sample:
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: use-webapp01}
      rules:
        - {apiGroups: [windows.k8s.io], resources: [gmsacredentialspecs], verbs: [use], resourceNames: [webapp01]}
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: use-webapp01-webapp, namespace: default}
      subjects: [{kind: ServiceAccount, name: webapp, namespace: default}]
      roleRef: {kind: ClusterRole, name: use-webapp01, apiGroup: rbac.authorization.k8s.io}
backup_file:
  description: The backup of the file made before it was replaced or removed.
  returned: when O(backup=true) and the file was replaced or removed
  type: str
  sample: /srv/container-hosts/CredentialSpecs/contoso_webapp01.json.2417.2026-01-23@10:15:42~
ldap_server:
  description:
    - The domain controller that answered (as given in O(server) or found through DNS). DCs tried before it and
      passed over are named in the task's warnings, with the reason.
    - Pass it as O(server) to later tasks to keep them on the DC that has this task's writes.
  returned: when a domain controller answered
  type: str
  sample: dc1.contoso.com
ldap_operations:
  description: How many LDAP operations of each kind the task sent (for troubleshooting and benchmarks).
  returned: when the module connected to AD
  type: dict
  sample: {"search": 4, "add": 0, "modify": 0, "delete": 0}
"""

import os
import tempfile

from ansible.module_utils.common.text.converters import to_native
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import (
    CredentialSpecError,
    account_name,
    build_credential_spec,
    build_host_account_config,
    default_filename,
    needs_write,
    render_credential_spec,
    safe_join,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_ad import (
    parse_account_requests,
    read_spec_source,
    resolve_domain,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_refs import (
    credential_spec_reference,
    security_opt,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._k8s import (
    dns1123_label,
    dns1123_subdomain,
    gmsa_credential_spec_resource,
    gmsa_rbac,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module


def argument_spec() -> dict:
    return {
        "account": {"type": "str", "required": True},
        "domain": {"type": "str"},
        "additional_accounts": {"type": "list", "elements": "raw", "default": []},
        "host_account_config": {
            "type": "dict",
            "options": {
                "plugin_guid": {"type": "str", "required": True},
                "plugin_input": {"type": "raw", "required": True},
                "portable_ccg_version": {"type": "str", "default": "1"},
            },
        },
        "dest": {"type": "path"},
        "filename": {"type": "str"},
        "path": {"type": "path"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "backup": {"type": "bool", "default": False},
        "kubernetes_resource_name": {"type": "str"},
        "kubernetes_service_account": {"type": "str", "default": "default"},
        "kubernetes_namespace": {"type": "str", "default": "default"},
    }


def checked_filename(dest: str, filename: str) -> str:
    """The file name option, checked to stay inside ``dest``, with ``.json`` appended as New-CredentialSpec does."""
    safe_join(dest, filename)  # before appending: ".." must fail, not become "...json"
    named = filename if filename.lower().endswith(".json") else f"{filename}.json"
    safe_join(dest, named)
    return named


def target_path(params: dict, filename: str) -> str | None:
    """The spec file's path from dest + filename or path (None when the spec is only returned)."""
    if params["path"]:
        path = params["path"]
        if os.path.isdir(path):
            raise CredentialSpecError(
                f"path {path} is a directory.", "Give the file's full path, or the folder as dest."
            )
        if not os.path.isdir(os.path.dirname(path) or "."):
            raise CredentialSpecError(f"The folder of path {path} does not exist.", "Create it first.")
        return path
    dest = params["dest"]
    if not dest:
        return None
    if not os.path.isdir(dest):
        raise CredentialSpecError(
            f"dest {dest} is not an existing folder.",
            "Create it first (ansible.builtin.file with state: directory), or give the file's full path as path.",
        )
    path = safe_join(dest, filename)
    # A symbolic link in dest would make the module read and chmod a file elsewhere.
    if os.path.islink(path) and os.path.exists(path):
        real = os.path.realpath(path)
        if os.path.dirname(real) != os.path.realpath(dest):
            raise CredentialSpecError(
                f"Credential spec file name {filename!r} is a symbolic link to {real}, outside {dest!r}.",
                "Remove the link or choose another file name.",
            )
    return path


def docker_reference(path: str | None, filename: str) -> str:
    if path is not None:
        try:
            return security_opt(credential_spec_reference(path))
        except CredentialSpecError:
            pass  # not under a CredentialSpecs folder: Docker will see the file by its name once copied there
    return security_opt(filename)


def check_kubernetes_names(params: dict) -> None:
    if params["kubernetes_resource_name"] is None:
        return
    dns1123_subdomain(params["kubernetes_resource_name"], "kubernetes_resource_name")
    dns1123_subdomain(params["kubernetes_service_account"], "kubernetes_service_account")
    dns1123_label(params["kubernetes_namespace"], "kubernetes_namespace")


def write_spec(module, path: str, text: str) -> None:
    """Write through a temporary file in the same folder, then rename it over the spec file."""
    fd, tmp_path = tempfile.mkstemp(prefix=".credential_spec.", suffix=".tmp", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("ascii"))
    except Exception:
        os.unlink(tmp_path)
        raise
    module.atomic_move(tmp_path, path, unsafe_writes=module.params["unsafe_writes"])


def place_spec(module, path: str, spec: dict) -> dict:
    """Write ``spec`` to ``path`` if its content differs and apply mode/owner/group; return the file's result."""
    changed, before = needs_write(path, spec)
    text = render_credential_spec(spec)
    result: dict = {"changed": changed}
    if changed and module._diff:
        result["diff"] = {"before": before or "", "after": text, "before_header": path, "after_header": path}
    if changed and not module.check_mode:
        if module.params["backup"] and before is not None:
            result["backup_file"] = module.backup_local(path)
        try:
            write_spec(module, path, text)
        except OSError as exc:
            raise GmsaError(f"Cannot write credential spec {path}: {to_native(exc)}.") from None
    if os.path.exists(path):
        file_args = module.load_file_common_arguments(module.params, path=path)
        result["changed"] = module.set_fs_attributes_if_different(file_args, result["changed"])
    return result


def remove_spec(module, path: str) -> dict:
    if os.path.isdir(path) and not os.path.islink(path):
        raise CredentialSpecError(f"Credential spec path {path} is a directory.", "Remove it or choose another name.")
    if not os.path.lexists(path):
        return {"changed": False}
    result: dict = {"changed": True}
    if module._diff:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                before = handle.read()
        except OSError:
            before = ""
        result["diff"] = {"before": before, "after": "", "before_header": path, "after_header": path}
    if not module.check_mode:
        if module.params["backup"] and os.path.isfile(path):
            result["backup_file"] = module.backup_local(path)
        try:
            os.remove(path)
        except OSError as exc:
            raise GmsaError(f"Cannot remove credential spec {path}: {to_native(exc)}.") from None
    return result


def present(module, client, requests: list, host_account_config: dict | None) -> dict:
    params = module.params
    source = read_spec_source(client, params["account"], params["domain"], requests)
    spec = build_credential_spec(
        params["account"], source.domain, source.additional_accounts, host_account_config=host_account_config
    )
    filename = checked_filename(params["dest"], params["filename"]) if params["filename"] else None
    filename = filename or (os.path.basename(params["path"]) if params["path"] else None)
    filename = filename or default_filename(source.domain, params["account"])
    path = target_path(params, filename)
    result: dict = {"credential_spec": spec, "filename": filename, "security_opt": docker_reference(path, filename)}
    if params["kubernetes_resource_name"] is not None:
        # Built before anything is written: a spec the CRD cannot hold fails without touching the file.
        result["kubernetes_resource"] = gmsa_credential_spec_resource(params["kubernetes_resource_name"], spec)
        result["kubernetes_rbac"] = gmsa_rbac(
            params["kubernetes_resource_name"], params["kubernetes_service_account"], params["kubernetes_namespace"]
        )
    if path is None:
        return dict(changed=False, **result)
    result["path"] = path
    result.update(place_spec(module, path, spec))
    return result


def absent(module, client) -> dict:
    params = module.params
    if params["filename"]:
        filename = checked_filename(params["dest"], params["filename"])
    elif params["path"]:
        filename = os.path.basename(params["path"])
    else:
        filename = default_filename(resolve_domain(client, params["domain"]), params["account"])
    path = target_path(params, filename)
    result: dict = {"filename": filename, "security_opt": docker_reference(path, filename)}
    if path is None:
        return dict(changed=False, **result)
    result["path"] = path
    result.update(remove_spec(module, path))
    return result


def main() -> None:
    module = ldap_module(
        argument_spec(),
        mutually_exclusive=[("dest", "path")],
        required_by={"filename": "dest"},
        add_file_common_args=True,
        supports_check_mode=True,
    )
    params = module.params
    try:
        # Everything that can be checked without AD is checked first, so bad input costs no connection.
        account_name(params["account"])
        requests = parse_account_requests(params["additional_accounts"])
        host_account_config = params["host_account_config"]
        if host_account_config is not None:
            build_host_account_config(host_account_config)  # fails on a bad GUID or input before any connection
        check_kubernetes_names(params)
        if params["filename"]:
            checked_filename(params["dest"], params["filename"])
        if params["state"] == "absent" and not params["dest"] and not params["path"]:
            raise CredentialSpecError("state absent needs dest or path: the file to remove.")
        if params["state"] == "absent" and (params["path"] or params["filename"]):
            module.exit_json(**absent(module, None))
    except GmsaError as exc:
        exc.fail(module)
        return

    def work(client):
        if params["state"] == "absent":
            return absent(module, client)
        return present(module, client, requests, host_account_config)

    run_ldap_module(module, work)


if __name__ == "__main__":
    main()
