# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One ``credential_spec`` task: one spec (the top-level options) or many (``specs:``), end to end.

1. ``spec_requests`` (pure) merges each ``specs`` entry with the top-level options (an option an entry omits
   falls back to the task's value) and checks everything that needs no AD: names, files, Kubernetes names,
   duplicates. Bad input fails here, before any connection.
2. ``converge_specs`` reads AD once for all the specs (``_credspec_ad.read_spec_sources``: the domain facts once
   and one gMSA search per domain), builds every spec, file name, path and Kubernetes manifest, and checks that
   no two specs write one file; only then does it write (``_credspec_files``), each file atomically and only when
   its content differs. Results come back per spec, in request order.

The per-spec result has the keys of the single form's result (``credential_spec``, ``filename``,
``security_opt``, ``path``, ``kubernetes_resource``, ``kubernetes_rbac``, ``backup_file``, ``changed``) and, with
``kubernetes_dest``, ``kubernetes_manifest`` and ``kubernetes_manifest_changed``. ``changed`` covers both files;
``credential_spec_changed`` is the spec file's own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import _credspec_files as files
from ._bulk import entry_over_defaults
from ._credspec import (
    CredentialSpecError,
    account_name,
    build_credential_spec,
    build_host_account_config,
    default_filename,
    needs_write,
    render_credential_spec,
)
from ._credspec_ad import AccountRequest, Forest, SpecAccounts, parse_account_requests, read_spec_sources
from ._errors import GmsaError
from ._k8s import default_resource_name, dns1123_label, dns1123_subdomain, manifest_documents, render_manifest

# The options of one spec, at the top level and per ``specs`` entry. The ones in PER_SPEC_ONLY name one spec
# and cannot be shared defaults of many.
SPEC_OPTIONS = (
    "account",
    "domain",
    "additional_accounts",
    "host_account_config",
    "dest",
    "filename",
    "path",
    "state",
    "backup",
    "kubernetes_resource_name",
    "kubernetes_service_account",
    "kubernetes_namespace",
    "kubernetes_dest",
)
PER_SPEC_ONLY = ("account", "filename", "path", "kubernetes_resource_name")
MANIFEST_SUFFIX = ".yml"
# missing_account_action: what a spec whose gMSA does not exist does (fail the task, or skip the spec).
MISSING_ACCOUNT_ACTIONS = ("fail", "warn", "ignore")


@dataclass(frozen=True)
class SpecRequest:
    """One spec of the task, checked: what to build and where to write it.

    ``where`` prefixes messages (``specs[2] (WebApp03): `` in the bulk form, empty in the single form);
    ``filename`` is the checked file name option (``.json`` appended) or None for the default name.
    """

    where: str
    account: str
    domain: str | None
    additional_accounts: tuple[AccountRequest, ...]
    host_account_config: Mapping[str, Any] | None
    dest: str | None
    filename: str | None
    path: str | None
    state: str
    backup: bool
    kubernetes_resource_name: str | None
    kubernetes_service_account: str
    kubernetes_namespace: str
    kubernetes_dest: str | None

    @property
    def needs_ad(self) -> bool:
        """Whether AD must be read: a present spec, or a removal that needs the NetBIOS name of its file name."""
        return self.state == "present" or not (self.path or self.filename)

    @property
    def manifest_path(self) -> str | None:
        if self.kubernetes_dest is None or self.kubernetes_resource_name is None:
            return None
        return files.contained_path(self.kubernetes_dest, self.kubernetes_resource_name + MANIFEST_SUFFIX)


def _entries(params: Mapping[str, Any]) -> tuple[list[Mapping[str, Any]], bool]:
    if params.get("specs") is None:
        return [{}], False
    return list(params["specs"]), True


