# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential specs for Windows containers: build, render, compare, parse and place them.

Pure functions, no LDAP: the caller reads the domain facts (``DomainIdentity``) and the account names from AD
and this module turns them into exactly the document Microsoft's ``New-CredentialSpec`` writes.

What ``New-CredentialSpec`` does was read from Microsoft's CredentialSpec PowerShell module
(MicrosoftDocs/Virtualization-Documentation @ 1c99891d43e8e4a5fa3289bf31e1e17cca482977 :
windows-server-container-tools/ServiceAccounts/CredentialSpec.psm1, MIT licensed; read, not copied):

* ``DomainJoinConfig`` comes from ``Get-ADDomain``: ``Sid`` is ``DomainSID`` (the domain's SID, not the
  gMSA's), ``Guid`` the domain's ``ObjectGUID``, ``DnsTreeName`` the ``Forest``, ``DnsName`` the ``DNSRoot``,
  ``NetBiosName`` the ``NetBIOSName``, ``MachineAccountName`` the account name as given minus trailing ``$``.
* ``GroupManagedServiceAccounts`` lists the primary account twice (``Scope`` = ``DNSRoot``, then
  ``NetBIOSName``) and then each additional account once with ``Scope = $_.Domain``: for an account given as
  a plain name that is the primary domain's DNS name, for a hashtable ``@{AccountName; Domain}`` the
  ``Domain`` given, documented as "The DNS name of the Active Directory domain".
* The key order is the one of Microsoft's published example ("Check the Credential Spec file" in
  "Group Managed Service Accounts for Windows containers"); ``HostAccountConfig`` follows
  ``GroupManagedServiceAccounts`` with ``PortableCcgVersion``, ``PluginGUID``, ``PluginInput`` as
  ``New-CredentialSpec -AKV`` and the AWS examples write it.
* The default file name is ``<netbios lower>_<account lower>.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from . import _rules as rules
from ._errors import ValidationError


class CredentialSpecError(ValidationError, ValueError):
    """A credential spec, account name, file name or file that cannot be used, and why.

    A ``ValueError`` for plain-Python callers and filters; a ``GmsaError`` so a module fails with it in the one
    place every backend error becomes a task failure.
    """


# The account name rule is _rules.gmsa_name (a gMSA's sAMAccountName without "$"); "\" and "@" get their own
# message here because they mean the caller passed DOMAIN\name or name@domain instead of the bare name.
MAX_ACCOUNT_NAME_LENGTH = rules.GMSA_NAME_MAX_LENGTH
_HOST_ACCOUNT_KEYS = ("plugin_guid", "plugin_input", "portable_ccg_version")

# Windows maps these names to devices in every folder, whatever the extension, and silently drops trailing
# dots and spaces, so such a file name never means the file it seems to name.
_WINDOWS_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}


@dataclass(frozen=True)
class DomainIdentity:
    """The facts about an AD domain a credential spec needs.

    ``sid`` is the domain SID (``S-1-5-21-a-b-c``), ``guid`` the domain object's ``objectGUID`` (stored in the
    lower-case, brace-less form ``ConvertTo-Json`` gives a ``System.Guid``), ``forest_dns_name`` the forest
    root domain's DNS name (``DnsTreeName``).

    Microsoft's troubleshooting text calls ``Sid`` "the SID of your gMSA account", but ``New-CredentialSpec``
    writes ``(Get-ADDomain).DomainSID`` and every published spec holds a domain SID, so a SID with a RID is
    refused here.
    """

    dns_name: str
    netbios_name: str
    sid: str
    guid: str
    forest_dns_name: str

    def __post_init__(self) -> None:
        for field_name in ("dns_name", "forest_dns_name"):
            rules.dns_name(
                getattr(self, field_name),
                what=f"Domain {field_name}",
                error=CredentialSpecError,
                hint="Give the name as Get-ADDomain shows it (DNSRoot / Forest), for example 'contoso.com'.",
            )
        rules.netbios_name(
            self.netbios_name,
            what="Domain NetBIOS name",
            error=CredentialSpecError,
            hint="Give the NetBIOSName Get-ADDomain shows, for example 'CONTOSO'.",
        )
        object.__setattr__(self, "sid", rules.domain_sid(self.sid, error=CredentialSpecError))
        object.__setattr__(self, "guid", _domain_guid(self.guid))

    @classmethod
    def of(cls, domain: Any) -> DomainIdentity:
        """Take the five facts from any object that has them as attributes (the LDAP layer's ``DomainInfo``)."""
        return cls(
            dns_name=domain.dns_name,
            netbios_name=domain.netbios_name,
            sid=domain.sid,
            guid=domain.guid,
            forest_dns_name=domain.forest_dns_name,
        )


