# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Group Managed Service Accounts: validation, one declarative attribute table, and one reconcile path.

``converge_accounts`` brings any number of gMSAs to the wanted state with a fixed number of searches: one
for the current state of every account, one for every principal the task names or the accounts already
allow, one for the KDS root keys (only when an account is created) and one for duplicate SPNs (only when
SPNs are added). Then one write per changed account: an add, a modify carrying all attribute changes, or a
delete. Every check runs before the first write, so a task that fails for bad input changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from ._errors import GmsaError, ValidationError
from ._kds import iso as iso_time
from ._kds import managed_password_key_id, preferred_key, read_root_keys
from ._ldap import Entry, escape_dn_value, escape_filter
from ._listopts import apply_list_option, is_given, option_values
from ._principals import PrincipalIndex, identity_kind, lookup_principals, parent_dn, resolve
from ._rules import dns_name, gmsa_name
from ._rules import spn as spn_rule
from ._sd import allowed_sids, set_allowed_sids
from ._sid import guid_from_bytes, normalize_sid, sid_from_bytes

GMSA_CLASS = "msDS-GroupManagedServiceAccount"

# userAccountControl bits (MS-ADTS 2.2.16): a gMSA is a workstation trust account; Samba's default on add
# (4130) also sets ACCOUNTDISABLE and PASSWD_NOTREQD, and the KDC refuses tickets to a disabled account.
UF_ACCOUNTDISABLE = 0x2
UF_WORKSTATION_TRUST_ACCOUNT = 0x1000

# msDS-SupportedEncryptionTypes bits (MS-KILE 2.2.7).
ENCRYPTION_TYPE_BITS = {"rc4": 0x4, "aes128": 0x8, "aes256": 0x10}
ENCRYPTION_TYPES = tuple(ENCRYPTION_TYPE_BITS)
DEFAULT_ENCRYPTION_TYPES = ["aes128", "aes256"]
DEFAULT_PASSWORD_INTERVAL_DAYS = 30

ACCOUNT_ATTRIBUTES = (
    "objectClass",
    "sAMAccountName",
    "dNSHostName",
    "description",
    "userAccountControl",
    "servicePrincipalName",
    "msDS-SupportedEncryptionTypes",
    "msDS-GroupMSAMembership",
    "msDS-ManagedPasswordInterval",
    "msDS-ManagedPasswordId",
    "objectSid",
    "objectGUID",
)

ALLOWED_CLASSES = ("computer", "group", "user", "msDS-GroupManagedServiceAccount")

PLACEHOLDER = "(assigned by the domain controller on creation)"


# -- validation (before any LDAP call) ----------------------------------------------------------------


def account_name(name: str) -> str:
    """The gMSA's name without ``$``; raises ValidationError when AD would refuse it (``_rules.gmsa_name``)."""
    return gmsa_name(name, option="name")


def validate_spn(spn: str) -> str:
    """The SPN unchanged; raises ValidationError when it is not ``service/host[:port][/name]`` (``_rules.spn``)."""
    return spn_rule(spn, option="spn")


def encryption_bits(names: list[str]) -> int:
    return sum(ENCRYPTION_TYPE_BITS[name] for name in dict.fromkeys(names))


def encryption_names(bits: int | None) -> list[str]:
    return [name for name, bit in ENCRYPTION_TYPE_BITS.items() if (bits or 0) & bit]


@dataclass
class AccountRequest:
    """One gMSA as the task wants it; None means "not managed" (creation defaults apply to new accounts)."""

    name: str
    state: str = "present"
    dns_hostname: str | None = None
    path: str | None = None
    description: str | None = None
    enabled: bool | None = None
    spn: dict[str, Any] | None = None
    allowed_to_retrieve_password: dict[str, Any] | None = None
    kerberos_encryption_types: dict[str, Any] | None = None
    managed_password_interval_days: int | None = None

    def validate(self) -> AccountRequest:
        self.name = account_name(self.name)
        spn = self.spn or {}
        for value in (spn.get("add") or []) + (spn.get("set") or []):
            validate_spn(value)
        if self.managed_password_interval_days is not None and not 0 < self.managed_password_interval_days <= 3650:
            raise ValidationError(
                f"managed_password_interval_days {self.managed_password_interval_days} is out of range (1 to 3650).",
                option="managed_password_interval_days",
            )
        if self.dns_hostname is not None:
            dns_name(self.dns_hostname, what="dns_hostname", option="dns_hostname")
        return self


