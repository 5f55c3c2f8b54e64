# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import (
    CredentialSpecError,
    DomainIdentity,
    account_name,
    build_credential_spec,
    credential_spec_problems,
    default_filename,
    needs_write,
    parse_credential_spec,
    render_credential_spec,
    safe_join,
    same_content,
    validate_credential_spec,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec_refs import (
    compose_credential_spec,
    credential_spec_reference,
    security_opt,
    swarm_credential_spec,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError

DATA = Path(__file__).resolve().parents[2] / "data" / "credspecs"

# A child domain of the contoso fixture's forest (tests/unit/conftest.py).
DEV = DomainIdentity(
    dns_name="dev.contoso.com",
    netbios_name="DEV",
    sid="S-1-5-21-1-2-3",
    guid="0d4f7c8e-1111-4222-8333-944455556666",
    forest_dns_name="contoso.com",
)


# The AWS CDK file is a template: its $...$ placeholders are filled in before it is a credential spec.
CDK_TEMPLATE_VALUES = {"$gmsaName$": "webapp01", "$adDomainName$": "contoso.com", "$adNetBiosName$": "CONTOSO"}


def data_text(name: str) -> str:
    text = (DATA / name).read_text(encoding="utf-8")
    for placeholder, value in CDK_TEMPLATE_VALUES.items() if "template" in name else ():
        text = text.replace(placeholder, value)
    return text


def k8s_credspec(name: str) -> dict[str, Any]:
    """The ``credspec`` of a GMSACredentialSpec YAML file (Go template placeholders filled in)."""
    text = re.sub(r"\{\{[^}]*\}\}", "placeholder", data_text(name))
    return next(yaml.safe_load_all(text))["credspec"]


# --- the published example ------------------------------------------------------------------------------------


def test_published_example_byte_for_byte(contoso: DomainIdentity) -> None:
    spec = build_credential_spec("webapp01", contoso)
    assert render_credential_spec(spec) == data_text("microsoft-docs_gmsa-for-windows-containers_webapp01.json")


@pytest.mark.parametrize(
    ("path", "keys"),
    [
        ((), ["CmsPlugins", "DomainJoinConfig", "ActiveDirectoryConfig"]),
        (("DomainJoinConfig",), ["Sid", "MachineAccountName", "Guid", "DnsTreeName", "DnsName", "NetBiosName"]),
        (("ActiveDirectoryConfig",), ["GroupManagedServiceAccounts", "HostAccountConfig"]),
        (("ActiveDirectoryConfig", "GroupManagedServiceAccounts", 0), ["Name", "Scope"]),
        (("ActiveDirectoryConfig", "HostAccountConfig"), ["PortableCcgVersion", "PluginGUID", "PluginInput"]),
    ],
)
def test_key_order(path: tuple[Any, ...], keys: list[str], contoso: DomainIdentity) -> None:
    node: Any = build_credential_spec(
        "webapp01", contoso, host_account_config={"plugin_guid": uuid.UUID(int=1), "plugin_input": "x"}
    )
    for step in path:
        node = node[step]
    assert list(node) == keys


def test_primary_account_has_dns_then_netbios_scope(contoso: DomainIdentity) -> None:
    spec = build_credential_spec("WebApp01$", contoso)
    assert spec["DomainJoinConfig"]["MachineAccountName"] == "WebApp01"
    assert spec["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"] == [
        {"Name": "WebApp01", "Scope": "contoso.com"},
        {"Name": "WebApp01", "Scope": "CONTOSO"},
    ]
    assert "HostAccountConfig" not in spec["ActiveDirectoryConfig"]


def test_domain_join_config_fields() -> None:
    child = DomainIdentity(
        "dev.contoso.com", "DEV", "S-1-5-21-1-2-3", "{0D4F7C8E-1111-4222-8333-944455556666}", "contoso.com"
    )
    join = build_credential_spec("app", child)["DomainJoinConfig"]
    assert join == {
        "Sid": "S-1-5-21-1-2-3",
        "MachineAccountName": "app",
        "Guid": "0d4f7c8e-1111-4222-8333-944455556666",
        "DnsTreeName": "contoso.com",
        "DnsName": "dev.contoso.com",
        "NetBiosName": "DEV",
    }


# --- additional accounts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("additional", "expected"),
    [
        (["LogAgentSvc"], [{"Name": "LogAgentSvc", "Scope": "contoso.com"}]),
        (
            ["LogAgentSvc$", "OtherSvc"],
            [{"Name": "LogAgentSvc", "Scope": "contoso.com"}, {"Name": "OtherSvc", "Scope": "contoso.com"}],
        ),
        ([("gMSA3", DEV)], [{"Name": "gMSA3", "Scope": "dev.contoso.com"}]),
        ([("gMSA3$", "dev.contoso.com")], [{"Name": "gMSA3", "Scope": "dev.contoso.com"}]),
    ],
)
def test_additional_accounts_one_entry_each_scoped_to_dns_name(
    additional: list[Any], expected: list[dict[str, str]], contoso: DomainIdentity
) -> None:
    accounts = build_credential_spec("webapp01", contoso, additional)["ActiveDirectoryConfig"][
        "GroupManagedServiceAccounts"
    ]
    assert accounts[:2] == [{"Name": "webapp01", "Scope": "contoso.com"}, {"Name": "webapp01", "Scope": "CONTOSO"}]
    assert accounts[2:] == expected


