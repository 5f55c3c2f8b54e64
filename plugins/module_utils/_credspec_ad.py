# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read from AD what a credential spec needs: the domain's facts and proof that each named account is a gMSA.

``New-CredentialSpec`` takes the domain facts from ``Get-ADDomain`` and checks every account with
``Get-ADServiceAccount``; this backend does the same over one LDAP connection:

* The connection's own domain comes from ``LdapClient.domain`` (read once per connection). Another domain of
  the forest is found through its crossRef under ``CN=Partitions`` of the configuration NC (MS-ADTS 6.1.1.2.1.1,
  ``systemFlags`` with ``FLAG_CR_NTDS_DOMAIN``); its SID and GUID come with the crossRef's ``nCName`` when the
  search asks for extended DNs (MS-ADTS 3.1.1.3.4.1.5), so no DC of that domain is needed. Only when a DC
  leaves them out is the domain's NC head read.
* The accounts are looked up by ``sAMAccountName`` (``_lookup``, the one lookup) with one search per domain: a
  gMSA's name ends in ``$``; the bare name is searched too, so that a user of that name is reported as "not a
  gMSA" instead of "missing".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ._credspec import CredentialSpecError, DomainIdentity, account_name, domain_scope
from ._errors import GmsaError
from ._ldap import LdapClient, dn_key
from ._lookup import NameLookup, find_by_sam_account_name
from ._sid import guid_from_bytes, sid_from_bytes

GMSA_CLASS = "msds-groupmanagedserviceaccount"
# crossRef systemFlags bit: the partition is a domain NC (MS-ADTS 6.1.1.2.1.1.5, FLAG_CR_NTDS_DOMAIN).
FLAG_CR_NTDS_DOMAIN = 2
MATCHING_RULE_BIT_AND = "1.2.840.113556.1.4.803"
# LDAP_SERVER_EXTENDED_DN_OID without a value: DN-valued attributes come back as <GUID=hex>;<SID=hex>;dn.
EXTENDED_DN_CONTROL = ("1.2.840.113556.1.4.529", False, None)
_EXTENDED_DN = re.compile(r"^((?:<[A-Za-z]+=[^>]*>;)*)(.*)$")
_EXTENDED_PART = re.compile(r"<([A-Za-z]+)=([^>]*)>;")

# What an object that is not a gMSA is, in the order that tells most (a gMSA is also a computer and a user).
_OTHER_KINDS = (
    ("msds-managedserviceaccount", "a standalone managed service account (sMSA)"),
    ("computer", "a computer account"),
    ("user", "a user"),
    ("group", "a group"),
    ("contact", "a contact"),
)


@dataclass(frozen=True)
class ForestDomain:
    """A domain of the forest: its credential spec facts and its naming context's DN."""

    identity: DomainIdentity
    dn: str

    def named(self, name: str) -> bool:
        """Whether ``name`` is this domain's DNS or NetBIOS name (case-insensitive)."""
        wanted = name.strip().rstrip(".").lower()
        return wanted in (self.identity.dns_name.lower(), self.identity.netbios_name.lower())


@dataclass(frozen=True)
class AccountRequest:
    """An account a credential spec names: its bare name and the domain given for it (None: the primary's)."""

    name: str
    domain: str | None = None


@dataclass(frozen=True)
class SpecSource:
    """What ``build_credential_spec`` needs, read from AD: the primary domain and each additional account's
    ``(name, scope)``, where the scope is the DNS name of the account's domain.

    ``missing`` says, account by account, why the spec cannot be built when some of its accounts do not exist
    (only with ``read_spec_sources(skip_missing=True)``; empty otherwise); ``distinguished_names`` then holds the
    DNs of the accounts that do exist.
    """

    domain: DomainIdentity
    additional_accounts: tuple[tuple[str, str], ...]
    distinguished_names: tuple[str, ...]
    missing: tuple[str, ...] = ()


