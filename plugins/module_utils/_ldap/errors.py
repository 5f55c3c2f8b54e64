# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""LDAP, TLS and Kerberos failures turned into messages that say what happened and what to do next.

Two outcomes only: :class:`Unreachable` (this DC did not answer in time: the client tries the next one) or a
:class:`GmsaError` (the DC answered and refused: trying another DC would not help, so the task fails).
"""

from __future__ import annotations

from typing import Any

from .._errors import GmsaError

# LDAP result codes (RFC 4511 4.1.9) that deserve their own advice.
RESULT_ADVICE = {
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
    68: "An object with this name already exists in that container, maybe of another class (a gMSA and a group "
    "of one name in one OU share the common name): choose another name or path.",
}

# What to do when a Modify DN that keeps the RDN (a move, RFC 4511 4.9) fails; other codes get no hint here.
MOVE_ADVICE = {
    32: "The target container does not exist: check path.",
    53: "The DC refused to move the object (a system object, or a move to another domain).",
    68: "An object with this name already exists in the target container.",
}

KERBEROS_BIND_HINT = (
    "Connect by the DC's FQDN (its ldap/<fqdn> service principal must exist), check that krb5.conf maps the DNS "
    "domain to the realm, that a ticket is in the cache (klist) or a password is given, and that clocks agree "
    "within 5 minutes."
)


class Unreachable(Exception):
    """This DC could not be reached in time; the client tries the next one. ``str()`` is the reason."""


def short(exc: BaseException) -> str:
    """The first line of an exception's text (at most 300 characters), or its class name."""
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:300]


def gss_message(exc: Any) -> str:
    """The first line of a GSSError's message (major and minor status), safe on odd minor codes."""
    try:
        return exc.gen_message().splitlines()[0]
    except Exception:  # gssapi builds its message lazily and may fail on odd minor codes
        return exc.__class__.__name__


def is_certificate_failure(text: str) -> bool:
    return "CERTIFICATE_VERIFY_FAILED" in text or "certificate" in text.lower()


def certificate_error(host: str, port: int, text: str) -> GmsaError:
    """The DC's TLS certificate was refused (not trusted, or not for this host name)."""
    if "CERTIFICATE_VERIFY_FAILED" not in text and "match" in text:
        reason = "the certificate does not match the host name"
    else:
        reason = "the certificate is not trusted"
    return GmsaError(
        f"TLS to {host}:{port} failed: {reason}.",
        hint="Set ca_cert to the CA that issued the DC's certificate (or add it to the system trust store); "
        "connect by the name in the certificate; cert_validation ignore_hostname or ignore only for labs.",
        result="certificateError",
        server=host,
    )


def start_tls_refused(host: str, description: Any) -> GmsaError:
    return GmsaError(
        f"StartTLS was refused by {host}: {description}.",
        hint="Use tls_mode ldaps, or enable TLS on the DC.",
    )


def kerberos_bind_error(host: str, exc: Any) -> GmsaError:
    """The SASL GSSAPI bind failed inside GSSAPI (no service ticket for the DC, clock skew...)."""
    return GmsaError(
        f"The Kerberos bind to {host} failed: {gss_message(exc)}.",
        hint=KERBEROS_BIND_HINT,
        result="kerberos",
        server=host,
    )


def bind_error(host: str, who: str, result: dict[str, Any]) -> GmsaError:
    """The DC answered the bind with a failure result (``result`` is ldap3's result dict)."""
    code = result.get("result")
    message = (result.get("message") or "").strip()
    if code == 49:
        text = f"The DC {host} refused the bind as {who}: invalid credentials."
    elif code == 8:
        text = f"The DC {host} refused the bind as {who}: it requires strong authentication."
    else:
        text = f"The bind as {who} to {host} failed: {result.get('description')} ({code})."
    if message:
        text += f" Server says: {message}"
    return GmsaError(text, hint=RESULT_ADVICE.get(code), result=result.get("description"), result_code=code)


def operation_error(
    operation: str,
    dn: str,
    result: dict[str, Any],
    *,
    target: str | None = None,
    advice: dict[int, str] | None = None,
) -> GmsaError:
    """An LDAP operation (search, add, modify, modify DN, delete) failed with ``result`` (ldap3's result dict).

    ``target`` names where a modify DN was to put the entry; ``advice`` replaces RESULT_ADVICE as the source
    of the hint (MOVE_ADVICE for a move).
    """
    code = result.get("result")
    message = (result.get("message") or "").strip()
    text = f"LDAP {operation} of {dn}" + (f" to {target}" if target is not None else "")
    text += f" failed: {result.get('description')} ({code})."
    if message:
        text += f" Server says: {message}"
    hints = RESULT_ADVICE if advice is None else advice
    return GmsaError(text, hint=hints.get(code), result=result.get("description"), result_code=code, dn=dn)
