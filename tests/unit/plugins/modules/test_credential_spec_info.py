# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drive credential_spec_info's main() on folders of spec files, as Ansible would run it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import (
    DomainIdentity,
    build_credential_spec,
    render_credential_spec,
)
from ansible_collections.wincontainers.gmsa.plugins.modules import credential_spec_info

DATA = Path(__file__).resolve().parents[2] / "data" / "credspecs"
# The run and fail fixtures of tests/unit/plugins/modules/conftest.py.
RunModule = Callable[..., dict[str, Any]]


@pytest.fixture
def module_main() -> Callable[[], None]:
    return credential_spec_info.main


def by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in result["credential_specs"]}


@pytest.fixture
def folder(tmp_path: Path, contoso: DomainIdentity) -> Path:
    specs = tmp_path / "CredentialSpecs"
    specs.mkdir()
    spec = build_credential_spec("WebApp01", contoso, ["LogAgentSvc", ("ReportSvc", "emea.contoso.com")])
    (specs / "contoso_webapp01.json").write_text(render_credential_spec(spec), encoding="ascii")
    shutil.copyfile(DATA / "microsoft-docs_gmsa-for-windows-containers_webapp01.json", specs / "published.json")
    (specs / "broken.json").write_text('{"CmsPlugins": ["ActiveDirectory"]', encoding="ascii")
    (specs / "no-join.json").write_text('{"CmsPlugins": ["ActiveDirectory"], "ActiveDirectoryConfig": {}}')
    (specs / "unicode.json").write_bytes(render_credential_spec(spec).encode("utf-16"))
    (specs / "README.txt").write_text("not a spec")
    (specs / "sub.json").mkdir()
    return specs


def test_lists_every_json_file_sorted_and_reports_bad_ones(folder: Path, run: RunModule) -> None:
    result = run({"path": str(folder)})

    assert result["changed"] is False
    assert result["path"] == str(folder)
    names = [entry["name"] for entry in result["credential_specs"]]
    assert names == ["broken.json", "contoso_webapp01.json", "no-join.json", "published.json", "unicode.json"]
    entries = by_name(result)
    assert [name for name, entry in entries.items() if entry["valid"]] == ["contoso_webapp01.json", "published.json"]
    assert "not valid JSON" in entries["broken.json"]["error"]
    assert entries["no-join.json"]["error"] == "Credential spec has no DomainJoinConfig."
    assert "UTF-16" in entries["unicode.json"]["error"]
    assert "Out-File -Encoding ascii" in entries["unicode.json"]["error"]
    assert all("credential_spec" not in entry for entry in entries.values() if not entry["valid"])


def test_reports_accounts_and_domain(folder: Path, run: RunModule, contoso: DomainIdentity) -> None:
    entry = by_name(run({"path": str(folder)}))["contoso_webapp01.json"]

    assert entry["path"] == str(folder / "contoso_webapp01.json")
    assert entry["account"] == "WebApp01"
    assert entry["domain"] == {
        "dns_name": "contoso.com",
        "netbios_name": "CONTOSO",
        "forest_dns_name": "contoso.com",
        "sid": contoso.sid,
        "guid": contoso.guid,
    }
    assert entry["accounts"] == [
        {"name": "WebApp01", "scope": "contoso.com"},
        {"name": "WebApp01", "scope": "CONTOSO"},
        {"name": "LogAgentSvc", "scope": "contoso.com"},
        {"name": "ReportSvc", "scope": "emea.contoso.com"},
    ]
    assert entry["additional_accounts"] == ["LogAgentSvc", "ReportSvc"]
    assert entry["security_opt"] == "credentialspec=file://contoso_webapp01.json"
    assert "host_account_config" not in entry
    assert json.loads((folder / "contoso_webapp01.json").read_text()) == entry["credential_spec"]


def test_published_example(folder: Path, run: RunModule) -> None:
    entry = by_name(run({"path": str(folder)}))["published.json"]

    assert entry["account"] == "webapp01"
    assert entry["additional_accounts"] == []
    assert entry["domain"]["sid"] == "S-1-5-21-702590844-1001920913-2680819671"


def test_patterns_select_files_case_insensitively(folder: Path, run: RunModule) -> None:
    (folder / "UPPER.JSON").write_text((folder / "published.json").read_text())

    assert [e["name"] for e in run({"path": str(folder), "patterns": ["contoso_*", "*.JSON"]})["credential_specs"]] == [
        "UPPER.JSON",
        "broken.json",
        "contoso_webapp01.json",
        "no-join.json",
        "published.json",
        "unicode.json",
    ]
    every = run({"path": str(folder), "patterns": ["*"]})
    assert by_name(every)["README.txt"]["valid"] is False
    assert "sub.json" not in by_name(every)


