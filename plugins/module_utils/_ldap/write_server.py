# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which DC creates objects: one for the whole domain, so that a re-run after a lost DC never creates twice.

AD replicates with multiple masters: two DCs that each create an object of one name before they replicate both
keep it, and one copy is renamed with the ``\\0ACNF:<guid>`` suffix (MS-ADTS 3.1.1.1.18 name conflicts), with
the same sAMAccountName and another SID. So every create goes to one DC, the *write DC*:

* the DC the user names in ``write_server``, or else
* the PDC emulator: the DC whose nTDSDSA object ``fSMORoleOwner`` of the domain NC head names (MS-ADTS 3.1.1.1.11,
  FSMO roles); the server object is the parent of that DN, and its ``dNSHostName`` is the name to connect to.

When the write DC cannot be reached, a create fails naming it instead of creating on another DC. Modifications
of existing objects stay on the DC reached: AD resolves those per attribute (MS-DRSR 4.1.10.6.5, last writer
wins), they cannot duplicate an object.

The decision is pure (:func:`choose_write_server`, :func:`write_server_from_dns_name`); ``LdapClient`` does the
I/O: ``dsServiceName`` comes with the rootDSE and ``fSMORoleOwner`` with the domain head it reads anyway, and the
role owner's server object is read (one base search) only when the reached DC is not the role owner and the
write DC is needed.

A ``write_server`` the user gives is checked whenever the domain's facts are read, whether or not the task creates
anything (a misspelled name would otherwise go unnoticed on a run that only modifies): it must name a writable DC
of the domain (:func:`judge_write_server`). The domain head read anyway carries ``masteredBy`` (MS-ADTS 3.1.1.1.17:
the nTDSDSA objects of the DCs holding a writable copy of the NC, the back link of ``hasMasterNCs``); their
server objects' RDNs are the DCs' names. A DC named ``<server RDN>`` or ``<server RDN>.<domain DNS name>``, or
the DC reached, costs nothing more; any other name costs one search of the server objects for their
``dNSHostName`` (:func:`judge_by_server_objects`), and fails when none of the domain's writable DCs has it. An
IP address cannot be told from names without DNS: it is used as given, with a warning.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from .._errors import GmsaError
from .names import dn_key, parent_dn, rdn_value

PDC_EMULATOR = "the PDC emulator"
WRITE_SERVER_OPTION = "write_server"


@dataclass(frozen=True)
class WriteServerFacts:
    """What the decision needs: the DC reached, the domain's PDC role owner, and the user's choice.

    ``reached`` is the host name the client connected to (as given in ``server`` or found by DNS);
    ``reached_dns_name`` the rootDSE ``dnsHostName`` and ``reached_ntds_dn`` the rootDSE ``dsServiceName`` (the
    reached DC's nTDSDSA object); ``role_owner_ntds_dn`` is ``fSMORoleOwner`` of the domain NC head (empty when it
    could not be read); ``requested`` is the ``write_server`` option.
    """

    reached: str
    reached_dns_name: str = ""
    reached_ntds_dn: str = ""
    role_owner_ntds_dn: str = ""
    requested: str | None = None


@dataclass(frozen=True)
class WriteServer:
    """The write DC: ``name`` to connect to (None until ``server_dn``'s dNSHostName is read), why it was chosen
    (``reason``: :data:`PDC_EMULATOR` or the ``write_server`` option), and whether it is the DC reached."""

    name: str | None
    reason: str
    is_reached: bool
    server_dn: str | None = None

    @property
    def label(self) -> str:
        """``dc1.contoso.com (the PDC emulator)``, for messages."""
        return f"{self.name or self.server_dn} ({self.reason})"


def _host_key(name: str | None) -> str:
    return (name or "").strip().rstrip(".").lower()


def same_host(one: str | None, other: str | None) -> bool:
    """Whether two DNS host names name the same host (case-insensitive, a trailing dot ignored)."""
    return bool(_host_key(one)) and _host_key(one) == _host_key(other)


def servers_for_run(write: str | None, reached: str | None, servers: list[str]) -> list[str]:
    """The ``server`` list that keeps a whole run on one DC: the write DC first (it holds every write of the run,
    so no later read misses one that has not replicated yet), then the DC that answered, then ``servers`` (the
    task's list, or the DCs found through DNS) as the failover. Each host once (``same_host``), in that order."""
    ordered: list[str] = []
    for host in [write, reached, *servers]:
        if host and not any(same_host(host, other) for other in ordered):
            ordered.append(host)
    return ordered


