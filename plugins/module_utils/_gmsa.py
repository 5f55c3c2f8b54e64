# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Group Managed Service Accounts: the gMSA kind and its attribute table, run by the object engine.

Each option of ``gmsa_account`` is one row of ``ROWS`` (``_adobject.Row``); ``_adwrite.converge`` looks the
accounts up, plans and writes them. ``converge_accounts`` adds what only gMSAs need before the first write:
a usable KDS root key when an account is created (one search) and no duplicate SPN (one search of the forest
root and domain naming contexts, ``_spn``, only when SPNs are added). A converged task costs one search for
all accounts and one for the principals; each changed account costs one write (an add, a modify carrying every
change, or a delete) plus one Modify DN when it moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ._adcodecs import (
    INTEGER,
    SID_DESCRIPTOR,
    TEXT,
    TEXTS,
    bit_names,
    flag,
    same_set,
    same_set_by,
    same_text,
    same_text_ci,
)
from ._adobject import PATH_ROW, Creation, ObjectKind, ObjectPlan, ObjectRequest, Operation, Principals, Row
from ._adwrite import converge, describe_entry, find, plan_diff, plan_result, principal_sids
from ._errors import GmsaError, ValidationError
from ._kds import iso as iso_time
from ._kds import managed_password_key_id, preferred_key, read_root_keys
from ._ldap import WKGUID_MANAGED_SERVICE_ACCOUNTS, Entry
from ._listopts import list_option_spec
from ._lookup import CONFLICT_ATTRIBUTES, name_conflicts
from ._principals import lookup_principals
from ._rules import dns_name, gmsa_name
from ._rules import spn as spn_rule
from ._spn import SpnClaim, check_new_spns, required_spns

GMSA_CLASS = "msDS-GroupManagedServiceAccount"

# userAccountControl bits (MS-ADTS 2.2.16): a gMSA is a workstation trust account; Samba's default on add
# (4130) also sets ACCOUNTDISABLE and PASSWD_NOTREQD, and the KDC refuses tickets to a disabled account.
# TRUSTED_FOR_DELEGATION is unconstrained Kerberos delegation (setting it needs SeEnableDelegationPrivilege).
UF_ACCOUNTDISABLE = 0x2
UF_WORKSTATION_TRUST_ACCOUNT = 0x1000
UF_TRUSTED_FOR_DELEGATION = 0x80000

# msDS-SupportedEncryptionTypes bits (MS-KILE 2.2.7).
ENCRYPTION_TYPE_BITS = {"rc4": 0x4, "aes128": 0x8, "aes256": 0x10}
ENCRYPTION_TYPES = tuple(ENCRYPTION_TYPE_BITS)
DEFAULT_ENCRYPTION_TYPES = ["aes128", "aes256"]
DEFAULT_PASSWORD_INTERVAL_DAYS = 30

# Who may be allowed to retrieve the password or to delegate: security principals that log on.
ALLOWED_CLASSES = ("computer", "group", "user", GMSA_CLASS)


# -- validators of the rows (before any LDAP call) ----------------------------------------------------------


def _validate_spns(option: dict[str, Any]) -> None:
    for value in (option.get("add") or []) + (option.get("set") or []):
        spn_rule(value, option="spn")


def _validate_dns_hostname(value: str) -> None:
    dns_name(value, what="dns_hostname", option="dns_hostname")


def _validate_interval(days: int) -> None:
    if not 0 < days <= 3650:
        raise ValidationError(
            f"managed_password_interval_days {days} is out of range (1 to 3650).",
            option="managed_password_interval_days",
        )


def _encryption_order(names: list[str]) -> list[str]:
    chosen = set(names)
    return [name for name in ENCRYPTION_TYPES if name in chosen]


def _default_spns(new: Creation) -> list[str]:
    return required_spns(new.name, new.values.get("dns_hostname"))


# -- the table ------------------------------------------------------------------------------------------------

