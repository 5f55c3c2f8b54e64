# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dockerfile_identity
short_description: Make a Windows Dockerfile run its app under the container's gMSA identity
version_added: 0.1.0
description:
  - A Windows container given a group Managed Service Account (gMSA) uses it on the network only for
    processes running as Local System or Network Service. This module edits a Windows Dockerfile so
    the app does, in one build stage.
  - It adds one C(RUN) per IIS application pool in O(iis_app_pools), one C(RUN) per Windows service in
    O(windows_services), and optionally a C(USER) instruction, after the last C(RUN), C(COPY), C(ADD)
    or C(USER) of the stage, so that every earlier C(RUN) still has administrator rights and nothing
    later undoes the change.
  - Each instruction it writes sits directly under a marker comment
    C(# managed by wincontainers.gmsa.dockerfile_identity (sha256:...)) holding a checksum of that
    instruction. The module owns exactly these lines; it never changes any other line.
  - The managed instructions of the stage always end up exactly as the options describe, so run the
    module once per stage with all the app pools, services and the user that stage needs.
  - If a managed instruction was edited by hand (its checksum no longer matches), the module fails and
    leaves the file alone. Restore the instruction, or delete its marker line to make it your own.
  - The C(RUN) instructions use the exec (JSON) form with absolute paths under C(C:\Windows\System32),
    so they do not depend on the stage's C(SHELL) (cmd, powershell or one inherited from the base
    image) nor on the C(# escape) parser directive.
  - A stage built on an earlier stage (C(FROM <stage name>), compared case-insensitively, after the global
    C(ARG) values are substituted) is judged with what it inherits through any number of such links, as
    Docker passes it on (the base image, C(USER), C(SHELL), C(ENTRYPOINT) and C(CMD)). Its warnings (a
    non-administrator C(USER) before the C(RUN) instructions, a Nano Server base, an IIS image started by
    C(ServiceMonitor.exe)) are those of the same file written as one stage.
  - Many Dockerfiles (or stages) in one task with O(dockerfiles). Every entry is planned before any file is
    written, so an entry that cannot be edited fails the task with nothing changed; each file is then written
    once, atomically, and only when its text changes, with the edits of all the entries naming it.
  - Files that Docker and the parser could read differently (heredocs, an empty line inside a line
    continuation, a file ending in a line continuation, no C(FROM), ...) are refused with an error
    and left unchanged.
author: wincontainers.gmsa developers (@wincontainers)
requirements:
  - dockerfile-parse >= 2.0 (Python library)
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying the Dockerfile.
    support: full
  diff_mode:
    description: Returns the Dockerfile text before and after the change when run with C(--diff).
    support: full
  idempotent:
    description: Running the module again with the same options reports no change.
    support: full
  platform:
    description: Runs on the machine holding the Dockerfile, not on the Windows container host.
    support: full
    platforms: posix
options:
  path:
    description:
      - Path to the Dockerfile to edit. Symbolic links are followed.
      - With O(state=present) the file must exist.
      - Required unless O(dockerfiles) is given; mutually exclusive with it.
    type: path
  dockerfiles:
    description:
      - Many Dockerfiles in one task, one entry per Dockerfile and build stage, with the per-file options of the
        single form. An option an entry omits falls back to the task's top-level value of that option (its
        default when not given), so options shared by every file are set once.
      - Entries naming the same file (after symbolic links) are applied one after the other and the file is
        written once. Two entries for the same stage of one file are refused, since each makes the stage's
        managed instructions exactly what it says.
      - Results come back in RV(dockerfiles), in the same order; the task is changed when any entry changed.
      - With C(--diff), one diff per changed file.
    type: list
    elements: dict
    suboptions:
      path:
        description: As O(path).
        type: path
        required: true
      stage:
        description: As O(stage).
        type: str
      iis_app_pools:
        description: As O(iis_app_pools).
        type: list
        elements: str
      windows_services:
        description: As O(windows_services).
        type: list
        elements: str
      user:
        description: As O(user).
        type: str
        choices: [network_service, local_system, unchanged]
      state:
        description: As O(state). A missing file with V(absent) is left missing and reported unchanged.
        type: str
        choices: [present, absent]
      backup:
        description: As O(backup).
        type: bool
  stage:
    description:
      - The build stage to edit, by name (the C(AS) name of its C(FROM), compared case-insensitively)
        or by 0-based index as in C(COPY --from=0). Negative indexes count from the end.
      - By default the final stage, the one that becomes the image.
    type: str
  iis_app_pools:
    description:
      - IIS application pools whose C(processModel.identityType) is set to C(NetworkService), with
        C(appcmd.exe set apppool) in one C(RUN) per pool.
      - The pools must exist by the time the C(RUN) runs, that is, be created earlier in the stage or
        in the base image (C(DefaultAppPool) exists in the C(mcr.microsoft.com/dotnet/framework/aspnet)
        and C(mcr.microsoft.com/windows/servercore/iis) images).
    type: list
    elements: str
    default: []
  windows_services:
    description:
      - Windows services configured to log on as C(NT AUTHORITY\NETWORK SERVICE), with
        C(sc.exe config) in one C(RUN) per service. Use the service name, not its display name.
      - The services must be installed earlier in the stage or in the base image.
    type: list
    elements: str
    default: []
  user:
    description:
      - The default user of the container, for console apps that are not IIS sites or Windows services.
      - V(network_service) adds C(USER "NT AUTHORITY\NETWORK SERVICE"); V(local_system) adds
        C(USER "NT AUTHORITY\SYSTEM").
      - V(unchanged) adds no C(USER) instruction, so the stage keeps the user it has (C(ContainerAdministrator)
        on Server Core, C(ContainerUser) on Nano Server, unless the Dockerfile sets another one).
      - Do not combine V(network_service) with an IIS image started by C(ServiceMonitor.exe), which needs
        administrator rights; use O(iis_app_pools) for IIS.
    type: str
    choices: [network_service, local_system, unchanged]
    default: unchanged
  state:
    description:
      - V(present) makes the managed instructions of the stage exactly those the options describe.
      - V(absent) removes every instruction this module manages in the stage, with its marker, and
        nothing else; the other options are then ignored.
    type: str
    choices: [present, absent]
    default: present
  backup:
    description:
      - Create a backup file including the timestamp information so you can get the original file back
        if you somehow clobbered it incorrectly.
    type: bool
    default: false
