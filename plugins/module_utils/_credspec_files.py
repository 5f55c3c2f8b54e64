# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where ``credential_spec`` writes its files, and how: atomically, only when the content differs.

The module's files are a credential spec (compared as JSON data, ``_credspec.needs_write``) and a Kubernetes
manifest (compared by its text, which ``_k8s.render_manifest`` makes deterministic). Both go through
``place_file``: rendered to a temporary file in the same folder, then renamed over the old one with
``AnsibleModule.atomic_move``, which keeps the file's ownership and SELinux context; mode, owner and group come
from the task's file options.

The functions that touch the disk take the ``AnsibleModule`` and use only ``check_mode``, ``_diff``,
``params["unsafe_writes"]``, ``atomic_move``, ``backup_local``, ``load_file_common_arguments`` and
``set_fs_attributes_if_different``; the path rules are pure.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from ._credspec import CredentialSpecError, safe_join
from ._credspec_refs import credential_spec_reference, security_opt
from ._errors import GmsaError

# Folders the module creates (create_folders) get what ``mkdir -p`` gives them, at most rwxr-xr-x.
FOLDER_MODE = 0o755


def checked_filename(dest: str | None, filename: str) -> str:
    """The file name option, checked to stay inside ``dest``, with ``.json`` appended as New-CredentialSpec does."""
    folder = dest or "dest"
    safe_join(folder, filename)  # before appending: ".." must fail, not become "...json"
    named = filename if filename.lower().endswith(".json") else f"{filename}.json"
    safe_join(folder, named)
    return named


def check_folder(folder: str, what: str, create: bool) -> None:
    """Fail unless ``folder`` exists or may be created (``create``); a file in its place always fails."""
    if os.path.isdir(folder):
        return
    if create and not os.path.lexists(folder):
        return
    if create:
        raise CredentialSpecError(f"{what} {folder} exists and is not a folder.", "Remove it or choose another folder.")
    raise CredentialSpecError(
        f"{what} {folder} is not an existing folder.",
        "Create it first (ansible.builtin.file with state: directory), or set create_folders: true.",
    )


class CheckedFolders:
    """``check_folder`` for the specs of one task, once per folder: a fleet's hundreds of files share one or two
    folders, whose state does not change while the task plans (it writes only after planning every spec)."""

    def __init__(self) -> None:
        self._checked: set[tuple[str, str, bool]] = set()

    def check(self, folder: str, what: str, create: bool) -> None:
        key = (folder, what, create)
        if key not in self._checked:
            check_folder(folder, what, create)
            self._checked.add(key)


