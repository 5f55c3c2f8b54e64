# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.wincontainers.gmsa.plugins.filter.credential_spec import FilterModule

FILTER_DIR = Path(__file__).resolve().parents[4] / "plugins" / "filter"
SPEC_FILE = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "credspecs"
    / "microsoft-docs_gmsa-for-windows-containers_webapp01.json"
)
FILTERS = FilterModule().filters()
NAMES = [
    "credential_spec_security_opt",
    "credential_spec_compose",
    "credential_spec_swarm",
    "credential_spec_k8s_resource",
]


def test_filter_names() -> None:
    assert sorted(FILTERS) == sorted(NAMES)
    assert all(callable(function) for function in FILTERS.values())


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("credential_spec_security_opt", "contoso_webapp01.json", "credentialspec=file://contoso_webapp01.json"),
        (
            "credential_spec_security_opt",
            "C:\\ProgramData\\Docker\\CredentialSpecs\\contoso_webapp01.json",
            "credentialspec=file://contoso_webapp01.json",
        ),
        (
            "credential_spec_security_opt",
            "C:/ProgramData/Docker/CredentialSpecs/contoso_webapp01.json",
            "credentialspec=file://contoso_webapp01.json",
        ),
        ("credential_spec_compose", "contoso_webapp01.json", {"file": "contoso_webapp01.json"}),
        ("credential_spec_compose", "file://contoso_webapp01.json", {"file": "contoso_webapp01.json"}),
        ("credential_spec_swarm", "contoso_webapp01.json", '--credential-spec="file://contoso_webapp01.json"'),
        (
            "credential_spec_swarm",
            "D:\\docker\\credentialspecs\\contoso_webapp01.json",
            '--credential-spec="file://contoso_webapp01.json"',
        ),
    ],
)
def test_file_reference_filters(name: str, given: str, expected: Any) -> None:
    assert FILTERS[name](given) == expected


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        # The right values for a spec held in a Swarm config (before, both failed as "does not name a file").
        ("credential_spec_compose", "config://gmsa_webapp01", {"config": "gmsa_webapp01"}),
        ("credential_spec_swarm", "config://gmsa_webapp01", '--credential-spec="config://gmsa_webapp01"'),
        ("credential_spec_compose", "registry://contoso_webapp01", {"registry": "contoso_webapp01"}),
        ("credential_spec_swarm", "registry://contoso_webapp01", '--credential-spec="registry://contoso_webapp01"'),
        ("credential_spec_security_opt", "registry://contoso_webapp01", "credentialspec=registry://contoso_webapp01"),
    ],
)
def test_other_reference_forms(name: str, given: str, expected: Any) -> None:
    assert FILTERS[name](given) == expected


@pytest.mark.parametrize(
    ("name", "given", "listed"),
    [
        ("credential_spec_security_opt", "config://gmsa_webapp01", "It takes file://.*registry://.*or raw://"),
        ("credential_spec_swarm", "raw://{}", "It takes file://.*registry://.*or config://"),
        ("credential_spec_compose", "raw://{}", "It takes file://.*registry://.*or config://"),
    ],
)
def test_each_filter_refuses_the_forms_of_other_orchestrators(name: str, given: str, listed: str) -> None:
    with pytest.raises(AnsibleFilterError, match=listed):
        FILTERS[name](given)


@pytest.mark.parametrize("name", ["credential_spec_security_opt", "credential_spec_compose", "credential_spec_swarm"])
@pytest.mark.parametrize("given", ["../app.json", "C:\\temp\\app.json", "", None])
def test_file_reference_filter_errors(name: str, given: Any) -> None:
    with pytest.raises(AnsibleFilterError, match=r"^Credential spec"):
        FILTERS[name](given)


@pytest.mark.parametrize("as_text", [True, False], ids=["json-text", "mapping"])
def test_k8s_resource_filter(as_text: bool) -> None:
    text = SPEC_FILE.read_text(encoding="utf-8")
    resource = FILTERS["credential_spec_k8s_resource"](text if as_text else json.loads(text), "gmsa-webapp01")
    assert resource == {
        "apiVersion": "windows.k8s.io/v1",
        "kind": "GMSACredentialSpec",
        "metadata": {"name": "gmsa-webapp01"},
        "credspec": json.loads(text),
    }


@pytest.mark.parametrize(
    ("spec", "name", "message"),
    [
        ("{not json", "gmsa-webapp01", "not valid JSON"),
        ("{}", "gmsa-webapp01", "has no CmsPlugins"),
        (None, "gmsa-webapp01", "must be a JSON object"),
        ("from-file", "gmsa-WebApp01", "is not a valid Kubernetes name.*For example 'gmsa-webapp01'"),
        ("account-sid", "gmsa-webapp01", "DomainJoinConfig.Sid .* is not a domain SID.*the RID 1106"),
        ("account-sid-text", "gmsa-webapp01", "DomainJoinConfig.Sid .* is not a domain SID.*the RID 1106"),
    ],
)
def test_k8s_resource_filter_errors(spec: Any, name: str, message: str) -> None:
    if spec == "from-file":
        spec = SPEC_FILE.read_text(encoding="utf-8")
    if spec in ("account-sid", "account-sid-text"):
        # The AKS example's mistake: the gMSA's SID in DomainJoinConfig.Sid.
        document = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
        document["DomainJoinConfig"]["Sid"] = "S-1-5-21-1491159469-2640480700-2178151669-1106"
        spec = document if spec == "account-sid" else json.dumps(document)
    with pytest.raises(AnsibleFilterError, match=message):
        FILTERS["credential_spec_k8s_resource"](spec, name)


@pytest.mark.parametrize("name", NAMES)
def test_each_filter_has_documentation(name: str) -> None:
    docs = yaml.safe_load((FILTER_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    assert set(docs) == {"DOCUMENTATION", "EXAMPLES", "RETURN"}
    documentation = docs["DOCUMENTATION"]
    assert documentation["name"] == name
    assert documentation["short_description"]
    assert documentation["description"]
    assert documentation["options"]["_input"]["required"] is True
    assert "(@" in documentation["author"]
    assert f"wincontainers.gmsa.{name}" in docs["EXAMPLES"]
    yaml.safe_load(docs["EXAMPLES"])
    assert "_value" in docs["RETURN"]
