# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One bound, encrypted connection to one DC, opened within ``connection_timeout`` seconds in all.

The TCP connect, the TLS handshake (LDAPS, or StartTLS: RFC 4511 4.14) and the bind share one deadline: each
step's socket timeout is the time left. A DC whose kernel accepts the connection but whose LDAP server never
answers (hung, stopped with SIGSTOP, overloaded) therefore costs ``connection_timeout`` and no more, and the
client moves on to the next DC. ldap3's own ``receive_timeout`` would not do: it applies to each step alone, and
to every later operation as well. After the bind, each search may wait :data:`OPERATION_TIMEOUT` seconds (or
``connection_timeout`` if larger) for an answer: a search over thousands of objects is not a hung DC. A write
(add, modify, modify DN, delete) changes one object, so it waits ``connection_timeout`` (:func:`write_timeout`):
a DC lost in the middle of a task costs what a DC that does not answer costs when connecting, not 30 s. A write
of a security descriptor keeps the longer wait: Samba re-computes the inherited ACEs of every object below
before it answers (Windows does it afterwards, MS-ADTS 3.1.1.5.3.3 "SD propagation").

A Kerberos bind also talks to the KDC (libkrb5, with its own timeouts in krb5.conf); that time is not bounded
here.
"""

from __future__ import annotations

import contextlib
import ssl
import time
from typing import Any

from .._errors import GmsaError
from .credentials import Credential
from .errors import (
    Unreachable,
    bind_error,
    certificate_error,
    is_certificate_failure,
    kerberos_bind_error,
    short,
    start_tls_refused,
)
from .libraries import is_gss_error, ldap3, ldap3_exceptions
from .options import ConnectionOptions

# Seconds an LDAP operation may wait for the DC's answer once bound (never less than connection_timeout).
OPERATION_TIMEOUT = 30


def write_timeout(options: ConnectionOptions, rewrites_security_descriptor: bool = False) -> float:
    """Seconds a write waits for the DC's answer: ``connection_timeout``; :func:`operation_timeout` for a write of
    a security descriptor (see the module docstring)."""
    return operation_timeout(options) if rewrites_security_descriptor else options.connection_timeout


def operation_timeout(options: ConnectionOptions) -> float:
    """Seconds a search waits for the DC's answer: :data:`OPERATION_TIMEOUT`, or ``connection_timeout`` if larger."""
    return max(options.connection_timeout, OPERATION_TIMEOUT)


def tls_settings(options: ConnectionOptions) -> Any:
    """ldap3's TLS settings for ``cert_validation`` and ``ca_cert``."""
    validate = ssl.CERT_NONE if options.cert_validation == "ignore" else ssl.CERT_REQUIRED
    valid_names = ["*"] if options.cert_validation == "ignore_hostname" else None
    return ldap3.Tls(validate=validate, ca_certs_file=options.ca_cert, valid_names=valid_names)


class _Deadline:
    """The time left of one connection attempt, applied as the socket timeout of each step."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def apply(self, conn: Any) -> None:
        left = self.remaining()
        if left <= 0:
            raise TimeoutError("connection_timeout elapsed")
        conn.socket.settimeout(left)


def open_connection(host: str, options: ConnectionOptions, credential: Credential) -> Any:
    """An ldap3 Connection to ``host``, TLS on and bound with ``credential``, within ``connection_timeout``.

    Raises :class:`Unreachable` when the DC does not answer in time or the connection breaks (the caller tries the
    next DC), GmsaError when the DC answers and refuses (certificate, StartTLS, credentials).
    """
    bind_arguments = credential.bind_arguments()  # may ask the KDC once; not a cost of this DC
    port = options.effective_port
    deadline = _Deadline(options.connection_timeout)
    tls = tls_settings(options)
    # use_ssl stays False: the handshake is done below, on the deadline, instead of inside open().
    server = ldap3.Server(
        host, port=port, use_ssl=False, tls=tls, get_info=ldap3.NONE, connect_timeout=options.connection_timeout
    )
    conn = ldap3.Connection(server, raise_exceptions=False, **bind_arguments)
    step = "TCP connect"
    try:
        conn.open(read_server_info=False)
        deadline.apply(conn)
        if options.tls_mode == "ldaps":
            step = "TLS handshake"
            tls.wrap_socket(conn, do_handshake=True)
        else:
            step = "StartTLS"
            if not conn.start_tls(read_server_info=False):
                raise start_tls_refused(host, conn.result.get("description"))
        step = "bind"
        deadline.apply(conn)
        bound = conn.bind(read_server_info=False)
        if bound:
            conn.socket.settimeout(operation_timeout(options))
    except Exception as exc:
        _discard(conn)
        raise _translate(exc, host, port, step, deadline) from None
    if not bound:
        _discard(conn)
        raise bind_error(host, credential.principal, conn.result)
    return conn


def _translate(exc: Exception, host: str, port: int, step: str, deadline: _Deadline) -> Exception:
    """The exception a failed step becomes: Unreachable (try the next DC) or GmsaError (fail the task)."""
    if isinstance(exc, GmsaError):
        return exc
    if is_gss_error(exc):  # gssapi is not imported to ask: a simple bind never loads it
        return kerberos_bind_error(host, exc)
    if isinstance(exc, TimeoutError):
        return Unreachable(f"no answer to the {step} within connection_timeout ({deadline.seconds:g} s)")
    text = str(exc)
    certificate = isinstance(exc, (ssl.SSLCertVerificationError, ldap3_exceptions.LDAPCertificateError))
    if certificate or (step != "bind" and is_certificate_failure(text)):
        return certificate_error(host, port, text)
    if isinstance(exc, (OSError, ldap3_exceptions.LDAPException)):
        return Unreachable(f"{step} failed: {short(exc)}")
    return exc


def _discard(conn: Any) -> None:
    """Close the socket without a goodbye: the DC may be the reason the attempt failed."""
    with contextlib.suppress(Exception):
        conn.strategy.close()