def test_additional_accounts_scoped_by_domain_identities(contoso: DomainIdentity) -> None:
    additional = [("LogAgentSvc", contoso), ["gMSA3", DEV]]
    accounts = build_credential_spec("webapp01", contoso, additional)["ActiveDirectoryConfig"][
        "GroupManagedServiceAccounts"
    ]
    assert accounts[2:] == [
        {"Name": "LogAgentSvc", "Scope": "contoso.com"},
        {"Name": "gMSA3", "Scope": "dev.contoso.com"},
    ]


@pytest.mark.parametrize(
    ("additional", "message"),
    [
        (["webapp01"], "listed twice"),
        ([("WEBAPP01", "CONTOSO")], "listed twice"),
        (["log", "LOG$"], "listed twice"),
        ([("log", "")], "has scope ''"),
        ([("log", 42)], "has scope 42"),
        ([("log",)], "neither a name nor"),
        ([42], "neither a name nor"),
        (["CONTOSO\\log"], "contains '\\\\'"),
    ],
)
def test_additional_account_errors(additional: list[Any], message: str, contoso: DomainIdentity) -> None:
    with pytest.raises(CredentialSpecError, match=re.escape(message) if "\\" not in message else message):
        build_credential_spec("webapp01", contoso, additional)


# --- account names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("webapp01", "webapp01"),
        ("WebApp01$", "WebApp01"),
        ("a" * 15, "a" * 15),
        ("a" * 15 + "$", "a" * 15),
        ("gmsa-acct-test", "gmsa-acct-test"),
    ],
)
def test_account_name_accepts(given: str, expected: str) -> None:
    assert account_name(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("CONTOSO\\webapp01", r"contains '\\'.*for example 'webapp01'"),
        ("webapp01@contoso.com", r"contains '@'.*for example 'webapp01'"),
        ("a" * 16, "16 characters long; at most 15"),
        ("", "is empty"),
        ("$", "is empty"),
        ("web*app", r"forbids: '\*'"),
        ("web/app", "forbids"),
        ("web\tapp", "forbids"),
        # the gMSA rule (_rules.gmsa_name), as gmsa_account applies it: no spaces, not only digits, no final period
        ("web app", "forbids: ' '"),
        (" webapp01 ", "forbids: ' '"),
        ("WebApp01$$", r"forbids: '\$'"),
        ("12345", "only digits"),
        ("webapp.", "ends with a period"),
        (None, "must be a string"),
    ],
)
def test_account_name_rejects(given: Any, message: str) -> None:
    with pytest.raises(CredentialSpecError, match=message):
        account_name(given)


def test_errors_are_value_errors_and_gmsa_errors(contoso: DomainIdentity) -> None:
    with pytest.raises(ValueError) as caught:
        build_credential_spec("CONTOSO\\webapp01", contoso)
    assert isinstance(caught.value, GmsaError)
    assert caught.value.hint


# --- domain identity -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sid", "S-1-5-21-702590844-1001920913-2680819671-1105", "not a domain SID.*the RID 1105.*not an account's"),
        ("sid", "S-1-5-32-544", "not a domain SID"),
        ("sid", "S-1-5-21-1-2-4294967296", "not a SID"),
        ("sid", None, "Domain SID must be a string"),
        ("guid", "not-a-guid", "is not a GUID"),
        ("dns_name", "contoso.com.", "Domain dns_name 'contoso.com.' is not a DNS name"),
        ("dns_name", "", "Domain dns_name is empty"),
        ("forest_dns_name", "contoso_com", "Domain forest_dns_name 'contoso_com' is not a DNS name"),
        ("netbios_name", "A" * 16, "NetBIOS name"),
        ("netbios_name", "CON.TOSO", "NetBIOS name"),
        ("netbios_name", "", "NetBIOS name"),
    ],
)
def test_domain_identity_rejects(field: str, value: Any, message: str) -> None:
    facts = {
        "dns_name": "contoso.com",
        "netbios_name": "CONTOSO",
        "sid": "S-1-5-21-1-2-3",
        "guid": str(uuid.UUID(int=7)),
        "forest_dns_name": "contoso.com",
    }
    facts[field] = value
    with pytest.raises(CredentialSpecError, match=message):
        DomainIdentity(**facts)


