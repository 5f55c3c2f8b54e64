# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a build stage's image carries (base image, USER, SHELL, ENTRYPOINT, CMD) through ``FROM <stage>``
inheritance, and the warnings it leads to for the identity edits."""

from __future__ import annotations

from dataclasses import replace

from .model import Instruction, ParsedDockerfile, Stage, StageState

# Accounts that may reconfigure IIS and the Service Control Manager during the build.
_ADMIN_USERS = frozenset({"containeradministrator", "administrator", "nt authority\\system"})

# Microsoft's IIS images whose ENTRYPOINT is C:\ServiceMonitor.exe w3svc.
_SERVICEMONITOR_IMAGES = ("mcr.microsoft.com/dotnet/framework/aspnet", "mcr.microsoft.com/windows/servercore/iis")


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


def identity_warnings(
    parsed: ParsedDockerfile, target: Stage, managed_lines: set[int], wanted: list[str], user: str
) -> list[str]:
    """What may stop the managed instructions or the chosen ``user`` from working in ``target``, in words."""
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
