#!/usr/bin/python
# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: gmsa_check
short_description: Check that a gMSA, a container host and a credential spec work together, from outside Windows
version_added: 0.1.0
description:
  - Runs the checks of the troubleshooting guide of "Group Managed Service Accounts for Windows containers"
    over LDAP, before any container starts, and returns one finding per check with what to do about it.
  - "Checks the forest's KDS root key (exists and is usable now, or when it will be), the gMSA (exists, is a
    gMSA, is enabled, has C(host/<name>) and C(host/<dns host name>) SPNs, none of its SPNs is held by another
    object, the root key its password derives from still exists), and with O(host) whether the host may retrieve
    the password: C(msDS-GroupMSAMembership) is evaluated against the host's C(tokenGroups), so nested groups
    count, and a membership newer than the host's last logon is reported, as it needs a ticket purge or restart."
  - With O(host_password) or O(host_keytab) it proves what C(Test-ADServiceAccount) tests, binding as the host
    over the encrypted connection and reading the managed password. With O(kerberos_proof) it then obtains a TGT
    as the gMSA with that password and a service ticket for one of its SPNs, as the container host does. The
    password only lives in memory for that; it is never returned or logged.
  - With O(credential_spec) or O(credential_spec_path), every field of the spec is compared with AD.
  - With O(windows_build), the guide's known issues of that build are checked (container hostname, several
    containers sharing one gMSA, Hyper-V isolation).
  - Read-only; O(fail_on) decides whether findings fail the task.
  - Checks one gMSA (O(name)) or many (gMSA, host) pairs (O(checks)) in one task, over one connection, reading
    each gMSA, host and group once, with one search per kind of object whatever the number of pairs (plus one
    read of each host's token groups, which AD only returns for one object at a time).
options:
  name:
    description:
      - The gMSA, by its C(sAMAccountName) with or without the trailing C($).
      - Mutually exclusive with O(checks); one of them is required.
    type: str
  checks:
    description:
      - Many checks in one task, typically one per (gMSA, container host) pair. Each entry takes O(name) and the
        per-check options below; an option an entry omits falls back to the task's top-level value of that
        option (handy for O(host), O(windows_build), O(isolation)).
      - Results come back in RV(checks), in the same order, each as the single form returns it; O(fail_on)
        applies to the findings of all of them.
      - An entry that cannot run (no O(checks[].name), an invalid name or O(checks[].windows_build), options that
        exclude each other) does not stop the others. Its result has C(failed), C(msg) naming it by its index
        counted from 0 and its name and host, as C(checks[2] (WebApp01 on HOST01\)), and C(hint); the task fails
        once all the others ran, whatever O(fail_on) (which is about findings). A connection that fails, a value of
        the wrong type or an unknown option (checked by Ansible) still fail the whole task, as before.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - As O(name). Required in each entry; an entry without it fails alone (see above).
        type: str
      host:
        description: As O(host).
        type: str
      host_password:
        description: As O(host_password).
        type: str
      host_keytab:
        description: As O(host_keytab).
        type: path
      kerberos_proof:
        description: As O(kerberos_proof).
        type: bool
      credential_spec:
        description: As O(credential_spec).
        type: raw
      credential_spec_path:
        description: As O(credential_spec_path).
        type: path
      windows_build:
        description: As O(windows_build).
        type: str
      container_hostname:
        description: As O(container_hostname).
        type: str
      container_count:
        description: As O(container_count).
        type: int
      isolation:
        description: As O(isolation).
        type: str
        choices: [process, hyperv]
  host:
    description:
      - A container host's computer account, by name (C(HOST01) or C(HOST01$)), DNS name or DN.
    type: str
  host_password:
    description:
      - The host's machine account password, to bind as the host (simple bind as C(NETBIOS\HOST$) over the
        encrypted connection). Needs O(host).
    type: str
  host_keytab:
    description:
      - A keytab with the host's keys (C(HOST$@REALM)), to bind as the host with Kerberos. Needs O(host) and
        the gssapi library.
    type: path
  kerberos_proof:
    description:
      - After retrieving the password as the host, get a TGT as the gMSA and a service ticket for its
        C(host/<dns host name>) SPN (or its first SPN). Needs O(host_password) or O(host_keytab) and gssapi.
    type: bool
    default: false
  credential_spec:
    description:
      - A credential spec to check, as an object (or JSON text).
      - With O(checks), per entry only.
    type: raw
  credential_spec_path:
    description:
      - A credential spec file to check, on the machine the module runs on.
      - With O(checks), per entry only.
    type: path
  windows_build:
    description:
      - The container host's Windows build, to check the guide's known issues of that build. A build number
        (V(17763), V(10.0.14393.4169)) or a release (V(2016), V(1709), V(1803), V(2019), V(2022)).
    type: str
  container_hostname:
    description:
      - The hostname the containers get (C(docker run --hostname)); checked against the gMSA name on builds
        before 17763.
    type: str
  container_count:
    description:
      - How many containers use the gMSA at the same time; more than one is a problem before build 17763.
    type: int
  isolation:
    description:
      - The containers' isolation; Hyper-V isolation with a gMSA fails on versions 1703, 1709 and 1803.
    type: str
    choices: [process, hyperv]
  fail_on:
    description:
      - V(error) fails the task when a finding is an error, V(warning) also on warnings, V(never) only reports.
      - The findings are returned either way.
      - An entry of O(checks) that could not run fails the task whatever this option says.
    type: str
    choices: [error, warning, never]
    default: error