def parse_account_requests(value: Iterable[Any] | None) -> list[AccountRequest]:
    """The ``additional_accounts`` option: each item a name or a mapping ``{name, domain}``."""
    requests = []
    for index, item in enumerate(value or ()):
        if isinstance(item, str):
            requests.append(AccountRequest(account_name(item)))
            continue
        if not isinstance(item, Mapping):
            raise CredentialSpecError(
                f"additional_accounts[{index}] is {type(item).__name__}, not a name or a mapping.",
                "Give an account name, or {name: ..., domain: ...} for an account of another domain.",
            )
        unknown = sorted(set(item) - {"name", "domain"})
        if unknown or not item.get("name"):
            raise CredentialSpecError(
                f"additional_accounts[{index}] {dict(item)!r} must have the keys name and, optionally, domain"
                + (f"; unknown: {', '.join(map(str, unknown))}." if unknown else "."),
            )
        domain = item.get("domain")
        if domain is not None and (not isinstance(domain, str) or not domain.strip()):
            raise CredentialSpecError(f"additional_accounts[{index}] has domain {domain!r}: give a DNS name.")
        scope = domain_scope(domain.strip(), f"additional_accounts[{index}] domain") if domain else None
        requests.append(AccountRequest(account_name(item["name"]), scope))
    return requests


def parse_extended_dn(value: str) -> tuple[str, dict[str, str]]:
    """``<GUID=..>;<SID=..>;DC=x`` -> (``DC=x``, {"guid": hex, "sid": hex}); a plain DN gives no parts."""
    match = _EXTENDED_DN.match(value)
    prefix, dn = (match.group(1), match.group(2)) if match else ("", value)
    return dn, {key.lower(): text for key, text in _EXTENDED_PART.findall(prefix)}


class Forest:
    """The domains of the connection's forest, read only as far as a request needs them."""

    def __init__(self, client: LdapClient) -> None:
        self.client = client
        self._domains: list[ForestDomain] | None = None

    @cached_property
    def own(self) -> ForestDomain:
        """The connection's domain (read once per connection; every spec of a task asks)."""
        info = self.client.domain
        return ForestDomain(DomainIdentity.of(info), info.domain_dn)

    def find(self, name: str | None) -> ForestDomain:
        """The domain named ``name`` (DNS or NetBIOS); the connection's domain when ``name`` is None."""
        own = self.own
        if name is None or own.named(name):
            return own
        for domain in self.domains():
            if domain.named(name):
                return domain
        known = ", ".join(d.identity.dns_name for d in self.domains())
        raise CredentialSpecError(
            f"Domain {name!r} is not a domain of the forest {own.identity.forest_dns_name} (its domains: {known}).",
            "Give the DNS name of the gMSA's domain, or leave domain out to use the domain of the connection.",
            domain=name,
        )

    def domains(self) -> list[ForestDomain]:
        if self._domains is None:
            self._domains = self._read_domains()
        return self._domains

    def _read_domains(self) -> list[ForestDomain]:
        info = self.client.domain
        refs = self.client.search(
            f"CN=Partitions,{info.configuration_dn}",
            f"(&(objectClass=crossRef)(systemFlags:{MATCHING_RULE_BIT_AND}:={FLAG_CR_NTDS_DOMAIN}))",
            ["nCName", "dnsRoot", "nETBIOSName"],
            scope="one",
            controls=[EXTENDED_DN_CONTROL],
        )
        domains = []
        for ref in refs:
            dn, parts = parse_extended_dn(ref.text("nCName") or "")
            if dn_key(dn) == dn_key(info.domain_dn):
                domains.append(self.own)
                continue
            sid, guid = parts.get("sid"), parts.get("guid")
            if not (sid and guid):
                sid, guid = self._read_nc_head(dn, ref.text("dnsRoot") or dn)
            else:
                sid, guid = sid_from_bytes(bytes.fromhex(sid)), guid_from_bytes(bytes.fromhex(guid))
            identity = DomainIdentity(
                dns_name=ref.text("dnsRoot") or "",
                netbios_name=ref.text("nETBIOSName") or "",
                sid=sid,
                guid=guid,
                forest_dns_name=info.forest_dns_name,
            )
            domains.append(ForestDomain(identity, dn))
        return sorted(domains, key=lambda d: d.identity.dns_name.lower())

    def _read_nc_head(self, dn: str, dns_name: str) -> tuple[str, str]:
        head = self.client.read(dn, ["objectSid", "objectGUID"])
        if head is None or head.first("objectSid") is None or head.first("objectGUID") is None:
            raise GmsaError(
                f"Cannot read the SID and GUID of domain {dns_name} ({dn}) from {self.client.server_name}.",
                hint="Connect to a domain controller of that domain (server option).",
                dn=dn,
            )
        return sid_from_bytes(head.first("objectSid")), guid_from_bytes(head.first("objectGUID"))


