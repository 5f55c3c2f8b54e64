# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client every backend talks to: failover over the DCs, the LDAP operations, and the domain's facts."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .._errors import GmsaError
from .connection import open_connection
from .credentials import Credential, credential_from_options
from .discovery import domain_controllers
from .domain import DomainInfo, read_domain, read_root_dse
from .entry import Entry
from .errors import MOVE_ADVICE, Unreachable, operation_error, short
from .libraries import ldap3, ldap3_exceptions
from .names import rdn_of
from .options import ConnectionOptions

# Paged results control (RFC 2696), which AD calls LDAP_PAGED_RESULT_OID_STRING.
PAGED_RESULTS_OID = "1.2.840.113556.1.4.319"
_SCOPES = ("base", "one", "subtree")


@dataclass(frozen=True)
class SkippedServer:
    """A DC the client tried and passed over, and why (for the task's warnings)."""

    server: str
    port: int
    reason: str

    @property
    def warning(self) -> str:
        return f"Skipped domain controller {self.server}:{self.port}: {self.reason}."

    def as_dict(self) -> dict[str, Any]:
        return {"server": self.server, "port": self.port, "reason": self.reason}


class LdapClient:
    """A bound connection to one domain controller, with the domain's facts and an operation counter.

    ``credential`` says how to bind (:mod:`.credentials`); by default the one ``options`` names. ``connect()``
    tries the DCs in order (``options.server`` or DNS discovery) and keeps the first that binds; the others
    tried before it are in ``skipped``. ``operations`` counts the LDAP operations sent, by kind.
    """

    def __init__(self, options: ConnectionOptions, credential: Credential | None = None) -> None:
        if ldap3 is None:
            raise GmsaError("The ldap3 Python library is required.", hint="pip install ldap3")
        self.options = options
        self.credential = credential or credential_from_options(options)
        self.operations: dict[str, int] = {"search": 0, "add": 0, "modify": 0, "delete": 0}
        self.server_name: str | None = None
        self.discovered_servers: list[str] = []
        self.skipped: list[SkippedServer] = []
        self._conn: Any = None
        self._root_dse: Entry | None = None
        self._domain: DomainInfo | None = None

    # -- connecting ---------------------------------------------------------------------------------

    def connect(self) -> LdapClient:
        """Bind to the first DC that answers; raises GmsaError when none does or one refuses the bind."""
        servers, self.discovered_servers = domain_controllers(self.options.server, self.options.connection_timeout)
        port = self.options.effective_port
        for host in servers:
            try:
                self._conn = open_connection(host, self.options, self.credential)
            except Unreachable as exc:
                self.skipped.append(SkippedServer(host, port, str(exc)))
                continue
            self.server_name = host
            return self
        tried = "; ".join(f"{s.server}:{s.port} ({s.reason})" for s in self.skipped)
        raise GmsaError(
            f"No domain controller could be reached: {tried}.",
            hint="Check server, port and tls_mode, that the DC is up, and that DNS and firewalls let this "
            "machine reach it.",
            servers=servers,
        )

    def describe(self) -> dict[str, Any]:
        """How this client connected, without secrets."""
        return {
            "server": self.server_name,
            "port": self.options.effective_port,
            "tls_mode": self.options.tls_mode,
            "auth_protocol": self.credential.auth_protocol,
            "username": self.options.username,
            "discovered_servers": self.discovered_servers,
            "skipped_servers": [s.as_dict() for s in self.skipped],
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
        if not ok:
            raise operation_error(operation, dn, self._conn.result)

    def search(
        self,
        base: str,
        ldap_filter: str = "(objectClass=*)",
        attributes: Iterable[str] = ("distinguishedName",),
        scope: str = "subtree",
        page_size: int = 500,
        controls: list[Any] | None = None,
    ) -> list[Entry]:
        """Search, following paged-results cookies; a missing base returns no entries.

        ``scope`` is ``base``, ``one`` or ``subtree``; attribute names in the entries are lower-cased.
        """
        scopes = dict(zip(_SCOPES, (ldap3.BASE, ldap3.LEVEL, ldap3.SUBTREE)))
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
                    f"LDAP search under {base} failed: {short(exc)}.",
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
            cookie = self._conn.result.get("controls", {}).get(PAGED_RESULTS_OID, {}).get("value", {}).get("cookie")
            if not cookie:
                return entries

    def read(self, dn: str, attributes: Iterable[str]) -> Entry | None:
        """The entry at ``dn`` (a base search), or None when it does not exist."""
        found = self.search(dn, "(objectClass=*)", attributes, scope="base")
        return found[0] if found else None

    def add(self, dn: str, object_class: str | list[str], attributes: dict[str, Any]) -> None:
        self.operations["add"] += 1
        self._check("add", dn, self._conn.add(dn, object_class, attributes))

    def modify(
        self, dn: str, changes: dict[str, list[tuple[str, list[Any]]]], controls: list[Any] | None = None
    ) -> None:
        """``changes`` maps attribute -> [(operation, values)], operation one of add, delete, replace.

        ``controls`` are request controls as ldap3 takes them, ``(oid, criticality, value)`` tuples (for
        example the SD flags control, MS-ADTS 3.1.1.3.4.1.11, on an ``nTSecurityDescriptor`` write).
        """
        ops = {"add": ldap3.MODIFY_ADD, "delete": ldap3.MODIFY_DELETE, "replace": ldap3.MODIFY_REPLACE}
        payload = {attr: [(ops[op], values) for op, values in items] for attr, items in changes.items()}
        self.operations["modify"] += 1
        self._check("modify", dn, self._conn.modify(dn, payload, controls=controls))

    def move(self, dn: str, new_parent: str) -> None:
        """LDAP Modify DN of ``dn`` to ``new_parent``, its RDN kept (RFC 4511 4.9); counted as one ``modify``.

        Raises GmsaError naming the operation, ``dn`` and ``new_parent``, with MOVE_ADVICE's hint for the
        result code; a lost connection gives "Reconnect and run the task again."
        """
        self.operations["modify"] += 1
        try:
            ok = self._conn.modify_dn(dn, rdn_of(dn), delete_old_dn=True, new_superior=new_parent)
        except Exception as exc:  # ldap3 raises several types for a lost connection
            raise GmsaError(
                f"LDAP modify DN of {dn} failed: {exc}.", hint="Reconnect and run the task again.", dn=dn
            ) from None
        if not ok:
            raise operation_error("modify DN", dn, self._conn.result, target=new_parent, advice=MOVE_ADVICE)

    def delete(self, dn: str) -> None:
        self.operations["delete"] += 1
        self._check("delete", dn, self._conn.delete(dn))

    # -- directory facts -----------------------------------------------------------------------------

    @property
    def root_dse(self) -> Entry:
        if self._root_dse is None:
            self._root_dse = read_root_dse(self, self.server_name)
        return self._root_dse

    @property
    def configuration_dn(self) -> str:
        return self.root_dse.text("configurationNamingContext") or ""

    @property
    def domain(self) -> DomainInfo:
        """The domain's facts: two searches beyond the rootDSE (domain head, then both crossRefs at once)."""
        if self._domain is None:
            self._domain = read_domain(self, self.root_dse, self.server_name)
        return self._domain


def connect_from_params(params: dict[str, Any]) -> LdapClient:
    """Validate the connection options of a module's params and return a bound client."""
    return LdapClient(ConnectionOptions.from_params(params)).connect()
