# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a parsed Dockerfile and a planned edit are made of: instructions, stages, managed lines, the edit."""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import normalise


class DockerfileEditError(Exception):
    """The Dockerfile cannot be edited safely; the message says why and what to do."""


@dataclass(frozen=True)
class Instruction:
    keyword: str
    startline: int  # 0-based, inclusive
    endline: int  # 0-based, inclusive
    value: str
    content: str


@dataclass
class Stage:
    """One build stage. ``image`` is its FROM as written, ``from_image`` the same with the global ARGs
    substituted; ``parent`` is the index of the earlier stage it is built on (``FROM <stage name>``), else
    None; ``base_image`` is the external image at the root of that chain."""

    index: int
    name: str | None
    image: str
    first_line: int  # the FROM line
    last_line: int  # the line before the next FROM, or the last line of the file
    instructions: list[Instruction] = field(default_factory=list)
    from_image: str = ""
    parent: int | None = None
    base_image: str = ""

    def contains_line(self, line: int) -> bool:
        return self.first_line <= line <= self.last_line


@dataclass(frozen=True)
class StageState:
    """What a stage's image carries at a point of the build, as Docker passes it from stage to stage.

    ``base_image`` is the external image at the root of the FROM chain; ``user``, ``shell``, ``entrypoint``
    and ``cmd`` the last USER, SHELL, ENTRYPOINT and CMD values in effect (None: the base image's own).
    ``image_entrypoint`` says the base image's own ENTRYPOINT is ServiceMonitor.exe. ``cmd_set`` tells
    whether the current stage set CMD itself: Docker resets an inherited CMD when a stage sets ENTRYPOINT,
    not one the same stage set (Dockerfile reference, "Understand how CMD and ENTRYPOINT interact").
    """

    base_image: str
    user: str | None = None
    shell: str | None = None
    entrypoint: str | None = None
    cmd: str | None = None
    image_entrypoint: bool = False
    cmd_set: bool = False


@dataclass(frozen=True)
class ManagedInstruction:
    """A marker comment and the instruction directly under it (None when nothing follows it)."""

    marker_line: int
    instruction: Instruction | None
    intact: bool

    @property
    def lines(self) -> range:
        end = self.instruction.endline if self.instruction else self.marker_line
        return range(self.marker_line, end + 1)

    @property
    def text(self) -> str:
        return normalise(self.instruction.content) if self.instruction else ""


@dataclass
class ParsedDockerfile:
    lines: list[str]
    newline: str
    escape: str
    stages: list[Stage]
    managed: list[ManagedInstruction]


@dataclass
class Edit:
    """The outcome of planning: the text before and after, and what changed."""

    before: str
    after: str
    stage_index: int
    stage_name: str | None
    added: list[str]
    removed: list[str]
    warnings: list[str]

    @property
    def changed(self) -> bool:
        return self.before != self.after