def _kind(object_classes: Iterable[str]) -> str:
    classes = {c.lower() for c in object_classes}
    for object_class, kind in _OTHER_KINDS:
        if object_class in classes:
            return kind
    return "an object of class " + (", ".join(sorted(classes)) or "unknown")


@dataclass(frozen=True)
class GmsaSearch:
    """What ``search_gmsas`` found for the names asked in a domain: the DN of each gMSA, the names of no object at all
    (``missing``, in the order asked) and why the others are not gMSAs (``problems``: a user of that name...)."""

    found: dict[str, str]
    missing: list[str]
    problems: dict[str, str]


def search_gmsas(
    client: LdapClient, domain: ForestDomain, names: Iterable[str], own: bool = True, bare_names_after: bool = False
) -> GmsaSearch:
    """Look ``names`` up in ``domain`` with one search, or two (see ``bare_names_after``); nothing raised for an
    account that is missing or no gMSA (GmsaError for a failed search, a referral from another domain aside).

    ``own`` says whether ``domain`` is the connection's domain; only then is a missing account surely missing (a
    DC of another domain answers with a referral, which leaves every name missing). Each name is searched with
    its ``$`` and bare, so that a user of that name is reported as "not a gMSA": in one search, or with
    ``bare_names_after`` in a second one for only the names the first did not find (a filter of two terms per
    name costs the DC about twice as much; 600 gMSAs, all found: 1.2 s instead of 1.9 s on the loaded lab DC).
    """
    wanted = list(dict.fromkeys(names))
    lookup = _lookup(client, domain, wanted, own, bare_too=not bare_names_after)
    unfound = [name for name in wanted if not lookup.holders(name)] if bare_names_after else []
    bare = _lookup(client, domain, unfound, own, bare_too=True) if unfound else lookup
    looked_again = set(unfound)
    search = GmsaSearch({}, [], {})
    for name in wanted:
        answer = bare if name in looked_again else lookup
        gmsa = answer.entry(name)
        other = answer.conflict(name)
        if gmsa is not None:
            search.found[name] = gmsa.dn
        elif other is not None:
            search.problems[name] = (
                f"{name!r} in {domain.identity.dns_name} is {_kind(other.texts('objectClass'))} ({other.dn}), "
                "not a group Managed Service Account"
            )
        else:
            search.missing.append(name)
    return search


def _lookup(client: LdapClient, domain: ForestDomain, names: list[str], own: bool, bare_too: bool) -> NameLookup:
    try:
        return find_by_sam_account_name(client, names, GMSA_CLASS, suffix="$", base=domain.dn, bare_too=bare_too)
    except GmsaError as exc:
        if own or exc.details.get("result_code") != 10:
            raise
        return NameLookup(GMSA_CLASS, "$", ())


def missing_message(name: str, domain: ForestDomain) -> str:
    """Why a spec naming ``name`` cannot be built: the account does not exist in ``domain``."""
    return f"gMSA {name!r} does not exist in {domain.identity.dns_name}"


def find_gmsas(
    client: LdapClient,
    domain: ForestDomain,
    names: Iterable[str],
    own: bool = True,
    skip_missing: bool = False,
    bare_names_after: bool = False,
) -> dict[str, str]:
    """Name (as given) -> DN of each gMSA ``names`` lists in ``domain``; any problem raises one error.

    Searches, each one subtree search of ``domain``'s naming context by sAMAccountName (``search_gmsas``); no
    names, no search:

    * without ``bare_names_after``: one search, every name as ``name$`` and as ``name`` (so that a user or group
      holding the bare name is told as not a gMSA);
    * with ``bare_names_after``: one search of every name as ``name$`` only, then, only when some names were not
      found, a second one of those names as ``name$`` and ``name``. A fleet of gMSAs that all exist costs one
      search; a name that no object holds as ``name$`` (missing, or a user ``name``) costs the second.
    * in the connection's domain, a search that misses names on a DC that is not the write DC is made again on the
      write DC (``_lookup.seeing_own_writes``: an account created a moment ago elsewhere is found), one more
      search each time; the client then stays on the write DC.

    ``own`` says whether ``domain`` is the connection's domain; only then is a missing account surely missing (a
    DC of another domain answers with a referral, which leaves every name missing rather than failing). With
    ``skip_missing`` an account that does not exist is left out of the answer instead of failing (an object of
    that name that is not a gMSA still fails).

    Raises CredentialSpecError, one for every problem of the call, naming each name that is no gMSA (and what it
    is) or, without ``skip_missing``, does not exist; its details are ``accounts`` (the names asked) and
    ``missing_accounts`` (those that do not exist, or None). Raises GmsaError when a search fails (LDAP error,
    the DC lost).
    """
    wanted = list(dict.fromkeys(names))
    search = search_gmsas(client, domain, wanted, own, bare_names_after)
    missing = [] if skip_missing else search.missing
    unknown = set(missing)
    problems = [
        search.problems[name] if name in search.problems else missing_message(name, domain)
        for name in wanted
        if name in search.problems or name in unknown
    ]
    if problems:
        hint = (
            "A credential spec can only name gMSAs (objectClass msDS-GroupManagedServiceAccount): create the "
            "account first (wincontainers.gmsa.gmsa_account, or New-ADServiceAccount), give its sAMAccountName "
            "without '$', and give the domain of an account that belongs to another domain of the forest."
        )
        if not own:
            hint += (
                f" {client.server_name} is a DC of {client.domain.dns_name}; accounts of "
                f"{domain.identity.dns_name} are only found through a DC of that domain."
            )
        raise CredentialSpecError("; ".join(problems) + ".", hint, accounts=wanted, missing_accounts=missing or None)
    return search.found