notes:
  - The file is read and written as UTF-8; line endings (LF or CRLF), a byte order mark and a missing final
    newline are kept.
  - The module edits text only; build the image and run the container with the credential spec to use the gMSA.
seealso:
  - name: Configure your app to use a gMSA
    description: Microsoft's guide to running IIS app pools, services and console apps as Network Service.
    link: https://learn.microsoft.com/en-us/virtualization/windowscontainers/manage-containers/gmsa-configure-app
"""

EXAMPLES = r"""
- name: Run the IIS app pools of the final stage as Network Service
  wincontainers.gmsa.dockerfile_identity:
    path: /src/webapp/Dockerfile
    iis_app_pools:
      - DefaultAppPool
      - Contoso.Orders

- name: Run a Windows service as Network Service, in the stage named runtime
  wincontainers.gmsa.dockerfile_identity:
    path: /src/worker/Dockerfile
    stage: runtime
    windows_services:
      - ContosoOrderProcessor
    backup: true

- name: Run a console app as Network Service
  wincontainers.gmsa.dockerfile_identity:
    path: /src/tool/Dockerfile
    user: network_service

- name: Every app's Dockerfile in one task, the shared options set once
  wincontainers.gmsa.dockerfile_identity:
    backup: true
    dockerfiles:
      - path: /src/webapp/Dockerfile
        iis_app_pools: [DefaultAppPool]
      - path: /src/worker/Dockerfile
        stage: runtime
        windows_services: [ContosoOrderProcessor]
      - path: /src/tool/Dockerfile
        user: network_service
  register: identity

- name: The Dockerfiles that changed
  ansible.builtin.debug:
    msg: "{{ identity.dockerfiles | selectattr('changed') | map(attribute='path') | list }}"

- name: Take the managed instructions out again
  wincontainers.gmsa.dockerfile_identity:
    path: /src/webapp/Dockerfile
    state: absent
"""

RETURN = r"""
stage:
  description: The build stage that was edited.
  returned: success, with O(path), when the Dockerfile exists
  type: dict
  contains:
    index:
      description: 0-based index of the stage.
      type: int
      sample: 1
    name:
      description: Name of the stage from C(FROM ... AS name), or V(null) for an unnamed stage.
      type: str
      sample: runtime
