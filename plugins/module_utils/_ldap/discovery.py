# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding domain controllers when no ``server`` is given: the Kerberos default realm, then DNS SRV records.

The realm comes from libkrb5 itself (through gssapi), so ``include``/``includedir`` files, ``KRB5_CONFIG`` lists
and every other rule of krb5.conf(5) apply as they do for kinit. The DCs are the targets of
``_ldap._tcp.dc._msdcs.<domain>`` (MS-ADTS 6.3.2.3), in the order RFC 2782 gives clients: lowest priority first,
and within one priority a random order weighted by each record's weight, so clients spread over the DCs.
"""

from __future__ import annotations

from typing import Any

from .._errors import GmsaError
from .libraries import GSSAPI_INSTALL_HINT, gssapi_failure, load_dns, load_gssapi

# Any name without a realm: libkrb5 completes it with the default realm (krb5_parse_name).
_REALMLESS_NAME = "gmsa-realm-probe"


def default_kerberos_realm() -> str | None:
    """The default realm of the krb5 configuration in use (``KRB5_CONFIG`` or /etc/krb5.conf), or None.

    None when gssapi is missing or libkrb5 knows no default realm. Imports gssapi (only discovery asks).
    """
    gssapi = load_gssapi()
    if gssapi is None:
        return None
    try:
        name = gssapi.Name(_REALMLESS_NAME, gssapi.NameType.user).canonicalize(gssapi.MechType.kerberos)
    except gssapi.exceptions.GSSError:
        return None
    _user, _at, realm = str(name).rpartition("@")
    return realm or None


def srv_targets(rdataset: Any) -> list[str]:
    """Host names of an SRV rdataset (dnspython's, as in a resolver answer) in RFC 2782 processing order.

    Priority groups in ascending order, each shuffled by weight (dnspython's ``processing_order()``); a target
    of ``.`` means the service is not offered there (RFC 2782) and is left out; duplicates are dropped.
    """
    hosts: list[str] = []
    for record in rdataset.processing_order():
        host = str(record.target).rstrip(".")
        if host and host.lower() not in (h.lower() for h in hosts):
            hosts.append(host)
    return hosts


def discover_servers(domain: str, timeout: float) -> list[str]:
    """DC host names from ``_ldap._tcp.dc._msdcs.<domain>`` SRV records, in RFC 2782 order.

    ``timeout`` (seconds) bounds the DNS lookup. Raises GmsaError when dnspython is missing or the lookup fails.
    Imports dnspython (only discovery needs it).
    """
    dns = load_dns()
    if dns is None:
        raise GmsaError(
            "No server given and dnspython is not installed, so domain controllers cannot be discovered.",
            hint="Install dnspython or set server (GMSA_LDAP_SERVER).",
        )
    name = f"_ldap._tcp.dc._msdcs.{domain}"
    try:
        answer = dns.resolver.resolve(name, "SRV", lifetime=timeout)
    except dns.exception.DNSException as exc:
        raise GmsaError(
            f"No domain controller found: the DNS lookup of {name} failed ({exc.__class__.__name__}).",
            hint="Set server (GMSA_LDAP_SERVER) to a DC host name, or fix DNS so the SRV records resolve.",
        ) from None
    hosts = srv_targets(answer.rrset) if answer.rrset is not None else []
    if not hosts:
        raise GmsaError(
            f"No domain controller found: {name} says no DC offers LDAP.",
            hint="Set server (GMSA_LDAP_SERVER) to a DC host name.",
        )
    return hosts


def domain_controllers(servers: tuple[str, ...], timeout: float) -> tuple[list[str], list[str]]:
    """(DCs to try in order, DCs found through DNS): ``servers`` as given, or discovered from the default realm."""
    if servers:
        return list(servers), []
    if load_gssapi() is None:  # the realm is libkrb5's to tell: without gssapi, there may well be one
        raise GmsaError(
            "No server given, and the gssapi Python library, which reads the Kerberos default realm to discover "
            f"the domain controllers from, {gssapi_failure()}.",
            hint=f"Set server (GMSA_LDAP_SERVER), or {GSSAPI_INSTALL_HINT}",
        )
    realm = default_kerberos_realm()
    if not realm:
        raise GmsaError(
            "No server given and no Kerberos default realm to discover one from.",
            hint="Set server (GMSA_LDAP_SERVER), or default_realm in krb5.conf (discovery also needs gssapi).",
        )
    found = discover_servers(realm.lower(), timeout)
    return found, found
