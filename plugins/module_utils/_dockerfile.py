# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Edit a Windows Dockerfile so the app runs under the container's gMSA identity.

A container with a gMSA authenticates on the network as that account only from processes running as
Local System or Network Service ("Configure your app to use a gMSA", Microsoft Learn). This backend
adds, per build stage, the instructions that get the app there:

* one ``RUN`` per IIS application pool, setting ``processModel.identityType`` to ``NetworkService``;
* one ``RUN`` per Windows service, setting its logon account to ``NT AUTHORITY\\NETWORK SERVICE``;
* optionally a ``USER`` switching the container's default user.

Every instruction it writes sits directly under a marker comment carrying a checksum of that
instruction, so a later run finds exactly its own lines (to keep, replace or remove them) and notices
when someone edited them by hand.

Everything here works on text; reading and writing the file is the module's job. Parsing uses
``dockerfile-parse`` and adds the checks that library lacks, so a file it would misread is refused
rather than edited.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import traceback
from dataclasses import dataclass, field, replace

try:
    from dockerfile_parse import DockerfileParser
    from dockerfile_parse.parser import image_from
except ImportError:
    HAS_DOCKERFILE_PARSE = False
    DOCKERFILE_PARSE_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_DOCKERFILE_PARSE = True
    DOCKERFILE_PARSE_IMPORT_ERROR = None

MARKER_TEXT = "managed by wincontainers.gmsa.dockerfile_identity"
_MARKER_RE = re.compile(r"^\s*#\s*managed by wincontainers\.gmsa\.dockerfile_identity\b(?P<rest>.*?)\s*$")
_CHECKSUM_RE = re.compile(r"^\s*\(sha256:(?P<digest>[0-9a-f]{12})\)$")

# Absolute paths because the exec (JSON) form runs no shell, so nothing expands %windir% or $env:windir.
# Every Windows container image (nanoserver, servercore, server, windows) has its system root at C:\Windows.
APPCMD = "C:\\Windows\\System32\\inetsrv\\appcmd.exe"
SC = "C:\\Windows\\System32\\sc.exe"
NETWORK_SERVICE = "NT AUTHORITY\\NETWORK SERVICE"
LOCAL_SYSTEM = "NT AUTHORITY\\SYSTEM"

USER_CHOICES = ("network_service", "local_system", "unchanged")
STATE_CHOICES = ("present", "absent")
_USER_ACCOUNTS = {"network_service": NETWORK_SERVICE, "local_system": LOCAL_SYSTEM}

# Accounts that may reconfigure IIS and the Service Control Manager during the build.
_ADMIN_USERS = frozenset({"containeradministrator", "administrator", "nt authority\\system"})

_KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)  # fmt: skip
# The managed block goes after the last instruction that changes the filesystem or the build user:
# a later RUN would otherwise run as Network Service, a later COPY of applicationHost.config would undo
# the app pool setting, and a later USER would override ours.
_ANCHOR_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD", "USER"})
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
# Microsoft's IIS images whose ENTRYPOINT is C:\ServiceMonitor.exe w3svc.
_SERVICEMONITOR_IMAGES = ("mcr.microsoft.com/dotnet/framework/aspnet", "mcr.microsoft.com/windows/servercore/iis")
# Docker's heredoc word: optional fd, <<, optional -, optional quote, a name (Dockerfile reference, "Here-Documents").
_HEREDOC_RE = re.compile(r"(?:^|\s)\d*<<-?[\"']?[A-Za-z][A-Za-z0-9]*")
# Parser directives as Docker reads them (Dockerfile reference, "Parser directives").
_DIRECTIVE_RE = re.compile(r"^\s*#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.+?)\s*$")
_DOCKER_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_LIBRARY_DIRECTIVES = frozenset({"syntax", "escape"})
_NAME_FORBIDDEN_RE = re.compile(r"[\x00-\x1f\x7f\"]")
_BOM = "\ufeff"


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
        return _normalise(self.instruction.content) if self.instruction else ""


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


# ---------------------------------------------------------------------------------------------------------
# Rendering of the managed instructions


def checksum(instruction_text: str) -> str:
    """Short digest tying a marker to the instruction under it; any hand edit changes it."""
    return hashlib.sha256(_normalise(instruction_text).encode("utf-8")).hexdigest()[:12]


def marker_for(instruction_text: str) -> str:
    return f"# {MARKER_TEXT} (sha256:{checksum(instruction_text)})"