def _merged(entry: Mapping[str, Any], params: Mapping[str, Any], bulk: bool) -> dict[str, Any]:
    """An entry's options over the task's. In the bulk form an entry's own ``path`` replaces a shared ``dest``.
    A spec with ``kubernetes_dest`` and no ``kubernetes_resource_name`` gets ``_k8s.default_resource_name``."""
    values = entry_over_defaults(entry, params, SPEC_OPTIONS)
    if bulk and entry.get("path") is not None:
        if entry.get("dest") is not None:
            raise CredentialSpecError("parameters are mutually exclusive: dest|path.", "Give one of them.")
        values["dest"] = None  # the entry's own path wins over a shared dest
    if values["kubernetes_dest"] is not None and values["kubernetes_resource_name"] is None:
        account_name(values["account"])  # a bad account name fails as such, not as a bad Kubernetes name
        values["kubernetes_resource_name"] = default_resource_name(values["account"])
    return values


def _request(values: Mapping[str, Any], where: str) -> SpecRequest:
    """Every check the single form made before connecting, on one merged spec."""
    account_name(values["account"])
    additional = parse_account_requests(values["additional_accounts"])
    if values["host_account_config"] is not None:
        build_host_account_config(values["host_account_config"])  # a bad GUID or input fails before any connection
    if values["kubernetes_resource_name"] is not None:
        dns1123_subdomain(values["kubernetes_resource_name"], "kubernetes_resource_name")
        dns1123_subdomain(values["kubernetes_service_account"], "kubernetes_service_account")
        dns1123_label(values["kubernetes_namespace"], "kubernetes_namespace")
    filename = None
    if values["filename"]:
        if not values["dest"]:
            raise CredentialSpecError("missing parameter(s) required by 'filename': dest.", "Give dest, the folder.")
        filename = files.checked_filename(values["dest"], values["filename"])
    if values["state"] == "absent" and not values["dest"] and not values["path"]:
        raise CredentialSpecError("state absent needs dest or path: the file to remove.")
    return SpecRequest(
        where=where,
        account=values["account"],
        domain=values["domain"],
        additional_accounts=tuple(additional),
        host_account_config=values["host_account_config"],
        dest=values["dest"],
        filename=filename,
        path=values["path"],
        state=values["state"],
        backup=bool(values["backup"]),
        kubernetes_resource_name=values["kubernetes_resource_name"],
        kubernetes_service_account=values["kubernetes_service_account"],
        kubernetes_namespace=values["kubernetes_namespace"],
        kubernetes_dest=values["kubernetes_dest"],
    )


def _located(error: GmsaError, where: str) -> GmsaError:
    """``error`` with its message prefixed by the spec it is about (the bulk form's ``specs[i] (name): ``)."""
    if not where:
        return error
    return type(error)(where + error.message, error.hint, **error.details)


def spec_requests(params: Mapping[str, Any]) -> list[SpecRequest]:
    """The task's specs, merged and checked, in order; pure. Raises CredentialSpecError naming the spec.

    ``params`` are the module's parameters: the single form's options, or ``specs`` with the top-level options as
    defaults. Two specs may not share a Kubernetes resource name (one cluster-scoped object each).
    """
    entries, bulk = _entries(params)
    requests = []
    for index, entry in enumerate(entries):
        where = f"specs[{index}] ({entry.get('account')}): " if bulk else ""
        try:
            requests.append(_request(_merged(entry, params, bulk), where))
        except GmsaError as exc:
            raise _located(exc, where) from None
    _refuse_twice(
        [(r.kubernetes_resource_name, r) for r in requests if r.state == "present" and r.kubernetes_resource_name],
        "kubernetes_resource_name",
        "Give each spec its own GMSACredentialSpec name.",
    )
    return requests


def _refuse_twice(keyed: Sequence[tuple[str, SpecRequest]], what: str, hint: str) -> None:
    seen: dict[str, SpecRequest] = {}
    for key, request in keyed:
        first = seen.setdefault(key, request)
        if first is not request:
            raise CredentialSpecError(
                f"{request.where}{what} {key} is also the {what} of {first.where.rstrip(': ') or 'another spec'}.", hint
            )