@pytest.mark.parametrize(
    "guid",
    [
        "56D9B66C-D746-4F87-BD26-26760CFDCA2E",
        "{56d9b66c-d746-4f87-bd26-26760cfdca2e}",
        uuid.UUID("56d9b66c-d746-4f87-bd26-26760cfdca2e"),
    ],
)
def test_domain_guid_is_normalised_to_convertto_json_form(guid: Any) -> None:
    domain = DomainIdentity("contoso.com", "CONTOSO", "s-1-5-21-1-2-3", guid, "contoso.com")
    assert domain.guid == "56d9b66c-d746-4f87-bd26-26760cfdca2e"
    assert domain.sid == "S-1-5-21-1-2-3"


def test_domain_identity_of_any_object_with_the_facts(contoso: DomainIdentity) -> None:
    class DomainInfo:
        dns_name = "contoso.com"
        netbios_name = "CONTOSO"
        sid = "S-1-5-21-702590844-1001920913-2680819671"
        guid = "56d9b66c-d746-4f87-bd26-26760cfdca2e"
        forest_dns_name = "contoso.com"
        domain_dn = "DC=contoso,DC=com"

    assert DomainIdentity.of(DomainInfo()) == contoso


def test_build_refuses_a_domain_that_is_not_a_domain_identity() -> None:
    with pytest.raises(CredentialSpecError, match="must be a DomainIdentity"):
        build_credential_spec("webapp01", {"dns_name": "contoso.com"})  # type: ignore[arg-type]


# --- HostAccountConfig -----------------------------------------------------------------------------------------


def test_host_account_config_with_string_input(contoso: DomainIdentity) -> None:
    # New-CredentialSpec -AKV writes this plugin and input form (CCG with Azure Key Vault).
    spec = build_credential_spec(
        "webapp01",
        contoso,
        host_account_config={
            "plugin_guid": "{CCC2A336-D7F3-4818-A213-272B7924213E}",
            "plugin_input": "ObjectId=abcd;SecretUri=https://contoso-key-vault.vault.azure.net",
        },
    )
    assert spec["ActiveDirectoryConfig"]["HostAccountConfig"] == {
        "PortableCcgVersion": "1",
        "PluginGUID": "{CCC2A336-D7F3-4818-A213-272B7924213E}",
        "PluginInput": "ObjectId=abcd;SecretUri=https://contoso-key-vault.vault.azure.net",
    }