def choose_write_server(facts: WriteServerFacts) -> WriteServer:
    """The DC that creates objects, given the reached DC, the PDC role owner and ``write_server``.

    * ``write_server`` given: that DC; it is the reached DC when it equals the host connected to or the reached
      DC's ``dnsHostName``.
    * else the PDC emulator: the reached DC when its ``dsServiceName`` is ``fSMORoleOwner``; otherwise the server
      object above the role owner's nTDSDSA DN, whose ``dNSHostName`` the caller reads
      (:func:`write_server_from_dns_name`).
    * ``fSMORoleOwner`` unreadable: the reached DC (nothing better is known; objects are created where the
      collection always created them).
    """
    if facts.requested and facts.requested.strip():
        requested = facts.requested.strip()
        reached = same_host(requested, facts.reached) or same_host(requested, facts.reached_dns_name)
        return WriteServer(requested, WRITE_SERVER_OPTION, reached)
    if not facts.role_owner_ntds_dn:
        return WriteServer(facts.reached, "the DC reached (fSMORoleOwner could not be read)", True)
    if facts.reached_ntds_dn and dn_key(facts.reached_ntds_dn) == dn_key(facts.role_owner_ntds_dn):
        return WriteServer(facts.reached, PDC_EMULATOR, True)
    return WriteServer(None, PDC_EMULATOR, False, server_dn=parent_dn(facts.role_owner_ntds_dn))


def write_server_from_dns_name(
    unresolved: WriteServer, dns_host_name: str | None, facts: WriteServerFacts
) -> WriteServer:
    """The PDC emulator once its server object's ``dNSHostName`` is read (lower-cased); GmsaError when it has none."""
    if not dns_host_name:
        raise GmsaError(
            f"The PDC emulator's server object {unresolved.server_dn} has no dNSHostName, so the DC that creates "
            "objects cannot be reached by name.",
            hint="Set write_server (GMSA_LDAP_WRITE_SERVER) to the host name of the PDC emulator.",
            dn=unresolved.server_dn,
        )
    # DNS names are case-insensitive (RFC 4343); Samba's provision writes DC1.contoso.com, messages say dc1.
    name = dns_host_name.strip().rstrip(".").lower()
    reached = same_host(name, facts.reached) or same_host(name, facts.reached_dns_name)
    return WriteServer(name, unresolved.reason, reached, unresolved.server_dn)


def unreachable_write_server(write: WriteServer, reached: str, why: str) -> GmsaError:
    """The error of a create whose write DC cannot be reached: it names the DC and says what to do."""
    return GmsaError(
        f"Objects are created only on {write.label}, so that a re-run after a lost DC never creates them twice, "
        f"and {write.name or write.server_dn} cannot be reached ({why}). Nothing was created on {reached}.",
        hint=f"Bring {write.name or 'that DC'} back and run the task again, or set write_server "
        "(GMSA_LDAP_WRITE_SERVER) to a DC that has replicated everything from it (if it is lost for good, seize "
        "the PDC emulator role on another DC first).",
        write_server=write.name,
    )


def replication_behind(what: str, names: list[str], reached: str, write: WriteServer) -> str:
    """The warning of a read that found on the write DC what the reached DC does not have yet."""
    return (
        f"{what} {', '.join(names)} not found on {reached} but on {write.label}: replication to {reached} is "
        f"behind, so this task read from {write.name} instead."
    )


def write_server_not_checked(what: str, names: list[str], reached: str, write_label: str, why: str) -> str:
    """The warning of a read that missed on the reached DC while the write DC could not be asked."""
    return (
        f"{what} {', '.join(names)} not found on {reached}, and {write_label} could not be reached to look "
        f"there ({why}); if it was created moments ago, it may not have replicated yet."
    )


# What judge_write_server tells of a requested write_server.
REACHED, NAMED, ADDRESS, UNKNOWN, READ_ONLY = "reached", "named", "address", "unknown", "read-only"


def is_address(name: str) -> bool:
    """Whether ``name`` is an IPv4 or IPv6 address (``[..]`` brackets allowed), not a host name."""
    try:
        ipaddress.ip_address(name.strip().strip("[]"))
    except ValueError:
        return False
    return True


