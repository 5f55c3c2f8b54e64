# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The LDAP connection layer shared by every module of the collection.

One ``LdapClient`` per task: it finds a domain controller, binds over an encrypted channel (LDAPS or
StartTLS; ldap3 cannot sign or seal, so there is no plaintext mode), reads the rootDSE and the domain facts
once, and turns every LDAP failure into a :class:`GmsaError` whose message names the result, the object and
what to do next. It counts the operations it sends so tests and benchmarks can hold the round-trip budget.
"""

from __future__ import annotations

import contextlib
import os
import re
import ssl
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.basic import env_fallback

from ._errors import GmsaError, ValidationError
from ._sid import guid_from_bytes, sid_from_bytes

LDAP3_IMPORT_ERROR: str | None
try:
    import ldap3
    from ldap3.core import exceptions as ldap3_exceptions
    from ldap3.utils.conv import escape_filter_chars
    from ldap3.utils.dn import escape_rdn, parse_dn
except ImportError:
    ldap3 = None
    LDAP3_IMPORT_ERROR = traceback.format_exc()
else:
    LDAP3_IMPORT_ERROR = None

DNSPYTHON_IMPORT_ERROR: str | None
try:
    import dns.exception
    import dns.resolver
except ImportError:
    dns = None
    DNSPYTHON_IMPORT_ERROR = traceback.format_exc()
else:
    DNSPYTHON_IMPORT_ERROR = None

GSSAPI_IMPORT_ERROR: str | None
try:
    import gssapi
except ImportError:
    gssapi = None
    GSSAPI_IMPORT_ERROR = traceback.format_exc()
else:
    GSSAPI_IMPORT_ERROR = None

TLS_MODES = ("ldaps", "start_tls")
CERT_VALIDATION = ("always", "ignore_hostname", "ignore")
AUTH_PROTOCOLS = ("simple", "kerberos")
DEFAULT_PORTS = {"ldaps": 636, "start_tls": 389}

# Well-known object GUIDs of the domain's default containers (MS-ADTS 6.1.1.4, wellKnownObjects and
# otherWellKnownObjects of the domain NC head).
WKGUID_USERS = "a9d1ca15768811d1aded00c04fd8d5cd"
WKGUID_COMPUTERS = "aa312825768811d1aded00c04fd8d5cd"
WKGUID_MANAGED_SERVICE_ACCOUNTS = "1eb93889e40c45df9f0c64d23bbb6237"

# LDAP result codes (RFC 4511 4.1.9) that deserve their own advice.
_RESULT_ADVICE = {
    8: "The DC requires an encrypted, integrity-protected bind: use tls_mode ldaps or start_tls.",
    19: "AD refused a value that breaks a constraint (a duplicate value, a read-only or single-valued attribute).",
    32: "The object or its parent container does not exist: check the DN or path.",
    34: "The DN is malformed: check the path and names.",
    49: "Check username and password (or the Kerberos ticket), and that the account is enabled and not locked.",
    50: "The bind account lacks a permission on this object: grant it (for example delegate control of the "
    "container) or bind as an account that has it.",
    53: "The DC is unwilling to perform this operation; the server message above says why.",
    64: "AD refuses this name; check for forbidden characters.",
    65: "The attributes do not fit the object class; a required attribute may be missing.",
    68: "An object with this name already exists.",
}


def connection_argument_spec() -> dict[str, Any]:
    """The options every LDAP module shares, each with its ``GMSA_LDAP_*`` environment fallback."""

    def env(name: str) -> tuple[Any, list[str]]:
        return (env_fallback, [f"GMSA_LDAP_{name.upper()}"])

    return {
        "server": {"type": "list", "elements": "str", "fallback": env("server")},
        "port": {"type": "int", "fallback": env("port")},
        "tls_mode": {"type": "str", "choices": list(TLS_MODES), "default": "ldaps", "fallback": env("tls_mode")},
        "cert_validation": {
            "type": "str",
            "choices": list(CERT_VALIDATION),
            "default": "always",
            "fallback": env("cert_validation"),
        },
        "ca_cert": {"type": "path", "fallback": env("ca_cert")},
        "auth_protocol": {
            "type": "str",
            "choices": list(AUTH_PROTOCOLS),
            "default": "simple",
            "fallback": env("auth_protocol"),
        },
        "username": {"type": "str", "fallback": env("username")},
        "password": {"type": "str", "no_log": True, "fallback": env("password")},
        "connection_timeout": {"type": "int", "default": 10, "fallback": env("connection_timeout")},
    }


def missing_libraries() -> list[tuple[str, str]]:
    """(library, traceback) pairs for required libraries that failed to import."""
    missing = []
    if LDAP3_IMPORT_ERROR:
        missing.append(("ldap3", LDAP3_IMPORT_ERROR))
    return missing


@dataclass(frozen=True)
class ConnectionOptions:
    server: tuple[str, ...] = ()
    port: int | None = None
    tls_mode: str = "ldaps"
    cert_validation: str = "always"
    ca_cert: str | None = None
    auth_protocol: str = "simple"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    connection_timeout: int = 10

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ConnectionOptions:
        values = {name: params.get(name) for name in connection_argument_spec()}
        values["server"] = tuple(s.strip() for s in (values["server"] or ()) if s and s.strip())
        for name, default in (
            ("tls_mode", "ldaps"),
            ("cert_validation", "always"),
            ("auth_protocol", "simple"),
            ("connection_timeout", 10),
        ):
            if values[name] is None:
                values[name] = default
        options = cls(**values)
        options.validate()
        return options

    def validate(self) -> None:
        """Reject bad option values before anything goes on the wire (env fallbacks bypass ``choices``)."""
        for name, allowed in (
            ("tls_mode", TLS_MODES),
            ("cert_validation", CERT_VALIDATION),
            ("auth_protocol", AUTH_PROTOCOLS),
        ):
            value = getattr(self, name)
            if value not in allowed:
                hint = ""
                if name == "tls_mode":
                    hint = " There is no plaintext mode: AD only hands out gMSA passwords over encrypted connections."
                raise ValidationError(f"Unknown {name} {value!r}: use one of {', '.join(allowed)}.{hint}", option=name)
        if self.auth_protocol == "simple" and not (self.username and self.password):
            raise ValidationError(
                "auth_protocol simple needs username and password (or GMSA_LDAP_USERNAME and GMSA_LDAP_PASSWORD).",
                hint="Set both, or use auth_protocol kerberos with a ticket cache.",
                option="username",
            )
        if self.auth_protocol == "kerberos" and bool(self.username) != bool(self.password) and self.password:
            raise ValidationError("auth_protocol kerberos with a password also needs username.", option="username")
        if self.ca_cert and not os.path.isfile(self.ca_cert):
            raise ValidationError(f"ca_cert {self.ca_cert} is not a readable file.", option="ca_cert")
        if self.port is not None and not 0 < self.port < 65536:
            raise ValidationError(f"port {self.port} is out of range.", option="port")
        if self.connection_timeout <= 0:
            raise ValidationError("connection_timeout must be a positive number of seconds.")

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.tls_mode]


@dataclass
class Entry:
    """A search result: the DN and the raw attribute values (attribute names lower-cased)."""

    dn: str
    attributes: dict[str, list[bytes]]

    def values(self, name: str) -> list[bytes]:
        return self.attributes.get(name.lower(), [])

    def first(self, name: str) -> bytes | None:
        values = self.values(name)
        return values[0] if values else None

    def text(self, name: str) -> str | None:
        value = self.first(name)
        return value.decode("utf-8") if value is not None else None

    def texts(self, name: str) -> list[str]:
        return [v.decode("utf-8") for v in self.values(name)]

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        return int(value) if value is not None else None


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


def escape_filter(value: str) -> str:
    """Escape a value for use inside an LDAP filter (RFC 4515 3)."""
    return escape_filter_chars(value)


def escape_dn_value(value: str) -> str:
    """Escape a value for use as an RDN value in a DN (RFC 4514 2.4)."""
    return escape_rdn(value)


def dn_is_valid(dn: str) -> bool:
    try:
        parse_dn(dn)
    except Exception:  # ldap3 raises several types for malformed DNs
        return False
    return True


def dn_to_dns_name(dn: str) -> str:
    """``DC=contoso,DC=com`` -> ``contoso.com`` (the DC= components, in order)."""
    return ".".join(value for attr, value, _sep in parse_dn(dn) if attr.upper() == "DC")


def parse_well_known(values: Iterable[bytes]) -> dict[str, str]:
    """Parse DN-Binary values ``B:32:<guid hex>:<dn>`` of wellKnownObjects (MS-ADTS 3.1.1.1.13)."""
    result = {}
    for raw in values:
        text = raw.decode("utf-8")
        match = re.match(r"^B:32:([0-9A-Fa-f]{32}):(.+)$", text)
        if match:
            result[match.group(1).lower()] = match.group(2)
    return result


def default_kerberos_realm() -> str | None:
    """The default_realm of the krb5 configuration in use (``KRB5_CONFIG`` or /etc/krb5.conf)."""
    paths = os.environ.get("KRB5_CONFIG", "/etc/krb5.conf").split(":")
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            continue
        match = re.search(r"^\s*default_realm\s*=\s*(\S+)", text, re.MULTILINE)
        if match:
            return match.group(1)
    return None


def discover_servers(domain: str, timeout: float) -> list[str]:
    """DC host names from ``_ldap._tcp.dc._msdcs.<domain>`` SRV records, by priority then weight."""
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
    records = sorted(answer, key=lambda r: (r.priority, -r.weight))
    return [str(r.target).rstrip(".") for r in records]


def library_versions() -> dict[str, str | None]:
    """Versions of the libraries the collection uses, for diagnostics (None when missing)."""
    versions: dict[str, str | None] = {}
    for name, module in (("ldap3", ldap3), ("dnspython", dns), ("gssapi", gssapi)):
        version = None
        if module is not None:
            version = getattr(module, "__version__", None) or getattr(getattr(module, "version", None), "VERSION", None)
        versions[name] = str(version) if version else (None if module is None else "unknown")
    return versions


class LdapClient:
    """A bound connection to one domain controller, with the domain's facts and an operation counter."""

    def __init__(self, options: ConnectionOptions) -> None:
        if ldap3 is None:
            raise GmsaError("The ldap3 Python library is required.", hint="pip install ldap3")
        self.options = options
        self.operations: dict[str, int] = {"search": 0, "add": 0, "modify": 0, "delete": 0}
        self.server_name: str | None = None
        self.discovered_servers: list[str] = []
        self._conn: Any = None
        self._root_dse: Entry | None = None
        self._domain: DomainInfo | None = None

    # -- connecting ---------------------------------------------------------------------------------

    def connect(self) -> LdapClient:
        servers = list(self.options.server)
        if not servers:
            realm = default_kerberos_realm()
            if not realm:
                raise GmsaError(
                    "No server given and no Kerberos default realm to discover one from.",
                    hint="Set server (GMSA_LDAP_SERVER), or default_realm in krb5.conf.",
                )
            servers = discover_servers(realm.lower(), self.options.connection_timeout)
            self.discovered_servers = servers
        failures = []
        for host in servers:
            try:
                self._conn = self._bind(host)
            except _Unreachable as exc:
                failures.append(f"{host}:{self.options.effective_port} ({exc})")
                continue
            self.server_name = host
            return self
        raise GmsaError(
            f"No domain controller could be reached: {'; '.join(failures)}.",
            hint="Check server, port and tls_mode, that the DC is up, and that DNS and firewalls let this "
            "machine reach it.",
            servers=servers,
        )

    def _tls(self) -> Any:
        validate = ssl.CERT_NONE if self.options.cert_validation == "ignore" else ssl.CERT_REQUIRED
        valid_names = ["*"] if self.options.cert_validation == "ignore_hostname" else None
        return ldap3.Tls(validate=validate, ca_certs_file=self.options.ca_cert, valid_names=valid_names)

    def _bind(self, host: str) -> Any:
        opts = self.options
        server = ldap3.Server(
            host,
            port=opts.effective_port,
            use_ssl=opts.tls_mode == "ldaps",
            tls=self._tls(),
            get_info=ldap3.NONE,
            connect_timeout=opts.connection_timeout,
        )
        kwargs: dict[str, Any] = {"receive_timeout": max(opts.connection_timeout, 30), "raise_exceptions": False}
        if opts.auth_protocol == "kerberos":
            kwargs.update(authentication=ldap3.SASL, sasl_mechanism=ldap3.KERBEROS)
            credentials = self._kerberos_credentials()
            if credentials is not None:
                kwargs["sasl_credentials"] = (None, None, credentials)
        else:
            kwargs.update(authentication=ldap3.SIMPLE, user=opts.username, password=opts.password)
        conn = ldap3.Connection(server, **kwargs)
        try:
            conn.open()
            if opts.tls_mode == "start_tls" and not conn.start_tls():
                raise GmsaError(
                    f"StartTLS was refused by {host}: {conn.result.get('description')}.",
                    hint="Use tls_mode ldaps, or enable TLS on the DC.",
                )
            bound = conn.bind()
        except ldap3_exceptions.LDAPSocketOpenError as exc:
            raise self._socket_error(host, exc) from None
        except ldap3_exceptions.LDAPStartTLSError as exc:
            raise self._socket_error(host, exc) from None
        except ldap3_exceptions.LDAPException as exc:
            if "certificate" in str(exc).lower():
                raise self._certificate_error(host, str(exc)) from None
            raise _Unreachable(_short(exc)) from None
        except OSError as exc:
            raise _Unreachable(_short(exc)) from None
        except Exception as exc:
            if gssapi is not None and isinstance(exc, gssapi.exceptions.GSSError):
                raise GmsaError(
                    f"The Kerberos bind to {host} failed: {_gss_message(exc)}.",
                    hint="Connect by the DC's FQDN (its ldap/<fqdn> service principal must exist), check that "
                    "krb5.conf maps the DNS domain to the realm, that a ticket is in the cache (klist) or a "
                    "password is given, and that clocks agree within 5 minutes.",
                    result="kerberos",
                    server=host,
                ) from None
            raise
        if not bound:
            raise self._bind_error(host, conn.result)
        return conn

    def _kerberos_credentials(self) -> Any:
        """GSS credentials for a Kerberos bind, or None to let ldap3 use the default ticket cache.

        Subclasses override this to bind with other credentials (a client keytab, say).
        """
        if not self.options.password:
            return None
        if gssapi is None:
            raise GmsaError(
                "auth_protocol kerberos needs the gssapi Python library.",
                hint="pip install gssapi (it needs the Kerberos development headers, libkrb5-dev).",
            )
        try:
            name = gssapi.Name(self.options.username, gssapi.NameType.user)
            result = gssapi.raw.acquire_cred_with_password(
                name, self.options.password.encode("utf-8"), usage="initiate"
            )
        except gssapi.exceptions.GSSError as exc:
            raise GmsaError(
                f"Kerberos refused the credentials of {self.options.username}: {_gss_message(exc)}.",
                hint="Check username (user@REALM) and password, the realm's KDC in krb5.conf, and clock skew.",
                result="kerberos",
            ) from None
        return result.creds

    def _socket_error(self, host: str, exc: Exception) -> Exception:
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate" in text.lower():
            return self._certificate_error(host, text)
        return _Unreachable(_short(exc))

    def _certificate_error(self, host: str, text: str) -> GmsaError:
        if "CERTIFICATE_VERIFY_FAILED" not in text and "match" in text:
            reason = "the certificate does not match the host name"
        else:
            reason = "the certificate is not trusted"
        return GmsaError(
            f"TLS to {host}:{self.options.effective_port} failed: {reason}.",
            hint="Set ca_cert to the CA that issued the DC's certificate (or add it to the system trust store); "
            "connect by the name in the certificate; cert_validation ignore_hostname or ignore only for labs.",
            result="certificateError",
            server=host,
        )

    def _bind_error(self, host: str, result: dict[str, Any]) -> GmsaError:
        code = result.get("result")
        who = self.options.username or "the Kerberos ticket's principal"
        message = (result.get("message") or "").strip()
        if code == 49:
            text = f"The DC {host} refused the bind as {who}: invalid credentials."
        elif code == 8:
            text = f"The DC {host} refused the bind as {who}: it requires strong authentication."
        else:
            text = f"The bind as {who} to {host} failed: {result.get('description')} ({code})."
        if message:
            text += f" Server says: {message}"
        return GmsaError(text, hint=_RESULT_ADVICE.get(code), result=result.get("description"), result_code=code)

    def describe(self) -> dict[str, Any]:
        """How this client connected, without secrets."""
        return {
            "server": self.server_name,
            "port": self.options.effective_port,
            "tls_mode": self.options.tls_mode,
            "auth_protocol": self.options.auth_protocol,
            "username": self.options.username,
            "discovered_servers": self.discovered_servers,
        }

    def close(self) -> None:
        if self._conn is not None:
            # The connection may already be gone; there is nothing to report about an unbind.
            with contextlib.suppress(Exception):
                self._conn.unbind()
            self._conn = None

    def __enter__(self) -> LdapClient:
        return self.connect()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- operations ----------------------------------------------------------------------------------

    def _check(self, operation: str, dn: str, ok: bool) -> None:
        if ok:
            return
        result = self._conn.result
        code = result.get("result")
        message = (result.get("message") or "").strip()
        text = f"LDAP {operation} of {dn} failed: {result.get('description')} ({code})."
        if message:
            text += f" Server says: {message}"
        raise GmsaError(text, hint=_RESULT_ADVICE.get(code), result=result.get("description"), result_code=code, dn=dn)

    def search(
        self,
        base: str,
        ldap_filter: str = "(objectClass=*)",
        attributes: Iterable[str] = ("distinguishedName",),
        scope: str = "subtree",
        page_size: int = 500,
        controls: list[Any] | None = None,
    ) -> list[Entry]:
        """Search, following paged-results cookies; a missing base returns no entries."""
        scopes = {"base": ldap3.BASE, "one": ldap3.LEVEL, "subtree": ldap3.SUBTREE}
        entries: list[Entry] = []
        cookie: Any = None
        while True:
            self.operations["search"] += 1
            kwargs: dict[str, Any] = {}
            if scope != "base":
                kwargs.update(paged_size=page_size, paged_cookie=cookie)
            try:
                ok = self._conn.search(
                    base, ldap_filter, scopes[scope], attributes=list(attributes), controls=controls, **kwargs
                )
            except ldap3_exceptions.LDAPException as exc:
                raise GmsaError(
                    f"LDAP search under {base} failed: {_short(exc)}.",
                    hint="Check the filter and base DN; reconnect if the DC closed the connection.",
                    dn=base,
                ) from None
            if not ok and self._conn.result.get("result") == 32:
                return entries
            if not ok and self._conn.result.get("result") not in (0,):
                self._check("search", base, False)
            for item in self._conn.response or []:
                if item.get("type") != "searchResEntry":
                    continue
                raw = {k.lower(): list(v) for k, v in item["raw_attributes"].items()}
                entries.append(Entry(item["dn"], raw))
            cookie = (
                self._conn.result.get("controls", {}).get("1.2.840.113556.1.4.319", {}).get("value", {}).get("cookie")
            )
            if not cookie:
                return entries

    def read(self, dn: str, attributes: Iterable[str]) -> Entry | None:
        found = self.search(dn, "(objectClass=*)", attributes, scope="base")
        return found[0] if found else None

    def add(self, dn: str, object_class: str | list[str], attributes: dict[str, Any]) -> None:
        self.operations["add"] += 1
        self._check("add", dn, self._conn.add(dn, object_class, attributes))

    def modify(self, dn: str, changes: dict[str, list[tuple[str, list[Any]]]]) -> None:
        """``changes`` maps attribute -> [(operation, values)], operation one of add, delete, replace."""
        ops = {"add": ldap3.MODIFY_ADD, "delete": ldap3.MODIFY_DELETE, "replace": ldap3.MODIFY_REPLACE}
        payload = {attr: [(ops[op], values) for op, values in items] for attr, items in changes.items()}
        self.operations["modify"] += 1
        self._check("modify", dn, self._conn.modify(dn, payload))

    def delete(self, dn: str) -> None:
        self.operations["delete"] += 1
        self._check("delete", dn, self._conn.delete(dn))

    # -- directory facts -----------------------------------------------------------------------------

    @property
    def root_dse(self) -> Entry:
        if self._root_dse is None:
            entry = self.read(
                "",
                [
                    "defaultNamingContext",
                    "configurationNamingContext",
                    "schemaNamingContext",
                    "rootDomainNamingContext",
                    "dnsHostName",
                ],
            )
            if entry is None or not entry.text("defaultNamingContext"):
                raise GmsaError(
                    f"{self.server_name} returned no rootDSE naming contexts: it does not look like an AD DC.",
                    hint="Point server at an Active Directory domain controller.",
                )
            self._root_dse = entry
        return self._root_dse

    @property
    def configuration_dn(self) -> str:
        return self.root_dse.text("configurationNamingContext")

    @property
    def domain(self) -> DomainInfo:
        """The domain's facts: two searches beyond the rootDSE (domain head, then both crossRefs at once)."""
        if self._domain is None:
            self._domain = self._read_domain()
        return self._domain

    def _read_domain(self) -> DomainInfo:
        dse = self.root_dse
        domain_dn = dse.text("defaultNamingContext")
        forest_dn = dse.text("rootDomainNamingContext") or domain_dn
        head = self.read(domain_dn, ["objectSid", "objectGUID", "wellKnownObjects", "otherWellKnownObjects"])
        if head is None or head.first("objectSid") is None:
            raise GmsaError(f"Cannot read the domain object {domain_dn}.", hint=_RESULT_ADVICE[50], dn=domain_dn)
        partitions = f"CN=Partitions,{self.configuration_dn}"
        refs = self.search(
            partitions,
            f"(&(objectClass=crossRef)(|(nCName={escape_filter(domain_dn)})(nCName={escape_filter(forest_dn)})))",
            ["nCName", "nETBIOSName", "dnsRoot"],
            scope="one",
        )
        by_nc = {(r.text("nCName") or "").lower(): r for r in refs}
        domain_ref = by_nc.get(domain_dn.lower())
        forest_ref = by_nc.get(forest_dn.lower())
        well_known = parse_well_known(head.values("wellKnownObjects") + head.values("otherWellKnownObjects"))
        return DomainInfo(
            dns_name=(domain_ref.text("dnsRoot") if domain_ref else None) or dn_to_dns_name(domain_dn),
            netbios_name=(domain_ref.text("nETBIOSName") if domain_ref else None)
            or dn_to_dns_name(domain_dn).split(".", maxsplit=1)[0].upper(),
            domain_dn=domain_dn,
            configuration_dn=self.configuration_dn,
            schema_dn=dse.text("schemaNamingContext"),
            forest_root_dn=forest_dn,
            forest_dns_name=(forest_ref.text("dnsRoot") if forest_ref else None) or dn_to_dns_name(forest_dn),
            sid=sid_from_bytes(head.first("objectSid")),
            guid=guid_from_bytes(head.first("objectGUID")),
            dc_dns_hostname=dse.text("dnsHostName") or self.server_name or "",
            well_known=well_known,
        )


class _Unreachable(Exception):
    """This DC could not be reached; the next one is tried."""


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:300]


def _gss_message(exc: Any) -> str:
    try:
        return exc.gen_message().splitlines()[0]
    except Exception:  # gssapi builds its message lazily and may fail on odd minor codes
        return exc.__class__.__name__


def connect_from_params(params: dict[str, Any]) -> LdapClient:
    """Validate the connection options of a module's params and return a bound client."""
    return LdapClient(ConnectionOptions.from_params(params)).connect()