def test_host_account_config_with_mapping_input_reproduces_aws_file() -> None:
    text = data_text("aws-credentials-fetcher_gmsa_service_dummy_credspec.json")
    published = json.loads(text)
    domain = DomainIdentity(
        "contoso.com",
        "contoso",
        "S-1-5-21-4066351383-705263209-1606769140",
        "ac822f13-583e-49f7-aa7b-284f9a8c97b6",
        "contoso.com",
    )
    spec = build_credential_spec(
        "webapp01",
        domain,
        host_account_config={
            "plugin_guid": "859e1386-bdb4-49e8-85c7-3070b13920e1",
            "plugin_input": {
                "CredentialArn": "arn:aws:secretsmanager:us-west-2:123456789:secret:gMSAUserSecret-PwmPaO"
            },
            "portable_ccg_version": 1,
        },
    )
    assert same_content(text, spec)
    assert json.dumps(spec, separators=(",", ":")) == text.strip()
    assert spec == published


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("{859E1386-BDB4-49E8-85C7-3070B13920E1}", "{859E1386-BDB4-49E8-85C7-3070B13920E1}"),
        ("859e1386-bdb4-49e8-85c7-3070b13920e1", "{859E1386-BDB4-49E8-85C7-3070B13920E1}"),
        ("{f919de1a-efc4-4902-b7e5-56a314a87262}", "{F919DE1A-EFC4-4902-B7E5-56A314A87262}"),
        (" {f919de1a-efc4-4902-b7e5-56a314a87262} ", "{F919DE1A-EFC4-4902-B7E5-56A314A87262}"),
    ],
)
def test_plugin_guid_is_braced_upper_case(given: str, expected: str, contoso: DomainIdentity) -> None:
    spec = build_credential_spec("app", contoso, host_account_config={"plugin_guid": given, "plugin_input": "x"})
    assert spec["ActiveDirectoryConfig"]["HostAccountConfig"]["PluginGUID"] == expected


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"plugin_guid": "{GDMA0342-266A-4D1P-831J-20990E82944F}", "plugin_input": "x"}, "is not a GUID"),
        ({"plugin_guid": "{859E1386-BDB4-49E8-85C7-3070B13920E1", "plugin_input": "x"}, "is not a GUID"),
        ({"plugin_guid": "859E1386BDB449E885C73070B13920E1", "plugin_input": "x"}, "is not a GUID"),
        ({"plugin_guid": 42, "plugin_input": "x"}, "is not a GUID"),
        ({"plugin_input": "x"}, "needs plugin_guid"),
        ({"plugin_guid": "{859E1386-BDB4-49E8-85C7-3070B13920E1}"}, "needs plugin_input"),
        ({}, "needs plugin_guid and plugin_input"),
        ({"plugin_guid": "{859E1386-BDB4-49E8-85C7-3070B13920E1}", "plugin_input": ""}, "plugin_input is empty"),
        ({"plugin_guid": "{859E1386-BDB4-49E8-85C7-3070B13920E1}", "plugin_input": 3}, "string or a mapping"),
        (
            {"plugin_guid": "{859E1386-BDB4-49E8-85C7-3070B13920E1}", "plugin_input": {"a": object()}},
            "cannot be written as JSON",
        ),
        (
            {
                "plugin_guid": "{859E1386-BDB4-49E8-85C7-3070B13920E1}",
                "plugin_input": "x",
                "portable_ccg_version": "v1",
            },
            "not a version number",
        ),
        (
            {"plugin_guid": "{859E1386-BDB4-49E8-85C7-3070B13920E1}", "plugin_input": "x", "pluginguid": "y"},
            r"Unknown host_account_config keys \['pluginguid'\]",
        ),
        ("{859E1386-BDB4-49E8-85C7-3070B13920E1}", "must be a mapping"),
    ],
)
def test_host_account_config_errors(config: Any, message: str, contoso: DomainIdentity) -> None:
    with pytest.raises(CredentialSpecError, match=message):
        build_credential_spec("app", contoso, host_account_config=config)


# --- file names and orchestrator references --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "account", "expected"),
    [
        (DEV, "gMSA3", "dev_gmsa3.json"),
        ("GMSAPING", "WebApp02", "gmsaping_webapp02.json"),
    ],
)
def test_default_filename(domain: Any, account: str, expected: str) -> None:
    assert default_filename(domain, account) == expected


@pytest.mark.parametrize("account", ["WebApp01", "WebApp01$"])
def test_default_filename_of_a_domain_identity(contoso: DomainIdentity, account: str) -> None:
    assert default_filename(contoso, account) == "contoso_webapp01.json"


def test_default_filename_validates_the_account(contoso: DomainIdentity) -> None:
    with pytest.raises(CredentialSpecError, match="contains '@'"):
        default_filename(contoso, "webapp01@contoso.com")


@pytest.mark.parametrize(
    ("given", "reference"),
    [
        ("contoso_webapp01.json", "contoso_webapp01.json"),
        ("file://contoso_webapp01.json", "contoso_webapp01.json"),
        ("C:\\ProgramData\\Docker\\CredentialSpecs\\contoso_webapp01.json", "contoso_webapp01.json"),
        ("C:/ProgramData/docker/credentialspecs/contoso_webapp01.json", "contoso_webapp01.json"),
        ("D:\\docker\\CredentialSpecs\\team\\app.json", "team/app.json"),
        ("team/app.json", "team/app.json"),
    ],
)
def test_orchestrator_references(given: str, reference: str) -> None:
    assert credential_spec_reference(given) == reference
    assert security_opt(given) == f"credentialspec=file://{reference}"
    assert compose_credential_spec(given) == {"file": reference}
    assert swarm_credential_spec(given) == f'--credential-spec="file://{reference}"'


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("C:\\specs\\contoso_webapp01.json", "not inside a CredentialSpecs folder"),
        ("/etc/docker/app.json", "not inside a CredentialSpecs folder"),
        ("C:app.json", "not inside a CredentialSpecs folder"),
        ("", "does not name a file"),
        ("file://", "does not name a file"),
        ("C:\\ProgramData\\Docker\\CredentialSpecs\\", "does not name a file"),
        ("../app.json", "does not name a file"),
        ("team/../../app.json", "does not name a file"),
        ('app".json', "does not name a file"),
        ("app.json:stream", "does not name a file"),
        (42, "must be a string"),
    ],
)
def test_orchestrator_reference_errors(given: Any, message: str) -> None:
    with pytest.raises(CredentialSpecError, match=message):
        security_opt(given)


