# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The I/O edge of the checks: everything :func:`run_checks` asks AD (and the KDC), behind one object.

:class:`CheckReader` is that interface. :class:`LdapCheckReader` answers it over the module's LDAP connection
with the ``read_*`` and ``prove_*`` functions of each concern, for one request or many: its ``prefetch`` reads
what a list of requests needs with one search per kind of object. Unit tests hand ``run_checks`` a fake
that answers from plain facts, so the whole flow of checks runs without a DC and without a mocked ldap3.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .._kds import RootKey, read_root_keys, unreadable_root_key_ids
from .._ldap import LdapClient, dn_key
from .._spn import find_spn_holders
from .access import evaluate_membership_access
from .credspec import SpecAccount, SpecAccountKey, read_spec_account_problems, spec_account_key, spec_accounts
from .findings import Finding
from .gmsa import GmsaFacts, read_gmsa, read_gmsas, read_spn_holders, spn_holders_of
from .host import GroupFacts, HostFacts, read_groups, read_host, read_hosts
from .proofs import Proof, prove_kerberos, prove_password_retrieval


class DomainFacts(Protocol):
    """The facts of the connection's domain the checks name (``DomainInfo`` or ``DomainIdentity``)."""

    @property
    def dns_name(self) -> str: ...

    @property
    def netbios_name(self) -> str: ...

    @property
    def sid(self) -> str: ...

    @property
    def guid(self) -> str: ...

    @property
    def forest_dns_name(self) -> str: ...


class CheckReader(Protocol):
    """What the checks read; each method is one question to AD (or the KDC), in the words of the checks."""

    @property
    def domain(self) -> DomainFacts:
        """The connection's domain."""

    def root_keys(self) -> list[RootKey]:
        """The forest's KDS root keys (those the bind account can read)."""

    def unreadable_root_keys(self) -> list[str]:
        """Ids of the root keys the bind account may list but not read (an ordinary user sees only their DNs)."""

    def gmsa(self, name: str) -> GmsaFacts | None:
        """The account holding the bare sAMAccountName ``name`` (a gMSA, or whatever else holds it)."""

    def spn_holders(self, gmsa: GmsaFacts) -> dict[str, list[str]]:
        """SPN (lower case) -> DNs of the other objects that hold one of the gMSA's SPNs."""

    def host(self, name: str) -> HostFacts | None:
        """The container host's computer account (NAME, NAME$, DNS name or DN), with its token groups."""

    def groups(self, sids: Iterable[str]) -> dict[str, GroupFacts]:
        """SID -> group facts, for the domain objects among ``sids``."""

    def spec_accounts(self, spec: Mapping[str, Any]) -> list[SpecAccount]:
        """Every GroupManagedServiceAccounts entry of ``spec``, looked up in the domain its Scope names."""

    def password_retrieval(
        self, gmsa: GmsaFacts, host: str, host_password: str | None, host_keytab: str | None
    ) -> Proof:
        """Bind as the container host and read the gMSA's managed password, as the host does."""

    def kerberos(self, gmsa: GmsaFacts, password: bytes | None) -> Finding:
        """Get a TGT as the gMSA with the retrieved password, then a service ticket for one of its SPNs."""


@dataclass(frozen=True)
class Reads:
    """What a list of check requests will ask AD: the gMSA names (as the name rule returns them), the hosts (as
    given), the (gMSA name, host) pairs whose access is checked, and the credential specs (parsed)."""

    names: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    specs: tuple[Mapping[str, Any], ...] = ()