def _domain_guid(value: Any) -> str:
    return rules.guid(
        value,
        what="Domain GUID",
        error=CredentialSpecError,
        hint="Use the domain object's objectGUID (Get-ADDomain ObjectGUID).",
    )


def account_name(name: str) -> str:
    """The bare sAMAccountName ``New-CredentialSpec`` writes: one trailing ``$`` removed, case kept.

    The rule is ``_rules.gmsa_name``; ``DOMAIN\\name`` and ``name@domain`` get a message that says to drop the
    domain part. Raises CredentialSpecError.
    """
    if not isinstance(name, str):
        raise CredentialSpecError(f"gMSA account name must be a string, got {type(name).__name__}.")
    bare = name[:-1] if name.endswith("$") else name
    if "\\" in bare:
        raise CredentialSpecError(
            f"gMSA account name {name!r} contains '\\'.",
            f"Give the bare account name without the domain, for example {bare.rsplit(chr(92), 1)[-1]!r}; "
            "the domain comes from the domain facts.",
        )
    if "@" in bare:
        raise CredentialSpecError(
            f"gMSA account name {name!r} contains '@'.",
            f"Give the bare account name without the domain, for example {bare.split('@', 1)[0]!r}; "
            "the domain comes from the domain facts.",
        )
    return rules.gmsa_name(name, what="gMSA account name", error=CredentialSpecError)


def domain_scope(value: Any, what: str = "Scope") -> str:
    """A ``GroupManagedServiceAccounts`` entry's ``Scope``: the account's domain by DNS or NetBIOS name.

    ``New-CredentialSpec`` writes the DNS name (``DNSRoot``) and, for the primary account, the NetBIOS name too
    (CredentialSpec.psm1); either form is accepted. Returned unchanged; raises CredentialSpecError.
    """
    if rules.problem(rules.dns_name, value) is None or rules.problem(rules.netbios_name, value) is None:
        return value
    if isinstance(value, str) and value:
        raise CredentialSpecError(
            f"{what} {value!r} is neither a DNS domain name nor a NetBIOS domain name.",
            "Give the account's domain as Get-ADDomain shows it: DNSRoot (contoso.com) or NetBIOSName (CONTOSO).",
        )
    raise CredentialSpecError(f"{what} {value!r} is not a domain name.", "Give the account's domain DNS name.")


def _plugin_guid(value: Any) -> str:
    # CCG loads the plugin as a COM class, so PluginGUID is a CLSID string. Microsoft (New-CredentialSpec
    # -AKV) and AWS publish it braced and upper case; CLSIDs compare case-insensitively, so one canonical
    # form costs nothing at run time and keeps the same plugin from producing two different files.
    bare = rules.guid(
        value,
        what="plugin_guid",
        error=CredentialSpecError,
        hint="Give the CCG plugin's CLSID, braced or bare, for example '{859E1386-BDB4-49E8-85C7-3070B13920E1}'.",
    )
    return "{" + bare.upper() + "}"


def _plugin_input(value: Any) -> str | dict[str, Any]:
    # A string for Microsoft's and most plugins ("ObjectId=...;SecretUri=..."); AWS's ECS plugin reads a JSON
    # object ({"CredentialArn": ...}). Both are kept as given; the round trip makes a mapping plain JSON data.
    if isinstance(value, str):
        if not value:
            raise CredentialSpecError("plugin_input is empty.", "Give the input the CCG plugin expects.")
        return value
    if isinstance(value, Mapping):
        try:
            return json.loads(json.dumps(value))
        except (TypeError, ValueError) as exc:
            raise CredentialSpecError(f"plugin_input cannot be written as JSON: {exc}.") from None
    raise CredentialSpecError(
        f"plugin_input must be a string or a mapping, got {type(value).__name__}.",
    )


