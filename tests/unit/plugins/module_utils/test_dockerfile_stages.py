# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stage inheritance: a stage ``FROM <earlier stage>`` gets the decisions and warnings of its flattened file.

The oracle is independent of the code under test: ``flatten`` writes the chain of stages as one stage by
hand-reading the FROM lines (``FROM <external image>`` then every instruction of each stage of the chain),
and the single-stage plan of that text is what the multi-stage plan must equal.
"""

from __future__ import annotations

import re

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._dockerfile import (
    app_pool_instruction,
    parse,
    plan,
    service_instruction,
    stage_state,
    user_instruction,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._dockerfile.parsing import expand_from_image

IIS = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"
ASPNET = "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022"
SERVERCORE = "mcr.microsoft.com/windows/servercore:ltsc2022"
NANO = "mcr.microsoft.com/windows/nanoserver:ltsc2022"

SERVICEMONITOR = "ServiceMonitor.exe needs administrator rights"
CONTAINERUSER = "the managed RUN instructions run as 'ContainerUser'"
NANOSERVER = "Nano Server images build as ContainerUser"

# The two inputs of the issue.
ISSUE_BASE_RUN = f"""FROM {IIS} AS base
RUN powershell -Command Remove-Item -Recurse C:\\inetpub\\wwwroot\\*

FROM base AS final
COPY site/ /inetpub/wwwroot/
"""
ISSUE_BASE_USER = f"""FROM {IIS} AS base
RUN powershell -Command Remove-Item -Recurse C:\\inetpub\\wwwroot\\*
USER ContainerUser

