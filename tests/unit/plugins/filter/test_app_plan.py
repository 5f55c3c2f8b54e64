# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The apps x environments plans of the ad_prepare and credential_specs roles (plugins/filter/app_plan.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.wincontainers.gmsa.plugins.filter.app_plan import FilterModule

FILTER_DIR = Path(__file__).resolve().parents[4] / "plugins" / "filter"
FILTERS = FilterModule().filters()
missing_environments = FILTERS["apps_missing_environments"]
ad_plan = FILTERS["apps_ad_plan"]
credential_spec_plan = FILTERS["apps_credential_spec_plan"]

# The apps of the role_ad_prepare integration target: two apps, two environments each; the dev gMSAs share a
# host group, prod has one per app.
SHOP_APPS: list[dict[str, Any]] = [
    {
        "name": "shop-web",
        "description": "Shop web site (IIS)",
        "environments": {
            "dev": {"account": "RoleShopDev", "host_group": "RoleDevHosts"},
            "prod": {
                "account": "RoleShop",
                "host_group": "RoleShopHosts",
                "spn": ["http/shop.contoso.com"],
                "host_group_members": ["ContainerHost01", "ContainerHost02"],
            },
        },
        "dockerfiles": [{"path": "/src/shop-web/Dockerfile"}],
    },
    {
        "name": "shop-worker",
        "environments": {
            "dev": {"account": "RoleWorkDev", "host_group": "RoleDevHosts", "host_group_members": ["ContainerHost03"]},
            "prod": {"account": "RoleWork", "host_group": "RoleWorkHosts", "dns_hostname": "worker.apps.contoso.com"},
        },
    },
]


def app(environments: dict[str, Any], **settings: Any) -> dict[str, Any]:
    return {"name": "orders", **settings, "environments": environments}


def test_filter_names() -> None:
    assert sorted(FILTERS) == ["apps_ad_plan", "apps_credential_spec_plan", "apps_missing_environments"]


# -- which environments -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environments", "expected"),
    [
        ([], []),
        (None, []),
        (["prod"], []),
        (["staging"], ["shop-web (staging)", "shop-worker (staging)"]),
        (["test", "prod", "dev"], ["shop-web (test)", "shop-worker (test)"]),
    ],
)
def test_missing_environments(environments: Any, expected: list[str]) -> None:
    assert missing_environments(SHOP_APPS, environments) == expected


def test_an_environment_listed_without_settings_is_not_missing() -> None:
    assert missing_environments([app({"prod": None})], ["prod"]) == []


@pytest.mark.parametrize(
    ("environments", "expected"),
    [
        ([], [("shop-web", "dev"), ("shop-web", "prod"), ("shop-worker", "dev"), ("shop-worker", "prod")]),
        (["prod"], [("shop-web", "prod"), ("shop-worker", "prod")]),
        # App by app, each in the order given.
        (["prod", "dev"], [("shop-web", "prod"), ("shop-web", "dev"), ("shop-worker", "prod"), ("shop-worker", "dev")]),
    ],
)
def test_entries_go_app_by_app_through_the_environments(environments: list[str], expected: list[tuple]) -> None:
    for plan in (ad_plan(SHOP_APPS, environments, domain="contoso.com"), credential_spec_plan(SHOP_APPS, environments)):
        assert [(entry["app"], entry["environment"]) for entry in plan["entries"]] == expected


# -- ad_prepare -------------------------------------------------------------------------------------------------