def build_host_account_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``HostAccountConfig`` for a domainless (CCG plugin) spec from ``plugin_guid``, ``plugin_input``,
    ``portable_ccg_version`` (default ``"1"``)."""
    if not isinstance(config, Mapping):
        raise CredentialSpecError(f"host_account_config must be a mapping, got {type(config).__name__}.")
    unknown = sorted(set(config) - set(_HOST_ACCOUNT_KEYS))
    if unknown:
        raise CredentialSpecError(
            f"Unknown host_account_config keys {unknown}; expected {list(_HOST_ACCOUNT_KEYS)}.",
        )
    missing = [key for key in ("plugin_guid", "plugin_input") if config.get(key) is None]
    if missing:
        raise CredentialSpecError(f"host_account_config needs {' and '.join(missing)}.")
    version = config.get("portable_ccg_version")
    version = "1" if version is None else str(version)
    if not version.isdigit():
        raise CredentialSpecError(f"portable_ccg_version {version!r} is not a version number such as '1'.")
    return {
        "PortableCcgVersion": version,
        "PluginGUID": _plugin_guid(config["plugin_guid"]),
        "PluginInput": _plugin_input(config["plugin_input"]),
    }


def _additional_entry(entry: Any, domain: DomainIdentity) -> dict[str, str]:
    if isinstance(entry, str):
        return {"Name": account_name(entry), "Scope": domain.dns_name}
    if isinstance(entry, (tuple, list)) and len(entry) == 2:
        name, scope = entry
        if isinstance(scope, DomainIdentity):
            scope = scope.dns_name
        if not isinstance(scope, str) or not scope.strip():
            raise CredentialSpecError(
                f"Additional account {name!r} has scope {scope!r}.",
                "Give the DNS name of the account's domain or its DomainIdentity.",
            )
        return {"Name": account_name(name), "Scope": domain_scope(scope.strip(), f"Additional account {name!r} scope")}
    raise CredentialSpecError(
        f"Additional account {entry!r} is neither a name nor a (name, domain) pair.",
    )


def build_credential_spec(
    account: str,
    domain: DomainIdentity,
    additional_accounts: Iterable[str | tuple[str, DomainIdentity | str]] = (),
    host_account_config: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The credential spec ``New-CredentialSpec`` writes for ``account`` of ``domain``.

    ``additional_accounts`` entries are a name (an account of ``domain``) or ``(name, domain)`` where domain is
    a ``DomainIdentity`` or the DNS name of the account's domain; each becomes one entry scoped to that DNS
    name. ``host_account_config`` adds a ``HostAccountConfig`` for domainless (CCG plugin) containers.
    """
    if not isinstance(domain, DomainIdentity):
        raise CredentialSpecError(f"domain must be a DomainIdentity, got {type(domain).__name__}.")
    name = account_name(account)
    accounts = [{"Name": name, "Scope": domain.dns_name}, {"Name": name, "Scope": domain.netbios_name}]
    seen = {(name.lower(), domain.dns_name.lower()), (name.lower(), domain.netbios_name.lower())}
    for entry in additional_accounts:
        extra = _additional_entry(entry, domain)
        key = (extra["Name"].lower(), extra["Scope"].lower())
        if key in seen:
            raise CredentialSpecError(
                f"Account {extra['Name']!r} in {extra['Scope']!r} is listed twice.",
                "List each additional account once and not the primary account.",
            )
        seen.add(key)
        accounts.append(extra)
    active_directory: dict[str, Any] = {"GroupManagedServiceAccounts": accounts}
    if host_account_config is not None:
        active_directory["HostAccountConfig"] = build_host_account_config(host_account_config)
    return {
        "CmsPlugins": ["ActiveDirectory"],
        "DomainJoinConfig": {
            "Sid": domain.sid,
            "MachineAccountName": name,
            "Guid": domain.guid,
            "DnsTreeName": domain.forest_dns_name,
            "DnsName": domain.dns_name,
            "NetBiosName": domain.netbios_name,
        },
        "ActiveDirectoryConfig": active_directory,
    }