added:
  description: Instructions written by this run, each under its marker comment.
  returned: success, with O(path)
  type: list
  elements: str
  sample:
    - 'RUN ["C:\\Windows\\System32\\inetsrv\\appcmd.exe", "set", "apppool", "DefaultAppPool",
      "/processModel.identityType:NetworkService"]'
    - USER "NT AUTHORITY\NETWORK SERVICE"
removed:
  description: Managed instructions removed by this run (also those only moved to a new place).
  returned: success, with O(path)
  type: list
  elements: str
  sample:
    - 'RUN ["C:\\Windows\\System32\\sc.exe", "config", "OldService", "obj=", "NT AUTHORITY\\NETWORK SERVICE",
      "password=", ""]'
backup_file:
  description: Name of the backup file that was created.
  returned: changed and O(backup=true), with O(path)
  type: str
  sample: /src/webapp/Dockerfile.2417.2025-01-23@10:15:42~
dockerfiles:
  description:
    - With O(dockerfiles), one entry per O(dockerfiles) entry, in order, with RV(stage) (V(null) for a missing
      file with O(dockerfiles[].state=absent)), RV(added), RV(removed) and RV(backup_file) as above, plus the
      entry's C(path) as given and its own C(changed).
    - C(backup_file) is on the first entry of each file backed up (the file is backed up and written once).
  returned: success, with O(dockerfiles)
  type: list
  elements: dict
  sample:
    - path: /src/webapp/Dockerfile
      changed: true
      stage: {index: 0, name: null}
      added:
        - 'RUN ["C:\\Windows\\System32\\inetsrv\\appcmd.exe", "set", "apppool", "DefaultAppPool",
          "/processModel.identityType:NetworkService"]'
      removed: []
    - path: /src/tool/Dockerfile
      changed: false
      stage: {index: 0, name: null}
      added: []
      removed: []
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.wincontainers.gmsa.plugins.module_utils._bulk import entry_over_defaults
from ansible_collections.wincontainers.gmsa.plugins.module_utils._dockerfile import (
    DOCKERFILE_PARSE_IMPORT_ERROR,
    HAS_DOCKERFILE_PARSE,
    STATE_CHOICES,
    USER_CHOICES,
    BulkPlan,
    DockerfileEditError,
    FileRequest,
    plan,
    plan_files,
)

# The options of one Dockerfile: top-level in the single form, and per dockerfiles entry (falling back to the
# top-level value) in the bulk form.
FILE_OPTIONS = {
    "stage": {"type": "str"},
    "iis_app_pools": {"type": "list", "elements": "str", "default": []},
    "windows_services": {"type": "list", "elements": "str", "default": []},
    "user": {"type": "str", "choices": list(USER_CHOICES), "default": "unchanged"},
    "state": {"type": "str", "choices": list(STATE_CHOICES), "default": "present"},
    "backup": {"type": "bool", "default": False},
}


def argument_spec() -> dict:
    entry = {"path": {"type": "path", "required": True}}
    entry.update(
        {
            name: {key: value for key, value in option.items() if key != "default"}
            for name, option in FILE_OPTIONS.items()
        }
    )
    return {
        "path": {"type": "path"},
        **{name: dict(option) for name, option in FILE_OPTIONS.items()},
        "dockerfiles": {"type": "list", "elements": "dict", "options": entry},
    }


def file_requests(params: dict) -> list[FileRequest]:
    """One request per dockerfiles entry; options an entry omits come from the top level."""
    requests = []
    for entry in params["dockerfiles"]:
        values = entry_over_defaults(entry, params, FILE_OPTIONS)
        values.pop("backup")
        requests.append(FileRequest(path=entry["path"], real_path=os.path.realpath(entry["path"]), **values))
    return requests


