# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from ansible.module_utils.common.yaml import yaml_dump_all
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import (
    CredentialSpecError,
    DomainIdentity,
    build_credential_spec,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._k8s import (
    default_resource_name,
    gmsa_credential_spec_resource,
    gmsa_rbac,
    manifest_documents,
    render_manifest,
)

DATA = Path(__file__).resolve().parents[2] / "data"


def crd_schema(version: str) -> dict[str, Any]:
    crd = yaml.safe_load((DATA / "gmsa-crd.yml").read_text(encoding="utf-8"))
    assert crd["spec"]["group"] == "windows.k8s.io"
    assert crd["spec"]["names"] == {"kind": "GMSACredentialSpec", "plural": "gmsacredentialspecs"}
    (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version]
    return served["schema"]["openAPIV3Schema"]


def undeclared_fields(instance: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Fields the API server would silently prune: a structural schema drops what it does not declare."""
    found = []
    if isinstance(instance, dict) and "properties" in schema:
        for key, value in instance.items():
            if key in schema["properties"]:
                found += undeclared_fields(value, schema["properties"][key], f"{path}.{key}")
            else:
                found.append(f"{path}.{key}")
    elif isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            found += undeclared_fields(item, schema["items"], f"{path}[{index}]")
    return found


def assert_valid_for_crd(resource: dict[str, Any]) -> None:
    assert resource["apiVersion"] == "windows.k8s.io/v1"
    schema = crd_schema("v1")
    # apiVersion, kind and metadata are checked by the API server itself, not by the CRD's schema.
    body = {key: value for key, value in resource.items() if key not in ("apiVersion", "kind", "metadata")}
    jsonschema.validate(body, schema, cls=jsonschema.Draft4Validator)
    assert undeclared_fields(body, schema) == []


def load_manifests(name: str) -> list[dict[str, Any]]:
    text = re.sub(r"\{\{[^}]*\}\}", "placeholder", (DATA / "credspecs" / name).read_text(encoding="utf-8"))
    return [doc for doc in yaml.safe_load_all(text) if doc]


# --- GMSACredentialSpec ----------------------------------------------------------------------------------------


def test_resource_shape(contoso: DomainIdentity) -> None:
    spec = build_credential_spec("WebApp1", contoso)
    resource = gmsa_credential_spec_resource("gmsa-webapp1", spec)
    assert list(resource) == ["apiVersion", "kind", "metadata", "credspec"]
    assert resource["apiVersion"] == "windows.k8s.io/v1"
    assert resource["kind"] == "GMSACredentialSpec"
    assert resource["metadata"] == {"name": "gmsa-webapp1"}
    assert resource["credspec"] == spec
    assert resource["credspec"] is not spec
    assert_valid_for_crd(resource)


def test_resource_carries_the_documented_credspec() -> None:
    # kubernetes.io's example (its name 'gmsa-WebApp1' is not a valid object name, hence the lower case), of
    # another CONTOSO than the unit tests' (its own SID and GUID).
    documented = load_manifests("k8s-website-configure-gmsa-examples.yaml")[0]
    join = documented["credspec"]["DomainJoinConfig"]
    domain = DomainIdentity(join["DnsName"], join["NetBiosName"], join["Sid"], join["Guid"], join["DnsTreeName"])
    resource = gmsa_credential_spec_resource("gmsa-webapp1", build_credential_spec("WebApp1", domain))
    assert resource["credspec"] == {
        **documented["credspec"],
        "ActiveDirectoryConfig": {
            "GroupManagedServiceAccounts": list(
                reversed(documented["credspec"]["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"])
            )
        },
    }


@pytest.mark.parametrize(
    "config",
    [
        {"plugin_guid": "{CCC2A336-D7F3-4818-A213-272B7924213E}", "plugin_input": "ObjectId=x;SecretUri=https://kv"},
        {
            "plugin_guid": "{e4781092-f116-4b79-b55e-28eb6a224e26}",
            "plugin_input": '{"credentialArn": "arn:aws:secretsmanager:x"}',
            "portable_ccg_version": "1",
        },
    ],
)
def test_resource_with_host_account_config_is_valid(config: dict[str, Any], contoso: DomainIdentity) -> None:
    spec = build_credential_spec("webapp01", contoso, ["log", ("app2", "dev.contoso.com")], host_account_config=config)
    assert_valid_for_crd(gmsa_credential_spec_resource("gmsa-webapp01", spec))


def test_resource_refuses_object_plugin_input(contoso: DomainIdentity) -> None:
    spec = build_credential_spec(
        "webapp01",
        contoso,
        host_account_config={
            "plugin_guid": "{859E1386-BDB4-49E8-85C7-3070B13920E1}",
            "plugin_input": {"CredentialArn": "arn"},
        },
    )
    # The CRD agrees: an object PluginInput is not a string.
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"credspec": spec}, crd_schema("v1"), cls=jsonschema.Draft4Validator)
    with pytest.raises(
        CredentialSpecError, match="PluginInput is an object, but the GMSACredentialSpec CRD only allows a string"
    ):
        gmsa_credential_spec_resource("gmsa-webapp01", spec)


@pytest.mark.parametrize(
    "name",
    [
        "tkgi-gmsa_samples_gmsa_gmsaspec.yaml",
        "tkgi-gmsa_samples_gmsa_non_domain_joined_gmsaspec.yaml",
        "it-templates-credspec-0.yml",
        "it-templates-credspec-with-hostagentconfig.yml",
    ],
)
def test_published_resources_round_trip(name: str) -> None:
    published = load_manifests(name)[0]
    published["metadata"]["name"] = published["metadata"]["name"].lower()
    resource = gmsa_credential_spec_resource(published["metadata"]["name"], published["credspec"])
    assert resource == published
    assert_valid_for_crd(resource)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({}, "has no CmsPlugins"),
        ("{}", "must be a JSON object"),
        ({"CmsPlugins": ["ActiveDirectory"]}, "has no DomainJoinConfig"),
    ],
)
def test_resource_validates_the_spec(spec: Any, message: str) -> None:
    with pytest.raises(CredentialSpecError, match=message):
        gmsa_credential_spec_resource("gmsa-webapp01", spec)


def test_resource_does_not_share_or_change_the_input(contoso: DomainIdentity) -> None:
    spec = build_credential_spec("webapp01", contoso)
    before = copy.deepcopy(spec)
    resource = gmsa_credential_spec_resource("gmsa-webapp01", spec)
    resource["credspec"]["DomainJoinConfig"]["Sid"] = "changed"
    assert spec == before


@pytest.mark.parametrize("name", ["gmsa-webapp01", "a", "0", "web.app-01", "a" * 253, "a." * 126 + "a"])
def test_valid_resource_names(name: str, contoso: DomainIdentity) -> None:
    assert gmsa_credential_spec_resource(name, build_credential_spec("webapp01", contoso))["metadata"]["name"] == name


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("gmsa-WebApp1", "For example 'gmsa-webapp1'."),
        ("contoso_webapp01", "For example 'contoso-webapp01'."),
        ("-gmsa", "For example 'gmsa'."),
        ("gmsa.", "For example 'gmsa'."),
        ("a" * 254, f"For example {'a' * 253!r}."),
        ("a..b", None),
        ("", None),
        ("---", None),
        (None, None),
    ],
)
def test_invalid_resource_names(name: Any, hint: str | None, contoso: DomainIdentity) -> None:
    with pytest.raises(CredentialSpecError, match="is not a valid Kubernetes name") as caught:
        gmsa_credential_spec_resource(name, build_credential_spec("webapp01", contoso))
    assert caught.value.hint == hint


# --- RBAC ------------------------------------------------------------------------------------------------------


def test_rbac_matches_the_documented_objects() -> None:
    _credspec, cluster_role, role_binding, _deployment = load_manifests("k8s-website-configure-gmsa-examples.yaml")
    cluster_role["rules"][0]["resourceNames"] = ["gmsa-webapp1"]  # the documented name, made a valid one
    role, binding = gmsa_rbac("gmsa-webapp1", "default", "default", role_name="webapp1-role")
    assert role == cluster_role
    assert binding["metadata"] == {"name": "webapp1-role-default", "namespace": "default"}
    assert {k: v for k, v in binding.items() if k != "metadata"} == {
        k: v for k, v in role_binding.items() if k != "metadata"
    }


def test_rbac_default_names() -> None:
    role, binding = gmsa_rbac("gmsa-webapp01", "webapp-sa", "apps")
    assert role == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "use-gmsa-webapp01"},
        "rules": [
            {
                "apiGroups": ["windows.k8s.io"],
                "resources": ["gmsacredentialspecs"],
                "verbs": ["use"],
                "resourceNames": ["gmsa-webapp01"],
            }
        ],
    }
    assert binding == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "use-gmsa-webapp01-webapp-sa", "namespace": "apps"},
        "subjects": [{"kind": "ServiceAccount", "name": "webapp-sa", "namespace": "apps"}],
        "roleRef": {"kind": "ClusterRole", "name": "use-gmsa-webapp01", "apiGroup": "rbac.authorization.k8s.io"},
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("gmsa-WebApp1", "default", "default"), "GMSACredentialSpec name 'gmsa-WebApp1'"),
        (("gmsa-webapp1", "Default", "default"), "ServiceAccount name 'Default'"),
        (
            ("gmsa-webapp1", "default", "my.namespace"),
            "Namespace 'my.namespace' is not a valid Kubernetes namespace name",
        ),
        (("gmsa-webapp1", "default", "n" * 64), "at most 63"),
        (("gmsa-webapp1", "default", "default", "Webapp1 Role"), "ClusterRole name 'Webapp1 Role'"),
        (("gmsa-webapp1", "s" * 253, "default"), "RoleBinding name"),
    ],
)
def test_rbac_name_errors(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(CredentialSpecError, match=re.escape(message)):
        gmsa_rbac(*args)


def test_manifest_is_the_three_objects_as_yaml_documents(contoso: DomainIdentity) -> None:
    spec = build_credential_spec("WebApp01", contoso)
    documents = manifest_documents("gmsa-webapp01", spec, "webapp01", "shop")

    text = render_manifest(documents, "GMSACredentialSpec gmsa-webapp01\nsecond line")

    assert text.startswith("# GMSACredentialSpec gmsa-webapp01\n# second line\n---\napiVersion: windows.k8s.io/v1\n")
    assert list(yaml.safe_load_all(text)) == documents
    assert [d["kind"] for d in documents] == ["GMSACredentialSpec", "ClusterRole", "RoleBinding"]
    assert documents[2]["subjects"] == [{"kind": "ServiceAccount", "name": "webapp01", "namespace": "shop"}]
    # Deterministic, key order kept: the file compares by its text.
    assert render_manifest(manifest_documents("gmsa-webapp01", spec, "webapp01", "shop"), "x") == render_manifest(
        documents, "x"
    )
    assert text.index("MachineAccountName") > text.index("Sid")


def test_manifest_refuses_a_bad_name(contoso: DomainIdentity) -> None:
    with pytest.raises(CredentialSpecError, match="not a valid Kubernetes name"):
        manifest_documents("WebApp01", build_credential_spec("WebApp01", contoso), "default", "default")


@pytest.mark.parametrize(
    ("account", "name"),
    [("WebApp01", "gmsa-webapp01"), ("WebApp01$", "gmsa-webapp01"), ("Web_App 2", "gmsa-web-app-2"), ("a-", "gmsa-a")],
)
def test_default_resource_name(account: str, name: str) -> None:
    assert default_resource_name(account) == name


TRICKY_STRINGS = [
    "true",
    "Yes",
    "1",
    "0644",
    "1e3",
    "",
    " lead",
    "a: b",
    "#c",
    "- x",
    "~",
    "null",
    "x\ny",
    "é",
    "2026-01-01",
]


@pytest.mark.parametrize(
    "documents",
    [
        [
            {
                "apiVersion": "v1",
                "values": TRICKY_STRINGS,
                "empty": {},
                "none": [],
                "deep": {"a": {"b": ["c", {"d": "e"}]}},
            }
        ],
        [{"long": "x" * 1500, "plugin": "ObjectId=/subscriptions/x;SecretUri=https://kv.vault.azure.net/secrets/g"}],
        [{"a": "b"}, {"c": ["d"]}],
    ],
)
def test_manifest_text_is_what_pyyaml_dumps(documents: list[dict[str, Any]]) -> None:
    expected = yaml_dump_all(
        documents, default_flow_style=False, sort_keys=False, explicit_start=True, indent=2, width=1000
    )

    assert render_manifest(documents, "h") == "# h\n" + expected


def test_manifest_of_shared_or_other_objects_falls_back_to_pyyaml() -> None:
    shared = {"name": "x"}
    for documents in ([{"a": shared, "b": shared}], [{"replicas": 3, "enabled": True, "nothing": None}]):
        expected = yaml_dump_all(
            documents, default_flow_style=False, sort_keys=False, explicit_start=True, indent=2, width=1000
        )
        assert render_manifest(documents, "h") == "# h\n" + expected