def default_filename(domain: DomainIdentity | str, account: str) -> str:
    """``<netbios lower>_<account lower>.json``, the name ``New-CredentialSpec`` gives the file by default.

    ``domain`` is a ``DomainIdentity`` or the domain's NetBIOS name.
    """
    netbios = domain.netbios_name if isinstance(domain, DomainIdentity) else domain
    if not isinstance(netbios, str) or not netbios.strip():
        raise CredentialSpecError(f"Domain NetBIOS name {netbios!r} is empty.")
    return f"{netbios.strip().lower()}_{account_name(account).lower()}.json"


def render_credential_spec(spec: Mapping[str, Any]) -> str:
    """The text the collection writes: the layout of Microsoft's published example.

    Four-space indent, one key per line, keys in the spec's order, ``": "`` after keys, a final newline.
    Non-ASCII characters are escaped (``\\u00e9``): ``New-CredentialSpec`` writes with ``Out-File -Encoding
    ascii``, so a file that stays ASCII reads the same in every encoding Docker or an editor may assume.
    """
    return json.dumps(spec, indent=4, ensure_ascii=True) + "\n"


def _json_equal(left: Any, right: Any) -> bool:
    # Objects compare without their key order, arrays with it, and scalars with their JSON type, so that
    # "1" != 1 and 1 != true (Python alone says True == 1 == 1.0).
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_json_equal(left[i], right[i]) for i in range(len(left)))
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    return type(left) is type(right) and left == right


def same_content(existing_text: str, spec: Mapping[str, Any]) -> bool:
    """Whether ``existing_text`` already holds ``spec``: equal JSON data, whatever the layout.

    Whitespace and object key order do not count. JSON objects are unordered (RFC 8259 section 4) and every
    consumer (Docker, containerd, CCG, the Kubernetes webhook) parses the file; ``New-CredentialSpec`` builds
    the document from PowerShell hashtables and other tools and PowerShell versions order keys differently.
    Rewriting a file only to move keys would report a change on every run for files those tools made.
    Array order does count (the primary account's entries come first). Text that is not JSON never matches.
    """
    try:
        existing = json.loads(existing_text)
    except (TypeError, ValueError):
        return False
    return _json_equal(existing, json.loads(json.dumps(spec)))


_KIND_NAMES = {dict: "an object", list: "a list", str: "a string"}