def validate_requests(requests: list[AccountRequest]) -> list[AccountRequest]:
    seen: dict[str, str] = {}
    for request in requests:
        request.validate()
        key = request.name.lower()
        if key in seen:
            raise ValidationError(f"gMSA {request.name} is listed twice in accounts.", option="accounts")
        seen[key] = request.name
    return requests


# -- the attribute table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributeSpec:
    """How one option maps to one AD attribute.

    ``read`` gives the option's current value from an entry; ``same`` compares current and wanted values as
    AD does; ``to_ldap`` gives the attribute values to write (it sees the current entry, so it can keep what
    the option does not manage: other userAccountControl bits, unknown encryption types, foreign ACEs).
    """

    option: str
    attribute: str
    read: Callable[[Entry], Any]
    to_ldap: Callable[[Any, Entry | None], list[Any]]
    same: Callable[[Any, Any], bool] = lambda a, b: a == b
    create_only: bool = False


def _lower_set(values: list[str] | None) -> set[str]:
    return {v.lower() for v in values or []}


def _enabled(entry: Entry) -> bool:
    return not (entry.integer("userAccountControl") or 0) & UF_ACCOUNTDISABLE


def _uac_value(enabled: bool, entry: Entry | None) -> list[str]:
    current = entry.integer("userAccountControl") if entry else None
    value = UF_WORKSTATION_TRUST_ACCOUNT if current is None else current
    value = value & ~UF_ACCOUNTDISABLE if enabled else value | UF_ACCOUNTDISABLE
    return [str(value)]


def _encryption_value(names: list[str], entry: Entry | None) -> list[str]:
    current = (entry.integer("msDS-SupportedEncryptionTypes") if entry else None) or 0
    unmanaged = current & ~sum(ENCRYPTION_TYPE_BITS.values())
    return [str(unmanaged | encryption_bits(names))]


def _membership_value(sids: list[str], entry: Entry | None) -> list[bytes]:
    return [set_allowed_sids(entry.first("msDS-GroupMSAMembership") if entry else None, sids)]


def _allowed_sids(entry: Entry) -> list[str]:
    try:
        return allowed_sids(entry.first("msDS-GroupMSAMembership"))
    except ValueError:
        # No DACL or a NULL DACL: everyone may read the password. Reported as such; any set replaces it.
        return ["S-1-1-0"]


ATTRIBUTES: tuple[AttributeSpec, ...] = (
    AttributeSpec(
        "dns_hostname",
        "dNSHostName",
        lambda e: e.text("dNSHostName"),
        lambda v, _e: [v],
        same=lambda a, b: (a or "").lower() == (b or "").lower(),
    ),
    AttributeSpec(
        "description",
        "description",
        lambda e: e.text("description"),
        lambda v, _e: [v] if v else [],
        same=lambda a, b: (a or "") == (b or ""),
    ),
    AttributeSpec("enabled", "userAccountControl", _enabled, _uac_value),
    AttributeSpec(
        "spn",
        "servicePrincipalName",
        lambda e: e.texts("servicePrincipalName"),
        lambda v, _e: list(v),
        same=lambda a, b: _lower_set(a) == _lower_set(b),
    ),
    AttributeSpec(
        "kerberos_encryption_types",
        "msDS-SupportedEncryptionTypes",
        lambda e: encryption_names(e.integer("msDS-SupportedEncryptionTypes")),
        _encryption_value,
        same=lambda a, b: set(a or []) == set(b or []),
    ),
    AttributeSpec(
        "allowed_to_retrieve_password",
        "msDS-GroupMSAMembership",
        _allowed_sids,
        _membership_value,
        same=lambda a, b: set(a or []) == set(b or []),
    ),
    AttributeSpec(
        "managed_password_interval_days",
        "msDS-ManagedPasswordInterval",
        lambda e: e.integer("msDS-ManagedPasswordInterval"),
        lambda v, _e: [str(v)],
        create_only=True,
    ),
)
ATTRIBUTE_BY_OPTION = {spec.option: spec for spec in ATTRIBUTES}