def _exec_form(keyword: str, argv: list[str]) -> str:
    # The JSON form is parsed as JSON whatever the escape directive is, and runs argv without any shell,
    # so it behaves the same under cmd, powershell, pwsh or a SHELL inherited from the base image.
    return f"{keyword} {json.dumps(argv, ensure_ascii=False)}"


def app_pool_instruction(pool: str) -> str:
    return _exec_form("RUN", [APPCMD, "set", "apppool", pool, "/processModel.identityType:NetworkService"])


def service_instruction(service: str) -> str:
    return _exec_form("RUN", [SC, "config", service, "obj=", NETWORK_SERVICE, "password=", ""])


def user_instruction(user: str) -> str:
    # Double quotes keep the backslash literal under the default escape character too: inside quotes
    # Docker only treats the escape character as special before a quote, "$" or itself.
    return f'USER "{_USER_ACCOUNTS[user]}"'


def desired_instructions(iis_app_pools: list[str], windows_services: list[str], user: str) -> list[str]:
    """The managed instructions for a stage, in the order they are written."""
    wanted = [app_pool_instruction(pool) for pool in _unique(_checked_names(iis_app_pools, "iis_app_pools"))]
    wanted += [service_instruction(svc) for svc in _unique(_checked_names(windows_services, "windows_services"))]
    if user != "unchanged":
        wanted.append(user_instruction(user))
    return wanted


def _checked_names(names: list[str], option: str) -> list[str]:
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise DockerfileEditError(f"{option}: names must be non-empty strings, got {name!r}.")
        if _NAME_FORBIDDEN_RE.search(name):
            raise DockerfileEditError(
                f"{option}: {name!r} contains a double quote or a control character, which IIS and the "
                "Service Control Manager do not allow in names; check the spelling."
            )
        if option == "windows_services" and ("/" in name or "\\" in name):
            raise DockerfileEditError(f"{option}: {name!r} is not a valid service name (no '/' or '\\' allowed).")
    return names


def _unique(names: list[str]) -> list[str]:
    # IIS app pool and service names are case-insensitive; keep the first spelling.
    seen: set[str] = set()
    result = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    return result


# ---------------------------------------------------------------------------------------------------------
# Parsing


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on LF only, as Docker and dockerfile-parse count them."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _newline_of(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\n"):
            return "\r\n" if line.endswith("\r\n") else "\n"
    return "\n"


def _strip_newline(line: str) -> str:
    return line[:-2] if line.endswith("\r\n") else line.removesuffix("\n")


def _escape_character(lines: list[str]) -> str:
    """Read the parser directives as Docker does, and refuse layouts dockerfile-parse would misread."""
    escape = "\\"
    seen: list[str] = []
    for number, line in enumerate(lines):
        text = line.lstrip(_BOM) if number == 0 else line
        match = _DIRECTIVE_RE.match(_strip_newline(text))
        if not match or match.group(1).lower() not in _DOCKER_DIRECTIVES:
            break
        key, value = match.group(1).lower(), match.group(2)
        if key in seen:
            raise DockerfileEditError(
                f"line {number + 1}: the '{key}' parser directive appears twice; Docker rejects this."
            )
        if key == "escape":
            if value not in ("\\", "`"):
                raise DockerfileEditError(f"line {number + 1}: invalid escape directive {value!r}; use ` or \\.")
            blocking = [earlier for earlier in seen if earlier not in _LIBRARY_DIRECTIVES]
            if blocking:
                raise DockerfileEditError(
                    f"line {number + 1}: put the '# escape=' directive before '# {blocking[0]}=' so that every "
                    "Docker version and dockerfile-parse read it."
                )
            escape = value
        seen.append(key)
    return escape


def _library_structure(body: str) -> tuple[list[dict], list[str]]:
    """The library's instructions, and each FROM's image with the global ARGs (before the first FROM)
    substituted as Docker does (``parent_images``)."""
    if not HAS_DOCKERFILE_PARSE:
        raise DockerfileEditError("the dockerfile-parse Python library is required to edit Dockerfiles.")
    try:
        parser = DockerfileParser(fileobj=io.BytesIO(body.encode("utf-8")))
        return list(parser.structure), list(parser.parent_images)
    except Exception as exc:  # the library raises assorted errors on malformed input
        raise DockerfileEditError(f"could not parse the Dockerfile: {exc}") from exc


