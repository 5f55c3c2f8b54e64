# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn the apps structure (``gmsa_apps``) into what each role gives its modules.

The apps structure lists each app with its environments (``environments: {prod: {account, host_group, ...}}``).
Ansible's argument specs can type a mapping only by fixed keys, and environment names are the user's own, so
these filters check every environment's settings (known keys, types) and say which app and environment is
wrong. Each filter is documented in the ``<filter name>.yml`` file beside this one:

- ``apps_missing_environments``: the app environments that a list of environments to manage asks for and an
  app does not list;
- ``apps_ad_plan``: per app and environment the gMSA and its host group (the ``ad_prepare`` role), the
  requests for ``gmsa_host_group`` and ``gmsa_account``, and what would stop them;
- ``apps_credential_spec_plan``: per app and environment the gMSA with its Kubernetes and SQL settings (the
  ``credential_specs`` role).

Pure: no AD, no files. Names are checked with the collection's rules (``module_utils/_rules.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.wincontainers.gmsa.plugins.module_utils._k8s import default_resource_name
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.names import dn_key
from ansible_collections.wincontainers.gmsa.plugins.module_utils._rules import gmsa_name, problem

# What the apps structure may hold, and of which type: "text" (a string), "texts" (a list of strings, with an
# example for messages) or a mapping of its own keys. Missing, null and empty values count as not given.
KUBERNETES_SETTINGS: dict[str, Any] = {"namespace": "text", "service_account": "text", "resource_name": "text"}
SQL_SETTINGS: dict[str, Any] = {"database": "text", "roles": ("texts", "db_datareader")}
# The keys of an app that the plans read (the argument specs list the others, such as dockerfiles).
APP_SETTINGS: dict[str, Any] = {
    "description": "text",
    "spn": ("texts", "http/orders.contoso.com"),
    "kubernetes": KUBERNETES_SETTINGS,
    "sql": SQL_SETTINGS,
}
# Every key an environment of an app may have: ad_prepare reads account to description, credential_specs
# account, kubernetes and sql (the environment's win over the app's, key by key).
ENVIRONMENT_SETTINGS: dict[str, Any] = {
    "account": "text",
    "host_group": "text",
    "dns_hostname": "text",
    "spn": ("texts", "http/orders-test.contoso.com"),
    "host_group_members": ("texts", "ContainerHost01"),
    "description": "text",
    "kubernetes": KUBERNETES_SETTINGS,
    "sql": SQL_SETTINGS,
}
# Kubernetes object names: lower-case alphanumerics, '-' and '.' (DNS-1123 subdomain); anything else becomes '-'.
_NOT_IN_K8S_NAME = re.compile(r"[^a-z0-9.-]")


class AppPlanError(ValueError):
    """The apps structure is not what the roles read; the message names the app and environment."""


# -- reading the apps structure -------------------------------------------------------------------------------


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _text(value: Any, where: str, key: str) -> str:
    """A string setting; missing, null or empty is ``''`` (as Jinja's ``default('', true)`` gave)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise AppPlanError(f"{where}: {key} must be a string, got {type(value).__name__} {value!r}.")
    return value


def _texts(value: Any, where: str, key: str, example: str) -> list[str]:
    """A list-of-strings setting; missing, null or empty is ``[]``."""
    if value is None or (_is_list(value) and len(value) == 0):
        return []
    if not _is_list(value) or not all(isinstance(item, str) for item in value):
        raise AppPlanError(f"{where}: {key} must be a list of strings, such as [{example}]; got {value!r}.")
    return list(value)


def _settings(value: Any, schema: dict[str, Any], where: str, key: str, *, strict: bool = True) -> dict[str, Any]:
    """The given (not null) keys of a mapping, each checked against ``schema``; unknown keys are refused, or
    with ``strict=False`` left out. Missing or null is ``{}``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise AppPlanError(f"{where}: {key} must be a mapping, got {type(value).__name__} {value!r}.")
    unknown = sorted(str(name) for name in value if name not in schema)
    if unknown and strict:
        raise AppPlanError(f"{where}: {key} has unknown keys {', '.join(unknown)}; it may have {', '.join(schema)}.")
    checked: dict[str, Any] = {}
    for name, kind in schema.items():
        item = value.get(name)
        label = name if key.startswith("the ") else f"{key}.{name}"
        if item is None:
            continue
        if kind == "text":
            checked[name] = _text(item, where, label)
        elif isinstance(kind, tuple):
            checked[name] = _texts(item, where, label, kind[1])
        else:
            checked[name] = _settings(item, kind, where, label)
    return checked