def current_state(entry: Entry) -> dict[str, Any]:
    """Every option's current value, read through the table."""
    return {spec.option: spec.read(entry) for spec in ATTRIBUTES}


@dataclass
class ChangeSet:
    """What reconcile() decided for one account: a new object's attributes, or modifications."""

    create: dict[str, Any] | None = None
    modify: dict[str, list[tuple[str, list[Any]]]] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.create is not None or bool(self.modify)


def reconcile(entry: Entry | None, wanted: dict[str, Any]) -> ChangeSet:
    """The one engine: compare each wanted option with the entry through ATTRIBUTES and collect the writes.

    ``wanted`` maps option -> value for the options this task manages. A create-only option that differs on
    an existing account is an error: AD fixes it at creation (msDS-ManagedPasswordInterval).
    """
    if entry is None:
        attributes: dict[str, Any] = {}
        for option, value in wanted.items():
            values = ATTRIBUTE_BY_OPTION[option].to_ldap(value, None)
            if values:
                attributes[ATTRIBUTE_BY_OPTION[option].attribute] = values
        return ChangeSet(create=attributes, before={}, after=dict(wanted))
    before = current_state(entry)
    after = dict(before)
    changes = ChangeSet(before=before, after=after)
    for option, value in wanted.items():
        spec = ATTRIBUTE_BY_OPTION[option]
        if spec.same(before[option], value):
            continue
        if spec.create_only:
            raise GmsaError(
                f"gMSA {(entry.text('sAMAccountName') or '').rstrip('$')} has {option} {before[option]}, not {value}: "
                f"AD only sets {spec.attribute} when the account is created and cannot change it.",
                hint=f"Omit {option} (or set it to {before[option]}) for this account, or remove and re-create the "
                "gMSA to change it.",
                dn=entry.dn,
            )
        after[option] = value
        changes.modify[spec.attribute] = [("replace", spec.to_ldap(value, entry))]
    return changes


# -- reading -----------------------------------------------------------------------------------------


def find_accounts(client: Any, names: list[str]) -> dict[str, Entry]:
    """One search for every ``name$`` in the domain; fails when one is held by something other than a gMSA."""
    if not names:
        return {}
    ors = "".join(f"(sAMAccountName={escape_filter(name)}$)" for name in names)
    entries = client.search(client.domain.domain_dn, f"(|{ors})", ACCOUNT_ATTRIBUTES)
    found: dict[str, Entry] = {}
    for entry in entries:
        classes = [c.lower() for c in entry.texts("objectClass")]
        sam = entry.text("sAMAccountName") or ""
        if GMSA_CLASS.lower() not in classes:
            kind = entry.texts("objectClass")[-1] if classes else "object"
            raise GmsaError(
                f"{sam} is already held by a {kind}, not a group Managed Service Account: {entry.dn}.",
                hint="Choose another gMSA name, or rename or remove that object.",
                dn=entry.dn,
            )
        found[sam[:-1].lower()] = entry
    return found


def search_accounts(client: Any, patterns: list[str] | None) -> list[Entry]:
    """The gMSAs of the domain whose names match ``patterns`` (``*`` wildcards; none: all of them)."""
    if patterns:
        parts = []
        for pattern in patterns:
            bare = pattern[:-1] if pattern.endswith("$") else pattern
            value = "*".join(escape_filter(piece) for piece in bare.split("*"))
            parts.append(f"(sAMAccountName={value}$)")
        name_filter = f"(|{''.join(parts)})"
    else:
        name_filter = ""
    ldap_filter = f"(&(objectClass={GMSA_CLASS}){name_filter})"
    return client.search(client.domain.domain_dn, ldap_filter, ACCOUNT_ATTRIBUTES)