ROWS: tuple[Row, ...] = (
    Row(
        "dns_hostname",
        "dNSHostName",
        {"type": "str"},
        TEXT,
        same=same_text_ci,
        default=lambda new: f"{new.name}.{new.domain.dns_name}",
        validate=_validate_dns_hostname,
    ),
    PATH_ROW,
    Row("description", "description", {"type": "str"}, TEXT, same=same_text, normalize=lambda v: v or None),
    Row("enabled", "userAccountControl", {"type": "bool"}, flag(UF_ACCOUNTDISABLE, True), default=lambda _n: True),
    Row(
        "spn",
        "servicePrincipalName",
        # spns: microsoft.ad's alias of its spn option.
        dict(list_option_spec(), aliases=["spns"]),
        TEXTS,
        same=same_set_by(str.lower),
        default=_default_spns,
        list_key=str.lower,
        validate=_validate_spns,
    ),
    Row(
        "allowed_to_retrieve_password",
        "msDS-GroupMSAMembership",
        # no_log False: "password" in the name is about who may read it, not a secret.
        dict(list_option_spec(principals=True), no_log=False),
        SID_DESCRIPTOR,
        same=same_set,
        list_key=str,
        principals=Principals("sid", ALLOWED_CLASSES),
    ),
    Row(
        "kerberos_encryption_types",
        "msDS-SupportedEncryptionTypes",
        list_option_spec(list(ENCRYPTION_TYPES)),
        bit_names(ENCRYPTION_TYPE_BITS),
        same=same_set,
        default=lambda _n: list(DEFAULT_ENCRYPTION_TYPES),
        list_key=str,
        normalize=_encryption_order,
    ),
    Row(
        "managed_password_interval_days",
        "msDS-ManagedPasswordInterval",
        {"type": "int", "no_log": False},
        INTEGER,
        default=lambda _n: DEFAULT_PASSWORD_INTERVAL_DAYS,
        create_only=True,
        validate=_validate_interval,
    ),
    Row(
        "delegates",
        "msDS-AllowedToActOnBehalfOfOtherIdentity",
        # principals_allowed_to_delegate: microsoft.ad's alias of delegates.
        dict(list_option_spec(principals=True), aliases=["principals_allowed_to_delegate"]),
        SID_DESCRIPTOR,
        same=same_set,
        list_key=str,
        principals=Principals("sid", ALLOWED_CLASSES),
    ),
    Row("trusted_for_delegation", "userAccountControl", {"type": "bool"}, flag(UF_TRUSTED_FOR_DELEGATION)),
)

GMSA = ObjectKind(
    object_class=GMSA_CLASS,
    noun="gMSA",
    object_noun="account",
    rows=ROWS,
    container_guid=WKGUID_MANAGED_SERVICE_ACCOUNTS,
    container_fallback="CN=Managed Service Accounts",
    name_rule=lambda name: gmsa_name(name, option="name"),
    permission_name=GMSA_CLASS,
    conflict_text="{name} is already held by a {other}, not a group Managed Service Account: {dn}.",
    suffix="$",
    create_attributes={"userAccountControl": (str(UF_WORKSTATION_TRUST_ACCOUNT),)},
)

# The options one account takes, at the top level (with name) and in each accounts entry.
ACCOUNT_OPTIONS: dict[str, dict[str, Any]] = {
    "state": {"type": "str", "choices": ["present", "absent"]},
    **{row.option: dict(row.spec) for row in ROWS},
}


# -- checks before the first write ---------------------------------------------------------------------------


def check_kds_root_key(client: Any, now: datetime) -> None:
    """Fail before creating gMSAs when no KDS root key is usable (AD would answer 8009000D)."""
    keys = read_root_keys(client)
    if any(k.usable_at(now) for k in keys):
        return
    if not keys:
        # Only administrators can read root keys, so "none visible" may mean "not allowed to see them": the DC
        # decides when the account is added, and its 8009000D answer is explained in explain_write_error.
        return
    key = preferred_key(keys, now)
    when = f" The newest key becomes usable at {iso_time(key.usable_time)}." if key else ""
    raise GmsaError(
        f"No usable KDS root key: domain controllers cannot derive a password for a new gMSA.{when}",
        hint="Create one with wincontainers.gmsa.gmsa_kds_root_key (effective_time_hours: 0 only in a single-DC "
        "lab), or wait until an existing key is usable.",
        result="noUsableKdsRootKey",
    )


def spn_claims(plans: list[ObjectPlan]) -> list[SpnClaim]:
    """The SPNs the plans add, each with the account it goes to."""
    return [
        SpnClaim(spn, plan.request.name, plan.entry.dn if plan.entry is not None else None)
        for plan in plans
        for spn in plan.list_changes("spn")[0]
    ]