# -- the task -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileAction:
    """What one file of a spec needs: ``text`` to hold (None: removal), whether it differs, its current text."""

    role: str  # "spec" or "manifest"
    path: str
    text: str | None
    changed: bool
    before: str | None

    @property
    def what(self) -> str:
        return "credential spec" if self.role == "spec" else "Kubernetes manifest"


@dataclass
class Planned:
    """One spec built and its files compared, before anything is written: its result so far and its files."""

    request: SpecRequest
    result: dict[str, Any]
    files: list[FileAction]


def _plan_skipped(request: SpecRequest, source: Any, create: bool, folders: files.CheckedFolders) -> Planned:
    """A spec left alone because an account it names does not exist: no file is read, written or removed."""
    filename = request.filename or (os.path.basename(request.path) if request.path else None)
    filename = filename or default_filename(source.domain, request.account)
    path = files.target_path(request.path, request.dest, filename, create, folders)
    result: dict[str, Any] = {
        "filename": filename,
        "security_opt": files.docker_reference(path, filename),
        "skipped": True,
        "skip_reason": "; ".join(source.missing) + ".",
    }
    return Planned(request, result, [])


def _plan_present(request: SpecRequest, source: Any, create: bool, folders: files.CheckedFolders) -> Planned:
    if source.missing:
        return _plan_skipped(request, source, create, folders)
    spec = build_credential_spec(
        request.account,
        source.domain,
        source.additional_accounts,
        host_account_config=request.host_account_config,
    )
    filename = request.filename or (os.path.basename(request.path) if request.path else None)
    filename = filename or default_filename(source.domain, request.account)
    path = files.target_path(request.path, request.dest, filename, create, folders)
    result: dict[str, Any] = {
        "credential_spec": spec,
        "filename": filename,
        "security_opt": files.docker_reference(path, filename),
    }
    actions = []
    manifest = None
    if request.kubernetes_resource_name is not None:
        # Built before anything is written: a spec the CRD cannot hold fails without touching the files.
        documents = manifest_documents(
            request.kubernetes_resource_name, spec, request.kubernetes_service_account, request.kubernetes_namespace
        )
        result["kubernetes_resource"], result["kubernetes_rbac"] = documents[0], documents[1:]
        if request.kubernetes_dest is not None:
            folders.check(request.kubernetes_dest, "kubernetes_dest", create)
            manifest = render_manifest(documents, _manifest_header(request, source.domain.dns_name))
    if path is not None:
        changed, before = needs_write(path, spec)
        actions.append(FileAction("spec", path, render_credential_spec(spec), changed, before))
    manifest_path = request.manifest_path
    if manifest is not None and manifest_path is not None:
        before = files.read_text(manifest_path)
        actions.append(FileAction("manifest", manifest_path, manifest, before != manifest, before))
    return Planned(request, result, actions)


def _manifest_header(request: SpecRequest, domain: str) -> str:
    return (
        f"GMSACredentialSpec {request.kubernetes_resource_name} of gMSA {account_name(request.account)} "
        f"({domain}), usable by ServiceAccount {request.kubernetes_namespace}/{request.kubernetes_service_account}.\n"
        "Written by wincontainers.gmsa.credential_spec. Needs the gMSA webhook and CRD of kubernetes-sigs/windows-gmsa."
    )


def _removal(role: str, path: str) -> FileAction:
    if os.path.isdir(path) and not os.path.islink(path):
        what = "Credential spec" if role == "spec" else "Kubernetes manifest"
        raise CredentialSpecError(f"{what} path {path} is a directory.", "Remove it or choose another name.")
    return FileAction(role, path, None, os.path.lexists(path), None)


def _plan_absent(request: SpecRequest, forest: Forest | None) -> Planned:
    if request.filename:
        filename = request.filename
    elif request.path:
        filename = os.path.basename(request.path)
    elif forest is not None:  # needs_ad: the module connected
        filename = default_filename(forest.find(request.domain).identity, request.account)
    else:
        raise GmsaError("The default file name needs the domain's NetBIOS name, but no domain controller was read.")
    # A missing folder holds no spec: nothing to remove (as ansible.builtin.file state=absent), not an error.
    path = files.target_path(request.path, request.dest, filename, create=True)
    result: dict[str, Any] = {"filename": filename, "security_opt": files.docker_reference(path, filename)}
    actions = [_removal("spec", path)] if path is not None else []
    if request.manifest_path is not None:
        actions.append(_removal("manifest", request.manifest_path))
    return Planned(request, result, actions)