def describe_account(entry: Entry, index: PrincipalIndex) -> dict[str, Any]:
    """The fields every module returns for an existing gMSA."""
    state = current_state(entry)
    sam = entry.text("sAMAccountName") or ""
    return {
        "name": sam[:-1] if sam.endswith("$") else sam,
        "state": "present",
        "distinguished_name": entry.dn,
        "sid": sid_from_bytes(entry.first("objectSid")),
        "object_guid": guid_from_bytes(entry.first("objectGUID")),
        "dns_hostname": state["dns_hostname"],
        "description": state["description"],
        "spn": state["spn"],
        "allowed_to_retrieve_password": [index.describe_sid(sid) for sid in state["allowed_to_retrieve_password"]],
        "kerberos_encryption_types": state["kerberos_encryption_types"],
        "enabled": state["enabled"],
        "managed_password_interval_days": state["managed_password_interval_days"],
    }


def info_fields(entry: Entry) -> dict[str, Any]:
    """The read-only extras of gmsa_account_info: the root key behind the password (never the password)."""
    key_blob = entry.first("msDS-ManagedPasswordId")
    return {
        "managed_password_id": managed_password_key_id(key_blob) if key_blob else None,
        "user_account_control": entry.integer("userAccountControl"),
    }


# -- planning ----------------------------------------------------------------------------------------


@dataclass
class AccountPlan:
    request: AccountRequest
    entry: Entry | None
    dn: str
    changes: ChangeSet | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def delete(self) -> bool:
        return self.request.state == "absent" and self.entry is not None

    @property
    def changed(self) -> bool:
        return self.delete or (self.changes is not None and self.changes.changed)

    def added_spns(self) -> list[str]:
        if self.changes is None or not self.changes.changed:
            return []
        before = {s.lower() for s in self.changes.before.get("spn") or []}
        return [s for s in self.changes.after.get("spn") or [] if s.lower() not in before]


def _resolve_allowed(
    request: AccountRequest, current: list[str], index: PrincipalIndex, action: str, warn
) -> list[str]:
    option = request.allowed_to_retrieve_password or {}
    what = f"allowed_to_retrieve_password of {request.name}"

    def sids(identities: list[str]) -> list[str]:
        return [p.sid for p in resolve(index, identities, action, warn, what, ALLOWED_CLASSES)]

    removed = []
    for identity in option.get("remove") or []:
        principal = index.find(identity)
        if principal is not None:
            removed.append(principal.sid)
        elif identity_kind(identity) == "sid":
            removed.append(normalize_sid(identity))
    return apply_list_option(
        current,
        None,
        add=sids(option.get("add") or []),
        remove=removed,
        set_to=sids(option["set"]) if option.get("set") is not None else None,
    )


def wanted_state(
    request: AccountRequest, entry: Entry | None, domain_dns: str, index: PrincipalIndex, action: str, warn
) -> dict[str, Any]:
    """option -> value for what the task manages; a new account also gets the creation defaults."""
    new = entry is None
    current = current_state(entry) if entry is not None else {}
    wanted: dict[str, Any] = {}
    dns_hostname = request.dns_hostname or (f"{request.name}.{domain_dns}" if new else None)
    if dns_hostname is not None:
        wanted["dns_hostname"] = dns_hostname
    if request.description is not None:
        wanted["description"] = request.description
    if request.enabled is not None or new:
        wanted["enabled"] = True if request.enabled is None else request.enabled
    if is_given(request.spn) or new:
        base = current.get("spn", [f"host/{request.name}", f"host/{dns_hostname}"])
        wanted["spn"] = apply_list_option(base, request.spn, key=str.lower)
    if is_given(request.kerberos_encryption_types) or new:
        base = current.get("kerberos_encryption_types", DEFAULT_ENCRYPTION_TYPES)
        chosen = set(apply_list_option(base, request.kerberos_encryption_types))
        wanted["kerberos_encryption_types"] = [name for name in ENCRYPTION_TYPES if name in chosen]
    if is_given(request.allowed_to_retrieve_password):
        base = current.get("allowed_to_retrieve_password", [])
        wanted["allowed_to_retrieve_password"] = _resolve_allowed(request, base, index, action, warn)
    if request.managed_password_interval_days is not None or new:
        wanted["managed_password_interval_days"] = (
            request.managed_password_interval_days or DEFAULT_PASSWORD_INTERVAL_DAYS
        )
    return wanted