def explain_write_error(exc: GmsaError, plan: ObjectPlan, operation: Operation) -> GmsaError:
    """A DC that cannot derive a new account's password (no usable root key) answers 8009000D."""
    text = exc.message
    if operation.kind == "add" and ("8009000D" in text.upper() or "suitable root key" in text):
        return GmsaError(
            f"Creating gMSA {plan.request.name} failed: no usable KDS root key ({text}).",
            hint="Create one with wincontainers.gmsa.gmsa_kds_root_key, or wait until an existing key is usable.",
            **exc.details,
        )
    return exc


# -- the bulk engine ------------------------------------------------------------------------------------------


@dataclass
class ConvergeOutcome:
    accounts: list[dict[str, Any]]
    diffs: list[dict[str, Any]]
    warnings: list[str]

    @property
    def changed(self) -> bool:
        return any(a["changed"] for a in self.accounts)


def converge_accounts(
    client: Any,
    requests: list[ObjectRequest],
    lookup_failure_action: str,
    check_mode: bool,
    now: datetime | None = None,
) -> ConvergeOutcome:
    """Bring every requested gMSA to its wanted state (see the module docstring for the round-trip budget)."""

    def before_write(client: Any, plans: list[ObjectPlan]) -> None:
        if any(plan.creates for plan in plans):
            check_kds_root_key(client, now or datetime.now(timezone.utc))
        check_new_spns(client, spn_claims(plans))

    outcome = converge(client, GMSA, requests, lookup_failure_action, check_mode, before_write, explain_write_error)
    accounts = []
    for plan in outcome.plans:
        result = plan_result(plan, outcome.index, outcome.created.get(plan.request.name.lower()))
        accounts.append({**result, "changed": plan.changed})
    diffs = [{"name": p.request.name, **plan_diff(p, outcome.index)} for p in outcome.plans if p.changed]
    warnings = list(outcome.warnings)
    for plan in outcome.plans:
        if plan.entry is not None and plan.request.state == "present" and not plan.after["enabled"]:
            warnings.append(
                f"gMSA {plan.request.name} is disabled, so it cannot obtain Kerberos tickets (samba-tool creates "
                "gMSAs disabled); set enabled: true to enable it."
            )
    return ConvergeOutcome(accounts, diffs, warnings)


# -- gmsa_account_info -----------------------------------------------------------------------------------------


def info_fields(entry: Entry) -> dict[str, Any]:
    """The read-only extras of gmsa_account_info: the root key behind the password (never the password)."""
    key_blob = entry.first("msDS-ManagedPasswordId")
    return {
        "managed_password_id": managed_password_key_id(key_blob) if key_blob else None,
        "user_account_control": entry.integer("userAccountControl"),
    }


def read_accounts(
    client: Any, patterns: list[str] | None
) -> tuple[list[dict[str, Any]], list[str], list[dict[str, Any]]]:
    """gmsa_account_info: the gMSAs matching ``patterns`` (all when None), the plain names that matched none,
    and the replication conflicts among them (names held by several gMSAs or by a CNF-marked copy,
    ``_lookup.NameConflict.as_dict``).

    Two searches whatever the count: the accounts, then every principal their descriptors name.
    """
    extra = ["msDS-ManagedPasswordId", *CONFLICT_ATTRIBUTES]
    entries = list(find(client, GMSA, patterns, wildcards=True, extra=extra).entries)
    requests = [ObjectRequest(GMSA.name_of(entry)) for entry in entries]
    sids = principal_sids(GMSA, requests, {r.name.lower(): e for r, e in zip(requests, entries)})
    index = lookup_principals(client, [], sids)
    accounts = sorted(
        ({**describe_entry(GMSA, entry, index), **info_fields(entry)} for entry in entries),
        key=lambda a: a["name"].lower(),
    )
    accounts = [{k: v for k, v in a.items() if k != "state"} for a in accounts]
    found = {a["name"].lower() for a in accounts}
    missing = [p for p in patterns or [] if "*" not in p and p.rstrip("$").lower() not in found]
    return accounts, missing, [conflict.as_dict() for conflict in name_conflicts(entries)]