def read_dockerfile(path: str) -> str | None:
    """The file's text, or None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DockerfileEditError(f"{path} is not UTF-8 text ({exc}); Docker expects UTF-8 Dockerfiles.") from exc


def write_dockerfile(module: AnsibleModule, path: str, text: str) -> None:
    """Write through a temporary file in the same directory, then rename it over the Dockerfile."""
    fd, tmp_path = tempfile.mkstemp(prefix=".dockerfile_identity.", suffix=".tmp", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
    except Exception:
        os.unlink(tmp_path)
        raise
    module.atomic_move(tmp_path, path)


def read_all(module: AnsibleModule, requests: list[FileRequest]) -> dict[str, str | None]:
    """Every file named once: real path -> text, or None when it does not exist. Fails on a directory."""
    texts: dict[str, str | None] = {}
    for request in requests:
        if request.real_path in texts:
            continue
        if os.path.isdir(request.real_path):
            module.fail_json(msg=f"{request.path} is a directory; give the path of the Dockerfile itself.")
        try:
            texts[request.real_path] = read_dockerfile(request.real_path)
        except DockerfileEditError as exc:
            module.fail_json(msg=f"{request.path}: {exc}")
        except OSError as exc:
            module.fail_json(msg=f"cannot read {request.path}: {to_native(exc)}")
    return texts


def write_all(module: AnsibleModule, bulk: BulkPlan, backup: dict[str, bool], results: list[dict]) -> None:
    """Write each changed file once (after a backup when one of its entries asks), noting backups in results."""
    written = []
    for item in bulk.files:
        if not item.changed or item.after is None:
            continue
        first = next(number for number, entry in enumerate(bulk.items) if entry.request.real_path == item.real_path)
        try:
            if backup[item.real_path]:
                results[first]["backup_file"] = module.backup_local(item.real_path)
            write_dockerfile(module, item.real_path, item.after)
        except OSError as exc:
            done = f" (already written: {', '.join(written)})" if written else " (no file was written)"
            module.fail_json(
                msg=f"cannot write {item.path}: {to_native(exc)}{done}", changed=bool(written), dockerfiles=results
            )
        written.append(item.path)


def run_many(module: AnsibleModule) -> None:
    """The bulk form: plan every entry, then write each changed file once."""
    requests = file_requests(module.params)
    texts = read_all(module, requests)
    try:
        bulk = plan_files(requests, texts)
    except DockerfileEditError as exc:
        module.fail_json(msg=f"{exc} No file was changed.")
    for warning in bulk.warnings:
        module.warn(warning)
    results = [item.result() for item in bulk.items]
    result: dict = {"changed": bulk.changed, "dockerfiles": results}
    if module._diff:
        result["diff"] = [
            {"before": item.before, "after": item.after, "before_header": item.path, "after_header": item.path}
            for item in bulk.files
            if item.changed
        ]
    if bulk.changed and not module.check_mode:
        backup = {}
        for entry, request in zip(module.params["dockerfiles"], requests):
            wanted = entry_over_defaults(entry, module.params, ["backup"])["backup"]
            backup[request.real_path] = backup.get(request.real_path, False) or wanted
        write_all(module, bulk, backup, results)
    module.exit_json(**result)


def main() -> None:
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_one_of=[("path", "dockerfiles")],
        mutually_exclusive=[("path", "dockerfiles")],
        supports_check_mode=True,
    )
    if not HAS_DOCKERFILE_PARSE:
        module.fail_json(msg=missing_required_lib("dockerfile-parse"), exception=DOCKERFILE_PARSE_IMPORT_ERROR)
    if module.params["dockerfiles"] is not None:
        run_many(module)
        return

    params = module.params
    path = os.path.realpath(params["path"])
    if os.path.isdir(path):
        module.fail_json(msg=f"{params['path']} is a directory; give the path of the Dockerfile itself.")

    try:
        before = read_dockerfile(path)
        if before is None:
            if params["state"] == "absent":
                module.exit_json(changed=False, stage=None, added=[], removed=[])
            module.fail_json(msg=f"{params['path']} does not exist; create the Dockerfile first.")
        edit = plan(
            before,
            stage=params["stage"],
            iis_app_pools=params["iis_app_pools"],
            windows_services=params["windows_services"],
            user=params["user"],
            state=params["state"],
        )
    except DockerfileEditError as exc:
        module.fail_json(msg=f"{params['path']}: {exc}")
    except OSError as exc:
        module.fail_json(msg=f"cannot read {params['path']}: {to_native(exc)}")

    for warning in edit.warnings:
        module.warn(warning)

    result = {
        "changed": edit.changed,
        "stage": {"index": edit.stage_index, "name": edit.stage_name},
        "added": edit.added,
        "removed": edit.removed,
    }
    if module._diff:
        result["diff"] = {
            "before": edit.before,
            "after": edit.after,
            "before_header": params["path"],
            "after_header": params["path"],
        }
    if edit.changed and not module.check_mode:
        if params["backup"]:
            result["backup_file"] = module.backup_local(path)
        try:
            write_dockerfile(module, path, edit.after)
        except OSError as exc:
            module.fail_json(msg=f"cannot write {params['path']}: {to_native(exc)}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