def plan_account(
    client: Any, request: AccountRequest, entry: Entry | None, index: PrincipalIndex, action: str, warn
) -> AccountPlan:
    domain = client.domain
    if request.state == "absent":
        return AccountPlan(request, entry, entry.dn if entry else "")
    path = request.path or domain.managed_service_accounts_dn
    dn = entry.dn if entry is not None else f"CN={escape_dn_value(request.name)},{path}"
    plan = AccountPlan(request, entry, dn)
    if entry is not None and request.path and parent_dn(entry.dn).lower() != request.path.lower():
        plan.warnings.append(
            f"gMSA {request.name} is in {parent_dn(entry.dn)}, not in path {request.path}; "
            "this module does not move accounts."
        )
    wanted = wanted_state(request, entry, domain.dns_name, index, action, warn)
    plan.changes = reconcile(entry, wanted)
    if entry is not None and not plan.changes.after["enabled"]:
        plan.warnings.append(
            f"gMSA {request.name} is disabled, so it cannot obtain Kerberos tickets (samba-tool creates gMSAs "
            "disabled); set enabled: true to enable it."
        )
    return plan


def check_kds_root_key(client: Any, now: datetime) -> None:
    """Fail before creating gMSAs when no KDS root key is usable (AD would answer 8009000D)."""
    keys = read_root_keys(client)
    if any(k.usable_at(now) for k in keys):
        return
    if not keys:
        # Only administrators can read root keys, so "none visible" may mean "not allowed to see them": the DC
        # decides when the account is added, and its 8009000D answer is explained in _explain_write_error.
        return
    key = preferred_key(keys, now)
    when = f" The newest key becomes usable at {iso_time(key.usable_time)}." if key else ""
    raise GmsaError(
        f"No usable KDS root key: domain controllers cannot derive a password for a new gMSA.{when}",
        hint="Create one with wincontainers.gmsa.gmsa_kds_root_key (effective_time_hours: 0 only in a single-DC "
        "lab), or wait until an existing key is usable.",
        result="noUsableKdsRootKey",
    )


def check_duplicate_spns(client: Any, plans: list[AccountPlan]) -> None:
    """Fail when an SPN to be added is held by another object, or asked for by two accounts of the task.

    The search runs from the forest root domain's naming context on the DC the module is bound to: in a
    single-domain forest that covers every object; in a multi-domain forest other domains are not searched
    (a global catalog search would be needed), and the DC's own uniqueness check (0000202F) still applies.
    """
    wanted: dict[str, AccountPlan] = {}
    for plan in plans:
        for spn in plan.added_spns():
            other = wanted.get(spn.lower())
            if other is not None and other is not plan:
                raise GmsaError(
                    f"SPN {spn} is asked for by both {other.request.name} and {plan.request.name}; an SPN must "
                    "belong to one account only.",
                    hint="Give each SPN to one gMSA.",
                    spn=spn,
                )
            wanted[spn.lower()] = plan
    if not wanted:
        return
    ors = "".join(f"(servicePrincipalName={escape_filter(spn)})" for spn in wanted)
    bases = list(dict.fromkeys([client.domain.forest_root_dn, client.domain.domain_dn]))
    for base in bases:
        for entry in client.search(base, f"(|{ors})", ["servicePrincipalName", "sAMAccountName"]):
            for spn in entry.texts("servicePrincipalName"):
                plan = wanted.get(spn.lower())
                if plan is not None and plan.entry is not None and plan.entry.dn.lower() == entry.dn.lower():
                    continue
                if plan is not None:
                    raise GmsaError(
                        f"SPN {spn} is already registered on {entry.dn} ({entry.text('sAMAccountName')}); duplicate "
                        "SPNs break Kerberos authentication.",
                        hint=f"Remove it from that object first (setspn -D {spn} {entry.text('sAMAccountName')}), or "
                        f"give {plan.request.name} another SPN.",
                        spn=spn,
                        dn=entry.dn,
                    )


