# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential_spec task's requests: the single form, and specs entries merged with the top-level options."""

from __future__ import annotations

import os
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils import _credspec_files as files
from ansible_collections.wincontainers.gmsa.plugins.module_utils import _credspec_task
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import CredentialSpecError, DomainIdentity
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_ad import AccountRequest, SpecSource
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_task import (
    PER_SPEC_ONLY,
    SPEC_OPTIONS,
    plan_specs,
    spec_requests,
)
from ansible_collections.wincontainers.gmsa.plugins.modules.credential_spec import argument_spec


def params(**given: Any) -> dict[str, Any]:
    """The module's parameters as Ansible gives them: every option, with its default."""
    values = {name: option.get("default") for name, option in argument_spec().items()}
    values.update(given)
    return values


def test_every_spec_option_is_a_top_level_and_a_per_spec_option() -> None:
    spec = argument_spec()
    assert set(SPEC_OPTIONS) == set(spec["specs"]["options"])
    assert set(SPEC_OPTIONS) <= set(spec)
    assert set(PER_SPEC_ONLY) <= set(SPEC_OPTIONS)
    assert all("default" not in option for option in spec["specs"]["options"].values())


def test_single_form_is_one_request_of_the_top_level_options(tmp_path: Any) -> None:
    (request,) = spec_requests(
        params(account="WebApp01$", dest=str(tmp_path), filename="web", additional_accounts=["LogAgentSvc"])
    )

    assert request.where == ""
    assert request.account == "WebApp01$"
    assert request.filename == "web.json"
    assert request.additional_accounts == (AccountRequest("LogAgentSvc"),)
    assert request.state == "present"
    assert request.needs_ad


def test_entries_fall_back_to_the_top_level_options() -> None:
    requests = spec_requests(
        params(
            dest="/srv/specs",
            kubernetes_dest="/srv/k8s",
            kubernetes_namespace="shop",
            specs=[
                {"account": "WebApp01", "kubernetes_resource_name": "gmsa-webapp01"},
                {"account": "WebApp02", "kubernetes_namespace": "batch", "kubernetes_resource_name": "gmsa-webapp02"},
                {"account": "WebApp03", "path": "/elsewhere/web3.json"},
                {"account": "WebApp04", "state": "absent", "filename": "old"},
            ],
        )
    )

    assert [r.account for r in requests] == ["WebApp01", "WebApp02", "WebApp03", "WebApp04"]
    assert [r.where for r in requests][:2] == ["specs[0] (WebApp01): ", "specs[1] (WebApp02): "]
    assert [r.kubernetes_namespace for r in requests[:2]] == ["shop", "batch"]
    assert requests[0].manifest_path == "/srv/k8s/gmsa-webapp01.yml"
    # An entry's own path replaces the shared dest; a shared manifest folder names a resource for entries without.
    assert (requests[2].dest, requests[2].path) == (None, "/elsewhere/web3.json")
    assert requests[2].kubernetes_resource_name == "gmsa-webapp03"
    assert requests[2].manifest_path == "/srv/k8s/gmsa-webapp03.yml"
    assert requests[3].manifest_path == "/srv/k8s/gmsa-webapp04.yml"
    assert (requests[3].state, requests[3].filename, requests[3].needs_ad) == ("absent", "old.json", False)


@pytest.mark.parametrize(
    ("entries", "top", "message"),
    [
        ([{"account": "A1"}, {"account": "CONTOSO\\A2"}], {}, r"^specs\[1\] \(CONTOSO\\A2\): gMSA account name"),
        (
            [{"account": "A1", "filename": "a"}],
            {},
            r"^specs\[0\] \(A1\): missing parameter\(s\) required by 'filename'",
        ),
        ([{"account": "A1", "dest": "/d", "path": "/p.json"}], {}, r"^specs\[0\] \(A1\): parameters are mutually excl"),
        ([{"account": "A1", "state": "absent"}], {}, r"^specs\[0\] \(A1\): state absent needs dest or path"),
        (
            [{"account": "A_1", "kubernetes_dest": "/k"}, {"account": "a-1$", "kubernetes_dest": "/k"}],
            {},
            r"^specs\[1\] \(a-1\$\): kubernetes_resource_name gmsa-a-1 is also the kubernetes_resource_name of "
            r"specs\[0\]",
        ),
        ([{"account": "CONTOSO\\A1"}], {"kubernetes_dest": "/k"}, r"^specs\[0\] \(CONTOSO\\A1\): gMSA account name"),
        (
            [{"account": "A1", "kubernetes_resource_name": "Bad"}],
            {},
            r"^specs\[0\] \(A1\): kubernetes_resource_name 'B",
        ),
        (
            [{"account": "A1", "kubernetes_resource_name": "x"}, {"account": "A2", "kubernetes_resource_name": "x"}],
            {},
            r"^specs\[1\] \(A2\): kubernetes_resource_name x is also the kubernetes_resource_name of specs\[0\]",
        ),
        (
            [{"account": "A1", "additional_accounts": [{"nom": "x"}]}],
            {},
            r"^specs\[0\] \(A1\): additional_accounts\[0\]",
        ),
        (
            [{"account": "A1"}],
            {"host_account_config": {"plugin_guid": "aws", "plugin_input": "x"}},
            r"plugin_guid 'aws'",
        ),
    ],
)
def test_bad_entries_fail_naming_the_entry(entries: list[dict[str, Any]], top: dict[str, Any], message: str) -> None:
    with pytest.raises(CredentialSpecError, match=message):
        spec_requests(params(specs=entries, **top))