# --- rendering and comparing -----------------------------------------------------------------------------------


def test_render_is_ascii_with_final_newline_and_round_trips(contoso: DomainIdentity) -> None:
    spec = build_credential_spec(
        "webapp01", contoso, host_account_config={"plugin_guid": uuid.UUID(int=1), "plugin_input": "Dömäin=ü"}
    )
    text = render_credential_spec(spec)
    assert text.isascii()
    assert "D\\u00f6m\\u00e4in=\\u00fc" in text
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert "\r" not in text
    assert json.loads(text) == spec
    assert same_content(text, spec)


def _ecs_agent_spec() -> dict[str, Any]:
    domain = DomainIdentity(
        "gmsa.test.com",
        "gmsa",
        "S-1-5-21-975084816-3050680612-2826754290",
        "92a07e28-bd9f-4bf3-b1f7-0894815a5257",
        "gmsa.test.com",
    )
    spec = build_credential_spec("gmsa-acct-test", domain)
    # That test writes only the DNS scope entry.
    del spec["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"][1]
    return spec


def _reordered(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(item) for item in value]
    return value


def _changed(spec: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(spec))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copy


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        pytest.param(
            lambda s: data_text("aws-amazon-ecs-agent_functional-test_gmsa-acct-test.json"),
            True,
            id="powershell-convertto-json-whitespace",
        ),
        pytest.param(lambda s: json.dumps(s, separators=(",", ":")), True, id="compact"),
        pytest.param(lambda s: render_credential_spec(s).replace("\n", "\r\n"), True, id="crlf"),
        pytest.param(lambda s: json.dumps(_reordered(s), indent=2), True, id="keys-in-another-order"),
        pytest.param(
            lambda s: render_credential_spec(
                _changed(s, ("DomainJoinConfig", "Sid"), "S-1-5-21-975084816-3050680612-2826754291")
            ),
            False,
            id="changed-sid",
        ),
        pytest.param(
            lambda s: render_credential_spec(_changed(s, ("DomainJoinConfig", "NetBiosName"), "GMSA")),
            False,
            id="changed-case",
        ),
        pytest.param(
            lambda s: render_credential_spec(_changed(s, ("CmsPlugins",), ["ActiveDirectory", "ActiveDirectory"])),
            False,
            id="longer-list",
        ),
        pytest.param(lambda s: render_credential_spec(_changed(s, ("Extra",), True)), False, id="extra-key"),
        pytest.param(lambda s: render_credential_spec(s)[:-3], False, id="truncated"),
        pytest.param(lambda s: "", False, id="empty"),
    ],
)
def test_same_content(existing: Any, expected: bool) -> None:
    spec = _ecs_agent_spec()
    assert same_content(existing(spec), spec) is expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ({"v": "1"}, {"v": 1}, False),
        ({"v": 1}, {"v": True}, False),
        ({"v": 1}, {"v": 1.0}, True),
        ({"v": None}, {"v": False}, False),
        ({"v": [1, 2]}, {"v": [2, 1]}, False),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),
    ],
)
def test_same_content_compares_json_types(left: dict[str, Any], right: dict[str, Any], expected: bool) -> None:
    assert same_content(json.dumps(left), right) is expected


def test_multiple_scopes_order_matters(contoso: DomainIdentity) -> None:
    spec = build_credential_spec("webapp01", contoso)
    swapped = json.loads(json.dumps(spec))
    swapped["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"].reverse()
    assert not same_content(render_credential_spec(swapped), spec)


# --- parsing ---------------------------------------------------------------------------------------------------

JSON_EXAMPLES = sorted(p.name for p in DATA.glob("*.json"))
K8S_EXAMPLES = sorted(p.name for p in DATA.glob("*.y*ml"))


@pytest.mark.parametrize("name", JSON_EXAMPLES)
def test_published_json_examples_parse(name: str) -> None:
    spec = parse_credential_spec(data_text(name))
    assert spec["CmsPlugins"] == ["ActiveDirectory"]
    assert spec["DomainJoinConfig"]["MachineAccountName"]


@pytest.mark.parametrize("name", K8S_EXAMPLES)
def test_published_k8s_examples_parse(name: str) -> None:
    credspec = k8s_credspec(name)
    assert parse_credential_spec(json.dumps(credspec)) == credspec