# -- writing -----------------------------------------------------------------------------------------


def _write_account(client: Any, plan: AccountPlan) -> None:
    try:
        if plan.delete:
            client.delete(plan.entry.dn)
        elif plan.changes.create is not None:
            attributes = dict(plan.changes.create)
            attributes["sAMAccountName"] = f"{plan.request.name}$"
            client.add(plan.dn, GMSA_CLASS, attributes)
        else:
            client.modify(plan.dn, plan.changes.modify)
    except GmsaError as exc:
        raise _explain_write_error(exc, plan) from None


def _explain_write_error(exc: GmsaError, plan: AccountPlan) -> GmsaError:
    text = exc.message
    if "8009000D" in text.upper() or "suitable root key" in text:
        return GmsaError(
            f"Creating gMSA {plan.request.name} failed: no usable KDS root key ({text}).",
            hint="Create one with wincontainers.gmsa.gmsa_kds_root_key, or wait until an existing key is usable.",
            **exc.details,
        )
    if exc.details.get("result_code") == 50:
        if plan.delete:
            exc.hint = (
                "The bind account needs the 'Delete msDS-GroupManagedServiceAccount objects' permission on "
                f"{parent_dn(plan.dn)}."
            )
        elif plan.changes.create is not None:
            exc.hint = (
                "The bind account needs the 'Create msDS-GroupManagedServiceAccount objects' permission on "
                f"{parent_dn(plan.dn)} (delegate it, or use a Domain Admins account)."
            )
        else:
            attrs = ", ".join(plan.changes.modify)
            exc.hint = f"The bind account needs permission to write {attrs} on {plan.dn}."
    return exc


# -- the bulk engine ----------------------------------------------------------------------------------


@dataclass
class ConvergeOutcome:
    accounts: list[dict[str, Any]]
    diffs: list[dict[str, Any]]
    warnings: list[str]

    @property
    def changed(self) -> bool:
        return any(a["changed"] for a in self.accounts)


def _result_for(plan: AccountPlan, index: PrincipalIndex, created: Entry | None) -> dict[str, Any]:
    request = plan.request
    if request.state == "absent":
        result = {"name": request.name, "state": "absent", "changed": plan.changed}
        if plan.entry is not None:
            result["distinguished_name"] = plan.entry.dn
        return result
    if created is not None:
        result = describe_account(created, index)
    elif plan.entry is not None and not plan.changes.changed:
        result = describe_account(plan.entry, index)
    else:
        after = plan.changes.after
        base = (
            describe_account(plan.entry, index)
            if plan.entry is not None
            else {
                "name": request.name,
                "state": "present",
                "distinguished_name": plan.dn,
                "sid": PLACEHOLDER,
                "object_guid": PLACEHOLDER,
            }
        )
        base.update(
            dns_hostname=after.get("dns_hostname"),
            description=after.get("description"),
            spn=after.get("spn", []),
            allowed_to_retrieve_password=[index.describe_sid(s) for s in after.get("allowed_to_retrieve_password", [])],
            kerberos_encryption_types=after.get("kerberos_encryption_types", []),
            enabled=after.get("enabled"),
            managed_password_interval_days=after.get("managed_password_interval_days"),
        )
        result = base
    result["changed"] = plan.changed
    return result