FROM base AS final
COPY site/ /inetpub/wwwroot/
"""

_FROM = re.compile(r"^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$", re.IGNORECASE)


def flatten(text: str, target: str) -> str:
    """The chain ending in stage ``target`` written as one stage (global ARGs substituted by hand)."""
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", text.split("\nFROM", 1)[0], re.MULTILINE))
    stages: list[tuple[str | None, str, list[str]]] = []  # name, from, body lines
    for line in text.splitlines():
        match = _FROM.match(line)
        if match:
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: args[m[1]], match[1])
            stages.append((match[2], image, []))
        elif stages:
            stages[-1][2].append(line)
    by_name = {}
    chains = []
    for name, image, body in stages:
        parent = by_name.get(image.lower())
        chain = ([*parent[0], *body], parent[1]) if parent else (body, image)
        chains.append((name, chain))
        if name:
            by_name[name.lower()] = chain
    body, root = next(chain for name, chain in chains if (name or "").lower() == target.lower())
    return "\n".join([f"FROM {root}", *body]) + "\n"


def assert_same_as_flattened(text: str, stage: str, **options: object) -> list[str]:
    multi = plan(text, stage=stage, **options)
    single = plan(flatten(text, stage), **options)
    assert multi.warnings == single.warnings
    assert multi.added == single.added
    return multi.warnings


# -- the issue's inputs ----------------------------------------------------------------------------------------


def test_user_on_a_stage_built_on_an_iis_stage_warns_about_servicemonitor() -> None:
    warnings = assert_same_as_flattened(ISSUE_BASE_RUN, "final", user="network_service")
    assert len(warnings) == 1 and SERVICEMONITOR in warnings[0]
    # the same options on stage 0 give the same warning
    assert plan(ISSUE_BASE_RUN, stage="base", user="network_service").warnings == warnings
    assert user_instruction("network_service") in plan(ISSUE_BASE_RUN, stage="final", user="network_service").added


def test_app_pools_on_a_stage_built_on_a_containeruser_stage_warn() -> None:
    edit = plan(ISSUE_BASE_USER, stage="final", iis_app_pools=["DefaultAppPool"])
    assert edit.added == [app_pool_instruction("DefaultAppPool")]
    assert len(edit.warnings) == 1 and CONTAINERUSER in edit.warnings[0]
    assert_same_as_flattened(ISSUE_BASE_USER, "final", iis_app_pools=["DefaultAppPool"])


# -- variants: any number of links, spellings of FROM, names, ARGs ------------------------------------------------


CHAINS = {
    "three-links-user-from-the-root": (
        f"FROM {IIS} AS a\nUSER ContainerUser\nFROM a AS b\nRUN echo b\nFROM b AS c\nCOPY x /x\n",
        "c",
        {"iis_app_pools": ["DefaultAppPool"]},
        [CONTAINERUSER],
    ),
    "four-links-servicemonitor-from-the-root": (
        f"FROM {ASPNET} AS a\nFROM a AS b\nFROM b AS c\nRUN echo c\nFROM c AS d\nCOPY x /x\n",
        "d",
        {"user": "network_service"},
        [SERVICEMONITOR],
    ),
    "a-later-link-resets-the-user": (
        f"FROM {IIS} AS a\nUSER ContainerUser\nFROM a AS b\nUSER ContainerAdministrator\nFROM b AS c\nCOPY x /x\n",
        "c",
        {"iis_app_pools": ["DefaultAppPool"]},
        [],
    ),
    "from-with-other-case": (
        f"FROM {IIS} AS Base\nUSER ContainerUser\nFROM BASE AS final\nCOPY x /x\n",
        "final",
        {"iis_app_pools": ["DefaultAppPool"]},
        [CONTAINERUSER],
    ),
    "platform-flags": (
        f"FROM --platform=windows/amd64 {IIS} AS base\nUSER ContainerUser\n"
        "FROM --platform=windows/amd64 base AS final\nCOPY x /x\n",
        "final",
        {"iis_app_pools": ["DefaultAppPool"]},
        [CONTAINERUSER],
    ),
    "stage-named-like-an-image": (
        f"FROM {IIS} AS nanoserver\nFROM nanoserver AS final\nCOPY x /x\n",
        "final",
        {"windows_services": ["ContosoCache"], "user": "network_service"},
        [SERVICEMONITOR],  # the IIS stage, not Docker Hub's nanoserver: no Nano Server warning
    ),
    "an-image-with-a-tag-is-not-a-stage": (
        f"FROM {IIS} AS nanoserver\nFROM {NANO} AS final\nCOPY x /x\n",
        "final",
        {"windows_services": ["ContosoCache"]},
        [NANOSERVER],
    ),
    "arg-names-the-stage": (
        f"ARG BASE=base\nFROM {IIS} AS base\nUSER ContainerUser\nFROM ${{BASE}} AS final\nCOPY x /x\n",
        "final",
        {"iis_app_pools": ["DefaultAppPool"]},
        [CONTAINERUSER],
    ),
    "arg-names-the-image": (
        f"ARG IMAGE={ASPNET}\nFROM $IMAGE AS base\nFROM base AS final\nCOPY x /x\n",
        "final",
        {"user": "network_service"},
        [SERVICEMONITOR],
    ),
    "entrypoint-of-a-link-replaces-servicemonitor": (
        f'FROM {ASPNET} AS base\nENTRYPOINT ["C:\\\\app\\\\app.exe"]\nFROM base AS final\nCOPY x /x\n',
        "final",
        {"user": "network_service"},
        [],
    ),
    "servicemonitor-entrypoint-set-in-a-link": (
        f'FROM {SERVERCORE} AS base\nENTRYPOINT ["C:\\\\ServiceMonitor.exe", "w3svc"]\nFROM base AS final\nCOPY x /x\n',
        "final",
        {"user": "network_service"},
        [SERVICEMONITOR],
    ),
    "nano-server-through-a-link": (
        f"FROM {NANO} AS base\nFROM base AS final\nCOPY x /x\n",
        "final",
        {"windows_services": ["ContosoCache"]},
        [NANOSERVER],
    ),
    "nano-server-with-an-administrator-link": (
        f"FROM {NANO} AS base\nUSER ContainerAdministrator\nFROM base AS final\nCOPY x /x\n",
        "final",
        {"windows_services": ["ContosoCache"]},
        [],
    ),
    "a-side-stage-does-not-leak": (
        f"FROM {IIS} AS base\nFROM base AS tools\nUSER ContainerUser\nFROM base AS final\nCOPY --from=tools x /x\n",
        "final",
        {"iis_app_pools": ["DefaultAppPool"]},
        [],
    ),
}


@pytest.mark.parametrize(("text", "stage", "options", "expected"), list(CHAINS.values()), ids=list(CHAINS))
def test_chains_decide_as_their_flattened_file(text: str, stage: str, options: dict, expected: list[str]) -> None:
    warnings = assert_same_as_flattened(text, stage, **options)
    assert len(warnings) == len(expected)
    assert all(fragment in warning for fragment, warning in zip(expected, warnings))


def test_a_name_defined_later_is_an_image_not_a_stage() -> None:
    # Only earlier stages can be built on; "base" here is an image called base, so nothing is inherited.
    text = f"FROM base AS first\nCOPY x /x\nFROM {IIS} AS base\nUSER ContainerUser\n"
    parsed = parse(text)
    assert parsed.stages[0].parent is None and parsed.stages[0].base_image == "base"
    assert plan(text, stage="first", iis_app_pools=["DefaultAppPool"]).warnings == []


def test_links_and_base_images_are_recorded() -> None:
    text = f"ARG IMG={IIS}\nFROM ${{IMG}} AS a\nFROM A AS b\nFROM --platform=windows/amd64 b AS c\nFROM {NANO}\n"
    stages = parse(text).stages
    assert [stage.parent for stage in stages] == [None, 0, 1, None]
    assert [stage.base_image for stage in stages] == [IIS, IIS, IIS, NANO]
    assert stages[0].image == "${IMG}" and stages[0].from_image == IIS


def test_state_carries_user_shell_entrypoint_and_cmd() -> None:
    text = (
        f"FROM {SERVERCORE} AS a\n"
        'SHELL ["powershell", "-Command"]\n'
        "USER ContainerUser\n"
        'CMD ["cmd.exe"]\n'
        "FROM a AS b\n"
        'ENTRYPOINT ["C:\\\\app.exe"]\n'
        "FROM b AS c\n"
        'CMD ["--verbose"]\n'
        'ENTRYPOINT ["C:\\\\other.exe"]\n'
    )
    parsed = parse(text)
    a, b, c = (stage_state(parsed, stage) for stage in parsed.stages)
    assert (a.user, a.shell, a.entrypoint, a.cmd) == (
        "ContainerUser",
        '["powershell", "-Command"]',
        None,
        '["cmd.exe"]',
    )
    # b inherits USER and SHELL; its ENTRYPOINT drops the CMD it inherited (Docker's rule)
    assert (b.user, b.shell, b.entrypoint, b.cmd) == ("ContainerUser", a.shell, '["C:\\\\app.exe"]', None)
    # c sets CMD itself before ENTRYPOINT: kept
    assert (c.entrypoint, c.cmd, c.base_image) == ('["C:\\\\other.exe"]', '["--verbose"]', SERVERCORE)


def test_managed_user_of_a_parent_stage_is_inherited() -> None:
    # A USER this module wrote in the parent is a USER like any other for the stages built on it.
    parent = plan(f"FROM {SERVERCORE} AS base\nFROM base AS final\nCOPY x /x\n", stage="base", user="network_service")
    edit = plan(parent.after, stage="final", windows_services=["ContosoCache"])
    assert edit.added == [service_instruction("ContosoCache")]
    assert len(edit.warnings) == 1 and "run as 'NT AUTHORITY\\\\NETWORK SERVICE'" in edit.warnings[0]


@pytest.mark.parametrize(
    ("arg", "image", "parent", "base"),
    [
        ("ARG BASE", "${BASE:-build}", 0, IIS),  # unset: the default word, the build stage
        ("ARG BASE=", "${BASE:-build}", 0, IIS),  # empty counts as unset for :-
        (f"ARG BASE={NANO}", "${BASE:-build}", None, NANO),  # set: the ARG's value, an image
        ("ARG BASE=yes", "${BASE:+build}", 0, IIS),  # set: the word
        ('ARG BASE="build"', "${BASE}", 0, IIS),  # quotes around a default are not part of it
    ],
)
def test_from_with_docker_substitution_modifiers_links_stages(arg, image, parent, base) -> None:
    # Dockerfile reference, "Environment replacement": ${var:-word} and ${var:+word} on a FROM line.
    stages = parse(f"{arg}\nFROM {IIS} AS build\nFROM {image} AS app\nUSER ContainerUser\n").stages
    assert (stages[1].parent, stages[1].base_image) == (parent, base)


def test_expand_from_image_forms() -> None:
    args = {"REG": "mcr.microsoft.com", "TAG": None}
    assert expand_from_image("${REG}/windows/nanoserver:${TAG:-ltsc2022}", args) == (
        "mcr.microsoft.com/windows/nanoserver:ltsc2022"
    )
    assert expand_from_image("$REG/x${TAG:+-dev}", args) == "mcr.microsoft.com/x"