def _check_instruction(item: Instruction, lines: list[str], escape: str) -> None:
    where = f"line {item.startline + 1}"
    if item.keyword not in _KNOWN_INSTRUCTIONS:
        raise DockerfileEditError(
            f"{where}: unknown instruction {item.keyword!r}. The file may contain an empty line inside a line "
            "continuation or a heredoc; fix it so that Docker and this module read it the same way."
        )
    shell_form = not item.value.lstrip().startswith("[")
    if item.keyword in _HEREDOC_INSTRUCTIONS and shell_form and _HEREDOC_RE.search(item.value):
        raise DockerfileEditError(
            f"{where}: {item.keyword} uses a heredoc (<<), which this module does not edit; move that script into "
            "a file and COPY it, or apply the identity changes by hand."
        )
    # Comment lines inside a continuation are dropped by Docker and reported separately by the library.
    own_lines = [line for line in lines[item.startline : item.endline + 1] if not line.lstrip().startswith("#")]
    if len(own_lines) > 1 and not own_lines[-1].strip():
        raise DockerfileEditError(
            f"{where}: empty line inside a line continuation (line {item.endline + 1}); Docker deprecates these. "
            "Remove the empty line."
        )
    for line in own_lines[:-1]:
        if line.rstrip().endswith(escape * 2):
            raise DockerfileEditError(
                f"{where}: a line ends with a doubled escape character ({escape * 2}); Docker does not treat "
                "that as a line continuation but dockerfile-parse does. Rewrite the line."
            )


def _check_coverage(lines: list[str], instructions: list[Instruction], comment_lines: set[int]) -> None:
    covered = set(comment_lines)
    for item in instructions:
        covered.update(range(item.startline, item.endline + 1))
    for number, line in enumerate(lines):
        if number not in covered and line.strip(_BOM + " \t\r\n\f\v"):
            hint = (
                "the file ends inside a line continuation"
                if number >= max(covered, default=-1)
                else "it is not part of any instruction"
            )
            raise DockerfileEditError(f"line {number + 1}: cannot parse {line.strip()!r}; {hint}.")


def _stages(lines: list[str], instructions: list[Instruction], from_images: list[str]) -> list[Stage]:
    stages: list[Stage] = []
    for item in instructions:
        if item.keyword == "FROM":
            image, name = image_from(item.value)
            if image is None or len(stages) >= len(from_images):
                raise DockerfileEditError(f"line {item.startline + 1}: cannot read the image of 'FROM {item.value}'.")
            if stages:
                stages[-1].last_line = item.startline - 1
            stage = Stage(len(stages), name, image, item.startline, len(lines) - 1, from_image=from_images[len(stages)])
            _link(stage, stages)
            stages.append(stage)
        elif not stages:
            if item.keyword != "ARG":
                raise DockerfileEditError(
                    f"line {item.startline + 1}: {item.keyword} before the first FROM; only ARG may come first."
                )
            continue
        stages[-1].instructions.append(item)
    if not stages:
        raise DockerfileEditError("the Dockerfile has no FROM instruction; nothing to configure.")
    return stages


def _link(stage: Stage, earlier: list[Stage]) -> None:
    # FROM names an earlier stage when its image, ARGs substituted, equals that stage's AS name; Docker
    # compares stage names case-insensitively, and a name with a tag or registry is never a stage name.
    # Only earlier stages count, so a chain has no cycles and its root is an external image.
    wanted = stage.from_image.lower()
    for candidate in reversed(earlier):
        if candidate.name and candidate.name.lower() == wanted:
            stage.parent = candidate.index
            stage.base_image = candidate.base_image
            return
    stage.base_image = stage.from_image


def _managed(lines: list[str], instructions: list[Instruction], comment_lines: set[int]) -> list[ManagedInstruction]:
    starting_at = {item.startline: item for item in instructions}
    inside = set()
    for item in instructions:
        inside.update(range(item.startline + 1, item.endline + 1))
    found = []
    for number in sorted(comment_lines - inside):
        match = _MARKER_RE.match(_strip_newline(lines[number]))
        if not match:
            continue
        item = starting_at.get(number + 1)
        if item is None or item.keyword == "FROM":
            found.append(ManagedInstruction(number, None, False))
            continue
        digest = _CHECKSUM_RE.match(match.group("rest"))
        intact = bool(digest) and digest.group("digest") == checksum(item.content)
        found.append(ManagedInstruction(number, item, intact))
    return found


