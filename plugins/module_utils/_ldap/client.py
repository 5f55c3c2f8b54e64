# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client every backend talks to: failover over the DCs, the LDAP operations, and the domain's facts."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .._errors import GmsaError
from .connection import open_connection, write_timeout
from .credentials import Credential, credential_from_options
from .discovery import domain_controllers
from .domain import DomainInfo, read_domain, read_root_dse
from .entry import Entry
from .errors import MOVE_ADVICE, Unreachable, operation_error, short
from .libraries import ldap3, ldap3_exceptions
from .names import rdn_of
from .options import ConnectionOptions
from .write_server import (
    ADDRESS,
    NAMED,
    REACHED,
    READ_ONLY,
    ServerObject,
    WriteServer,
    WriteServerFacts,
    address_warning,
    choose_write_server,
    judge_by_server_objects,
    judge_write_server,
    not_a_writable_dc,
    unreachable_write_server,
    writable_dc_names,
    write_server_from_dns_name,
)

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
    tried before it are in ``skipped``. ``operations`` counts the LDAP operations sent, by kind, on every
    connection of the task.

    Creates go to the write DC (:mod:`.write_server`): :meth:`use_write_server` moves every later operation to it
    (a second connection, opened only when the reached DC is not the write DC); :meth:`add` calls it itself.
    ``written_on`` names the DC that took the task's writes, ``warnings`` what the task should tell the user.
    """

    def __init__(self, options: ConnectionOptions, credential: Credential | None = None) -> None:
        if ldap3 is None:
            raise GmsaError("The ldap3 Python library is required.", hint="pip install ldap3")
        self.options = options
        self.credential = credential or credential_from_options(options)
        self.operations: dict[str, int] = {"search": 0, "add": 0, "modify": 0, "delete": 0}
        self.server_name: str | None = None
        self.discovered_servers: list[str] = []
        self.servers: list[str] = []  # the DCs to try, in order: the task's server list, or those DNS gave
        self.skipped: list[SkippedServer] = []
        self._conn: Any = None
        self._root_dse: Entry | None = None
        self._domain: DomainInfo | None = None
        self.current_server: str | None = None
        self.written_on: str | None = None
        self.warnings: list[str] = []
        self._reached_conn: Any = None
        self._write_server: WriteServer | None = None
        self.write_failure: str | None = None

    # -- connecting ---------------------------------------------------------------------------------

    def connect(self) -> LdapClient:
        """Bind to the first DC that answers; raises GmsaError when none does or one refuses the bind."""
        servers, self.discovered_servers = domain_controllers(self.options.server, self.options.connection_timeout)
        self.servers = list(servers)
        port = self.options.effective_port
        for host in servers:
            try:
                self._conn = open_connection(host, self.options, self.credential)
            except Unreachable as exc:
                self.skipped.append(SkippedServer(host, port, str(exc)))
                continue
            self.server_name = self.current_server = host
            self._reached_conn = self._conn
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
        for conn in {id(c): c for c in (self._conn, self._reached_conn) if c is not None}.values():
            # The connection may already be gone; there is nothing to report about an unbind.
            with contextlib.suppress(Exception):
                conn.unbind()
        self._conn = self._reached_conn = None

    # -- the write DC ---------------------------------------------------------------------------------

    @property
    def write_server(self) -> WriteServer:
        """The DC that creates objects (:func:`.write_server.choose_write_server`), resolved once per task.

        Costs nothing beyond the rootDSE and domain head the client reads anyway, plus one base read of the PDC
        emulator's server object when the reached DC is not the PDC emulator and no ``write_server`` is given.
        """
        if self._write_server is None:
            facts = self._write_server_facts()
            chosen = choose_write_server(facts)
            if chosen.name is None and chosen.server_dn:
                server = self._on(self._reached_conn, lambda: self.read(chosen.server_dn or "", ["dNSHostName"]))
                chosen = write_server_from_dns_name(chosen, server.text("dNSHostName") if server else None, facts)
            self._write_server = chosen
        return self._write_server

    def _write_server_facts(self) -> WriteServerFacts:
        root, domain = self.root_dse, self.domain
        return WriteServerFacts(
            reached=self.server_name or "",
            reached_dns_name=root.text("dnsHostName") or "",
            reached_ntds_dn=root.text("dsServiceName") or "",
            role_owner_ntds_dn=domain.pdc_role_owner,
            requested=self.options.write_server,
        )

    @property
    def on_write_server(self) -> bool:
        """Whether the operations go to the write DC now (it was reached, or :meth:`use_write_server` moved)."""
        return self.write_server.is_reached or self._conn is not self._reached_conn

    def use_write_server(self) -> bool:
        """Send every later operation to the write DC; True when this call moved there from the reached DC.

        Opens one more connection (same options and credential) when the reached DC is not the write DC.
        Raises the GmsaError of :func:`.write_server.unreachable_write_server` when it cannot be reached
        (remembered: the task does not wait for it twice).
        """
        if self.on_write_server:
            return False
        write = self.write_server
        if self.write_failure is not None:
            raise unreachable_write_server(write, self.server_name or "", self.write_failure)
        try:
            conn = open_connection(write.name or "", self.options, self.credential)
        except Unreachable as exc:
            self.write_failure = str(exc)
            raise unreachable_write_server(write, self.server_name or "", self.write_failure) from None
        except GmsaError as exc:
            self.write_failure = exc.message.rstrip(".")
            raise unreachable_write_server(write, self.server_name or "", self.write_failure) from None
        self._conn, self.current_server = conn, write.name
        return True

    def _on(self, conn: Any, call: Any) -> Any:
        """Run ``call()`` with ``conn`` as the connection, then restore the current one."""
        current, self._conn = self._conn, conn
        try:
            return call()
        finally:
            self._conn = current

    def _wrote(self) -> None:
        self.written_on = self.current_server

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
        page_size: int = 1000,
        controls: list[Any] | None = None,
    ) -> list[Entry]:
        """Search, following paged-results cookies; a missing base returns no entries.

        ``scope`` is ``base``, ``one`` or ``subtree``; attribute names in the entries are lower-cased. Pages of
        ``page_size`` entries: 1000 is AD's default MaxPageSize (a DC with a lower one sends fewer per page), and
        every page sends the filter again, which the client compiles again (ldap3) and the DC parses again: a bulk
        task's filter names every object.
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

    @contextlib.contextmanager
    def _answer_within(self, seconds: float) -> Iterator[None]:
        """Let the operation inside wait ``seconds`` for the DC's answer, then restore the connection's wait."""
        sock = getattr(self._conn, "socket", None)
        before = sock.gettimeout() if sock is not None else None
        if sock is not None:
            sock.settimeout(seconds)
        try:
            yield
        finally:
            if sock is not None:
                with contextlib.suppress(Exception):  # the DC may have closed the socket meanwhile
                    sock.settimeout(before)

    def add(self, dn: str, object_class: str | list[str], attributes: dict[str, Any]) -> None:
        """Create ``dn`` on the write DC (moving there first, see :meth:`use_write_server`)."""
        self.use_write_server()
        self.operations["add"] += 1
        self._wrote()
        with self._answer_within(write_timeout(self.options)):
            ok = self._conn.add(dn, object_class, attributes)
        self._check("add", dn, ok)

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
        self._wrote()
        rewrites_sd = any(attr.lower() == "ntsecuritydescriptor" for attr in changes)
        with self._answer_within(write_timeout(self.options, rewrites_sd)):
            ok = self._conn.modify(dn, payload, controls=controls)
        self._check("modify", dn, ok)

    def move(self, dn: str, new_parent: str) -> None:
        """LDAP Modify DN of ``dn`` to ``new_parent``, its RDN kept (RFC 4511 4.9); counted as one ``modify``.

        Raises GmsaError naming the operation, ``dn`` and ``new_parent``, with MOVE_ADVICE's hint for the
        result code; a lost connection gives "Reconnect and run the task again."
        """
        self.operations["modify"] += 1
        self._wrote()
        try:
            with self._answer_within(write_timeout(self.options)):
                ok = self._conn.modify_dn(dn, rdn_of(dn), delete_old_dn=True, new_superior=new_parent)
        except Exception as exc:  # ldap3 raises several types for a lost connection
            raise GmsaError(
                f"LDAP modify DN of {dn} failed: {exc}.", hint="Reconnect and run the task again.", dn=dn
            ) from None
        if not ok:
            raise operation_error("modify DN", dn, self._conn.result, target=new_parent, advice=MOVE_ADVICE)

    def delete(self, dn: str) -> None:
        self.operations["delete"] += 1
        self._wrote()
        with self._answer_within(write_timeout(self.options)):
            ok = self._conn.delete(dn)
        self._check("delete", dn, ok)

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
        """The domain's facts: two searches beyond the rootDSE (domain head, then both crossRefs at once).

        With ``write_server`` given, also checks that it names a writable DC of the domain
        (:meth:`check_write_server`), so a misspelled one fails every task, not only those that create.
        """
        if self._domain is None:
            self._domain = read_domain(self, self.root_dse, self.server_name)
            if self.options.write_server:
                self.check_write_server()
        return self._domain

    def check_write_server(self) -> None:
        """Raise GmsaError when ``write_server`` names no writable DC of the domain (:mod:`.write_server`).

        Costs nothing when it is the DC reached or ``<DC name>[.<domain>]`` of a DC the domain head's
        ``masteredBy`` lists; otherwise one search of the sites' server objects. An IP address gets a warning.
        """
        domain, requested = self.domain, self.options.write_server or ""
        verdict = judge_write_server(self._write_server_facts(), domain.writable_dcs, domain.dns_name)
        if verdict in (REACHED, NAMED):
            return
        if verdict == ADDRESS:
            self.warnings.append(address_warning(requested))
            return
        found = self.search(f"CN=Sites,{domain.configuration_dn}", "(objectClass=server)", ["dNSHostName"])
        servers = [ServerObject(entry.dn, entry.text("dNSHostName") or "") for entry in found]
        if verdict == READ_ONLY:
            raise not_a_writable_dc(
                requested, domain.dns_name, writable_dc_names(servers, domain.writable_dcs), is_dc=True
            )
        judge_by_server_objects(requested, servers, domain.writable_dcs, domain.dns_name)


def connect_from_params(params: dict[str, Any]) -> LdapClient:
    """Validate the connection options of a module's params and return a bound client."""
    return LdapClient(ConnectionOptions.from_params(params)).connect()