def test_ad_plan_of_the_shop_apps() -> None:
    plan = ad_plan(SHOP_APPS, [], domain="contoso.com")

    assert plan["entries"][1] == {
        "app": "shop-web",
        "environment": "prod",
        "account": "RoleShop",
        "host_group": "RoleShopHosts",
        "dns_hostname": "RoleShop.contoso.com",
        "spn": ["host/RoleShop", "host/RoleShop.contoso.com", "http/shop.contoso.com"],
        "description": "Shop web site (IIS) (prod)",
        "host_group_members": ["ContainerHost01", "ContainerHost02"],
    }
    assert plan["entries"][3] == {
        "app": "shop-worker",
        "environment": "prod",
        "account": "RoleWork",
        "host_group": "RoleWorkHosts",
        "dns_hostname": "worker.apps.contoso.com",
        "spn": ["host/RoleWork", "host/worker.apps.contoso.com"],
        "description": None,
        "host_group_members": [],
    }
    assert plan["groups"] == [
        {"name": "RoleDevHosts", "accounts": ["RoleShopDev", "RoleWorkDev"], "members": ["ContainerHost03"]},
        {"name": "RoleShopHosts", "accounts": ["RoleShop"], "members": ["ContainerHost01", "ContainerHost02"]},
        {"name": "RoleWorkHosts", "accounts": ["RoleWork"], "members": []},
    ]
    assert plan["group_requests"] == [
        {
            "name": "RoleDevHosts",
            "description": "RoleShopDev, RoleWorkDev Authorized Hosts",
            "members": {"add": ["ContainerHost03"]},
        },
        {
            "name": "RoleShopHosts",
            "description": "RoleShop Authorized Hosts",
            "members": {"add": ["ContainerHost01", "ContainerHost02"]},
        },
        {"name": "RoleWorkHosts", "description": "RoleWork Authorized Hosts"},
    ]
    assert plan["accounts"][1] == {
        "name": "RoleShop",
        "dns_hostname": "RoleShop.contoso.com",
        "description": "Shop web site (IIS) (prod)",
        "enabled": True,
        "spn": {"add": ["host/RoleShop", "host/RoleShop.contoso.com", "http/shop.contoso.com"]},
        "allowed_to_retrieve_password": {"add": ["RoleShopHosts"]},
    }
    assert [request["name"] for request in plan["accounts"]] == ["RoleShopDev", "RoleShop", "RoleWorkDev", "RoleWork"]
    assert {key: plan[key] for key in ("incomplete", "bad_names", "duplicate_accounts", "duplicate_spns")} == {
        "incomplete": [],
        "bad_names": [],
        "duplicate_accounts": [],
        "duplicate_spns": [],
    }


@pytest.mark.parametrize(("exclusive", "action"), [(False, "add"), (True, "set"), ("yes", "set"), ("false", "add")])
def test_exclusive_sets_the_spns_and_principals(exclusive: Any, action: str) -> None:
    request = ad_plan(SHOP_APPS, ["prod"], domain="contoso.com", exclusive=exclusive)["accounts"][0]
    assert set(request["spn"]) == {action}
    assert request["allowed_to_retrieve_password"] == {action: ["RoleShopHosts"]}


@pytest.mark.parametrize(
    ("settings", "app_settings", "expected"),
    [
        # One trailing $ is dropped (the modules take the name without it).
        ({"account": "WebApp01$"}, {}, {"account": "WebApp01", "dns_hostname": "WebApp01.contoso.com"}),
        ({"account": "W", "description": "Own"}, {"description": "App"}, {"description": "Own"}),
        ({"account": "W"}, {"description": "App"}, {"description": "App (prod)"}),
        ({"account": "W", "description": ""}, {"description": ""}, {"description": None}),
        ({"account": "W", "dns_hostname": None}, {}, {"dns_hostname": "W.contoso.com"}),
        # SPNs: host/ ones, the app's, the environment's; each once, compared case-insensitively, first kept.
        (
            {"account": "W", "spn": ["HTTP/Orders.contoso.com", "x/y", "host/w"]},
            {"spn": ["http/orders.contoso.com", "HOST/W.CONTOSO.COM"]},
            {"spn": ["host/W", "host/W.contoso.com", "http/orders.contoso.com", "x/y"]},
        ),
        ({"account": "W", "host_group_members": None, "spn": []}, {"spn": None}, {"host_group_members": []}),
    ],
)
def test_ad_plan_entry(settings: dict[str, Any], app_settings: dict[str, Any], expected: dict[str, Any]) -> None:
    entry = ad_plan([app({"prod": {"host_group": "G", **settings}}, **app_settings)], domain="contoso.com")["entries"][
        0
    ]
    assert {key: entry[key] for key in expected} == expected


def test_host_groups_are_one_per_name_in_any_case_sorted_with_their_members_once() -> None:
    apps = [
        app(
            {
                "test": {"account": "A1", "host_group": "zHosts", "host_group_members": ["h1", "H1", "h2"]},
                "prod": {"account": "A2", "host_group": "ZHOSTS", "host_group_members": ["h2", "h3"]},
                "dev": {"account": "A3", "host_group": "aHosts"},
            }
        )
    ]
    assert ad_plan(apps, domain="contoso.com")["groups"] == [
        {"name": "aHosts", "accounts": ["A3"], "members": []},
        {"name": "zHosts", "accounts": ["A1", "A2"], "members": ["h1", "h2", "h3"]},
    ]