def real_path(path: str, folders: dict[str, str]) -> str:
    """``os.path.realpath(path)``, resolving each folder once (``folders`` remembers them): the path's own name
    is only resolved when it is a symbolic link. A fleet's files share their folders."""
    folder, name = os.path.split(path)
    if name in ("", ".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    if folder not in folders:
        folders[folder] = os.path.realpath(folder or ".")
    return os.path.join(folders[folder], name)


def target_path(
    path: str | None, dest: str | None, filename: str, create: bool = False, folders: CheckedFolders | None = None
) -> str | None:
    """The spec file's path from ``dest`` + ``filename`` or ``path`` (None when the spec is only returned).

    The folder must exist unless ``create`` (the module then makes it before writing). ``folders`` spares the
    checks of a folder already checked for another spec of the task.
    """
    checked = folders or CheckedFolders()
    if path:
        if os.path.isdir(path):
            raise CredentialSpecError(
                f"path {path} is a directory.", "Give the file's full path, or the folder as dest."
            )
        folder = os.path.dirname(path) or "."
        if not create and not os.path.isdir(folder):
            raise CredentialSpecError(f"The folder of path {path} does not exist.", "Create it first.")
        checked.check(folder, "The folder of path", create)
        return path
    if not dest:
        return None
    if not create and not os.path.isdir(dest):
        raise CredentialSpecError(
            f"dest {dest} is not an existing folder.",
            "Create it first (ansible.builtin.file with state: directory), or give the file's full path as path.",
        )
    checked.check(dest, "dest", create)
    return contained_path(dest, filename)


def contained_path(dest: str, filename: str) -> str:
    """``dest``/``filename``, refusing a plain-file-name rule breach or a symbolic link that leads out of ``dest``."""
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
    """``credentialspec=file://<name>``: relative to a ``CredentialSpecs`` folder in ``path``, else the file name."""
    if path is not None:
        try:
            return security_opt(credential_spec_reference(path))
        except CredentialSpecError:
            pass  # not under a CredentialSpecs folder: Docker will see the file by its name once copied there
    return security_opt(filename)


def read_text(path: str) -> str | None:
    """A file's text (UTF-8, undecodable bytes replaced), or None when it does not exist."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise CredentialSpecError(f"{path} is a directory.", "Remove it or choose another name.") from None
    except OSError as exc:
        raise CredentialSpecError(
            f"Cannot read {path}: {exc.strerror or exc}.",
            "Check the file's permissions and that the task runs with become if the folder needs it.",
        ) from None


def make_folder(module: Any, folder: str) -> None:
    """Create ``folder`` and its missing parents (not in check mode), as ``mkdir -p`` with mode 0755."""
    if module.check_mode or os.path.isdir(folder):
        return
    try:
        os.makedirs(folder, FOLDER_MODE, exist_ok=True)
    except OSError as exc:
        raise GmsaError(f"Cannot create folder {folder}: {exc}.", "Check the permissions of its parent.") from None


def _write(module: Any, path: str, text: str) -> None:
    """Write through a temporary file in the same folder, then rename it over ``path``."""
    fd, tmp_path = tempfile.mkstemp(prefix=".credential_spec.", suffix=".tmp", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("ascii"))
    except Exception:
        os.unlink(tmp_path)
        raise
    module.atomic_move(tmp_path, path, unsafe_writes=module.params["unsafe_writes"])


def place_file(
    module: Any, path: str, text: str, changed: bool, before: str | None, backup: bool, what: str = "credential spec"
) -> dict[str, Any]:
    """Write ``text`` (ASCII) to ``path`` when ``changed`` and apply mode/owner/group; return the file's result.

    ``before`` is the file's current text (None: missing), for the diff and the backup decision. The result holds
    ``changed`` and, as they apply, ``diff`` and ``backup_file``.
    """
    result: dict[str, Any] = {"changed": changed}
    if changed and module._diff:
        result["diff"] = {"before": before or "", "after": text, "before_header": path, "after_header": path}
    if changed and not module.check_mode:
        if backup and before is not None:
            result["backup_file"] = module.backup_local(path)
        try:
            _write(module, path, text)
        except OSError as exc:
            raise GmsaError(f"Cannot write {what} {path}: {exc}.") from None
    if os.path.exists(path):
        file_args = module.load_file_common_arguments(module.params, path=path)
        result["changed"] = module.set_fs_attributes_if_different(file_args, result["changed"])
    return result


def remove_file(module: Any, path: str, backup: bool, what: str = "credential spec") -> dict[str, Any]:
    """Remove ``path`` if it exists (a folder fails); the result: ``changed``, maybe ``diff`` and ``backup_file``."""
    if os.path.isdir(path) and not os.path.islink(path):
        raise CredentialSpecError(
            f"{what.capitalize()} path {path} is a directory.", "Remove it or choose another name."
        )
    if not os.path.lexists(path):
        return {"changed": False}
    result: dict[str, Any] = {"changed": True}
    if module._diff:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                before = handle.read()
        except OSError:
            before = ""
        result["diff"] = {"before": before, "after": "", "before_header": path, "after_header": path}
    if not module.check_mode:
        if backup and os.path.isfile(path):
            result["backup_file"] = module.backup_local(path)
        try:
            os.remove(path)
        except OSError as exc:
            raise GmsaError(f"Cannot remove {what} {path}: {exc}.") from None
    return result