@dataclass(frozen=True)
class SpecAccounts:
    """The accounts one credential spec names: the primary account, its domain (None: the connection's) and the
    additional accounts (``parse_account_requests``)."""

    account: str
    domain: str | None = None
    additional_accounts: tuple[AccountRequest, ...] = ()


def read_spec_sources(
    client: LdapClient, specs: Sequence[SpecAccounts], forest: Forest | None = None, skip_missing: bool = False
) -> list[SpecSource]:
    """``read_spec_source`` for many specs at once: one ``SpecSource`` per spec, in order.

    The domain facts are read once per connection (``LdapClient.domain``) and every account of every spec is
    checked with one search per domain, whatever the number of specs: N specs of the connection's domain cost
    the same round trips as one. A domain other than the connection's adds one search of the forest's crossRefs
    (once) and one search of that domain. Every missing account or non-gMSA of a domain is named in one
    CredentialSpecError, before anything is written; with ``skip_missing`` an account that does not exist is
    not an error but noted in the ``missing`` of each spec that names it (an object that is not a gMSA still is).
    """
    forest = forest or Forest(client)
    groups: dict[str, tuple[ForestDomain, list[str]]] = {}
    planned = []
    for spec in specs:
        primary = forest.find(spec.domain)
        name = account_name(spec.account)
        groups.setdefault(dn_key(primary.dn), (primary, []))[1].append(name)
        additional = []
        for request in spec.additional_accounts:
            target = primary if request.domain is None else forest.find(request.domain)
            groups.setdefault(dn_key(target.dn), (target, []))[1].append(request.name)
            additional.append((request.name, target, dn_key(target.dn)))
        planned.append((primary, name, additional))
    own_dn = dn_key(client.domain.domain_dn)
    found = {
        key: find_gmsas(client, target, names, own=key == own_dn, skip_missing=skip_missing, bare_names_after=True)
        for key, (target, names) in groups.items()
    }
    sources = []
    for primary, name, additional in planned:
        accounts = [(name, primary, dn_key(primary.dn)), *additional]
        sources.append(
            SpecSource(
                primary.identity,
                tuple((extra, target.identity.dns_name) for extra, target, _key in additional),
                tuple(found[key][account] for account, _target, key in accounts if account in found[key]),
                tuple(
                    missing_message(account, target) for account, target, key in accounts if account not in found[key]
                ),
            )
        )
    return sources


def read_spec_source(
    client: LdapClient,
    account: str,
    domain: str | None = None,
    additional_accounts: Iterable[AccountRequest] = (),
) -> SpecSource:
    """Resolve the primary and additional accounts' domains and check that every account is a gMSA.

    Accounts of the same domain are checked with one search; each other domain costs one more (plus one search
    of the forest's crossRefs, made only when a domain other than the connection's is named).
    """
    return read_spec_sources(client, [SpecAccounts(account, domain, tuple(additional_accounts))])[0]


def resolve_domain(client: LdapClient, domain: str | None) -> DomainIdentity:
    """The facts of the domain named ``domain`` (DNS or NetBIOS name), or of the connection's domain."""
    return Forest(client).find(domain).identity
