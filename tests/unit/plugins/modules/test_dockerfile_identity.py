# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drive dockerfile_identity's main() on temporary files, as Ansible would run it."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.wincontainers.gmsa.plugins.modules import dockerfile_identity

DATA = Path(__file__).resolve().parents[2] / "data" / "dockerfiles"
POOLS = ["DefaultAppPool", "Contoso.Orders"]
# The run and fail fixtures of tests/unit/plugins/modules/conftest.py.
RunModule = Callable[..., dict[str, Any]]


@pytest.fixture
def module_main() -> Callable[[], None]:
    return dockerfile_identity.main


@pytest.fixture
def dockerfile(tmp_path: Path) -> Path:
    path = tmp_path / "Dockerfile"
    shutil.copyfile(DATA / "aspnet-iis.Dockerfile", path)
    return path


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_check_mode_reports_the_change_without_writing(dockerfile: Path, run: RunModule) -> None:
    before = snapshot(dockerfile)

    result = run({"path": str(dockerfile), "iis_app_pools": POOLS}, check_mode=True, diff=True)

    assert result["changed"]
    assert len(result["added"]) == 2
    assert result["diff"]["after"] == (DATA / "expected" / "aspnet-iis.Dockerfile").read_text()
    assert snapshot(dockerfile) == before
    assert list(dockerfile.parent.iterdir()) == [dockerfile]


def test_apply_writes_then_second_apply_changes_nothing(dockerfile: Path, run: RunModule) -> None:
    original = dockerfile.read_text()
    dockerfile.chmod(0o640)

    first = run({"path": str(dockerfile), "iis_app_pools": POOLS}, diff=True)

    expected = (DATA / "expected" / "aspnet-iis.Dockerfile").read_text()
    assert first["changed"]
    assert first["stage"] == {"index": 0, "name": None}
    assert first["removed"] == []
    assert first["diff"]["before"] == original
    assert first["diff"]["after"] == expected
    assert first["diff"]["before_header"] == str(dockerfile)
    assert dockerfile.read_text() == expected
    assert stat.S_IMODE(dockerfile.stat().st_mode) == 0o640
    assert list(dockerfile.parent.iterdir()) == [dockerfile], "the temporary file was left behind"
    assert "backup_file" not in first

    after_first = snapshot(dockerfile)
    second = run({"path": str(dockerfile), "iis_app_pools": POOLS}, diff=True)

    assert not second["changed"]
    assert (second["added"], second["removed"]) == ([], [])
    assert second["diff"]["before"] == second["diff"]["after"]
    assert snapshot(dockerfile) == after_first


def test_absent_restores_the_original(dockerfile: Path, run: RunModule) -> None:
    original = dockerfile.read_bytes()
    run({"path": str(dockerfile), "iis_app_pools": POOLS})

    result = run({"path": str(dockerfile), "state": "absent"})

    assert result["changed"]
    assert len(result["removed"]) == 2
    assert dockerfile.read_bytes() == original


def test_backup_keeps_the_original(dockerfile: Path, run: RunModule) -> None:
    original = dockerfile.read_bytes()

    result = run({"path": str(dockerfile), "iis_app_pools": POOLS, "backup": True})

    backup = Path(result["backup_file"])
    assert backup.parent == dockerfile.parent
    assert backup.read_bytes() == original


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param({"stage": "test"}, "no build stage is named 'test'", id="unknown-stage"),
        pytest.param({"stage": "7"}, "stage 7 does not exist", id="stage-index"),
        pytest.param({"windows_services": ['Contoso "Sync"']}, "double quote", id="bad-name"),
        pytest.param({"user": "ContainerUser"}, "value of user must be one of", id="bad-choice"),
    ],
)
def test_failures_leave_the_file_untouched(
    dockerfile: Path, args: dict[str, Any], message: str, fail: RunModule
) -> None:
    before = snapshot(dockerfile)

    result = fail({"path": str(dockerfile), **args})

    assert message in result["msg"]
    assert snapshot(dockerfile) == before


def test_a_hand_edited_managed_line_fails_without_writing(dockerfile: Path, run: RunModule, fail: RunModule) -> None:
    run({"path": str(dockerfile), "iis_app_pools": POOLS})
    dockerfile.write_text(dockerfile.read_text().replace('"Contoso.Orders"', '"Contoso.Billing"'))
    before = snapshot(dockerfile)

    result = fail({"path": str(dockerfile), "iis_app_pools": ["DefaultAppPool"]})

    assert "edited by hand" in result["msg"]
    assert result["msg"].startswith(f"{dockerfile}: ")
    assert snapshot(dockerfile) == before