def _apps(apps: Any) -> list[tuple[str, dict[str, Any], Mapping[str, Any]]]:
    """Each app's name, its checked settings (APP_SETTINGS) and its environments."""
    if apps is None:
        return []
    if not _is_list(apps) or not all(isinstance(app, Mapping) for app in apps):
        raise AppPlanError(f"The apps must be a list of mappings (name, environments, ...), got {apps!r}.")
    checked = []
    for number, app in enumerate(apps, 1):
        name = app.get("name")
        if not isinstance(name, str) or not name:
            raise AppPlanError(f"App {number} of the list has no name: {dict(app)!r}.")
        environments = app.get("environments")
        if not isinstance(environments, Mapping):
            raise AppPlanError(
                f"App {name}: environments must be a mapping of environment names to their settings, such as "
                f"{{prod: {{account: WebApp01, host_group: WebApp01Hosts}}}}; got {environments!r}."
            )
        checked.append((name, _settings(app, APP_SETTINGS, f"App {name}", "the app", strict=False), environments))
    return checked


def _environment_names(environments: Any) -> list[str]:
    names = _texts(environments, "The environments to manage", "environments", "prod")
    if "" in names:
        raise AppPlanError("The environments to manage include an empty name.")
    return names


def _app_environments(apps: Any, environments: Any) -> Iterator[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """Each app (name, settings) with each environment to manage (``environments``, or every one the app lists
    when that is empty) and its checked settings, app by app; an environment the app does not list has none."""
    names = _environment_names(environments)
    for name, app, app_environments in _apps(apps):
        for environment in names or list(app_environments):
            where = f"App {name}, environment {environment}"
            settings = _settings(app_environments.get(environment), ENVIRONMENT_SETTINGS, where, "the environment")
            yield name, app, str(environment), settings


def _label(app: str, environment: str) -> str:
    """How messages name an app environment: ``shop-web (prod)``."""
    return f"{app} ({environment})"


def _account(settings: Mapping[str, Any]) -> str:
    """The gMSA's name as the modules take it: one trailing ``$`` removed; ``''`` when not given."""
    account: str = settings.get("account", "")
    return account[:-1] if account.endswith("$") else account


def _unique(values: list[str]) -> list[str]:
    """The values in order, each once, compared case-insensitively (as Ansible's unique filter compares)."""
    seen: set[str] = set()
    kept = []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            kept.append(value)
    return kept


def _twice(values: list[str]) -> list[str]:
    """The values that occur more than once (case-insensitively), each once, in the spelling first seen."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value.lower()] = counts.get(value.lower(), 0) + 1
    return _unique([value for value in values if counts[value.lower()] > 1])


# -- the filters ----------------------------------------------------------------------------------------------


def apps_missing_environments(apps: Any, environments: Any = None) -> list[str]:
    """``<app> (<environment>)`` for each environment of ``environments`` an app does not list, app by app."""
    names = _environment_names(environments)
    return [
        _label(app, name)
        for app, _app_vars, app_environments in _apps(apps)
        for name in names
        if name not in app_environments
    ]


def apps_ad_plan(
    apps: Any,
    environments: Any = None,
    *,
    domain: str,
    exclusive: bool = False,
    account_path: str = "",
    group_path: str = "",
) -> dict[str, Any]:
    """The gMSAs and host groups of the apps, and the requests for gmsa_host_group and gmsa_account.

    ``domain`` is the AD domain's DNS name (the default dNSHostName is ``<account>.<domain>``); ``exclusive``
    makes the requests' SPNs and allowed principals ``set`` instead of ``add``; ``account_path`` and
    ``group_path`` are the containers the gMSAs and the host groups go to (both given: ``name_clashes``
    compares them). Returns ``entries`` (one per
    app and environment: app, environment, account, host_group, dns_hostname, spn, description,
    host_group_members), ``groups`` (one per host group, in name order: name, accounts, members),
    ``group_requests`` (the ``gmsa_host_group`` ``groups:`` requests, in the order of ``groups``),
    ``accounts`` (the ``gmsa_account`` ``accounts:`` requests, in entry order) and what is wrong:
    ``incomplete`` (app environments without an account or host_group), ``bad_names`` (messages of the gMSA
    name rule), ``duplicate_accounts`` and ``duplicate_spns`` (given to more than one entry) and
    ``name_clashes`` (a gMSA and a host group of one name in one container, which AD refuses: both would be
    ``CN=<name>`` there). ``groups``, ``group_requests`` and ``accounts`` leave out incomplete entries.
    """
    domain_name = _text(domain, "The domain", "domain")
    if not domain_name:
        raise AppPlanError("apps_ad_plan needs the domain's DNS name (domain=), for the gMSAs' dNSHostName.")
    entries: list[dict[str, Any]] = []
    for app, app_settings, environment, settings in _app_environments(apps, environments):
        account = _account(settings)
        dns_hostname = settings.get("dns_hostname") or f"{account}.{domain_name}"
        app_description = app_settings.get("description")
        # The guide's host/ SPNs, then the app's for every environment, then this environment's own.
        spn = [f"host/{account}", f"host/{dns_hostname}", *app_settings.get("spn", []), *settings.get("spn", [])]
        entries.append(
            {
                "app": app,
                "environment": environment,
                "account": account,
                "host_group": settings.get("host_group", ""),
                "dns_hostname": dns_hostname,
                "spn": _unique(spn),
                "description": settings.get("description")
                or (f"{app_description} ({environment})" if app_description else None),
                "host_group_members": settings.get("host_group_members", []),
            }
        )

    complete = [entry for entry in entries if entry["account"] and entry["host_group"]]
    action = "set" if boolean(exclusive, strict=True) else "add"
    groups = _host_groups(complete)
    return {
        "entries": entries,
        "groups": groups,
        "group_requests": [_group_request(group) for group in groups],
        "accounts": [
            {
                "name": entry["account"],
                "dns_hostname": entry["dns_hostname"],
                "description": entry["description"],
                "enabled": True,
                "spn": {action: entry["spn"]},
                "allowed_to_retrieve_password": {action: [entry["host_group"]]},
            }
            for entry in complete
        ],
        "incomplete": [
            _label(entry["app"], entry["environment"])
            for entry in entries
            if not (entry["account"] and entry["host_group"])
        ],
        "bad_names": [
            f"{_label(entry['app'], entry['environment'])}: {message}"
            for entry in entries
            if entry["account"] and (message := problem(gmsa_name, entry["account"]))
        ],
        "duplicate_accounts": _twice([entry["account"] for entry in entries if entry["account"]]),
        "duplicate_spns": _twice([spn for entry in entries for spn in entry["spn"]]),
        "name_clashes": _name_clashes(complete, account_path, group_path),
    }


def _same_container(one: str, other: str) -> bool:
    """Whether two DNs name one container, compared as AD compares DNs (``dn_key``: case, escapes and the spaces
    around separators ignored)."""
    return dn_key(one) == dn_key(other)


def _name_clashes(entries: list[dict[str, Any]], account_path: Any, group_path: Any) -> list[str]:
    """One message per name that a gMSA and a host group would both take in one container (AD names the objects
    of a container by their RDN, CN=<name>, whatever their class, so the second create would fail with
    entryAlreadyExists although the sAMAccountNames, <name>$ and <name>, differ)."""
    account_container = _text(account_path, "The gMSAs' container", "account_path")
    group_container = _text(group_path, "The host groups' container", "group_path")
    if not (account_container and group_container and _same_container(account_container, group_container)):
        return []
    accounts: dict[str, dict[str, Any]] = {}
    for entry in entries:
        accounts.setdefault(entry["account"].lower(), entry)
    clashes = []
    for group in _host_groups(entries):
        gmsa = accounts.get(group["name"].lower())
        if gmsa is not None:
            clashes.append(
                f"{group['name']}: the gMSA of {_label(gmsa['app'], gmsa['environment'])} and the host group of "
                f"the gMSAs {', '.join(group['accounts'])} would both be CN={group['name']} in {group_container}"
            )
    return clashes


def _host_groups(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per host group (case-insensitively), sorted by name: its gMSAs and the members to add."""
    groups: dict[str, dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda entry: entry["host_group"].lower()):
        group = groups.setdefault(
            entry["host_group"].lower(), {"name": entry["host_group"], "accounts": [], "members": []}
        )
        group["accounts"].append(entry["account"])
        group["members"] = _unique(group["members"] + entry["host_group_members"])
    return list(groups.values())


def _group_request(group: dict[str, Any]) -> dict[str, Any]:
    """The gmsa_host_group ``groups:`` entry of a host group: as New-ADGroup names it in the guide
    (``<gMSAs> Authorized Hosts``), with its members to add (none: members are not managed)."""
    request: dict[str, Any] = {"name": group["name"], "description": f"{', '.join(group['accounts'])} Authorized Hosts"}
    if group["members"]:
        request["members"] = {"add": list(group["members"])}
    return request


def apps_credential_spec_plan(
    apps: Any, environments: Any = None, *, kubernetes_namespace: str = "default"
) -> dict[str, Any]:
    """The gMSAs of the apps with their Kubernetes and SQL settings (the ``credential_specs`` role).

    Returns ``entries`` (one per app and environment: app, environment, account, kubernetes - namespace,
    service_account, resource_name - and sql, or None for an app without sql) and ``incomplete`` (app
    environments without an account). ``kubernetes`` defaults: ``kubernetes_namespace``, the app's name and
    ``gmsa-<account>`` (``_k8s.default_resource_name``, as ``credential_spec`` names a manifest without one), each
    made a valid Kubernetes name (lower case, other characters ``-``); then the app's
    ``kubernetes``, then the environment's, key by key. ``sql``: the app's, then the environment's.
    """
    namespace = _text(kubernetes_namespace, "The Kubernetes namespace", "kubernetes_namespace") or "default"
    entries: list[dict[str, Any]] = []
    for app, app_settings, environment, settings in _app_environments(apps, environments):
        account = _account(settings)
        kubernetes = {
            "namespace": namespace,
            "service_account": _NOT_IN_K8S_NAME.sub("-", app.lower()),
            "resource_name": default_resource_name(account),
            **app_settings.get("kubernetes", {}),
            **settings.get("kubernetes", {}),
        }
        # An app or environment that gives sql (even empty: a login without a database) gets a login.
        sql = (
            {**app_settings.get("sql", {}), **settings.get("sql", {})}
            if "sql" in app_settings or "sql" in settings
            else None
        )
        entries.append(
            {"app": app, "environment": environment, "account": account, "kubernetes": kubernetes, "sql": sql}
        )
    return {
        "entries": entries,
        "incomplete": [_label(entry["app"], entry["environment"]) for entry in entries if not entry["account"]],
    }


def _filter_errors(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    # Ansible names the failing filter in its own message; ours says which app and environment is wrong.
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except AppPlanError as exc:
            raise AnsibleFilterError(str(exc)) from exc

    wrapper.__name__ = name
    wrapper.__doc__ = function.__doc__
    return wrapper


class FilterModule:
    """wincontainers.gmsa filters over the apps structure."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        functions: dict[str, Callable[..., Any]] = {
            "apps_missing_environments": apps_missing_environments,
            "apps_ad_plan": apps_ad_plan,
            "apps_credential_spec_plan": apps_credential_spec_plan,
        }
        return {name: _filter_errors(name, function) for name, function in functions.items()}
