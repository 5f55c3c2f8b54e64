# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning an edit: the stage chosen, where the managed block goes, and the new text with what changed."""

from __future__ import annotations

import re

from .managed import USER_CHOICES, desired_instructions, marker_for
from .model import DockerfileEditError, Edit, ParsedDockerfile, Stage
from .parsing import parse
from .state import identity_warnings
from .text import strip_newline

STATE_CHOICES = ("present", "absent")

# The managed block goes after the last instruction that changes the filesystem or the build user:
# a later RUN would otherwise run as Network Service, a later COPY of applicationHost.config would undo
# the app pool setting, and a later USER would override ours.
_ANCHOR_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD", "USER"})


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


def _without(lines: list[str], drop: set[int]) -> list[str]:
    kept = [line for number, line in enumerate(lines) if number not in drop]
    # If the removed lines ended the file without a newline, the file did so before they were added.
    if lines and (len(lines) - 1) in drop and not lines[-1].endswith("\n") and kept:
        kept[-1] = strip_newline(kept[-1])
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
        warnings=identity_warnings(parsed, target, managed_lines, wanted, user),
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