def test_crlf_and_byte_order_mark_survive(tmp_path: Path, run: RunModule) -> None:
    def saved_on_windows(name: str) -> bytes:
        return b"\xef\xbb\xbf" + (DATA / name).read_bytes().replace(b"\n", b"\r\n")

    path = tmp_path / "Dockerfile"
    path.write_bytes(saved_on_windows("windows-agent.Dockerfile"))

    run({"path": str(path), "windows_services": ["ContosoAgent"]})

    assert path.read_bytes() == saved_on_windows("expected/windows-agent.Dockerfile")


def test_a_symlink_is_followed(dockerfile: Path, run: RunModule) -> None:
    link = dockerfile.parent / "Dockerfile.link"
    link.symlink_to(dockerfile.name)

    run({"path": str(link), "user": "network_service"})

    assert link.is_symlink()
    assert "# managed by" in dockerfile.read_text()


def test_missing_file(tmp_path: Path, run: RunModule, fail: RunModule) -> None:
    missing = tmp_path / "Dockerfile"

    assert not run({"path": str(missing), "state": "absent"})["changed"]
    assert "does not exist" in fail({"path": str(missing), "user": "network_service"})["msg"]
    assert not missing.exists()


def test_a_directory_is_refused(tmp_path: Path, fail: RunModule) -> None:
    assert "is a directory" in fail({"path": str(tmp_path)})["msg"]


def test_non_utf8_is_refused(tmp_path: Path, fail: RunModule) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes("# caf\xe9\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n".encode("latin-1"))

    assert "is not UTF-8 text" in fail({"path": str(path), "user": "network_service"})["msg"]


def test_backend_warnings_reach_ansible(tmp_path: Path, warnings: list[str], run: RunModule) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(
        'FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8\nENTRYPOINT ["C:\\\\ServiceMonitor.exe", "w3svc"]\n'
    )

    run({"path": str(path), "user": "network_service"})

    assert len(warnings) == 1
    assert "ServiceMonitor.exe" in warnings[0]


def test_missing_library_is_reported(dockerfile: Path, monkeypatch: pytest.MonkeyPatch, fail: RunModule) -> None:
    monkeypatch.setattr(dockerfile_identity, "HAS_DOCKERFILE_PARSE", False)
    monkeypatch.setattr(dockerfile_identity, "DOCKERFILE_PARSE_IMPORT_ERROR", "Traceback: no module")

    result = fail({"path": str(dockerfile)})

    assert "dockerfile-parse" in result["msg"]
    assert result["exception"] == "Traceback: no module"


def test_argument_spec_matches_the_documentation() -> None:
    options = yaml.safe_load(dockerfile_identity.DOCUMENTATION)["options"]
    spec = dockerfile_identity.argument_spec()

    assert set(options) == set(spec)
    for name, option in options.items():
        assert option["type"] == spec[name]["type"], name
        assert option.get("default") == spec[name].get("default"), name
        assert option.get("choices") == spec[name].get("choices"), name
        assert option.get("elements") == spec[name].get("elements"), name
        assert option.get("required", False) == spec[name].get("required", False), name
    assert os.path.basename(dockerfile_identity.__file__) == "dockerfile_identity.py"


# The bulk form: dockerfiles:


@pytest.fixture
def fleet(tmp_path: Path) -> list[Path]:
    """Three apps' Dockerfiles: an IIS site, a Windows service, a console app."""
    paths = []
    for name in ("aspnet-iis", "windows-agent", "nanoserver-console"):
        path = tmp_path / name / "Dockerfile"
        path.parent.mkdir()
        shutil.copyfile(DATA / f"{name}.Dockerfile", path)
        paths.append(path)
    return paths


def fleet_args(paths: list[Path]) -> dict[str, Any]:
    return {
        "dockerfiles": [
            {"path": str(paths[0]), "iis_app_pools": POOLS},
            {"path": str(paths[1]), "windows_services": ["ContosoAgent"]},
            {"path": str(paths[2]), "user": "network_service"},
        ]
    }


def expected(path: Path) -> str:
    return (DATA / "expected" / f"{path.parent.name}.Dockerfile").read_text()


def test_bulk_check_mode_reports_every_change_without_writing(fleet: list[Path], run: RunModule) -> None:
    before = [snapshot(path) for path in fleet]

    result = run(fleet_args(fleet), check_mode=True, diff=True)

    assert result["changed"]
    assert [item["path"] for item in result["dockerfiles"]] == [str(path) for path in fleet]
    assert all(item["changed"] for item in result["dockerfiles"])
    assert [len(item["added"]) for item in result["dockerfiles"]] == [2, 1, 1]
    assert [diff["after"] for diff in result["diff"]] == [expected(path) for path in fleet]
    assert [diff["before_header"] for diff in result["diff"]] == [str(path) for path in fleet]
    assert [snapshot(path) for path in fleet] == before