def test_parse_accepts_a_byte_order_mark_and_bytes() -> None:
    text = data_text("aws-whitepaper_replatform-dotnet_gmsaecs.json")
    assert parse_credential_spec("\ufeff" + text) == json.loads(text)
    assert parse_credential_spec(("\ufeff" + text).encode("utf-8")) == json.loads(text)


def _valid() -> dict[str, Any]:
    """The published example with the HostAccountConfig of a portable spec: every part parse_credential_spec checks."""
    spec = json.loads(data_text("microsoft-docs_gmsa-for-windows-containers_webapp01.json"))
    spec["ActiveDirectoryConfig"]["HostAccountConfig"] = {
        "PortableCcgVersion": "1",
        "PluginGUID": "{00000000-0000-0000-0000-000000000001}",
        "PluginInput": "x",
    }
    return spec


def _without(path: tuple[Any, ...]) -> str:
    spec = _valid()
    node: Any = spec
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return json.dumps(spec)


def _with(path: tuple[Any, ...], value: Any) -> str:
    return json.dumps(_changed(_valid(), path, value))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", r"not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2"),
        ("", "not valid JSON"),
        ("[]", "must be a JSON object, got list"),
        (b"\xff\xfe{", "not UTF-8 text"),
        (_without(("DomainJoinConfig",)), "has no DomainJoinConfig"),
        (_without(("CmsPlugins",)), "has no CmsPlugins"),
        (_without(("ActiveDirectoryConfig",)), "has no ActiveDirectoryConfig"),
        (_without(("DomainJoinConfig", "Sid")), r"has no DomainJoinConfig\.Sid"),
        (
            _without(("ActiveDirectoryConfig", "GroupManagedServiceAccounts")),
            r"has no ActiveDirectoryConfig\.GroupManagedServiceAccounts",
        ),
        (
            _without(("ActiveDirectoryConfig", "GroupManagedServiceAccounts", 0, "Scope")),
            r"GroupManagedServiceAccounts\[0\]\.Scope",
        ),
        (_without(("ActiveDirectoryConfig", "HostAccountConfig", "PluginGUID")), r"HostAccountConfig\.PluginGUID"),
        (_with(("CmsPlugins",), []), "must list 'ActiveDirectory'"),
        (_with(("CmsPlugins",), "ActiveDirectory"), "CmsPlugins must be a list"),
        (_with(("DomainJoinConfig",), []), "DomainJoinConfig must be an object, got \\[\\]"),
        (_with(("DomainJoinConfig", "Sid"), 5), r"DomainJoinConfig\.Sid must be a string, got 5"),
        (_with(("DomainJoinConfig", "Sid"), "CONTOSO"), r"Sid 'CONTOSO' is not a SID"),
        (_with(("DomainJoinConfig", "Guid"), "{56d9b66c-d746-4f87-bd26-26760cfdca2e}"), "is not a GUID"),
        (_with(("DomainJoinConfig", "DnsName"), ""), r"DomainJoinConfig\.DnsName is empty"),
        (_with(("ActiveDirectoryConfig", "GroupManagedServiceAccounts"), []), "GroupManagedServiceAccounts is empty"),
        (
            _with(("ActiveDirectoryConfig", "GroupManagedServiceAccounts", 1), "webapp01"),
            r"GroupManagedServiceAccounts\[1\] must be an object",
        ),
        (_with(("ActiveDirectoryConfig", "HostAccountConfig"), "x"), "HostAccountConfig must be an object"),
        (
            _with(("ActiveDirectoryConfig", "HostAccountConfig", "PluginInput"), 7),
            "PluginInput must be a string or an object, got 7",
        ),
        (
            _with(("ActiveDirectoryConfig", "HostAccountConfig", "PortableCcgVersion"), 1),
            "PortableCcgVersion must be a string",
        ),
    ],
)
def test_parse_errors(text: Any, message: str) -> None:
    with pytest.raises(CredentialSpecError, match=message):
        parse_credential_spec(text)


def test_parse_allows_unknown_keys() -> None:
    assert parse_credential_spec(_with(("ActiveDirectoryConfig", "Future"), {"x": 1}))["ActiveDirectoryConfig"][
        "Future"
    ] == {"x": 1}


def test_validate_returns_its_input() -> None:
    spec = _valid()
    assert validate_credential_spec(spec) is spec