class LdapCheckReader:
    """:class:`CheckReader` over a bound :class:`LdapClient` (the host's proofs open their own connection).

    :meth:`prefetch` reads what a list of requests needs up front, one search per kind of object whatever the
    number of requests: the KDS root keys, every gMSA, every SPN of them (forest root and domain), every host
    (plus one base read of ``tokenGroups`` per host, which AD only constructs for a base search), every group
    of their tokens, every account their specs list. Each answer is kept; what was not prefetched is read
    when asked, so a reader without prefetch asks AD exactly what one request needs.
    """

    def __init__(self, client: LdapClient) -> None:
        self.client = client
        self._root_keys: list[RootKey] | None = None
        self._unreadable_root_keys: list[str] | None = None
        self._gmsas: dict[str, GmsaFacts | None] = {}
        self._spn_holders: dict[str, dict[str, list[str]]] = {}
        self._hosts: dict[str, HostFacts | None] = {}
        self._groups: dict[str, GroupFacts] = {}
        self._groups_read: set[str] = set()
        self._spec_problems: dict[SpecAccountKey, str | None] = {}

    def prefetch(self, reads: Reads) -> None:
        """Read everything ``reads`` names, one search per kind (see the class docstring)."""
        client = self.client
        if not self.root_keys():
            # None readable (an ordinary user): the keys it may list but not read, once for every pair.
            self.unreadable_root_keys()
        self._gmsas.update(read_gmsas(client, [n for n in reads.names if n.lower() not in self._gmsas]))
        usable = [g for g in self._gmsas.values() if g is not None and g.is_gmsa]
        holders = find_spn_holders(client, [spn for gmsa in usable for spn in gmsa.spns])
        self._spn_holders.update({dn_key(gmsa.dn): spn_holders_of(gmsa, holders) for gmsa in usable})
        self._hosts.update(read_hosts(client, [h for h in reads.hosts if h not in self._hosts]))
        sids: list[str] = []
        for name, host in reads.pairs:
            gmsa, facts = self._gmsas.get(name.lower()), self._hosts.get(host)
            if gmsa is not None and gmsa.is_gmsa and facts is not None:
                token = facts.token_sids()
                sids += [*token, *evaluate_membership_access(gmsa.membership, token).allowed_sids]
        self.groups(sids)
        self._spec_problems.update(read_spec_account_problems(client, reads.specs))

    @property
    def domain(self) -> DomainFacts:
        return self.client.domain

    def root_keys(self) -> list[RootKey]:
        if self._root_keys is None:
            self._root_keys = read_root_keys(self.client)
        return self._root_keys

    def unreadable_root_keys(self) -> list[str]:
        if self._unreadable_root_keys is None:
            self._unreadable_root_keys = unreadable_root_key_ids(self.client)
        return self._unreadable_root_keys

    def gmsa(self, name: str) -> GmsaFacts | None:
        if name.lower() not in self._gmsas:
            self._gmsas[name.lower()] = read_gmsa(self.client, name)
        return self._gmsas[name.lower()]

    def spn_holders(self, gmsa: GmsaFacts) -> dict[str, list[str]]:
        if dn_key(gmsa.dn) not in self._spn_holders:
            self._spn_holders[dn_key(gmsa.dn)] = read_spn_holders(self.client, gmsa)
        return self._spn_holders[dn_key(gmsa.dn)]

    def host(self, name: str) -> HostFacts | None:
        if name not in self._hosts:
            self._hosts[name] = read_host(self.client, name)
        return self._hosts[name]

    def groups(self, sids: Iterable[str]) -> dict[str, GroupFacts]:
        wanted = list(dict.fromkeys(sids))
        missing = [sid for sid in wanted if sid not in self._groups_read]
        if missing:
            self._groups.update(read_groups(self.client, missing))
            self._groups_read.update(missing)
        return {sid: self._groups[sid] for sid in wanted if sid in self._groups}

    def spec_accounts(self, spec: Mapping[str, Any]) -> list[SpecAccount]:
        entries = spec["ActiveDirectoryConfig"]["GroupManagedServiceAccounts"]
        if any(spec_account_key(str(e["Name"]), str(e["Scope"])) not in self._spec_problems for e in entries):
            self._spec_problems.update(read_spec_account_problems(self.client, [spec]))
        return spec_accounts(spec, self._spec_problems)

    def password_retrieval(
        self, gmsa: GmsaFacts, host: str, host_password: str | None, host_keytab: str | None
    ) -> Proof:
        return prove_password_retrieval(self.client, gmsa, host, host_password, host_keytab)

    def kerberos(self, gmsa: GmsaFacts, password: bytes | None) -> Finding:
        return prove_kerberos(gmsa, self.client.domain.dns_name.upper(), password)
