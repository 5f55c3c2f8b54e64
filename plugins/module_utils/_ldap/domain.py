# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The domain's facts, read once per connection: the rootDSE, the domain head and the crossRefs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from .._errors import GmsaError
from .._sid import guid_from_bytes, sid_from_bytes
from .entry import Entry
from .errors import RESULT_ADVICE
from .names import dn_key, dn_to_dns_name, escape_filter

# Well-known object GUIDs of the domain's default containers (MS-ADTS 6.1.1.4, wellKnownObjects and
# otherWellKnownObjects of the domain NC head).
WKGUID_USERS = "a9d1ca15768811d1aded00c04fd8d5cd"
WKGUID_COMPUTERS = "aa312825768811d1aded00c04fd8d5cd"
WKGUID_MANAGED_SERVICE_ACCOUNTS = "1eb93889e40c45df9f0c64d23bbb6237"

# rootDSE attributes (MS-ADTS 3.1.1.3.2) the collection uses.
ROOT_DSE_ATTRIBUTES = (
    "defaultNamingContext",
    "configurationNamingContext",
    "schemaNamingContext",
    "rootDomainNamingContext",
    "dnsHostName",
    "dsServiceName",
)


class DirectoryReader(Protocol):
    """What reading the facts needs of a client (LdapClient has it)."""

    def read(self, dn: str, attributes: Iterable[str]) -> Entry | None: ...

    def search(
        self, base: str, ldap_filter: str = ..., attributes: Iterable[str] = ..., scope: str = ...
    ) -> list[Entry]: ...


@dataclass(frozen=True)
class DomainInfo:
    """Facts about the domain a module works in, read once per connection."""

    dns_name: str
    netbios_name: str
    domain_dn: str
    configuration_dn: str
    schema_dn: str
    forest_root_dn: str
    forest_dns_name: str
    sid: str
    guid: str
    dc_dns_hostname: str
    well_known: dict[str, str]
    # fSMORoleOwner of the domain NC head: the nTDSDSA DN of the PDC emulator (MS-ADTS 3.1.1.1.11); "" unread.
    pdc_role_owner: str = ""
    # masteredBy of the domain NC head: the nTDSDSA DNs of the DCs holding a writable copy (empty: unread).
    writable_dcs: tuple[str, ...] = ()

    @property
    def users_dn(self) -> str:
        return self.well_known.get(WKGUID_USERS, f"CN=Users,{self.domain_dn}")

    @property
    def computers_dn(self) -> str:
        return self.well_known.get(WKGUID_COMPUTERS, f"CN=Computers,{self.domain_dn}")

    @property
    def managed_service_accounts_dn(self) -> str:
        return self.well_known.get(WKGUID_MANAGED_SERVICE_ACCOUNTS, f"CN=Managed Service Accounts,{self.domain_dn}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "dns_name": self.dns_name,
            "netbios_name": self.netbios_name,
            "domain_dn": self.domain_dn,
            "configuration_dn": self.configuration_dn,
            "schema_dn": self.schema_dn,
            "forest_root_dn": self.forest_root_dn,
            "forest_dns_name": self.forest_dns_name,
            "sid": self.sid,
            "guid": self.guid,
            "dc_dns_hostname": self.dc_dns_hostname,
            "users_container": self.users_dn,
            "computers_container": self.computers_dn,
            "managed_service_accounts_container": self.managed_service_accounts_dn,
        }


def parse_well_known(values: Iterable[bytes]) -> dict[str, str]:
    """Parse DN-Binary values ``B:32:<guid hex>:<dn>`` of wellKnownObjects (MS-ADTS 3.1.1.1.13)."""
    result = {}
    for raw in values:
        text = raw.decode("utf-8")
        match = re.match(r"^B:32:([0-9A-Fa-f]{32}):(.+)$", text)
        if match:
            result[match.group(1).lower()] = match.group(2)
    return result


def read_root_dse(reader: DirectoryReader, server: str | None) -> Entry:
    """The rootDSE (one search); raises GmsaError when ``server`` does not look like an AD DC."""
    entry = reader.read("", ROOT_DSE_ATTRIBUTES)
    if entry is None or not entry.text("defaultNamingContext"):
        raise GmsaError(
            f"{server} returned no rootDSE naming contexts: it does not look like an AD DC.",
            hint="Point server at an Active Directory domain controller.",
        )
    return entry


def read_domain(reader: DirectoryReader, root_dse: Entry, server: str | None) -> DomainInfo:
    """The domain's facts: two searches beyond the rootDSE (domain head, then both crossRefs at once)."""
    domain_dn = root_dse.text("defaultNamingContext") or ""
    forest_dn = root_dse.text("rootDomainNamingContext") or domain_dn
    configuration_dn = root_dse.text("configurationNamingContext") or ""
    head = reader.read(
        domain_dn,
        ["objectSid", "objectGUID", "wellKnownObjects", "otherWellKnownObjects", "fSMORoleOwner", "masteredBy"],
    )
    sid = head.first("objectSid") if head else None
    if head is None or sid is None:
        raise GmsaError(f"Cannot read the domain object {domain_dn}.", hint=RESULT_ADVICE[50], dn=domain_dn)
    refs = reader.search(
        f"CN=Partitions,{configuration_dn}",
        f"(&(objectClass=crossRef)(|(nCName={escape_filter(domain_dn)})(nCName={escape_filter(forest_dn)})))",
        ["nCName", "nETBIOSName", "dnsRoot"],
        scope="one",
    )
    by_nc = {dn_key(r.text("nCName")): r for r in refs}
    domain_ref = by_nc.get(dn_key(domain_dn))
    forest_ref = by_nc.get(dn_key(forest_dn))
    well_known = parse_well_known(head.values("wellKnownObjects") + head.values("otherWellKnownObjects"))
    return DomainInfo(
        dns_name=(domain_ref.text("dnsRoot") if domain_ref else None) or dn_to_dns_name(domain_dn),
        netbios_name=(domain_ref.text("nETBIOSName") if domain_ref else None)
        or dn_to_dns_name(domain_dn).split(".", maxsplit=1)[0].upper(),
        domain_dn=domain_dn,
        configuration_dn=configuration_dn,
        schema_dn=root_dse.text("schemaNamingContext") or "",
        forest_root_dn=forest_dn,
        forest_dns_name=(forest_ref.text("dnsRoot") if forest_ref else None) or dn_to_dns_name(forest_dn),
        sid=sid_from_bytes(sid),
        guid=guid_from_bytes(head.first("objectGUID") or b""),
        dc_dns_hostname=root_dse.text("dnsHostName") or server or "",
        well_known=well_known,
        pdc_role_owner=head.text("fSMORoleOwner") or "",
        writable_dcs=tuple(head.texts("masteredBy")),
    )