def server_names(writable_dcs: Sequence[str]) -> list[str]:
    """The DCs' names from their nTDSDSA DNs (``masteredBy``): the RDN value of each server object above them."""
    return [rdn_value(parent_dn(ntds)) for ntds in writable_dcs]


def judge_write_server(facts: WriteServerFacts, writable_dcs: Sequence[str], domain_dns_name: str) -> str:
    """What the facts the client holds tell of ``facts.requested`` (pure):

    :data:`REACHED` it is the DC reached, a writable DC of the domain (or ``writable_dcs`` is unknown);
    :data:`READ_ONLY` it is the DC reached, which holds no writable copy of the domain; :data:`NAMED` its first
    label is the name of a writable DC's server object and the rest, if any, the domain's DNS name; :data:`ADDRESS`
    an IP address that is not the reached DC's; :data:`UNKNOWN` anything else (a misspelling, or a DC whose DNS
    name is not ``<name>.<domain>``): :func:`judge_by_server_objects` decides.
    """
    requested = (facts.requested or "").strip()
    if same_host(requested, facts.reached) or same_host(requested, facts.reached_dns_name):
        if (
            writable_dcs
            and facts.reached_ntds_dn
            and not any(dn_key(facts.reached_ntds_dn) == dn_key(dc) for dc in writable_dcs)
        ):
            return READ_ONLY
        return REACHED
    if is_address(requested):
        return ADDRESS
    label, _dot, rest = _host_key(requested).partition(".")
    if (not rest or rest == _host_key(domain_dns_name)) and label in (n.lower() for n in server_names(writable_dcs)):
        return NAMED
    return UNKNOWN


@dataclass(frozen=True)
class ServerObject:
    """A server object of the configuration's sites (``CN=<name>,CN=Servers,CN=<site>,CN=Sites,...``)."""

    dn: str
    dns_host_name: str


def writable_dc_names(servers: Sequence[ServerObject], writable_dcs: Sequence[str]) -> list[str]:
    """The DNS names of the servers that hold a writable copy of the domain (all of them when unknown), lower-cased
    as :func:`write_server_from_dns_name` gives them."""
    parents = [parent_dn(dc) for dc in writable_dcs]
    return [
        _host_key(s.dns_host_name) or rdn_value(s.dn)
        for s in servers
        if not writable_dcs or any(dn_key(s.dn) == dn_key(parent) for parent in parents)
    ]


def judge_by_server_objects(
    requested: str, servers: Sequence[ServerObject], writable_dcs: Sequence[str], domain_dns_name: str
) -> None:
    """Return when ``requested`` is the dNSHostName of a writable DC of the domain; else raise the GmsaError that
    names the domain's writable DCs (pure; ``servers`` are every server object of the forest's sites)."""
    named = [s for s in servers if same_host(requested, s.dns_host_name)]
    writable = writable_dc_names(servers, writable_dcs)
    if named and writable_dc_names(named, writable_dcs):
        return
    raise not_a_writable_dc(requested, domain_dns_name, writable, is_dc=bool(named))


def not_a_writable_dc(requested: str, domain_dns_name: str, writable: Sequence[str], is_dc: bool) -> GmsaError:
    """The error of a ``write_server`` that names no writable DC of the domain."""
    what = (
        "is a domain controller, but holds no writable copy of the domain (a read-only DC, or a DC of another "
        "domain of the forest)"
        if is_dc
        else "names no domain controller of the forest"
    )
    listed = f" Its writable DCs: {', '.join(writable)}." if writable else ""
    return GmsaError(
        f"write_server {requested} {what}, so {domain_dns_name} cannot create objects there; the task stops here, "
        f"having written nothing.{listed}",
        hint="Set write_server (GMSA_LDAP_WRITE_SERVER) to the host name of a writable DC of the domain, or leave it "
        "out to create objects on the PDC emulator.",
        write_server=requested,
        writable_dcs=list(writable),
    )


def address_warning(requested: str) -> str:
    """The warning of a ``write_server`` given as an IP address (the DCs are known by name only)."""
    return (
        f"write_server {requested} is an IP address, which this task cannot check against the domain's DCs (known "
        "by name): give the DC's host name to have it checked."
    )
