# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning many Dockerfile edits at once (``dockerfile_identity``'s ``dockerfiles:``), on texts already read.

Each request is one entry: a Dockerfile and a build stage with the options of the single form. Entries naming
the same file (by real path) are planned one after the other on that file's text, so the file is written once
with every stage's edit. Two entries for the same stage of one file are refused: each makes the stage's managed
lines exactly what it says, so they would undo each other on every run. Everything is planned before anything
is written: one entry that cannot be edited fails the whole task with nothing changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import DockerfileEditError, Edit
from .planning import plan


@dataclass(frozen=True)
class FileRequest:
    """One ``dockerfiles`` entry. ``path`` as given (for messages and results), ``real_path`` for the file."""

    path: str
    real_path: str
    stage: str | None = None
    iis_app_pools: list[str] = field(default_factory=list)
    windows_services: list[str] = field(default_factory=list)
    user: str = "unchanged"
    state: str = "present"


@dataclass(frozen=True)
class ItemPlan:
    """The planned edit of one entry; ``edit`` is None for a missing file with ``state=absent``."""

    request: FileRequest
    edit: Edit | None

    @property
    def changed(self) -> bool:
        return self.edit is not None and self.edit.changed

    def result(self) -> dict:
        """The entry's result: path, stage ({index, name} or None), changed, added, removed."""
        edit = self.edit
        return {
            "path": self.request.path,
            "stage": None if edit is None else {"index": edit.stage_index, "name": edit.stage_name},
            "changed": self.changed,
            "added": [] if edit is None else edit.added,
            "removed": [] if edit is None else edit.removed,
        }


@dataclass(frozen=True)
class FilePlan:
    """One file's text before and after every entry naming it (``before`` None: the file does not exist)."""

    path: str
    real_path: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class BulkPlan:
    """Every entry's plan in the order given, and every file once, in the order first named."""

    items: list[ItemPlan]
    files: list[FilePlan]

    @property
    def changed(self) -> bool:
        return any(item.changed for item in self.items)

    @property
    def warnings(self) -> list[str]:
        """The backend's warnings, each prefixed with the entry's path (and its stage, when the entry names one)."""
        found = []
        for item in self.items:
            for warning in item.edit.warnings if item.edit else []:
                where = (
                    item.request.path
                    if item.request.stage is None
                    else f"{item.request.path} stage {item.request.stage}"
                )
                found.append(f"{where}: {warning}")
        return found


def plan_files(requests: list[FileRequest], texts: Mapping[str, str | None]) -> BulkPlan:
    """Plan every request on ``texts`` (real path -> file text, or None when the file does not exist).

    Raises DockerfileEditError naming the entry (``dockerfiles[i]``, 0-based, and its path) when an entry cannot
    be planned: missing files with ``state=present`` (all of them named at once), any error of ``plan``, or a
    stage already edited by an earlier entry for the same file.
    """
    missing = [
        f"dockerfiles[{number}] ({request.path})"
        for number, request in enumerate(requests)
        if texts[request.real_path] is None and request.state == "present"
    ]
    if missing:
        verb = "does not exist" if len(missing) == 1 else "do not exist"
        raise DockerfileEditError(
            f"{', '.join(missing)} {verb}; check the paths, create the Dockerfiles first, or use state absent for "
            "Dockerfiles that may be gone."
        )
    current = dict(texts)
    first_path: dict[str, str] = {}
    stage_owner: dict[tuple[str, int], int] = {}
    items = []
    for number, request in enumerate(requests):
        where = f"dockerfiles[{number}] ({request.path})"
        first_path.setdefault(request.real_path, request.path)
        text = current[request.real_path]
        if text is None:  # state absent: nothing to remove
            items.append(ItemPlan(request, None))
            continue
        try:
            edit = plan(
                text,
                stage=request.stage,
                iis_app_pools=request.iis_app_pools,
                windows_services=request.windows_services,
                user=request.user,
                state=request.state,
            )
        except DockerfileEditError as exc:
            raise DockerfileEditError(f"{where}: {exc}") from exc
        owner = stage_owner.setdefault((request.real_path, edit.stage_index), number)
        if owner != number:
            raise DockerfileEditError(
                f"dockerfiles[{owner}] and dockerfiles[{number}] both edit stage {edit.stage_index} of {request.path}; "
                "merge them into one entry (each makes the stage's managed lines exactly what it says)."
            )
        current[request.real_path] = edit.after
        items.append(ItemPlan(request, edit))
    files = [FilePlan(path, real_path, texts[real_path], current[real_path]) for real_path, path in first_path.items()]
    return BulkPlan(items, files)
