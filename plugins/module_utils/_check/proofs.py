# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The proofs, acting as the container host would: bind as the host and read the managed password, then ask the
KDC for tickets as the gMSA. The password lives in memory only for that; no finding, message or exception ever
carries it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field, replace

from .._errors import GmsaError
from .._ldap import GSSAPI_INSTALL_HINT, KeytabCredential, LdapClient, gss_message, gssapi_failure, load_gssapi
from .access import PURGE
from .findings import ERROR, WARNING, Finding, ok
from .gmsa import GmsaFacts


def current_password(blob: bytes) -> bytes:
    """The current password of an MSDS-MANAGEDPASSWORD_BLOB (MS-ADTS 2.2.19), without its NUL terminator.

    Header: Version, Reserved (2 bytes each), Length (4), then the offsets of the current password, previous
    password, query and unchanged intervals (2 each). The password is random bytes, so it is cut at the next
    offset, never at a NUL.
    """
    if len(blob) < 16:
        raise ValueError("msDS-ManagedPassword is shorter than its 16-byte header")
    _version, _reserved, length, current, previous, query, unchanged = struct.unpack_from("<HHIHHHH", blob)
    following = [o for o in (previous, query, unchanged) if o > current]
    end = min(following) if following else min(length, len(blob))
    if current < 16 or end - 2 <= current or end > len(blob):
        raise ValueError("msDS-ManagedPassword has inconsistent offsets")
    return bytes(blob[current : end - 2])


@dataclass
class Proof:
    """The finding of the password proof, and the password (bytes) for the Kerberos proof, dropped after it."""

    finding: Finding
    password: bytes | None = field(default=None, repr=False)


def prove_password_retrieval(
    client: LdapClient,
    gmsa: GmsaFacts,
    host: str,
    host_password: str | None,
    host_keytab: str | None,
) -> Proof:
    """Bind as the container host over the encrypted connection and read msDS-ManagedPassword, as it would."""
    check, domain = "host_password_retrieval", client.domain
    sam = host.rstrip("$") + "$"
    # The same DC as the checks (the write DC once a lookup moved there): the host's bind must see what they saw.
    reading = client.current_server or client.server_name
    server = (reading,) if reading else client.options.server
    if host_keytab:
        principal = f"{sam}@{domain.dns_name.upper()}"
        options = replace(
            client.options,
            server=server,
            auth_protocol="kerberos",
            username=principal,
            password=None,
        )
        host_client = LdapClient(options, KeytabCredential(principal, host_keytab))
        how = "Kerberos with its keytab"
    else:
        options = replace(
            client.options,
            server=server,
            auth_protocol="simple",
            username=f"{domain.netbios_name}\\{sam}",
            password=host_password,
        )
        host_client = LdapClient(options)
        how = "its password"
    try:
        host_client.connect()
        entry = host_client.read(gmsa.dn, ["msDS-ManagedPassword"])
    except GmsaError as exc:
        return Proof(
            Finding(
                check,
                ERROR,
                f"Binding as {sam} with {how} failed: {exc.message}",
                "Check host_password or host_keytab (a keytab holds the host's current keys: re-export it after "
                "the machine password changes, ktpass or samba-tool domain exportkeytab), and the host account.",
            )
        )
    finally:
        host_client.close()
    blob = entry.first("msDS-ManagedPassword") if entry else None
    if not blob:
        return Proof(
            Finding(
                check,
                ERROR,
                f"{sam} bound with {how} over {client.options.tls_mode}, but the DC did not return the password of "
                f"{gmsa.sam_account_name}: Test-ADServiceAccount would return False.",
                f"Allow the host to retrieve the password (see host_allowed), then run {PURGE} on it or restart it.",
            )
        )
    try:
        password = current_password(blob)
    except ValueError as exc:
        return Proof(Finding(check, ERROR, f"The DC returned an unreadable password blob to {sam}: {exc}."))
    return Proof(
        ok(
            check,
            f"{sam} bound with {how} over {client.options.tls_mode} and received the password of "
            f"{gmsa.sam_account_name} ({len(password)} bytes): Test-ADServiceAccount would return True.",
        ),
        password,
    )


def kerberos_secret(password: bytes) -> bytes:
    """The string Kerberos derives a gMSA's AES keys from: the UTF-16 password decoded with replacement, as UTF-8.

    The password is random bytes, not valid UTF-16; Windows and Samba both replace the invalid code units.
    """
    return password.decode("utf-16-le", errors="replace").encode("utf-8")


def proof_target_spn(gmsa: GmsaFacts) -> str | None:
    """The SPN to ask a service ticket for: host/<dNSHostName> if the gMSA has it, else its first SPN."""
    preferred = f"host/{gmsa.dns_host_name}".lower() if gmsa.dns_host_name else None
    return next((s for s in gmsa.spns if s.lower() == preferred), gmsa.spns[0] if gmsa.spns else None)


def prove_kerberos(gmsa: GmsaFacts, realm: str, password: bytes | None) -> Finding:
    """Get a TGT as the gMSA with the retrieved password, then a service ticket for one of its SPNs."""
    check, name = "gmsa_kerberos", gmsa.sam_account_name
    principal = f"{name}@{realm}"
    if password is None:
        return Finding(
            check,
            ERROR,
            f"No Kerberos ticket as {principal}: the host could not retrieve the password, so neither can the "
            "containers on it.",
            "Fix host_password_retrieval first.",
        )
    gssapi = load_gssapi()  # imported here: only the Kerberos proof needs it
    if gssapi is None:
        return Finding(
            check,
            ERROR,
            f"The Kerberos proof needs the gssapi Python library, which {gssapi_failure()}.",
            GSSAPI_INSTALL_HINT,
        )
    target = proof_target_spn(gmsa)
    step = f"a TGT as {principal}"
    try:
        creds = gssapi.Credentials(
            base=gssapi.raw.acquire_cred_with_password(
                gssapi.Name(principal, gssapi.NameType.user), kerberos_secret(password), usage="initiate"
            ).creds
        )
        if target is None:
            return Finding(
                check,
                WARNING,
                f"Obtained a TGT as {principal}, but the gMSA has no SPN to request a service ticket for.",
                "Add host/<name> and host/<dns host name> SPNs (see gmsa_spns).",
            )
        step = f"a service ticket for {target}"
        context = gssapi.SecurityContext(
            name=gssapi.Name(f"{target}@{realm}", gssapi.NameType.kerberos_principal), creds=creds, usage="initiate"
        )
        context.step()
    except gssapi.exceptions.GSSError as exc:
        return Finding(
            check,
            ERROR,
            f"Kerberos refused {step} with the retrieved password: {gss_message(exc)}.",
            "Check that the gMSA is enabled (gmsa_enabled), that its SPNs are unique (gmsa_spn_duplicates), that "
            "krb5.conf maps the domain to its KDCs, and that clocks agree within 5 minutes; in a container, "
            "klist get krbtgt shows the same.",
        )
    return ok(
        check,
        f"Obtained a TGT as {principal} with the retrieved password and a service ticket for {target}, as the "
        "container host does.",
    )