extends_documentation_fragment:
  - wincontainers.gmsa.ldap_connection
  - wincontainers.gmsa.attributes
attributes:
  check_mode:
    support: full
    details: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
  idempotent:
    support: full
notes:
  - The bind account needs to read the gMSA's C(msDS-GroupMSAMembership), the host's C(tokenGroups) and the
    KDS root keys of the configuration partition. An ordinary domain user can read all of it except the root
    keys' times (only Domain Admins, Enterprise Admins and SYSTEM can); bound as one, C(kds_root_key) is a
    warning that says it cannot tell whether a key is usable, not an error. The password proof binds as the host.
  - C(lastLogonTimestamp) is only rewritten every 9 to 14 days, so a membership change after the recorded logon
    is a warning, not an error.
  - Windows-side checks (C(nltest /sc_verify), C(klist get krbtgt) in a container) belong to the container host.
seealso:
  - module: wincontainers.gmsa.gmsa_account
  - module: wincontainers.gmsa.credential_spec
  - name: Troubleshoot gMSAs for Windows containers (Microsoft)
    description: The guide these checks implement.
    link: https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/gmsa-troubleshooting
author:
  - wincontainers.gmsa developers (@wincontainers)
"""

EXAMPLES = r"""
- name: Check the gMSA, a host and the spec the host will use
  wincontainers.gmsa.gmsa_check:
    name: WebApp01
    host: CONTAINERHOST01
    credential_spec_path: /srv/CredentialSpecs/contoso_webapp01.json
    windows_build: "17763"
  register: check

- name: Prove it with the host's keys, as Test-ADServiceAccount and the container would
  wincontainers.gmsa.gmsa_check:
    name: WebApp01
    host: CONTAINERHOST01
    host_keytab: /etc/gmsa/containerhost01.keytab
    kerberos_proof: true

- name: Report only; fail later
  wincontainers.gmsa.gmsa_check:
    name: WebApp01
    fail_on: never
  register: check

- name: Show what is wrong
  ansible.builtin.debug:
    msg: "{{ item.id }}: {{ item.message }} -> {{ item.remediation }}"
  loop: "{{ check.findings | rejectattr('status', 'eq', 'ok') }}"

- name: Every gMSA with every host that runs it, in one task
  wincontainers.gmsa.gmsa_check:
    windows_build: "2022"
    checks:
      - {name: WebApp01, host: CONTAINERHOST01}
      - {name: WebApp01, host: CONTAINERHOST02}
      - {name: Orders01, host: CONTAINERHOST02, credential_spec_path: /srv/CredentialSpecs/contoso_orders01.json}
    fail_on: never
  register: fleet

- name: The pairs with errors
  ansible.builtin.debug:
    msg: "{{ fleet.checks | selectattr('status', 'eq', 'error') | map(attribute='name') | list }}"