def test_one_file(folder: Path, run: RunModule) -> None:
    result = run({"path": str(folder / "published.json")}, check_mode=True)

    assert [entry["name"] for entry in result["credential_specs"]] == ["published.json"]
    assert result["credential_specs"][0]["valid"] is True


def test_one_malformed_file_is_reported_not_fatal(folder: Path, run: RunModule) -> None:
    result = run({"path": str(folder / "README.txt")})

    assert result["credential_specs"][0]["valid"] is False
    assert "not valid JSON" in result["credential_specs"][0]["error"]


def test_host_account_config_is_reported(tmp_path: Path, run: RunModule, contoso: DomainIdentity) -> None:
    spec = build_credential_spec(
        "WebApp01",
        contoso,
        host_account_config={"plugin_guid": "859e1386-bdb4-49e8-85c7-3070b13920e1", "plugin_input": {"a": "b"}},
    )
    (tmp_path / "ccg.json").write_text(render_credential_spec(spec))

    entry = run({"path": str(tmp_path)})["credential_specs"][0]

    assert entry["host_account_config"] == {
        "PortableCcgVersion": "1",
        "PluginGUID": "{859E1386-BDB4-49E8-85C7-3070B13920E1}",
        "PluginInput": {"a": "b"},
    }


def test_empty_folder(tmp_path: Path, run: RunModule) -> None:
    assert run({"path": str(tmp_path)})["credential_specs"] == []


def test_missing_path_fails(tmp_path: Path, fail: RunModule) -> None:
    result = fail({"path": str(tmp_path / "nowhere")})

    assert result["msg"] == f"{tmp_path / 'nowhere'} does not exist."


def test_unreadable_file_is_reported(folder: Path, monkeypatch: pytest.MonkeyPatch, run: RunModule) -> None:
    real_open = open

    def refuse(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith("published.json"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)

    entries = by_name(run({"path": str(folder)}))

    assert entries["published.json"] == {
        "name": "published.json",
        "path": str(folder / "published.json"),
        "valid": False,
        "error": "Cannot read the file: Permission denied.",
    }
    assert entries["contoso_webapp01.json"]["valid"] is True


def test_a_spec_with_an_account_sid_is_not_valid_and_says_why(
    tmp_path: Path, contoso: DomainIdentity, run: RunModule
) -> None:
    # Shaped like New-CredentialSpec output, with the gMSA's SID where the domain SID belongs (the AKS example's
    # mistake): before, valid: true.
    spec = build_credential_spec("WebApp01", contoso)
    spec["DomainJoinConfig"]["Sid"] = "S-1-5-21-1491159469-2640480700-2178151669-1106"
    (tmp_path / "aks.json").write_text(render_credential_spec(spec), encoding="ascii")

    entry = run({"path": str(tmp_path)})["credential_specs"][0]

    assert entry["valid"] is False
    assert entry["error"].startswith(
        "Credential spec DomainJoinConfig.Sid 'S-1-5-21-1491159469-2640480700-2178151669-1106' is not a domain SID "
        "(S-1-5-21- and three numbers): it has a fourth number, the RID 1106, so it is an account's SID."
    )
    assert "credential_spec" not in entry


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("Guid", "{56d9b66c-d746-4f87-bd26-26760cfdca2e}", "DomainJoinConfig.Guid"),
        ("DnsName", "contoso", None),
        ("DnsName", "contoso.com.", "DomainJoinConfig.DnsName"),
        ("NetBiosName", "contoso.com", "DomainJoinConfig.NetBiosName"),
        ("MachineAccountName", "WebApp01$", "DomainJoinConfig.MachineAccountName"),
    ],
)
def test_field_shapes_decide_validity(
    tmp_path: Path, field: str, value: str, reason: str | None, contoso: DomainIdentity, run: RunModule
) -> None:
    spec = build_credential_spec("WebApp01", contoso)
    spec["DomainJoinConfig"][field] = value
    (tmp_path / "spec.json").write_text(render_credential_spec(spec), encoding="ascii")

    entry = run({"path": str(tmp_path)})["credential_specs"][0]

    assert entry["valid"] is (reason is None)
    assert reason is None or reason in entry["error"]