def plan_specs(
    client: Any, requests: Sequence[SpecRequest], create: bool = False, skip_missing: bool = False
) -> list[Planned]:
    """Read AD once for every spec, build each one and compare its files; nothing is written.

    ``client`` may be None when no request needs AD. Raises GmsaError (CredentialSpecError naming the spec for
    bad input, and when two specs would write one file). A present spec naming a gMSA that does not exist fails
    the task, or with ``skip_missing`` is planned as skipped (``skipped`` and ``skip_reason`` in its result).
    """
    forest = Forest(client) if client is not None else None
    present = [r for r in requests if r.state == "present"]
    accounts = [SpecAccounts(r.account, r.domain, r.additional_accounts) for r in present]
    sources = iter(read_spec_sources(client, accounts, forest, skip_missing) if present else ())
    folders = files.CheckedFolders()
    planned = []
    for request in requests:
        try:
            if request.state == "present":
                planned.append(_plan_present(request, next(sources), create, folders))
            else:
                planned.append(_plan_absent(request, forest))
        except GmsaError as exc:
            raise _located(exc, request.where) from None
    real_folders: dict[str, str] = {}
    targets = [(files.real_path(action.path, real_folders), item.request) for item in planned for action in item.files]
    _refuse_twice(targets, "file", "Give each spec its own file (filename or path) and Kubernetes resource name.")
    return planned


def _apply(module: Any, planned: Planned, create: bool) -> dict[str, Any]:
    """Write or remove the files of one planned spec; its result, with ``changed`` and maybe ``diff``."""
    result = dict(planned.result)
    diffs = []
    changed = False
    for action in planned.files:
        if action.text is None:
            placed = files.remove_file(module, action.path, planned.request.backup, action.what)
        else:
            if create and action.changed:
                files.make_folder(module, os.path.dirname(action.path) or ".")
            backup = planned.request.backup and action.role == "spec"
            placed = files.place_file(
                module, action.path, action.text, action.changed, action.before, backup, action.what
            )
        if "diff" in placed:
            diffs.append(placed.pop("diff"))
        if action.role == "spec":
            result["path"] = action.path
            result["credential_spec_changed"] = placed["changed"]
            if "backup_file" in placed:
                result["backup_file"] = placed["backup_file"]
        else:
            result["kubernetes_manifest"] = action.path
            result["kubernetes_manifest_changed"] = placed["changed"]
        changed = changed or placed["changed"]
    result["changed"] = changed
    if diffs:
        result["diff"] = diffs[0] if len(diffs) == 1 else diffs
    return result


def converge_specs(module: Any, client: Any, requests: Sequence[SpecRequest]) -> list[dict[str, Any]]:
    """Build every spec (``plan_specs``), then write or remove each file that differs, spec by spec.

    ``module`` is the AnsibleModule (check and diff mode, file options, ``create_folders``,
    ``missing_account_action``). Returns one result per request, in order, each with ``changed`` and, in diff
    mode, ``diff`` (one dict, or a list when both the spec file and the manifest changed). With
    ``missing_account_action=warn`` one warning names the specs skipped for a gMSA that does not exist.
    """
    create = bool(module.params.get("create_folders"))
    action = module.params.get("missing_account_action") or "fail"
    planned = plan_specs(client, requests, create, skip_missing=action != "fail")
    skipped = [f"{item.request.where}{item.result['skip_reason']}" for item in planned if "skip_reason" in item.result]
    if skipped and action == "warn":
        module.warn(f"Skipped {len(skipped)} credential spec(s) whose gMSA does not exist: " + " ".join(skipped))
    return [_apply(module, item, create) for item in planned]