"""

RETURN = r"""
findings:
  description: One entry per check run, in the order the guide troubleshoots.
  returned: with O(name), also when the task fails because of findings
  type: list
  elements: dict
  contains:
    id:
      description:
        - The check, one of C(kds_root_key), C(gmsa_exists), C(gmsa_unique) (only when several gMSAs hold the
          name, or it carries AD's C(CNF) mark of a replication conflict), C(gmsa_enabled), C(gmsa_spns),
          C(gmsa_spn_duplicates), C(gmsa_password_key), C(host_exists), C(host_allowed), C(host_ticket_refresh),
          C(host_password_retrieval), C(gmsa_kerberos), C(credential_spec), C(credential_spec_sid),
          C(credential_spec_guid), C(credential_spec_dns_name), C(credential_spec_netbios_name),
          C(credential_spec_dns_tree_name), C(credential_spec_machine_account_name), C(credential_spec_scopes),
          C(credential_spec_accounts), C(container_hostname), C(container_gmsa_sharing), C(container_isolation).
      type: str
      sample: host_allowed
    status:
      description: V(ok), V(warning) or V(error).
      type: str
      sample: error
    message:
      description: What was found.
      type: str
      sample: "Container host CHKHOST03$ may not retrieve the password of ChkApp$: none of its groups is allowed."
    remediation:
      description: What to do, from the guide; empty when the status is ok.
      type: str
      sample: Add CHKHOST03$ to a group allowed to retrieve the password (gmsa_host_group), then purge its tickets.
summary:
  description: How many findings have each status (with O(checks), of all the checks together).
  returned: always
  type: dict
  sample: {"ok": 9, "warning": 1, "error": 0}
status:
  description:
    - The worst status among the findings (with O(checks), of all the checks together; V(error) when an entry
      could not run).
  returned: always
  type: str
  sample: warning
checks:
  description:
    - With O(checks), one entry per check, in order - its C(name) and C(host) as given (C(host) None without
      one), and C(findings), C(summary) and C(status) as the single form returns them.
    - An entry that could not run has no findings, C(status) V(error), C(failed) V(true), C(msg) (what is wrong,
      naming the entry by its index) and C(hint) (what to do).
  returned: with O(checks), also when the task fails because of findings
  type: list
  elements: dict
  sample:
    - name: WebApp01
      host: CONTAINERHOST01
      findings:
        - id: gmsa_exists
          status: ok
          message: gMSA WebApp01$ exists (CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com).
          remediation: ""
      summary: {"ok": 9, "warning": 0, "error": 0}
      status: ok
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
    - How many LDAP operations of each kind the task sent, on the checking connection.
    - With O(checks), the searches do not grow with the number of checks, only the reads of token groups with
      the number of distinct hosts.
  returned: always
  type: dict
  sample: {"search": 9, "add": 0, "modify": 0, "delete": 0}
"""

from datetime import datetime, timezone

from ansible_collections.wincontainers.gmsa.plugins.module_utils._bulk import entry_over_defaults
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check import (
    FAIL_ON,
    CheckRequest,
    LdapCheckReader,
    RefusedCheck,
    check_request,
    check_result,
    entry_request,
    failing,
    planned_reads,
    refused_result,
    request_label,
    run_checks,
    summarize,
    worst,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._module import ldap_module, run_ldap_module

# The options of one check; no_log on the host's secrets, at the top level and in each checks entry.
CHECK_OPTIONS: dict[str, dict] = {
    "host": {"type": "str"},
    "host_password": {"type": "str", "no_log": True},
    "host_keytab": {"type": "path", "no_log": True},
    "kerberos_proof": {"type": "bool"},
    "credential_spec": {"type": "raw"},
    "credential_spec_path": {"type": "path"},
    "windows_build": {"type": "str"},
    "container_hostname": {"type": "str"},
    "container_count": {"type": "int"},
    "isolation": {"type": "str", "choices": ["process", "hyperv"]},
}


def argument_spec() -> dict:
    """The options of one check at the top level (with name) and per checks entry, plus fail_on."""
    spec = {name: dict(option) for name, option in CHECK_OPTIONS.items()}
    spec["kerberos_proof"] = dict(spec["kerberos_proof"], default=False)
    spec["name"] = {"type": "str"}
    spec["checks"] = {
        "type": "list",
        "elements": "dict",
        # name is checked per entry (entry_request), so that a missing one names its entry and fails only it.
        "options": dict(name={"type": "str"}, **CHECK_OPTIONS),
    }
    spec["fail_on"] = {"type": "str", "choices": list(FAIL_ON), "default": "error"}
    return spec


def requests_from_params(params: dict) -> list[CheckRequest | RefusedCheck]:
    """One request per check, each checked before any LDAP call: the single form raises GmsaError; a checks entry
    (its options over the top-level ones) that is wrong is a RefusedCheck, and the other entries still run."""
    if params["name"] is not None:
        return [check_request({"name": params["name"], **{o: params[o] for o in CHECK_OPTIONS}})]
    requests = []
    for number, entry in enumerate(params["checks"]):
        values = entry_over_defaults(entry, params, CHECK_OPTIONS)
        requests.append(entry_request(number, {"name": entry.get("name"), **values}))
    return requests


def refused_failure(refused: list[RefusedCheck], total: int) -> str:
    """The start of the task's message when entries were refused: each entry's own message."""
    ran = f"The other {total - len(refused)} check(s) ran. " if total > len(refused) else ""
    return (
        f"gmsa_check could not run {len(refused)} of {total} checks: "
        + " ".join(r.error.message for r in refused)
        + f" {ran}Each entry of checks has its result (failed and msg for the entries that did not run)."
    )


def main() -> None:
    module = ldap_module(
        argument_spec(),
        required_one_of=[("name", "checks")],
        mutually_exclusive=[
            ("name", "checks"),
            ("host_password", "host_keytab"),
            ("credential_spec", "credential_spec_path"),
            ("checks", "credential_spec"),
            ("checks", "credential_spec_path"),
        ],
        required_by={"host_password": "host", "host_keytab": "host"},
        supports_check_mode=True,
    )
    params = module.params
    single = params["name"] is not None
    try:
        requests = requests_from_params(params)
    except GmsaError as exc:
        exc.fail(module)
        return

    valid = [r for r in requests if isinstance(r, CheckRequest)]
    refused = [r for r in requests if isinstance(r, RefusedCheck)]
    if not requests:  # checks: [] (a list built from an inventory with nothing in it): nothing to check
        module.exit_json(changed=False, checks=[], summary=summarize([]), status=worst([]))
        return
    if not valid:  # every entry is wrong: nothing to connect for
        status = {"summary": summarize([]), "status": "error"}
        GmsaError(refused_failure(refused, len(requests))).fail(
            module, changed=False, checks=[refused_result(r) for r in refused], **status
        )
        return

    def work(client):
        reader = LdapCheckReader(client)
        reader.prefetch(planned_reads(valid))
        now = datetime.now(timezone.utc)
        runs = [run_checks(reader, request, now) for request in valid]
        everything = [finding for findings in runs for finding in findings]
        # An entry that could not run counts as an error in the task's status (its result has no findings).
        result = {"changed": False, "summary": summarize(everything), "status": worst(everything)}
        result["status"] = "error" if refused else result["status"]
        if single:
            result["findings"] = [f.as_dict() for f in runs[0]]
        else:
            found = iter([check_result(r, findings) for r, findings in zip(valid, runs)])
            result["checks"] = [refused_result(r) if isinstance(r, RefusedCheck) else next(found) for r in requests]
        problems = [(r, failing(findings, params["fail_on"])) for r, findings in zip(valid, runs)]
        problems = [(r, failed) for r, failed in problems if failed]
        if single and problems:
            failed = problems[0][1]
            raise GmsaError(
                f"gmsa_check found {len(failed)} problem(s) for {params['name']}: "
                + "; ".join(f"{f.id}: {f.message}" for f in failed),
                **result,
            )
        found_text = ""
        if problems:
            found_text = (
                f"gmsa_check found problems in {len(problems)} of {len(requests)} checks: "
                + "; ".join(f"{request_label(r)}: {', '.join(f.id for f in failed)}" for r, failed in problems)
                + ". Each entry of checks has the findings with what to do."
            )
        if refused:
            # A wrong entry fails the task whatever fail_on (fail_on is about findings), after the others ran.
            raise GmsaError(" ".join(t for t in (refused_failure(refused, len(requests)), found_text) if t), **result)
        if problems:
            raise GmsaError(found_text, **result)
        return result

    run_ldap_module(module, work)


if __name__ == "__main__":
    main()
