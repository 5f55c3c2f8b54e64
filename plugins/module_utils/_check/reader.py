# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The I/O edge of the checks: everything :func:`run_checks` asks AD (and the KDC), behind one object.

:class:`CheckReader` is that interface. :class:`LdapCheckReader` answers it over the module's LDAP connection
with the ``read_*`` and ``prove_*`` functions of each concern; unit tests hand ``run_checks`` a fake that
answers from plain facts, so the whole flow of checks runs without a DC and without a mocked ldap3.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from .._kds import RootKey, read_root_keys, unreadable_root_key_ids
from .._ldap import LdapClient
from .credspec import SpecAccount, read_spec_accounts
from .findings import Finding
from .gmsa import GmsaFacts, read_gmsa, read_spn_holders
from .host import GroupFacts, HostFacts, read_groups, read_host
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


class LdapCheckReader:
    """:class:`CheckReader` over a bound :class:`LdapClient` (the host's proofs open their own connection)."""

    def __init__(self, client: LdapClient) -> None:
        self.client = client

    @property
    def domain(self) -> DomainFacts:
        return self.client.domain

    def root_keys(self) -> list[RootKey]:
        return read_root_keys(self.client)

    def unreadable_root_keys(self) -> list[str]:
        return unreadable_root_key_ids(self.client)

    def gmsa(self, name: str) -> GmsaFacts | None:
        return read_gmsa(self.client, name)

    def spn_holders(self, gmsa: GmsaFacts) -> dict[str, list[str]]:
        return read_spn_holders(self.client, gmsa)

    def host(self, name: str) -> HostFacts | None:
        return read_host(self.client, name)

    def groups(self, sids: Iterable[str]) -> dict[str, GroupFacts]:
        return read_groups(self.client, sids)

    def spec_accounts(self, spec: Mapping[str, Any]) -> list[SpecAccount]:
        return read_spec_accounts(self.client, spec)

    def password_retrieval(
        self, gmsa: GmsaFacts, host: str, host_password: str | None, host_keytab: str | None
    ) -> Proof:
        return prove_password_retrieval(self.client, gmsa, host, host_password, host_keytab)

    def kerberos(self, gmsa: GmsaFacts, password: bytes | None) -> Finding:
        return prove_kerberos(gmsa, self.client.domain.dns_name.upper(), password)