def test_incomplete_environments_are_named_and_left_out_of_the_requests() -> None:
    apps = [
        app(
            {
                "prod": {"account": "A"},
                "test": {"host_group": "G"},
                "dev": None,
                "qa": {"account": "Q", "host_group": "G"},
            }
        )
    ]
    plan = ad_plan(apps, domain="contoso.com")
    assert plan["incomplete"] == ["orders (prod)", "orders (test)", "orders (dev)"]
    assert [request["name"] for request in plan["accounts"]] == ["Q"]
    assert plan["groups"] == [{"name": "G", "accounts": ["Q"], "members": []}]
    assert plan["group_requests"] == [{"name": "G", "description": "Q Authorized Hosts"}]


def test_bad_names_follow_the_gmsa_name_rule() -> None:
    apps = [app({"prod": {"account": "Web App", "host_group": "G"}, "test": {"account": "A" * 16, "host_group": "G"}})]
    bad = ad_plan(apps, domain="contoso.com")["bad_names"]
    assert len(bad) == 2
    assert bad[0].startswith("orders (prod): gMSA name 'Web App' contains")
    assert bad[1].startswith(f"orders (test): gMSA name {'A' * 16!r} is 16 characters long")


def test_duplicates_are_found_case_insensitively() -> None:
    apps = [
        app(
            {"dev": {"account": "Orders", "host_group": "G"}, "prod": {"account": "ORDERS", "host_group": "G"}},
            spn=["http/orders.contoso.com"],
        ),
        {
            "name": "other",
            "environments": {"prod": {"account": "Other", "host_group": "G", "spn": ["HTTP/orders.contoso.com"]}},
        },
    ]
    plan = ad_plan(apps, domain="contoso.com")
    assert plan["duplicate_accounts"] == ["Orders"]
    assert plan["duplicate_spns"] == ["host/Orders", "host/Orders.contoso.com", "http/orders.contoso.com"]


def test_a_gmsa_and_a_host_group_of_one_name_in_one_container_clash() -> None:
    apps = [
        app({"prod": {"account": "Orders", "host_group": "Web"}}),
        {"name": "web", "environments": {"prod": {"account": "Web$", "host_group": "orders"}}},
    ]
    same = ad_plan(
        apps, domain="contoso.com", account_path="OU=Apps,DC=contoso,DC=com", group_path="ou=apps, dc=contoso,DC=COM"
    )
    assert same["name_clashes"] == [
        "orders: the gMSA of orders (prod) and the host group of the gMSAs Web would both be CN=orders in "
        "ou=apps, dc=contoso,DC=COM",
        "Web: the gMSA of web (prod) and the host group of the gMSAs Orders would both be CN=Web in "
        "ou=apps, dc=contoso,DC=COM",
    ]
    # Different containers, or a container not known: nothing to compare.
    assert (
        ad_plan(apps, domain="contoso.com", account_path="OU=Apps,DC=x", group_path="OU=Hosts,DC=x")["name_clashes"]
        == []
    )
    assert ad_plan(apps, domain="contoso.com", account_path="OU=Apps,DC=x")["name_clashes"] == []
    assert (
        ad_plan(SHOP_APPS, domain="contoso.com", account_path="OU=A,DC=x", group_path="OU=A,DC=x")["name_clashes"] == []
    )


def test_ad_plan_needs_the_domain() -> None:
    with pytest.raises(AnsibleFilterError, match="needs the domain's DNS name"):
        ad_plan(SHOP_APPS, domain="")


# -- credential_specs -------------------------------------------------------------------------------------------


def test_credential_spec_plan_defaults() -> None:
    plan = credential_spec_plan([{"name": "Orders Web_1", "environments": {"prod": {"account": "WebApp.01$"}}}])
    assert plan == {
        "entries": [
            {
                "app": "Orders Web_1",
                "environment": "prod",
                "account": "WebApp.01",
                "kubernetes": {
                    "namespace": "default",
                    "service_account": "orders-web-1",
                    "resource_name": "gmsa-webapp.01",
                },
                "sql": None,
            }
        ],
        "incomplete": [],
    }


