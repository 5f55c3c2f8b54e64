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
  - Every account must exist in AD as a gMSA (object class C(msDS-GroupManagedServiceAccount)); a user or a
    computer fails the task, and so does a missing account unless O(missing_account_action) says to skip its spec.
  - With O(dest) or O(path) the spec is written to a file, atomically and only when its JSON content differs.
    A file holding the same JSON in another layout (the whitespace of PowerShell's C(ConvertTo-Json), say) is
    left alone. Without either, the spec is only returned.
  - Also returns the C(docker run --security-opt) value and, on request, the Kubernetes C(GMSACredentialSpec)
    resource and the RBAC objects that let a pod's service account use it, and with O(kubernetes_dest) writes
    them to a manifest file.
  - Writes one spec (O(account)) or many (O(specs)) in one task. With O(specs) the domain facts are read once
    and every account of every spec is checked with one search per domain, so a task of hundreds of specs costs
    the round trips of one; every spec is built and every file compared before the first write, and only the
    files whose content differs are written.
options:
  account:
    description:
      - The gMSA the container runs as (its C(sAMAccountName), with or without the trailing C($)).
      - It is written as given, without C($), as C(New-CredentialSpec -AccountName) writes it.
      - Required unless O(specs) is given; mutually exclusive with it.
    type: str
  specs:
    description:
      - Many credential specs in one task. Each entry takes O(account) and the per-spec options below; an option
        an entry omits falls back to the task's top-level value of that option (handy for O(dest),
        O(kubernetes_dest), O(kubernetes_namespace), O(state)). An entry's own O(path) replaces a top-level
        O(dest).
      - O(filename), O(path) and O(kubernetes_resource_name) name one spec, so they are per entry only.
      - The file options (O(mode), O(owner), O(group)...), O(create_folders) and the connection are the task's.
      - Two entries may not write the same file or name the same Kubernetes resource.
      - Results come back in RV(specs), in the same order.
    type: list
    elements: dict
    suboptions:
      account:
        description: As O(account).
        type: str
        required: true
      domain:
        description: As O(domain).
        type: str
      additional_accounts:
        description: As O(additional_accounts).
        type: list
        elements: raw
      host_account_config:
        description: As O(host_account_config).
        type: dict
        suboptions:
          plugin_guid:
            description: As O(host_account_config.plugin_guid).
            type: str
            required: true
          plugin_input:
            description: As O(host_account_config.plugin_input).
            type: raw
            required: true
          portable_ccg_version:
            description: As O(host_account_config.portable_ccg_version).
            type: str
            default: "1"
      dest:
        description: As O(dest).
        type: path
      filename:
        description: As O(filename).
        type: str
      path:
        description: As O(path).
        type: path
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
      backup:
        description: As O(backup).
        type: bool
      kubernetes_resource_name:
        description: As O(kubernetes_resource_name).
        type: str
      kubernetes_service_account:
        description: As O(kubernetes_service_account).
        type: str
      kubernetes_namespace:
        description: As O(kubernetes_namespace).
        type: str
      kubernetes_dest:
        description: As O(kubernetes_dest).
        type: path
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
      - It must exist, unless O(create_folders=true).
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
      - The full path of the spec file, instead of O(dest) and O(filename). Its folder must exist, unless
        O(create_folders=true).
    type: path
  missing_account_action:
    description:
      - What a spec does when its O(account) (or one of its O(additional_accounts)) does not exist in AD, which
        the module finds out with the one search it makes for the accounts anyway.
      - V(fail) fails the task before any file is written, naming every missing account.
      - V(warn) and V(ignore) skip that spec - no file of it is read, written or removed - and carry on with the
        others; its result has C(skipped=true) and C(skip_reason) naming the missing account(s). V(warn) also adds
        one warning naming the skipped specs. In the single form the task is then reported skipped.
      - Useful in check mode after a task that would create the gMSAs, and for a fleet where some apps are not
        provisioned yet. An object of that name that is not a gMSA (a user, a computer) always fails the task.
      - Does not apply to O(state=absent), which never checks the accounts.
    type: str
    choices: [fail, warn, ignore]
    default: fail
  return_content:
    description:
      - Return the documents built, RV(credential_spec), RV(kubernetes_resource) and RV(kubernetes_rbac) (with
        O(specs), in each entry of RV(specs)).
      - V(false) leaves them out, for a task that only writes files and reads back paths and changes; the result
        of hundreds of specs is then a few lines per spec instead of several kilobytes, which Ansible reads,
        stores and templates faster. What is written is the same.
    type: bool
    default: true
  create_folders:
    description:
      - Create the spec file's folder (O(dest), or the folder of O(path)) and O(kubernetes_dest), with their
        missing parents, when a file is to be written there. They get mode C(0755) less the umask, as
        C(mkdir -p) gives them; O(mode) applies to the files only.
      - Without it, a missing folder fails the task, as it always has.
      - In check mode nothing is created; the files that would be written there are reported as changed.
    type: bool
    default: false
  state:
    description:
      - V(present) writes the spec to the file when its content differs.
      - V(absent) removes the file, so it needs O(dest) or O(path). With O(path) or O(filename) the module then
        does not connect to AD; without them it reads only the domain's NetBIOS name for the default file name. The
        accounts are not checked (they may already be gone). A file that is missing, or whose folder is missing, is
        left so and reported unchanged.
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
      - Defaults to C(gmsa-<account>) when O(kubernetes_dest) is given (see there); without O(kubernetes_dest)
        nothing Kubernetes is returned unless it is set.
    type: str
  kubernetes_service_account:
    description: The service account of the pods that use the spec, bound to the C(ClusterRole) in RV(kubernetes_rbac).
    type: str
    default: default
  kubernetes_namespace:
    description: The namespace of O(kubernetes_service_account) (and of the C(RoleBinding)).
    type: str
    default: default
  kubernetes_dest:
    description:
      - Also write RV(kubernetes_resource) and RV(kubernetes_rbac) into this folder, as one manifest file named
        C(<kubernetes_resource_name>.yml) for C(kubectl apply -f) - the C(GMSACredentialSpec), then the
        C(ClusterRole), then the C(RoleBinding), each a YAML document under a comment naming the gMSA.
      - A spec without O(kubernetes_resource_name) gets C(gmsa-<account>), the name kubernetes.io's gMSA task
        gives its example, made a valid Kubernetes name (lower case, without C($), other characters C(-));
        V(WebApp01) gives V(gmsa-webapp01). With O(specs), a top-level O(kubernetes_dest) applies to every entry,
        so every entry gets a manifest. The file is written atomically and only when its text differs, with
        the file options of the spec file (O(mode), O(owner), O(group)); with O(state=absent) it is removed.
      - It must exist, unless O(create_folders=true). Writing YAML needs PyYAML on the host the module runs on
        (ansible-core's own dependency on a controller).
    type: path
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

- name: A fleet in one task, with the Kubernetes manifests, creating the folders
  wincontainers.gmsa.credential_spec:
    dest: /srv/gmsa/CredentialSpecs
    kubernetes_dest: /srv/gmsa/kubernetes
    kubernetes_namespace: shop
    create_folders: true
    mode: "0644"
    specs:
      - account: WebApp01
        kubernetes_resource_name: gmsa-webapp01
        kubernetes_service_account: webapp01
      - account: WebApp02
        kubernetes_resource_name: gmsa-webapp02
        kubernetes_service_account: webapp02
      - account: Batch01
        additional_accounts: [LogAgentSvc]
        kubernetes_resource_name: gmsa-batch01
        kubernetes_namespace: batch
  register: fleet_specs

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
  returned: when O(state=present) and O(return_content=true) (with O(specs), in each entry of RV(specs))
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
  returned: always (with O(specs), in each entry of RV(specs))
  type: str
  sample: contoso_webapp01.json
security_opt:
  description:
    - The value of C(docker run --security-opt) (and of a compose service's C(security_opt) item) that uses the
      spec, C(credentialspec=file://<name>), the name relative to Docker's C(CredentialSpecs) folder.
    - For a O(path) inside a C(CredentialSpecs) folder, the part after that folder; otherwise the file name.
  returned: always (with O(specs), in each entry of RV(specs))
  type: str
  sample: credentialspec=file://contoso_webapp01.json
kubernetes_resource:
  description: The C(windows.k8s.io/v1) C(GMSACredentialSpec) holding the spec, valid against the CRD of
    kubernetes-sigs/windows-gmsa.
  returned: when O(kubernetes_resource_name) is given, O(state=present) and O(return_content=true)
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
  returned: when O(kubernetes_resource_name) is given, O(state=present) and O(return_content=true)
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
credential_spec_changed:
  description: Whether the spec file was (or in check mode would be) written, removed or given other file
    attributes. The task (or the O(specs) entry) is changed when this or RV(kubernetes_manifest_changed) is true.
  returned: when O(dest) or O(path) is given
  type: bool
  sample: true
kubernetes_manifest:
  description: The path of the Kubernetes manifest file (C(<kubernetes_dest>/<kubernetes_resource_name>.yml)).
  returned: when O(kubernetes_dest) is given
  type: str
  sample: /srv/gmsa/kubernetes/gmsa-webapp01.yml
kubernetes_manifest_changed:
  description: Whether the manifest file was (or in check mode would be) written or removed.
  returned: when O(kubernetes_dest) is given
  type: bool
  sample: false
specs:
  description:
    - With O(specs), one result per entry, in order, with the keys above that apply to it (RV(credential_spec),
      RV(path), RV(filename), RV(security_opt), RV(kubernetes_resource), RV(kubernetes_rbac),
      RV(credential_spec_changed), RV(kubernetes_manifest), RV(kubernetes_manifest_changed), RV(backup_file)) and
      C(changed). The task is changed when any entry is.
      - An entry skipped by O(missing_account_action) has only RV(filename), RV(security_opt), C(changed=false),
        RV(skipped) and RV(skip_reason); its RV(filename) and RV(security_opt) are what the spec will be once its
        gMSA exists (no file of it was written, so do not hand that reference to Docker before a run that writes it).
    - In diff mode the task's C(diff) is a list of every file's change.
  returned: with O(specs)
  type: list
  elements: dict
  sample:
    - filename: contoso_webapp01.json
      path: /srv/gmsa/CredentialSpecs/contoso_webapp01.json
      security_opt: credentialspec=file://contoso_webapp01.json
      changed: true
      credential_spec_changed: true
      kubernetes_manifest: /srv/gmsa/kubernetes/gmsa-webapp01.yml
      kubernetes_manifest_changed: true
      credential_spec: {CmsPlugins: [ActiveDirectory], DomainJoinConfig: {}, ActiveDirectoryConfig: {}}
skipped:
  description: The spec was skipped because an account it names does not exist (O(missing_account_action) V(warn)
    or V(ignore)); no file of it was touched.
  returned: when a spec was skipped (with O(specs), in that entry of RV(specs))
  type: bool
  sample: true
skip_reason:
  description: Which account(s) of the skipped spec do not exist, and in which domain.
  returned: when a spec was skipped (with O(specs), in that entry of RV(specs))
  type: str
  sample: gMSA 'WebApp09' does not exist in contoso.com.
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
  description:
    - How many LDAP operations of each kind the task sent (for troubleshooting and benchmarks).
    - Specs of the connection's domain cost 3 searches for the domain facts and 1 for all their accounts, whether
      the task has one spec or hundreds; accounts not found cost one more search (of their bare names too, to tell
      a user of that name from no object at all).
  returned: when the module connected to AD
  type: dict
  sample: {"search": 4, "add": 0, "modify": 0, "delete": 0}
"""

from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_task import (
    MISSING_ACCOUNT_ACTIONS,
    PER_SPEC_ONLY,
    converge_specs,
    spec_requests,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module

# The documents a result carries (return_content).
CONTENT = ("credential_spec", "kubernetes_resource", "kubernetes_rbac")
HOST_ACCOUNT_CONFIG = {
    "plugin_guid": {"type": "str", "required": True},
    "plugin_input": {"type": "raw", "required": True},
    "portable_ccg_version": {"type": "str", "default": "1"},
}


def argument_spec() -> dict:
    """The single form's options at the top level; ``specs`` entries take the same, without defaults (an omitted
    option falls back to the top-level value)."""
    spec = {
        "account": {"type": "str"},
        "domain": {"type": "str"},
        "additional_accounts": {"type": "list", "elements": "raw", "default": []},
        "host_account_config": {"type": "dict", "options": HOST_ACCOUNT_CONFIG},
        "dest": {"type": "path"},
        "filename": {"type": "str"},
        "path": {"type": "path"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "backup": {"type": "bool", "default": False},
        "kubernetes_resource_name": {"type": "str"},
        "kubernetes_service_account": {"type": "str", "default": "default"},
        "kubernetes_namespace": {"type": "str", "default": "default"},
        "kubernetes_dest": {"type": "path"},
    }
    per_spec = {name: {k: v for k, v in option.items() if k != "default"} for name, option in spec.items()}
    per_spec["account"]["required"] = True
    spec["specs"] = {"type": "list", "elements": "dict", "options": per_spec}
    spec["create_folders"] = {"type": "bool", "default": False}
    spec["return_content"] = {"type": "bool", "default": True}
    spec["missing_account_action"] = {"type": "str", "choices": list(MISSING_ACCOUNT_ACTIONS), "default": "fail"}
    return spec


def main() -> None:
    module = ldap_module(
        argument_spec(),
        required_one_of=[("account", "specs")],
        mutually_exclusive=[("dest", "path")] + [("specs", option) for option in PER_SPEC_ONLY],
        required_by={"filename": "dest"},
        add_file_common_args=True,
        supports_check_mode=True,
    )
    bulk = module.params["specs"] is not None
    try:
        # Everything that can be checked without AD is checked first, so bad input costs no connection.
        requests = spec_requests(module.params)
    except GmsaError as exc:
        exc.fail(module)
        return

    def work(client):
        results = converge_specs(module, client, requests)
        if not module.params["return_content"]:
            results = [{key: value for key, value in result.items() if key not in CONTENT} for result in results]
        if not bulk:
            return results[0]
        diffs = []
        for result in results:
            diff = result.pop("diff", None)
            diffs += diff if isinstance(diff, list) else [diff] if diff else []
        outcome = {"changed": any(result["changed"] for result in results), "specs": results}
        if module._diff and diffs:
            outcome["diff"] = diffs
        return outcome

    if not any(request.needs_ad for request in requests):
        try:
            module.exit_json(**work(None))
        except GmsaError as exc:
            exc.fail(module)
        return
    run_ldap_module(module, work)


if __name__ == "__main__":
    main()
