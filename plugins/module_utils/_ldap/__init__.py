# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The LDAP connection layer shared by every module of the collection, one file per concern.

- ``options``      the shared connection options (argument spec, ``GMSA_LDAP_*`` fallbacks, validation)
- ``credentials``  who binds and how: password (simple bind), Kerberos ticket cache, Kerberos password, keytab
- ``discovery``    the Kerberos default realm (libkrb5) and the DCs of its SRV records, in RFC 2782 order
- ``connection``   one DC: TCP, TLS (LDAPS or StartTLS; ldap3 cannot sign or seal, so no plaintext) and the
                   bind, all within ``connection_timeout``
- ``client``       ``LdapClient``: failover over the DCs, the LDAP operations and their count, the domain facts
- ``domain``       the rootDSE, the domain head and crossRefs as ``DomainInfo``
- ``write_server`` which DC creates objects (the PDC emulator, or ``write_server``), a pure decision
- ``errors``       LDAP, TLS and Kerberos failures as ``GmsaError`` messages that say what to do next
- ``entry``, ``names``, ``libraries``   search results, DN/filter escaping, the guarded third-party imports
                   (gssapi and dnspython only when a Kerberos bind or DC discovery asks: ``load_gssapi``)

Every name other files import from ``_ldap`` is re-exported here, so ``from ._ldap import X`` keeps working.
"""

from __future__ import annotations

from .client import PAGED_RESULTS_OID, LdapClient, SkippedServer, connect_from_params
from .connection import OPERATION_TIMEOUT, open_connection, tls_settings
from .credentials import (
    Credential,
    KerberosPasswordCredential,
    KeytabCredential,
    PasswordCredential,
    TicketCacheCredential,
    credential_from_options,
)
from .discovery import default_kerberos_realm, discover_servers, domain_controllers, srv_targets
from .domain import (
    WKGUID_COMPUTERS,
    WKGUID_MANAGED_SERVICE_ACCOUNTS,
    WKGUID_USERS,
    DomainInfo,
    parse_well_known,
)
from .entry import Entry
from .errors import RESULT_ADVICE, Unreachable, gss_message, short
from .libraries import (
    GSSAPI_INSTALL_HINT,
    LDAP3_IMPORT_ERROR,
    gssapi_failure,
    gssapi_import_error,
    is_gss_error,
    ldap3,
    library_versions,
    load_dns,
    load_gssapi,
    missing_libraries,
)
from .names import dn_is_valid, dn_key, dn_to_dns_name, escape_dn_value, escape_filter, normalize_dn, parent_dn, rdn_of
from .options import (
    AUTH_PROTOCOLS,
    CERT_VALIDATION,
    DEFAULT_PORTS,
    TLS_MODES,
    ConnectionOptions,
    connection_argument_spec,
)

# The private names of the single-file _ldap.py that other files still import (_check: _gss_message);
# new code imports the public names above.
_gss_message = gss_message
_short = short
_Unreachable = Unreachable
_RESULT_ADVICE = RESULT_ADVICE

__all__ = [
    "AUTH_PROTOCOLS",
    "CERT_VALIDATION",
    "DEFAULT_PORTS",
    "GSSAPI_INSTALL_HINT",
    "LDAP3_IMPORT_ERROR",
    "OPERATION_TIMEOUT",
    "PAGED_RESULTS_OID",
    "RESULT_ADVICE",
    "TLS_MODES",
    "WKGUID_COMPUTERS",
    "WKGUID_MANAGED_SERVICE_ACCOUNTS",
    "WKGUID_USERS",
    "ConnectionOptions",
    "Credential",
    "DomainInfo",
    "Entry",
    "KerberosPasswordCredential",
    "KeytabCredential",
    "LdapClient",
    "PasswordCredential",
    "SkippedServer",
    "TicketCacheCredential",
    "Unreachable",
    "connect_from_params",
    "connection_argument_spec",
    "credential_from_options",
    "default_kerberos_realm",
    "discover_servers",
    "dn_is_valid",
    "dn_key",
    "dn_to_dns_name",
    "normalize_dn",
    "domain_controllers",
    "escape_dn_value",
    "escape_filter",
    "parent_dn",
    "rdn_of",
    "gss_message",
    "gssapi_failure",
    "gssapi_import_error",
    "is_gss_error",
    "ldap3",
    "library_versions",
    "load_dns",
    "load_gssapi",
    "missing_libraries",
    "open_connection",
    "parse_well_known",
    "short",
    "srv_targets",
    "tls_settings",
]