def _diff_view(state: dict[str, Any], index: PrincipalIndex) -> dict[str, Any]:
    view = dict(state)
    if "allowed_to_retrieve_password" in view:
        view["allowed_to_retrieve_password"] = [
            index.describe_sid(s)["name"] or s for s in view["allowed_to_retrieve_password"]
        ]
    return view


def converge_accounts(
    client: Any,
    requests: list[AccountRequest],
    lookup_failure_action: str,
    check_mode: bool,
    warn: Callable[[str], None],
    now: datetime | None = None,
) -> ConvergeOutcome:
    """Bring every requested gMSA to its wanted state (see the module docstring for the round-trip budget)."""
    entries = find_accounts(client, [r.name for r in requests])
    identities = [i for r in requests for i in option_values(r.allowed_to_retrieve_password)]
    present_sids = {
        sid
        for r in requests
        if r.name.lower() in entries and r.state == "present"
        for sid in _allowed_sids(entries[r.name.lower()])
    }
    index = lookup_principals(client, identities, sorted(present_sids))
    plans = [plan_account(client, r, entries.get(r.name.lower()), index, lookup_failure_action, warn) for r in requests]
    if any(p.changes is not None and p.changes.create is not None for p in plans):
        check_kds_root_key(client, now or datetime.now(timezone.utc))
    check_duplicate_spns(client, plans)

    warnings = [w for p in plans for w in p.warnings]
    written: list[AccountPlan] = []
    if not check_mode:
        for plan in plans:
            if not plan.changed:
                continue
            try:
                _write_account(client, plan)
            except GmsaError as exc:
                exc.details.setdefault("accounts_changed", [p.request.name for p in written])
                raise
            written.append(plan)
    # One more search reads back what the DC assigned to new accounts (SID, GUID, defaults it filled in).
    new_names = [p.request.name for p in written if p.changes is not None and p.changes.create is not None]
    created = find_accounts(client, new_names) if new_names else {}

    results = [_result_for(plan, index, created.get(plan.request.name.lower())) for plan in plans]
    diffs = [_diff_for(plan, index) for plan in plans if plan.changed]
    return ConvergeOutcome(results, diffs, warnings)


def _diff_for(plan: AccountPlan, index: PrincipalIndex) -> dict[str, Any]:
    if plan.request.state == "absent":
        before = {"state": "present", **_diff_view(current_state(plan.entry), index)}
        after: dict[str, Any] = {"state": "absent"}
    elif plan.entry is None:
        before, after = {"state": "absent"}, {"state": "present", **_diff_view(plan.changes.after, index)}
    else:
        managed = set(plan.changes.modify)
        keys = [s.option for s in ATTRIBUTES if s.attribute in managed]
        full_before, full_after = _diff_view(plan.changes.before, index), _diff_view(plan.changes.after, index)
        before = {k: full_before[k] for k in keys}
        after = {k: full_after[k] for k in keys}
    return {"name": plan.request.name, "before": before, "after": after}


def read_accounts(client: Any, patterns: list[str] | None) -> tuple[list[dict[str, Any]], list[str]]:
    """gmsa_account_info: the gMSAs matching ``patterns`` (all when None) and the plain names that matched none.

    Two searches whatever the count: the accounts, then every principal their descriptors name.
    """
    entries = search_accounts(client, patterns)
    sids = sorted({sid for entry in entries for sid in _allowed_sids(entry)})
    index = lookup_principals(client, [], sids)
    accounts = sorted(
        ({**describe_account(entry, index), **info_fields(entry)} for entry in entries),
        key=lambda a: a["name"].lower(),
    )
    accounts = [{k: v for k, v in a.items() if k != "state"} for a in accounts]
    found = {a["name"].lower() for a in accounts}
    missing = [p for p in patterns or [] if "*" not in p and p.rstrip("$").lower() not in found]
    return accounts, missing