def _require(container: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in container:
        raise CredentialSpecError(f"Credential spec has no {where}{key}.")
    value = container[key]
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        expected = " or ".join(_KIND_NAMES[k] for k in kinds)
        raise CredentialSpecError(f"Credential spec {where}{key} must be {expected}, got {json.dumps(value)}.")
    return value


def validate_credential_spec(spec: Any, *, shapes: bool = True) -> dict[str, Any]:
    """Check that ``spec`` has what a container start needs; return it.

    Required: ``CmsPlugins`` (a list of strings with ``ActiveDirectory``), ``DomainJoinConfig`` with the six
    string fields, ``ActiveDirectoryConfig`` with a non-empty ``GroupManagedServiceAccounts`` list of
    ``{Name, Scope}`` strings. ``HostAccountConfig`` is optional; when present its three fields are strings
    (``PluginInput`` may also be an object, as AWS writes it). Other keys are allowed.

    With ``shapes`` (the default) every field must also have the shape the builder gives it
    (``credential_spec_problems``); all problems are reported in one CredentialSpecError. ``gmsa_check``
    passes ``shapes=False`` because it compares each field with AD and explains each difference itself.
    """
    if not isinstance(spec, dict):
        raise CredentialSpecError(f"Credential spec must be a JSON object, got {type(spec).__name__}.")
    plugins = _require(spec, "CmsPlugins", list, "")
    if "ActiveDirectory" not in plugins or not all(isinstance(p, str) for p in plugins):
        raise CredentialSpecError(f"Credential spec CmsPlugins must list 'ActiveDirectory', got {plugins}.")
    join = _require(spec, "DomainJoinConfig", dict, "")
    for key in _JOIN_KEYS:
        if not _require(join, key, str, "DomainJoinConfig."):
            raise CredentialSpecError(f"Credential spec DomainJoinConfig.{key} is empty.")
    directory = _require(spec, "ActiveDirectoryConfig", dict, "")
    accounts = _require(directory, "GroupManagedServiceAccounts", list, "ActiveDirectoryConfig.")
    if not accounts:
        raise CredentialSpecError("Credential spec ActiveDirectoryConfig.GroupManagedServiceAccounts is empty.")
    for index, entry in enumerate(accounts):
        where = f"ActiveDirectoryConfig.GroupManagedServiceAccounts[{index}]."
        if not isinstance(entry, dict):
            raise CredentialSpecError(f"Credential spec {where[:-1]} must be an object, got {json.dumps(entry)}.")
        _require(entry, "Name", str, where)
        _require(entry, "Scope", str, where)
    if "HostAccountConfig" in directory:
        host = _require(directory, "HostAccountConfig", dict, "ActiveDirectoryConfig.")
        where = "ActiveDirectoryConfig.HostAccountConfig."
        _require(host, "PortableCcgVersion", str, where)
        _require(host, "PluginGUID", str, where)
        _require(host, "PluginInput", (str, dict), where)
    if shapes:
        problems = credential_spec_problems(spec)
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise CredentialSpecError(
                f"Credential spec has {len(problems)} problems: " + " ".join(str(p) for p in problems)
            )
    return spec


_JOIN_KEYS = ("Sid", "MachineAccountName", "Guid", "DnsTreeName", "DnsName", "NetBiosName")


def _spec_account_name(value: str, what: str) -> str:
    if value.endswith("$"):
        raise CredentialSpecError(
            f"{what} {value!r} ends in '$'.",
            f"Write the sAMAccountName without it ({value.rstrip('$')!r}), as New-CredentialSpec does.",
        )
    return rules.gmsa_name(value, what=what, error=CredentialSpecError)


def credential_spec_problems(spec: Mapping[str, Any]) -> list[CredentialSpecError]:
    """The fields of a structurally valid spec whose shape the builder would never write, each with its fix.

    ``DomainJoinConfig``: ``Sid`` a domain SID (``S-1-5-21-`` and three numbers; an account SID has a RID),
    ``Guid`` a brace-less GUID, ``DnsName`` and ``DnsTreeName`` DNS names, ``NetBiosName`` a NetBIOS domain
    name, ``MachineAccountName`` a gMSA name without ``$``; each ``GroupManagedServiceAccounts`` entry a gMSA
    name and a DNS or NetBIOS domain ``Scope``. The rules are ``_rules``'s. ``HostAccountConfig`` is left to
    its CCG plugin: the plugin defines ``PluginInput``, and CCG resolves ``PluginGUID`` (the
    kubernetes-sigs/windows-gmsa test resources hold a placeholder there).
    """
    join = spec["DomainJoinConfig"]
    where = "Credential spec DomainJoinConfig."
    error = CredentialSpecError
    checks: list[tuple[Callable[[Any], Any], Any]] = [
        (partial(rules.domain_sid, what=where + "Sid", error=error), join["Sid"]),
        (
            partial(rules.guid, braces="forbidden", what=where + "Guid", error=error, hint=_GUID_HINT),
            join["Guid"],
        ),
        (partial(rules.dns_name, what=where + "DnsName", error=error, hint=_DNS_HINT), join["DnsName"]),
        (partial(rules.dns_name, what=where + "DnsTreeName", error=error, hint=_TREE_HINT), join["DnsTreeName"]),
        (
            partial(rules.netbios_name, what=where + "NetBiosName", error=error, hint=_NETBIOS_HINT),
            join["NetBiosName"],
        ),
        (partial(_spec_account_name, what=where + "MachineAccountName"), join["MachineAccountName"]),
    ]
    for index, entry in enumerate(spec["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"]):
        at = f"Credential spec ActiveDirectoryConfig.GroupManagedServiceAccounts[{index}]."
        checks.append((partial(_spec_account_name, what=at + "Name"), entry["Name"]))
        checks.append((partial(domain_scope, what=at + "Scope"), entry["Scope"]))
    problems = []
    for check, value in checks:
        try:
            check(value)
        except CredentialSpecError as exc:
            problems.append(exc)
    return problems


_GUID_HINT = "Write the domain object's objectGUID (Get-ADDomain ObjectGUID) without braces."
_DNS_HINT = "Give the domain's DNS name (Get-ADDomain DNSRoot), for example 'contoso.com'."
_TREE_HINT = "Give the forest root domain's DNS name (Get-ADDomain Forest), for example 'contoso.com'."
_NETBIOS_HINT = "Give the domain's NetBIOS name (Get-ADDomain NetBIOSName), for example 'CONTOSO'."


def parse_credential_spec(text: str | bytes, *, shapes: bool = True) -> dict[str, Any]:
    """Parse and validate a credential spec file's text (a UTF-8 byte order mark is tolerated).

    ``shapes`` as for ``validate_credential_spec``.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CredentialSpecError(f"Credential spec is not UTF-8 text: {exc}.") from None
    try:
        spec = json.loads(text.lstrip("\ufeff"))
    except ValueError as exc:
        raise CredentialSpecError(f"Credential spec is not valid JSON: {exc}.") from None
    return validate_credential_spec(spec, shapes=shapes)


def safe_join(dest_dir: str, filename: str) -> str:
    """``dest_dir`` joined with ``filename``, refusing any name that is not a plain file name.

    Refused: empty, ``.`` and ``..``, any ``/`` or ``\\`` (so no absolute or relative paths on either OS),
    ``:`` (drive letters, NTFS alternate streams), control characters, Windows device names (``CON``,
    ``NUL.json``...) and names ending in a dot or space, which Windows silently changes.
    """
    if not isinstance(filename, str) or not filename:
        raise CredentialSpecError("Credential spec file name is empty.", "Give a name such as 'contoso_app.json'.")
    problem = None
    if filename in (".", ".."):
        problem = "is a directory reference"
    elif "/" in filename or "\\" in filename:
        problem = "contains a path separator"
    elif ":" in filename:
        problem = "contains ':' (a drive letter or an NTFS stream)"
    elif any(ord(c) < 32 for c in filename):
        problem = "contains control characters"
    elif filename[-1] in ". ":
        problem = "ends in a dot or space, which Windows drops"
    elif filename.split(".", 1)[0].strip().upper() in _WINDOWS_DEVICE_NAMES:
        problem = "is a Windows device name"
    if problem:
        raise CredentialSpecError(
            f"Credential spec file name {filename!r} {problem}.",
            f"Give a plain file name; it is written inside {dest_dir!r}.",
        )
    return os.path.join(dest_dir, filename)


def needs_write(path: str, spec: Mapping[str, Any]) -> tuple[bool, str | None]:
    """Whether ``path`` must be (re)written to hold ``spec``, and the file's current text (None if missing).

    A file is rewritten unless it is UTF-8 without a byte order mark (the collection's output is ASCII) and
    ``same_content`` says it holds the spec. The write itself is the module's: it renders the text to a temp
    file and uses ``AnsibleModule.atomic_move``, which keeps the file's ownership and SELinux context.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return True, None
    except IsADirectoryError:
        raise CredentialSpecError(
            f"Credential spec path {path!r} is a directory.", "Remove it or choose another file name."
        ) from None
    except OSError as exc:
        raise CredentialSpecError(
            f"Cannot read credential spec {path!r}: {exc.strerror or exc}.",
            "Check the file's permissions and that the task runs with become if the folder needs it.",
        ) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True, raw.decode("utf-16", errors="replace")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return True, raw.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        return True, text
    if text == render_credential_spec(spec):  # the collection's own layout: equal without parsing it
        return False, text
    return not same_content(text, spec), text