def test_removal_by_file_name_needs_no_ad_and_refuses_two_specs_of_one_file(tmp_path: Any) -> None:
    (tmp_path / "a.json").write_text("{}")
    requests = spec_requests(
        params(
            dest=str(tmp_path),
            state="absent",
            specs=[{"account": "A1", "filename": "a"}, {"account": "A2", "path": str(tmp_path / "b.json")}],
        )
    )

    planned = plan_specs(None, requests)

    assert [[(f.role, f.path, f.text, f.changed) for f in p.files] for p in planned] == [
        [("spec", str(tmp_path / "a.json"), None, True)],
        [("spec", str(tmp_path / "b.json"), None, False)],
    ]
    twice = spec_requests(params(dest=str(tmp_path), state="absent", specs=[{"account": "A1", "filename": "a"}] * 2))
    with pytest.raises(CredentialSpecError, match=r"^specs\[1\] \(A1\): file .*a\.json is also the file of specs\[0\]"):
        plan_specs(None, twice)


def test_removal_from_a_folder_that_does_not_exist_is_nothing_to_do(tmp_path: Any) -> None:
    missing = tmp_path / "gone"
    requests = spec_requests(
        params(
            state="absent",
            specs=[
                {"account": "A1", "dest": str(missing), "filename": "a"},
                {"account": "A2", "path": str(missing / "deeper" / "b.json")},
            ],
        )
    )

    planned = plan_specs(None, requests)

    assert [[(f.path, f.text, f.changed) for f in p.files] for p in planned] == [
        [(str(missing / "a.json"), None, False)],
        [(str(missing / "deeper" / "b.json"), None, False)],
    ]
    (tmp_path / "file").write_text("")
    in_a_file = spec_requests(params(state="absent", dest=str(tmp_path / "file"), account="A3", filename="c"))
    with pytest.raises(CredentialSpecError, match="exists and is not a folder"):
        plan_specs(None, in_a_file)


def test_a_spec_whose_gmsa_does_not_exist_is_planned_skipped(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    domain = DomainIdentity(
        "contoso.com", "CONTOSO", "S-1-5-21-1-2-3", "56d9b66c-d746-4f87-bd26-26760cfdca2e", "contoso.com"
    )
    sources = [
        SpecSource(domain, (), ("CN=A1,CN=Managed Service Accounts,DC=contoso,DC=com",)),
        SpecSource(domain, (), (), ("gMSA 'Gone' does not exist in contoso.com",)),
    ]
    asked = []

    def read(client: Any, accounts: Any, forest: Any, skip_missing: bool) -> list[SpecSource]:
        asked.append(skip_missing)
        return sources

    monkeypatch.setattr(_credspec_task, "read_spec_sources", read)
    (tmp_path / "contoso_gone.json").write_text("{}")
    requests = spec_requests(
        params(dest=str(tmp_path), kubernetes_dest=str(tmp_path), specs=[{"account": "A1"}, {"account": "Gone"}])
    )

    planned = plan_specs(object(), requests, skip_missing=True)

    assert asked == [True]
    assert [f.role for f in planned[0].files] == ["spec", "manifest"]
    assert planned[1].files == []
    assert planned[1].result == {
        "filename": "contoso_gone.json",
        "security_opt": "credentialspec=file://contoso_gone.json",
        "skipped": True,
        "skip_reason": "gMSA 'Gone' does not exist in contoso.com.",
    }


def test_real_path_resolves_folders_once_and_links_always(tmp_path: Any) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "a.json").write_text("{}")
    (tmp_path / "real" / "b.json").symlink_to(tmp_path / "real" / "a.json")
    folders: dict[str, str] = {}

    for name in ("a.json", "b.json", "new.json", ".."):
        path = str(tmp_path / "linked" / name)
        assert files.real_path(path, folders) == os.path.realpath(path)
    assert folders == {str(tmp_path / "linked"): str((tmp_path / "real").resolve())}