# --- placing the file ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["contoso_webapp01.json", "app.v2.json", "..json", "a b.json", "CONSOLE.json"])
def test_safe_join_accepts(tmp_path: Path, name: str) -> None:
    assert safe_join(str(tmp_path), name) == str(tmp_path / name)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "is empty"),
        (None, "is empty"),
        (".", "directory reference"),
        ("..", "directory reference"),
        ("../app.json", "path separator"),
        ("..\\app.json", "path separator"),
        ("/etc/passwd", "path separator"),
        ("\\\\server\\share\\app.json", "path separator"),
        ("sub/app.json", "path separator"),
        ("C:app.json", "':'"),
        ("C:\\app.json", "path separator"),
        ("app.json:hidden", "':'"),
        ("app\x00.json", "control characters"),
        ("app.json.", "ends in a dot or space"),
        ("app.json ", "ends in a dot or space"),
        ("CON", "device name"),
        ("nul.json", "device name"),
        ("COM1.json", "device name"),
        ("lpt9.tar.json", "device name"),
    ],
)
def test_safe_join_refuses(tmp_path: Path, name: Any, message: str) -> None:
    with pytest.raises(CredentialSpecError, match=message) as caught:
        safe_join(str(tmp_path), name)
    assert caught.value.hint


def test_needs_write_missing_file(tmp_path: Path) -> None:
    assert needs_write(str(tmp_path / "contoso_webapp01.json"), _valid()) == (True, None)


@pytest.mark.parametrize(
    ("content", "expected_write"),
    [
        pytest.param(lambda s: render_credential_spec(s).encode(), False, id="same-text"),
        pytest.param(lambda s: json.dumps(_reordered(s)).encode(), False, id="same-data"),
        pytest.param(
            lambda s: render_credential_spec(_changed(s, ("DomainJoinConfig", "Sid"), "S-1-5-21-1-2-3")).encode(),
            True,
            id="different",
        ),
        pytest.param(lambda s: b"not json", True, id="not-json"),
        pytest.param(lambda s: b"\xef\xbb\xbf" + render_credential_spec(s).encode(), True, id="utf8-bom"),
        pytest.param(lambda s: render_credential_spec(s).encode("utf-16"), True, id="utf16"),
        pytest.param(lambda s: b"\xff{}", True, id="not-utf8"),
    ],
)
def test_needs_write_existing_file(tmp_path: Path, content: Any, expected_write: bool) -> None:
    spec = _valid()
    path = tmp_path / "contoso_webapp01.json"
    raw = content(spec)
    path.write_bytes(raw)
    write, existing = needs_write(str(path), spec)
    assert write is expected_write
    assert existing is not None
    if raw.startswith(b"{"):
        assert existing == raw.decode("utf-8")
    if raw.startswith(b"\xff\xfe"):
        assert existing == render_credential_spec(spec)


def test_needs_write_directory(tmp_path: Path) -> None:
    with pytest.raises(CredentialSpecError, match="is a directory"):
        needs_write(str(tmp_path), _valid())


def test_needs_write_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(CredentialSpecError, match=r"Cannot read credential spec .*: Permission denied") as caught:
        needs_write(str(tmp_path / "x.json"), _valid())
    assert "become" in caught.value.hint


# --- field shapes (issue: offline validation accepted an account SID) -----------------------------------------

# A spec as New-CredentialSpec writes it, but with the gMSA's SID in DomainJoinConfig.Sid: the mistake that
# Microsoft's AKS example ("SID of your gMSA account") leads people into.
AKS_ACCOUNT_SID = "S-1-5-21-1491159469-2640480700-2178151669-1106"
AKS_LIKE_SPEC = {
    "CmsPlugins": ["ActiveDirectory"],
    "DomainJoinConfig": {
        "Sid": AKS_ACCOUNT_SID,
        "MachineAccountName": "WebApp01",
        "Guid": "2a7a4e9e-7c1b-4a8a-9c43-2f3b0d6e1c55",
        "DnsTreeName": "contoso.com",
        "DnsName": "contoso.com",
        "NetBiosName": "CONTOSO",
    },
    "ActiveDirectoryConfig": {
        "GroupManagedServiceAccounts": [
            {"Name": "WebApp01", "Scope": "contoso.com"},
            {"Name": "WebApp01", "Scope": "CONTOSO"},
        ]
    },
}


def test_an_account_sid_in_domain_join_config_is_refused_with_the_reason() -> None:
    with pytest.raises(CredentialSpecError) as caught:
        parse_credential_spec(json.dumps(AKS_LIKE_SPEC))
    assert caught.value.message == (
        f"Credential spec DomainJoinConfig.Sid {AKS_ACCOUNT_SID!r} is not a domain SID (S-1-5-21- and three "
        "numbers): it has a fourth number, the RID 1106, so it is an account's SID."
    )
    assert "Get-ADDomain DomainSID" in (caught.value.hint or "")


