"""The AWX/AAP credential type in docs/awx/: its injectors set the variables the modules read.

The environment variable names come from the ldap_connection doc fragment (``E(GMSA_LDAP_...)``), the single
place that documents them. The injectors are rendered here as AWX renders them: a sandboxed Jinja environment,
every input defined (an empty string when left empty), file templates reachable as ``tower.filename.<name>``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from ansible_collections.wincontainers.gmsa.plugins.doc_fragments.ldap_connection import ModuleDocFragment
from jinja2.sandbox import SandboxedEnvironment

ROOT = Path(__file__).resolve().parents[2]
AWX_DIR = ROOT / "docs" / "awx"
REQUIRED_ENV = {
    "GMSA_LDAP_SERVER",
    "GMSA_LDAP_USERNAME",
    "GMSA_LDAP_PASSWORD",
    "GMSA_LDAP_CA_CERT",
    "GMSA_LDAP_TLS_MODE",
    "GMSA_LDAP_AUTH_PROTOCOL",
}
FILES = {"ca_cert": "/runner/env/tmp_ca_cert", "krb5_conf": "/runner/env/tmp_krb5_conf"}


def load(name: str) -> dict:
    with (AWX_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


INPUTS = load("credential_type_inputs.yml")
INJECTORS = load("credential_type_injectors.yml")
FIELDS = {field["id"]: field for field in INPUTS["fields"]}
DOCUMENTED_ENV = set(re.findall(r"E\((GMSA_LDAP_[A-Z_]+)\)", ModuleDocFragment.DOCUMENTATION))


def render_env(**inputs: str) -> dict[str, str]:
    namespace = {field_id: "" for field_id in FIELDS}
    namespace.update(inputs)
    namespace["tower"] = {"filename": FILES}
    sandbox = SandboxedEnvironment()
    return {name: sandbox.from_string(template).render(**namespace) for name, template in INJECTORS["env"].items()}


def test_injectors_set_the_documented_variables():
    gmsa_env = {name for name in INJECTORS["env"] if name.startswith("GMSA_")}
    assert gmsa_env >= REQUIRED_ENV
    assert gmsa_env <= DOCUMENTED_ENV, f"not in the ldap_connection doc fragment: {sorted(gmsa_env - DOCUMENTED_ENV)}"


def test_every_field_is_labelled_and_only_password_is_secret():
    for field in INPUTS["fields"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", field["id"]) and field["label"] and field["help_text"]
    assert [field["id"] for field in INPUTS["fields"] if field.get("secret")] == ["password"]
    assert set(INPUTS["required"]) <= set(FIELDS)


def test_choices_are_the_modules_choices():
    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    for name in ("tls_mode", "auth_protocol"):
        assert FIELDS[name]["choices"] == fragment[name]["choices"]


def test_file_injectors_hold_the_inputs():
    assert INJECTORS["file"] == {"template.ca_cert": "{{ ca_cert }}", "template.krb5_conf": "{{ krb5_conf }}"}


def test_all_inputs_given():
    env = render_env(
        server="dc1.contoso.com,dc2.contoso.com",
        username="svc-gmsa@CONTOSO.COM",
        password="s3cret",
        tls_mode="start_tls",
        auth_protocol="kerberos",
        ca_cert="-----BEGIN CERTIFICATE-----",
        krb5_conf="[libdefaults]",
    )
    assert env == {
        "GMSA_LDAP_SERVER": "dc1.contoso.com,dc2.contoso.com",
        "GMSA_LDAP_USERNAME": "svc-gmsa@CONTOSO.COM",
        "GMSA_LDAP_PASSWORD": "s3cret",
        "GMSA_LDAP_CA_CERT": FILES["ca_cert"],
        "GMSA_LDAP_TLS_MODE": "start_tls",
        "GMSA_LDAP_AUTH_PROTOCOL": "kerberos",
        "KRB5_CONFIG": FILES["krb5_conf"],
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("GMSA_LDAP_CA_CERT", ""),  # no CA file: the system trust store
        ("GMSA_LDAP_TLS_MODE", "ldaps"),
        ("GMSA_LDAP_AUTH_PROTOCOL", "simple"),
        ("KRB5_CONFIG", "/etc/krb5.conf"),
        ("GMSA_LDAP_SERVER", ""),  # no server: DC discovery
    ],
)
def test_optional_inputs_left_empty_fall_back_to_the_module_defaults(name, expected):
    assert render_env(username="svc-gmsa@contoso.com", password="s3cret")[name] == expected