def parse(text: str) -> ParsedDockerfile:
    """Parse a Dockerfile, refusing anything that Docker and dockerfile-parse would read differently."""
    lines = split_lines(text)
    if not text.strip(_BOM + " \t\r\n"):
        raise DockerfileEditError("the Dockerfile is empty; nothing to configure.")
    escape = _escape_character(lines)
    # Docker drops a UTF-8 byte order mark; dockerfile-parse does not, and would miss a directive after it.
    structure, from_images = _library_structure(text[1:] if text.startswith(_BOM) else text)

    comment_lines = {entry["startline"] for entry in structure if entry["instruction"] == "COMMENT"}
    instructions = sorted(
        (
            Instruction(entry["instruction"], entry["startline"], entry["endline"], entry["value"], entry["content"])
            for entry in structure
            if entry["instruction"] != "COMMENT"
        ),
        key=lambda item: item.startline,
    )
    for item in instructions:
        _check_instruction(item, lines, escape)
    _check_coverage(lines, instructions, comment_lines)
    stages = _stages(lines, instructions, from_images)
    return ParsedDockerfile(lines, _newline_of(lines), escape, stages, _managed(lines, instructions, comment_lines))


# ---------------------------------------------------------------------------------------------------------
# Planning


def select_stage(parsed: ParsedDockerfile, stage: str | int | None) -> Stage:
    """The build stage named or numbered (0-based, as in COPY --from=0) by ``stage``; default the last one."""
    if stage is None or (isinstance(stage, str) and not stage.strip()):
        return parsed.stages[-1]
    known = ", ".join(f"{item.index} ({item.name})" if item.name else str(item.index) for item in parsed.stages)
    wanted = str(stage).strip()
    if re.fullmatch(r"-?\d+", wanted):
        index = int(wanted)
        if -len(parsed.stages) <= index < len(parsed.stages):
            return parsed.stages[index]
        raise DockerfileEditError(f"stage {index} does not exist; the Dockerfile has stages {known}.")
    # Docker compares stage names case-insensitively.
    for item in parsed.stages:
        if item.name and item.name.lower() == wanted.lower():
            return item
    raise DockerfileEditError(f"no build stage is named {wanted!r}; the Dockerfile has stages {known}.")


def _anchor_line(target: Stage, managed_lines: set[int]) -> int:
    """Last line of the instruction the managed block follows."""
    anchor = target.instructions[0]  # the FROM
    for item in target.instructions:
        if item.keyword in _ANCHOR_INSTRUCTIONS and item.startline not in managed_lines:
            anchor = item
    return anchor.endline


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _servicemonitor_image(image: str) -> bool:
    return any(prefix in image.lower() for prefix in _SERVICEMONITOR_IMAGES)


def _step(state: StageState, item: Instruction) -> StageState:
    if item.keyword == "USER":
        return replace(state, user=_unquote(item.value))
    if item.keyword == "SHELL":
        return replace(state, shell=item.value.strip())
    if item.keyword == "ENTRYPOINT":
        # An ENTRYPOINT drops the CMD the stage inherited, not one it set itself.
        return replace(
            state, entrypoint=item.value.strip(), image_entrypoint=False, cmd=state.cmd if state.cmd_set else None
        )
    if item.keyword == "CMD":
        return replace(state, cmd=item.value.strip(), cmd_set=True)
    return state


def stage_state(
    parsed: ParsedDockerfile, stage: Stage, skip_lines: frozenset[int] | set[int] = frozenset()
) -> StageState:
    """The state at the end of ``stage``: what ``FROM <earlier stage>`` inherits, through any number of links
    (base image, USER, SHELL, ENTRYPOINT, CMD), then the stage's own instructions, less those starting on
    ``skip_lines`` (the managed lines about to be rewritten). So a stage built on another gets the same
    state, and hence the same decisions and warnings, as the single-stage file its chain flattens to."""
    if stage.parent is None:
        state = StageState(stage.base_image, image_entrypoint=_servicemonitor_image(stage.base_image))
    else:
        state = replace(stage_state(parsed, parsed.stages[stage.parent]), cmd_set=False)
    for item in stage.instructions[1:]:  # [0] is the FROM
        if item.startline not in skip_lines:
            state = _step(state, item)
    return state