def test_credential_spec_plan_settings_of_the_environment_win_key_by_key() -> None:
    apps = [
        app(
            {
                "prod": {"account": "A", "kubernetes": {"service_account": "svc"}, "sql": {"roles": ["db_owner"]}},
                "test": {"account": "B", "kubernetes": {"namespace": None}},
            },
            kubernetes={"namespace": "orders", "resource_name": "gmsa-orders"},
            sql={"database": "Orders", "roles": ["db_datareader"]},
        ),
        {"name": "batch", "sql": {}, "environments": {"prod": {"account": "C"}}},
    ]
    entries = credential_spec_plan(apps, kubernetes_namespace="apps")["entries"]
    assert [entry["kubernetes"] for entry in entries] == [
        {"namespace": "orders", "service_account": "svc", "resource_name": "gmsa-orders"},
        {"namespace": "orders", "service_account": "orders", "resource_name": "gmsa-orders"},
        {"namespace": "apps", "service_account": "batch", "resource_name": "gmsa-c"},
    ]
    assert [entry["sql"] for entry in entries] == [
        {"database": "Orders", "roles": ["db_owner"]},
        {"database": "Orders", "roles": ["db_datareader"]},
        {},
    ]


def test_credential_spec_plan_names_environments_without_an_account() -> None:
    assert credential_spec_plan([app({"prod": {"host_group": "G"}, "dev": {"account": "D"}})])["incomplete"] == [
        "orders (prod)"
    ]


# -- bad input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("apps", "environments", "message"),
    [
        ("orders", [], "The apps must be a list of mappings"),
        ([{"environments": {}}], [], "App 1 of the list has no name"),
        ([{"name": "orders", "environments": ["prod"]}], [], "App orders: environments must be a mapping"),
        ([app({"prod": {"account": "A"}})], "prod", r"environments must be a list of strings, such as \[prod\]"),
        ([app({"prod": ["A"]})], [], "App orders, environment prod: the environment must be a mapping"),
        (
            [app({"prod": {"acount": "A"}})],
            [],
            "environment prod: the environment has unknown keys acount; it may have account",
        ),
        ([app({"prod": {"account": 7}})], [], "environment prod: account must be a string, got int 7"),
        ([app({"prod": {"account": "A", "spn": "http/x"}})], [], r"spn must be a list of strings, such as \[http/"),
        ([app({"prod": {"account": "A"}}, spn=[1])], [], r"App orders: spn must be a list of strings"),
        ([app({"prod": {"account": "A", "host_group_members": "H"}})], [], "host_group_members must be a list"),
        ([app({"prod": {"account": "A", "kubernetes": {"ns": "x"}}})], [], "kubernetes has unknown keys ns"),
        ([app({"prod": {"account": "A"}}, kubernetes="x")], [], "App orders: kubernetes must be a mapping"),
        ([app({"prod": {"account": "A", "sql": {"roles": "db_owner"}}})], [], "sql.roles must be a list of strings"),
        ([app({"prod": {"account": "A"}}, sql={"database": ["x"]})], [], "App orders: sql.database must be a string"),
    ],
)
def test_bad_input_names_the_app_and_environment(apps: Any, environments: Any, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        ad_plan(apps, environments, domain="contoso.com")
    with pytest.raises(AnsibleFilterError, match=message):
        credential_spec_plan(apps, environments)


@pytest.mark.parametrize("plan", [ad_plan, credential_spec_plan])
def test_no_apps(plan: Any) -> None:
    arguments = {"domain": "contoso.com"} if plan is ad_plan else {}
    assert plan(None, **arguments)["entries"] == []
    assert plan([], **arguments)["entries"] == []


# -- documentation ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_documentation(name: str) -> None:
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


@pytest.mark.parametrize(
    ("name", "keyword"), [("apps_ad_plan", "domain"), ("apps_credential_spec_plan", "kubernetes_namespace")]
)
def test_documented_options_are_the_arguments(name: str, keyword: str) -> None:
    options = yaml.safe_load((FILTER_DIR / f"{name}.yml").read_text(encoding="utf-8"))["DOCUMENTATION"]["options"]
    assert keyword in options
    assert "environments" in options