def test_bulk_apply_writes_only_the_changed_files_then_changes_nothing(fleet: list[Path], run: RunModule) -> None:
    run({"path": str(fleet[1]), "windows_services": ["ContosoAgent"]})
    converged = snapshot(fleet[1])

    first = run(fleet_args(fleet), diff=True)

    assert first["changed"]
    assert [item["changed"] for item in first["dockerfiles"]] == [True, False, True]
    assert first["dockerfiles"][1] == {
        "path": str(fleet[1]),
        "stage": {"index": 0, "name": None},
        "changed": False,
        "added": [],
        "removed": [],
    }
    assert [diff["before_header"] for diff in first["diff"]] == [str(fleet[0]), str(fleet[2])]
    assert [path.read_text() for path in fleet] == [expected(path) for path in fleet]
    assert snapshot(fleet[1]) == converged, "an unchanged file was rewritten"
    assert all(sorted(p.name for p in path.parent.iterdir()) == ["Dockerfile"] for path in fleet)

    after_first = [snapshot(path) for path in fleet]
    second = run(fleet_args(fleet), diff=True)

    assert not second["changed"]
    assert not any(item["changed"] for item in second["dockerfiles"])
    assert second["diff"] == []
    assert [snapshot(path) for path in fleet] == after_first


def test_bulk_top_level_options_are_defaults(fleet: list[Path], run: RunModule) -> None:
    result = run(
        {
            "iis_app_pools": POOLS,
            "dockerfiles": [
                {"path": str(fleet[0])},
                {"path": str(fleet[2]), "iis_app_pools": [], "user": "network_service"},
            ],
        }
    )

    assert fleet[0].read_text() == expected(fleet[0])
    assert fleet[2].read_text() == expected(fleet[2])
    assert [len(item["added"]) for item in result["dockerfiles"]] == [2, 1]


def test_bulk_stages_of_one_file_are_written_once(tmp_path: Path, run: RunModule) -> None:
    path = tmp_path / "Dockerfile"
    shutil.copyfile(DATA / "multistage-dotnet.Dockerfile", path)
    link = tmp_path / "Dockerfile.link"
    link.symlink_to(path.name)

    result = run(
        {
            "backup": True,
            "dockerfiles": [
                {"path": str(path), "stage": "0", "user": "local_system"},
                {"path": str(link), "stage": "runtime", "iis_app_pools": ["DefaultAppPool"]},
            ],
        },
        diff=True,
    )

    assert [item["stage"]["index"] for item in result["dockerfiles"]] == [0, 1]
    assert len(result["diff"]) == 1
    backups = [p for p in tmp_path.iterdir() if p.name not in ("Dockerfile", "Dockerfile.link")]
    assert len(backups) == 1, "one backup per file"
    assert result["dockerfiles"][0]["backup_file"] == str(backups[0])
    assert "backup_file" not in result["dockerfiles"][1]
    assert backups[0].read_bytes() == (DATA / "multistage-dotnet.Dockerfile").read_bytes()
    text = path.read_text()
    assert text.count("# managed by wincontainers.gmsa.dockerfile_identity") == 2


def test_bulk_one_bad_entry_changes_no_file(fleet: list[Path], fail: RunModule) -> None:
    args = fleet_args(fleet)
    args["dockerfiles"][2]["stage"] = "runtime"
    before = [snapshot(path) for path in fleet]

    result = fail(args)

    assert result["msg"] == (
        f"dockerfiles[2] ({fleet[2]}): no build stage is named 'runtime'; the Dockerfile has stages 0. "
        "No file was changed."
    )
    assert [snapshot(path) for path in fleet] == before


def test_bulk_missing_files(fleet: list[Path], tmp_path: Path, run: RunModule, fail: RunModule) -> None:
    missing = tmp_path / "gone" / "Dockerfile"

    result = run({"dockerfiles": [{"path": str(missing), "state": "absent"}]})
    assert result == {"changed": False, "dockerfiles": [{"path": str(missing), "stage": None, "changed": False,
                                                         "added": [], "removed": []}]}  # fmt: skip

    args = fleet_args(fleet)
    args["dockerfiles"].append({"path": str(missing), "user": "network_service"})
    assert "dockerfiles[3]" in fail(args)["msg"]
    assert "does not exist" in fail(args)["msg"]
    assert [path.read_text() for path in fleet] == [(DATA / f"{p.parent.name}.Dockerfile").read_text() for p in fleet]


def test_bulk_a_directory_is_refused(tmp_path: Path, fail: RunModule) -> None:
    assert "is a directory" in fail({"dockerfiles": [{"path": str(tmp_path)}]})["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param({"path": "/src/Dockerfile", "dockerfiles": []}, "mutually exclusive", id="both"),
        pytest.param({}, "one of the following is required: path, dockerfiles", id="neither"),
        pytest.param({"dockerfiles": [{"path": "/src/Dockerfile", "user": "admin"}]}, "user", id="bad-choice"),
    ],
)
def test_bulk_argument_errors(args: dict[str, Any], message: str, fail: RunModule) -> None:
    assert message in fail(args)["msg"]