def _warnings(
    parsed: ParsedDockerfile, target: Stage, managed_lines: set[int], wanted: list[str], user: str
) -> list[str]:
    found = []
    state = stage_state(parsed, target, managed_lines)
    if any(text.startswith("RUN ") for text in wanted):
        if state.user is not None and state.user.lower() not in _ADMIN_USERS:
            found.append(
                f"the managed RUN instructions run as {state.user!r}, which cannot reconfigure IIS or services; "
                "add 'USER ContainerAdministrator' before them or remove the earlier USER instruction."
            )
        elif state.user is None and "nanoserver" in state.base_image.lower():
            found.append(
                "Nano Server images build as ContainerUser and have neither IIS nor the Service Control "
                "Manager tools the managed RUN instructions call; check the base image."
            )
    starts = (state.entrypoint or "") + " " + (state.cmd or "")
    if user == "network_service" and (state.image_entrypoint or "servicemonitor" in starts.lower()):
        found.append(
            "ServiceMonitor.exe needs administrator rights to start its service, so running the whole "
            "container as Network Service will stop it from starting; leave user unchanged and use "
            "iis_app_pools or windows_services instead."
        )
    return found


def _without(lines: list[str], drop: set[int]) -> list[str]:
    kept = [line for number, line in enumerate(lines) if number not in drop]
    # If the removed lines ended the file without a newline, the file did so before they were added.
    if lines and (len(lines) - 1) in drop and not lines[-1].endswith("\n") and kept:
        kept[-1] = _strip_newline(kept[-1])
    return kept


def _with_block(lines: list[str], point: int, block: list[str], newline: str) -> list[str]:
    if not block:
        return lines
    result = list(lines)
    rendered = [line + newline for line in block]
    if point == len(result) and result and not result[-1].endswith("\n"):
        # Appending after a last line without a newline: keep the file ending without one.
        result[-1] += newline
        rendered[-1] = block[-1]
    result[point:point] = rendered
    return result


def plan(
    text: str,
    stage: str | int | None = None,
    iis_app_pools: list[str] | None = None,
    windows_services: list[str] | None = None,
    user: str = "unchanged",
    state: str = "present",
) -> Edit:
    """Compute the new Dockerfile text for one stage.

    With ``state=present`` the managed instructions of the stage become exactly those the options ask for,
    placed after the last RUN, COPY, ADD or USER of the stage. With ``state=absent`` they are all removed.
    Lines the module did not write are never changed. Raises DockerfileEditError, leaving nothing changed,
    when the file cannot be edited safely.
    """
    if user not in USER_CHOICES:
        raise DockerfileEditError(f"user must be one of {', '.join(USER_CHOICES)}, got {user!r}.")
    if state not in STATE_CHOICES:
        raise DockerfileEditError(f"state must be one of {', '.join(STATE_CHOICES)}, got {state!r}.")
    wanted = desired_instructions(iis_app_pools or [], windows_services or [], user) if state == "present" else []

    parsed = parse(text)
    target = select_stage(parsed, stage)
    owned = [item for item in parsed.managed if target.contains_line(item.marker_line)]
    tampered = [item for item in owned if not item.intact]
    if tampered:
        lines = ", ".join(str(item.marker_line + 1) for item in tampered)
        raise DockerfileEditError(
            f"the managed instruction under the marker on line(s) {lines} was edited by hand (or the marker no "
            "longer sits directly above it). Restore it, or delete the marker line to make the instruction your "
            "own, then run again; the file was left unchanged."
        )

    managed_lines = {number for item in owned for number in item.lines}
    base = _without(parsed.lines, managed_lines)
    anchor = _anchor_line(target, managed_lines)
    point = anchor + 1 - sum(1 for number in managed_lines if number <= anchor)
    block = [line for instruction in wanted for line in (marker_for(instruction), instruction)]
    after = "".join(_with_block(base, point, block, parsed.newline))

    # An existing instruction stays when it already sits, in base coordinates, where the block goes.
    staying = [
        item.text for item in owned
        if item.marker_line - sum(1 for number in managed_lines if number < item.marker_line) == point
    ]  # fmt: skip
    added = _multiset_minus(wanted, staying) if after != text else []
    removed = _multiset_minus([item.text for item in owned], _multiset_intersection(staying, wanted))
    if after == text:
        removed = []
    return Edit(
        before=text,
        after=after,
        stage_index=target.index,
        stage_name=target.name,
        added=added,
        removed=removed,
        warnings=_warnings(parsed, target, managed_lines, wanted, user),
    )


def _multiset_minus(items: list[str], take: list[str]) -> list[str]:
    remaining = list(take)
    result = []
    for item in items:
        if item in remaining:
            remaining.remove(item)
        else:
            result.append(item)
    return result


def _multiset_intersection(first: list[str], second: list[str]) -> list[str]:
    remaining = list(second)
    result = []
    for item in first:
        if item in remaining:
            remaining.remove(item)
            result.append(item)
    return result