def test_the_same_spec_with_the_domain_sid_is_valid() -> None:
    fixed = _changed(AKS_LIKE_SPEC, ("DomainJoinConfig", "Sid"), AKS_ACCOUNT_SID.rsplit("-", 1)[0])
    assert parse_credential_spec(json.dumps(fixed)) == fixed


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("DomainJoinConfig", "Sid"), "S-1-5-32-544", r"Sid 'S-1-5-32-544' is not a domain SID"),
        (("DomainJoinConfig", "Sid"), "S-1-5-21-1-2", r"Sid 'S-1-5-21-1-2' is not a domain SID"),
        (("DomainJoinConfig", "Sid"), "s-1-5-21-1-2-3-4-5", "is not a domain SID"),
        (("DomainJoinConfig", "Sid"), "S-1-5-21-1-2-99999999999", "is not a SID"),
        (("DomainJoinConfig", "Guid"), "not-a-guid", r"Guid 'not-a-guid' is not a GUID"),
        (("DomainJoinConfig", "Guid"), "56d9b66cd7464f87bd2626760cfdca2e", "is not a GUID"),
        (("DomainJoinConfig", "DnsName"), "contoso.com.", r"DnsName 'contoso.com.' is not a DNS name"),
        (("DomainJoinConfig", "DnsName"), "CONTOSO\\x", "DnsName .* is not a DNS name"),
        (("DomainJoinConfig", "DnsTreeName"), "contoso_com", r"DnsTreeName 'contoso_com' is not a DNS name"),
        (("DomainJoinConfig", "NetBiosName"), "contoso.com", r"NetBiosName 'contoso.com' is not valid"),
        (("DomainJoinConfig", "NetBiosName"), "A" * 16, "NetBiosName .* is not valid"),
        (("DomainJoinConfig", "MachineAccountName"), "WebApp01$", r"MachineAccountName 'WebApp01\$' ends in '\$'"),
        (("DomainJoinConfig", "MachineAccountName"), "CONTOSO\\WebApp01", "MachineAccountName .* forbids"),
        (("DomainJoinConfig", "MachineAccountName"), "WebApp01@contoso.com", "MachineAccountName .* forbids: '@'"),
        (("DomainJoinConfig", "MachineAccountName"), "a" * 16, "MachineAccountName .* at most 15"),
        (("DomainJoinConfig", "MachineAccountName"), "web app", "MachineAccountName .* forbids: ' '"),
        (("DomainJoinConfig", "MachineAccountName"), "12345", "MachineAccountName .* only digits"),
        (
            ("ActiveDirectoryConfig", "GroupManagedServiceAccounts", 0, "Name"),
            "WebApp01$",
            r"GroupManagedServiceAccounts\[0\]\.Name 'WebApp01\$' ends in '\$'",
        ),
        (
            ("ActiveDirectoryConfig", "GroupManagedServiceAccounts", 1, "Scope"),
            "contoso.com.",
            r"GroupManagedServiceAccounts\[1\]\.Scope 'contoso.com.' is neither a DNS domain name nor a NetBIOS",
        ),
        (
            ("ActiveDirectoryConfig", "GroupManagedServiceAccounts", 1, "Scope"),
            "",
            r"GroupManagedServiceAccounts\[1\]\.Scope '' is not a domain name",
        ),
    ],
)
def test_every_field_shape_is_checked(path: tuple[Any, ...], value: str, message: str) -> None:
    spec = _changed(AKS_LIKE_SPEC, ("DomainJoinConfig", "Sid"), "S-1-5-21-1491159469-2640480700-2178151669")
    with pytest.raises(CredentialSpecError, match=message):
        parse_credential_spec(json.dumps(_changed(spec, path, value)))


def test_all_shape_problems_are_reported_at_once() -> None:
    spec = _changed(AKS_LIKE_SPEC, ("DomainJoinConfig", "NetBiosName"), "contoso.com")
    with pytest.raises(CredentialSpecError, match=r"^Credential spec has 2 problems: .*Sid.*NetBiosName") as caught:
        parse_credential_spec(json.dumps(spec))
    assert "RID 1106" in str(caught.value)


def test_gmsa_check_reads_structure_only_and_compares_fields_with_ad_itself() -> None:
    assert parse_credential_spec(json.dumps(AKS_LIKE_SPEC), shapes=False) == AKS_LIKE_SPEC


def test_builder_and_validator_agree_on_what_they_write(contoso: DomainIdentity) -> None:
    spec = build_credential_spec("gmsa-web_01", contoso, ["LogAgent", ("ReportSvc", "emea.contoso.com")])
    assert credential_spec_problems(spec) == []
