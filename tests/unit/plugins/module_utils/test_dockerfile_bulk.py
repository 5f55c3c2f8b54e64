# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plan_files: many Dockerfiles and stages planned at once, on texts (dockerfile_identity's dockerfiles:)."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._dockerfile import (
    DockerfileEditError,
    FileRequest,
    plan,
    plan_files,
)
from test_dockerfile import CASES, read

IIS = "FROM mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022\nCOPY site/ C:/inetpub/wwwroot/\n"
TWO_STAGES = (
    "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS agent\nRUN echo agent\n"
    "FROM mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022 AS web\nRUN echo web\n"
)


def request(path: str, **options) -> FileRequest:
    return FileRequest(path=path, real_path=f"/real{path}", **options)


def test_the_corpus_in_one_plan_gives_every_golden_file() -> None:
    requests = [request(f"/{case.id}/Dockerfile", **case.options) for case in CASES]
    texts = {item.real_path: read(f"{case.source}.Dockerfile") for item, case in zip(requests, CASES)}

    bulk = plan_files(requests, texts)

    assert [item.request for item in bulk.items] == requests
    assert [item.path for item in bulk.files] == [item.path for item in requests]
    for file, case in zip(bulk.files, CASES):
        assert file.after == read(f"expected/{case.expected}.Dockerfile"), case.id
    assert bulk.changed


def test_results_come_in_order_with_their_own_changed() -> None:
    converged = plan(IIS, iis_app_pools=["DefaultAppPool"]).after
    requests = [
        request("/a/Dockerfile", iis_app_pools=["DefaultAppPool"]),
        request("/b/Dockerfile", iis_app_pools=["DefaultAppPool"]),
        request("/c/Dockerfile", user="network_service"),
    ]
    texts = {"/real/a/Dockerfile": IIS, "/real/b/Dockerfile": converged, "/real/c/Dockerfile": IIS}

    bulk = plan_files(requests, texts)

    results = [item.result() for item in bulk.items]
    assert [result["path"] for result in results] == ["/a/Dockerfile", "/b/Dockerfile", "/c/Dockerfile"]
    assert [result["changed"] for result in results] == [True, False, True]
    assert results[1] == {"path": "/b/Dockerfile", "stage": {"index": 0, "name": None}, "changed": False,
                          "added": [], "removed": []}  # fmt: skip
    assert [file.changed for file in bulk.files] == [True, False, True]
    assert bulk.changed


def test_nothing_to_do_is_unchanged() -> None:
    converged = plan(IIS, user="network_service").after

    bulk = plan_files([request("/a/Dockerfile", user="network_service")], {"/real/a/Dockerfile": converged})

    assert not bulk.changed
    assert not bulk.files[0].changed


def test_two_stages_of_one_file_make_one_file_edit() -> None:
    requests = [
        request("/app/Dockerfile", stage="agent", windows_services=["ContosoAgent"]),
        request("/app/Dockerfile", stage="web", iis_app_pools=["DefaultAppPool"]),
    ]

    bulk = plan_files(requests, {"/real/app/Dockerfile": TWO_STAGES})

    one_after_the_other = plan(
        plan(TWO_STAGES, stage="agent", windows_services=["ContosoAgent"]).after,
        stage="web",
        iis_app_pools=["DefaultAppPool"],
    ).after
    assert len(bulk.files) == 1
    assert bulk.files[0].before == TWO_STAGES
    assert bulk.files[0].after == one_after_the_other
    assert [item.result()["stage"] for item in bulk.items] == [
        {"index": 0, "name": "agent"},
        {"index": 1, "name": "web"},
    ]
    assert all(item.changed for item in bulk.items)


def test_a_link_and_its_target_are_one_file() -> None:
    requests = [
        FileRequest(path="/app/Dockerfile.link", real_path="/real/Dockerfile", stage="agent", user="local_system"),
        FileRequest(path="/app/Dockerfile", real_path="/real/Dockerfile", stage="web", user="network_service"),
    ]

    bulk = plan_files(requests, {"/real/Dockerfile": TWO_STAGES})

    assert [file.path for file in bulk.files] == ["/app/Dockerfile.link"]


@pytest.mark.parametrize("second_stage", ["agent", "0", "-2", "AGENT"])
def test_the_same_stage_twice_is_refused(second_stage: str) -> None:
    requests = [
        request("/app/Dockerfile", stage="agent", user="network_service"),
        request("/app/Dockerfile", stage=second_stage, windows_services=["ContosoAgent"]),
    ]

    with pytest.raises(DockerfileEditError, match=r"dockerfiles\[0\] and dockerfiles\[1\] both edit stage 0 of "):
        plan_files(requests, {"/real/app/Dockerfile": TWO_STAGES})


def test_the_final_stage_twice_is_refused() -> None:
    requests = [request("/app/Dockerfile", user="network_service"), request("/app/Dockerfile", stage="web")]

    with pytest.raises(DockerfileEditError, match="both edit stage 1"):
        plan_files(requests, {"/real/app/Dockerfile": TWO_STAGES})


def test_a_missing_file_is_fine_only_when_absent() -> None:
    requests = [request("/gone/Dockerfile", state="absent")]
    bulk = plan_files(requests, {"/real/gone/Dockerfile": None})

    assert bulk.items[0].result() == {"path": "/gone/Dockerfile", "stage": None, "changed": False, "added": [],
                                      "removed": []}  # fmt: skip
    assert not bulk.changed
    assert not bulk.files[0].changed

    with pytest.raises(
        DockerfileEditError, match=r"^dockerfiles\[1\] \(/gone/Dockerfile\) does not exist; check the paths"
    ):
        plan_files(
            [request("/a/Dockerfile"), request("/gone/Dockerfile")],
            {"/real/a/Dockerfile": IIS, "/real/gone/Dockerfile": None},
        )


def test_an_entry_that_cannot_be_planned_names_itself() -> None:
    requests = [request("/a/Dockerfile", user="network_service"), request("/b/Dockerfile", stage="test")]

    with pytest.raises(DockerfileEditError, match=r"^dockerfiles\[1\] \(/b/Dockerfile\): no build stage is named"):
        plan_files(requests, {"/real/a/Dockerfile": IIS, "/real/b/Dockerfile": IIS})


def test_warnings_name_their_file_and_stage() -> None:
    text = 'FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8\nENTRYPOINT ["C:\\\\ServiceMonitor.exe", "w3svc"]\n'
    requests = [
        request("/a/Dockerfile", user="network_service"),
        request("/b/Dockerfile", stage="0", user="network_service"),
    ]

    warnings = plan_files(requests, {"/real/a/Dockerfile": text, "/real/b/Dockerfile": text}).warnings

    assert len(warnings) == 2
    assert warnings[0].startswith("/a/Dockerfile: ")
    assert warnings[1].startswith("/b/Dockerfile stage 0: ")
    assert all("ServiceMonitor.exe" in warning for warning in warnings)


def test_every_missing_file_is_named_at_once() -> None:
    requests = [request("/a/Dockerfile"), request("/b/Dockerfile", stage="nope"), request("/c/Dockerfile")]

    with pytest.raises(DockerfileEditError) as error:
        plan_files(requests, dict.fromkeys(["/real/a/Dockerfile", "/real/b/Dockerfile", "/real/c/Dockerfile"]))

    assert str(error.value).startswith(
        "dockerfiles[0] (/a/Dockerfile), dockerfiles[1] (/b/Dockerfile), dockerfiles[2] (/c/Dockerfile) do not exist;"
    )
