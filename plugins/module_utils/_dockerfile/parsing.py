# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing a Dockerfile with dockerfile-parse, plus the checks that library lacks.

A file that Docker and dockerfile-parse would read differently (heredocs, empty continuation lines, a late
escape directive, doubled escape characters) is refused rather than edited.
"""

from __future__ import annotations

import io
import re
import traceback

try:
    from dockerfile_parse import DockerfileParser
    from dockerfile_parse.parser import image_from
except ImportError:
    HAS_DOCKERFILE_PARSE = False
    DOCKERFILE_PARSE_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_DOCKERFILE_PARSE = True
    DOCKERFILE_PARSE_IMPORT_ERROR = None


from .managed import find_managed
from .model import DockerfileEditError, Instruction, ParsedDockerfile, Stage
from .text import BOM, newline_of, split_lines, strip_newline

_KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)  # fmt: skip
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
# Docker's heredoc word: optional fd, <<, optional -, optional quote, a name (Dockerfile reference, "Here-Documents").
_HEREDOC_RE = re.compile(r"(?:^|\s)\d*<<-?[\"']?[A-Za-z][A-Za-z0-9]*")
# Parser directives as Docker reads them (Dockerfile reference, "Parser directives").
# Docker's substitution forms with a modifier (Dockerfile reference, "Environment replacement"): ${var:-word}
# is var when set and not empty, else word; ${var:+word} is word when var is set and not empty, else nothing.
# dockerfile-parse (2.0) substitutes neither, so FROM lines that use them are expanded here.
_MODIFIED_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):([-+])([^}]*)\}")
_PLAIN_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_DIRECTIVE_RE = re.compile(r"^\s*#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.+?)\s*$")
_DOCKER_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_LIBRARY_DIRECTIVES = frozenset({"syntax", "escape"})


def _escape_character(lines: list[str]) -> str:
    """Read the parser directives as Docker does, and refuse layouts dockerfile-parse would misread."""
    escape = "\\"
    seen: list[str] = []
    for number, line in enumerate(lines):
        text = line.lstrip(BOM) if number == 0 else line
        match = _DIRECTIVE_RE.match(strip_newline(text))
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
        if number not in covered and line.strip(BOM + " \t\r\n\f\v"):
            hint = (
                "the file ends inside a line continuation"
                if number >= max(covered, default=-1)
                else "it is not part of any instruction"
            )
            raise DockerfileEditError(f"line {number + 1}: cannot parse {line.strip()!r}; {hint}.")


def _global_args(instructions: list[Instruction]) -> dict[str, str | None]:
    """The ARGs before the first FROM (the only ones a FROM line sees), name -> default (None: no default)."""
    found: dict[str, str | None] = {}
    for item in instructions:
        if item.keyword == "FROM":
            break
        if item.keyword == "ARG":
            name, eq, value = item.value.strip().partition("=")
            found[name.strip()] = value.strip().strip("\"'") if eq else None
    return found


def expand_from_image(image: str, args: dict[str, str | None]) -> str:
    """``image`` of a FROM line with the global ARGs substituted as Docker does, ``${var:-word}`` and
    ``${var:+word}`` included (an ARG without a default, or not declared, is unset)."""

    def modified(match: re.Match[str]) -> str:
        value = args.get(match.group(1))
        if match.group(2) == "-":
            return value if value else match.group(3)
        return match.group(3) if value else ""

    expanded = _MODIFIED_VAR_RE.sub(modified, image)
    return _PLAIN_VAR_RE.sub(lambda m: args.get(m.group(1) or m.group(2)) or "", expanded)


def _stages(lines: list[str], instructions: list[Instruction], from_images: list[str]) -> list[Stage]:
    stages: list[Stage] = []
    args = _global_args(instructions)
    for item in instructions:
        if item.keyword == "FROM":
            image, name = image_from(item.value)
            if image is None or len(stages) >= len(from_images):
                raise DockerfileEditError(f"line {item.startline + 1}: cannot read the image of 'FROM {item.value}'.")
            if stages:
                stages[-1].last_line = item.startline - 1
            # dockerfile-parse's substitution, unless the line uses a form it does not know
            from_image = expand_from_image(image, args) if _MODIFIED_VAR_RE.search(image) else from_images[len(stages)]
            stage = Stage(len(stages), name, image, item.startline, len(lines) - 1, from_image=from_image)
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


def parse(text: str) -> ParsedDockerfile:
    """Parse a Dockerfile, refusing anything that Docker and dockerfile-parse would read differently."""
    lines = split_lines(text)
    if not text.strip(BOM + " \t\r\n"):
        raise DockerfileEditError("the Dockerfile is empty; nothing to configure.")
    escape = _escape_character(lines)
    # Docker drops a UTF-8 byte order mark; dockerfile-parse does not, and would miss a directive after it.
    structure, from_images = _library_structure(text[1:] if text.startswith(BOM) else text)

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
    return ParsedDockerfile(lines, newline_of(lines), escape, stages, find_managed(lines, instructions, comment_lines))
