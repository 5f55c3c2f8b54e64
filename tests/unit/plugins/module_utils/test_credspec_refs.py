# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential spec references per orchestrator (moby setWindowsCredentialSpec, docker/cli credentialSpecOpt,
compose-spec credential_spec)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import CredentialSpecError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_refs import (
    compose_credential_spec,
    security_opt,
    split_reference,
    swarm_credential_spec,
)

SPEC_TEXT = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "credspecs"
    / "microsoft-docs_gmsa-for-windows-containers_webapp01.json"
).read_text(encoding="utf-8")
RAW = json.dumps(json.loads(SPEC_TEXT), separators=(",", ":"))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("contoso_webapp01.json", ("file", "contoso_webapp01.json")),
        ("file://contoso_webapp01.json", ("file", "contoso_webapp01.json")),
        ("FILE://x.json", ("file", "x.json")),
        (
            "C:\\ProgramData\\Docker\\CredentialSpecs\\x.json",
            ("file", "C:\\ProgramData\\Docker\\CredentialSpecs\\x.json"),
        ),
        ("config://gmsa_webapp01", ("config", "gmsa_webapp01")),
        ("Registry://contoso_webapp01", ("registry", "contoso_webapp01")),
        ("raw://{}", ("raw", "{}")),
        (" config://x ", ("config", "x")),
    ],
)
def test_split_reference(given: str, expected: tuple[str, str]) -> None:
    assert split_reference(given) == expected


# The right values, each orchestrator with each of its forms.
@pytest.mark.parametrize(
    ("function", "given", "expected"),
    [
        # docker run --security-opt: file://, registry://, raw://
        (security_opt, "contoso_webapp01.json", "credentialspec=file://contoso_webapp01.json"),
        (security_opt, "file://contoso_webapp01.json", "credentialspec=file://contoso_webapp01.json"),
        (security_opt, "File://team/app.json", "credentialspec=file://team/app.json"),
        (security_opt, "registry://contoso_webapp01", "credentialspec=registry://contoso_webapp01"),
        (security_opt, "raw://" + RAW, "credentialspec=raw://" + RAW),
        # docker service create --credential-spec: file://, registry://, config://
        (swarm_credential_spec, "config://gmsa_webapp01", '--credential-spec="config://gmsa_webapp01"'),
        (swarm_credential_spec, "Config://gmsa_webapp01", '--credential-spec="config://gmsa_webapp01"'),
        (swarm_credential_spec, "registry://contoso_webapp01", '--credential-spec="registry://contoso_webapp01"'),
        (swarm_credential_spec, "contoso_webapp01.json", '--credential-spec="file://contoso_webapp01.json"'),
        (
            swarm_credential_spec,
            "C:\\ProgramData\\Docker\\CredentialSpecs\\contoso_webapp01.json",
            '--credential-spec="file://contoso_webapp01.json"',
        ),
        # compose credential_spec: file, registry, config
        (compose_credential_spec, "config://gmsa_webapp01", {"config": "gmsa_webapp01"}),
        (compose_credential_spec, "registry://contoso_webapp01", {"registry": "contoso_webapp01"}),
        (compose_credential_spec, "file://contoso_webapp01.json", {"file": "contoso_webapp01.json"}),
        (compose_credential_spec, "contoso_webapp01.json", {"file": "contoso_webapp01.json"}),
        (compose_credential_spec, "config://my.spec-1_a", {"config": "my.spec-1_a"}),
    ],
)
def test_each_orchestrator_takes_its_forms(function: Callable[[str], Any], given: str, expected: Any) -> None:
    assert function(given) == expected


FORMS = {
    security_opt: ("docker run --security-opt credentialspec=", ["file://", "registry://", "raw://"], "config://"),
    swarm_credential_spec: (
        "docker service create --credential-spec",
        ["file://", "registry://", "config://"],
        "raw://",
    ),
    compose_credential_spec: ("A compose service's credential_spec", ["file://", "registry://", "config://"], "raw://"),
}


@pytest.mark.parametrize("function", list(FORMS), ids=["docker_run", "swarm", "compose"])
@pytest.mark.parametrize("foreign", ["refused", "http://x", "npipe://x", "secret://x"])
def test_each_orchestrator_refuses_other_forms_and_lists_its_own(function: Callable[[str], Any], foreign: str) -> None:
    where, forms, refused = FORMS[function]
    given = refused + ("gmsa_webapp01" if refused == "config://" else RAW) if foreign == "refused" else foreign
    with pytest.raises(CredentialSpecError) as caught:
        function(given)
    scheme = given.split("://", 1)[0]
    assert caught.value.message.startswith(f"{where} does not take {scheme}:// references")
    hint = caught.value.hint or ""
    assert all(form in hint for form in forms)
    assert [form for form in ("file://", "registry://", "raw://", "config://") if form in hint] == sorted(
        forms, key=["file://", "registry://", "raw://", "config://"].index
    )


def test_config_refusal_for_docker_run_says_why() -> None:
    with pytest.raises(CredentialSpecError, match="config:// only resolves inside a Swarm task"):
        security_opt("config://gmsa_webapp01")


@pytest.mark.parametrize(
    ("function", "given", "message"),
    [
        (swarm_credential_spec, "config://", "does not name a Swarm config"),
        (swarm_credential_spec, "config://gmsa webapp01", "does not name a Swarm config"),
        (compose_credential_spec, "config://-gmsa", "does not name a Swarm config"),
        (compose_credential_spec, "config://" + "a" * 65, "does not name a Swarm config"),
        (security_opt, "registry://", "does not name a registry value"),
        (swarm_credential_spec, 'registry://a"b', "does not name a registry value"),
        (security_opt, "raw://{not json", "raw://... does not hold a usable credential spec: .*not valid JSON"),
        (security_opt, "raw://", "raw://... does not hold a usable credential spec"),
        (
            security_opt,
            "raw://" + RAW.replace("2680819671", "2680819671-1106"),
            "raw://... does not hold a usable credential spec: .*the RID 1106",
        ),
        (security_opt, "file://../x.json", "does not name a file under CredentialSpecs"),
        (compose_credential_spec, "file://C:\\temp\\x.json", "not inside a CredentialSpecs folder"),
        (swarm_credential_spec, None, "must be a string"),
    ],
)
def test_values_are_checked_per_form(function: Callable[[Any], Any], given: Any, message: str) -> None:
    with pytest.raises(CredentialSpecError, match=message):
        function(given)
