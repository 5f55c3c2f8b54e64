# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who binds, and how: one credential object per way of binding, handed to :class:`LdapClient`.

A credential knows the principal it binds as (for messages; never a secret) and gives the bind arguments of
``ldap3.Connection``. Kerberos credentials are acquired once (from the password, the ticket cache or a keytab)
and reused for every DC the client tries. To bind another way, write another credential: the client does not
change, and nobody subclasses it.

Bind paths: a simple bind with a password (RFC 4513 5.1.3, over TLS only), and SASL GSSAPI (RFC 4752) with
Kerberos credentials from the ticket cache, from a password, or from a client keytab. gssapi is imported by the
first Kerberos credential that binds (``libraries.load_gssapi``), never for a simple bind.
"""

from __future__ import annotations

import os
import uuid
from abc import ABC, abstractmethod
from typing import Any

from .._errors import GmsaError
from .errors import gss_message
from .libraries import GSSAPI_INSTALL_HINT, gssapi_failure, ldap3, load_gssapi
from .options import ConnectionOptions


class Credential(ABC):
    """How a client binds. ``auth_protocol`` is V(simple) or V(kerberos), as the option of that name."""

    auth_protocol = "simple"

    @property
    @abstractmethod
    def principal(self) -> str:
        """Who binds, as the error messages name them (never a secret)."""

    @abstractmethod
    def bind_arguments(self) -> dict[str, Any]:
        """Keyword arguments of ``ldap3.Connection`` that make it bind with this credential.

        Raises GmsaError when the credential cannot be had (gssapi missing, the KDC refuses the password, a keytab
        without the principal's keys).
        """

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(principal={self.principal!r})"


class PasswordCredential(Credential):
    """A simple bind with a user name (UPN, ``DOMAIN\\user`` or DN) and its password."""

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        self._password = password

    @property
    def principal(self) -> str:
        return self.username

    def bind_arguments(self) -> dict[str, Any]:
        return {"authentication": ldap3.SIMPLE, "user": self.username, "password": self._password}


class _KerberosCredential(Credential):
    """SASL GSSAPI with credentials acquired once by :meth:`_acquire` (None: the default ticket cache)."""

    auth_protocol = "kerberos"
    # What the message names when gssapi is missing.
    purpose = "auth_protocol kerberos"

    def __init__(self) -> None:
        self._creds: Any = None
        self._acquired = False

    @abstractmethod
    def _acquire(self, gssapi: Any) -> Any:
        """GSS credentials, or None to let GSSAPI use the default ticket cache (``gssapi``: the loaded package)."""

    def bind_arguments(self) -> dict[str, Any]:
        gssapi = load_gssapi()
        if gssapi is None:
            raise GmsaError(
                f"{self.purpose} needs the gssapi Python library, which {gssapi_failure()}.",
                hint=GSSAPI_INSTALL_HINT,
            )
        if not self._acquired:
            self._creds = self._acquire(gssapi)
            self._acquired = True
        arguments: dict[str, Any] = {"authentication": ldap3.SASL, "sasl_mechanism": ldap3.KERBEROS}
        if self._creds is not None:
            # (service host override, authorization id, GSS credentials): ldap3's sasl_gssapi.
            arguments["sasl_credentials"] = (None, None, self._creds)
        return arguments


class TicketCacheCredential(_KerberosCredential):
    """Kerberos from a ticket cache: ``ccache`` (``FILE:/path``, ``KEYRING:...``) or KRB5CCNAME or the default."""

    def __init__(self, ccache: str | None = None) -> None:
        super().__init__()
        self.ccache = ccache

    @property
    def principal(self) -> str:
        return "the Kerberos ticket's principal"

    def _acquire(self, gssapi: Any) -> Any:
        if not self.ccache:
            return None
        try:
            return gssapi.raw.acquire_cred_from({b"ccache": self.ccache.encode()}, usage="initiate").creds
        except gssapi.exceptions.GSSError as exc:
            raise GmsaError(
                f"No Kerberos ticket in the cache {self.ccache}: {gss_message(exc)}.",
                hint="Get one with kinit, or give username and password.",
                result="kerberos",
            ) from None


class KerberosPasswordCredential(_KerberosCredential):
    """Kerberos with a password: a TGT for ``username`` (user@REALM) is requested from the KDC, in memory."""

    def __init__(self, username: str, password: str) -> None:
        super().__init__()
        self.username = username
        self._password = password

    @property
    def principal(self) -> str:
        return self.username

    def _acquire(self, gssapi: Any) -> Any:
        try:
            name = gssapi.Name(self.username, gssapi.NameType.user)
            return gssapi.raw.acquire_cred_with_password(name, self._password.encode("utf-8"), usage="initiate").creds
        except gssapi.exceptions.GSSError as exc:
            raise GmsaError(
                f"Kerberos refused the credentials of {self.username}: {gss_message(exc)}.",
                hint="Check username (user@REALM) and password, the realm's KDC in krb5.conf, and clock skew.",
                result="kerberos",
            ) from None


class KeytabCredential(_KerberosCredential):
    """Kerberos with the keys of ``principal`` from the client keytab at ``keytab`` (a host's, say).

    The tickets go to a private in-memory cache: they never land in the user's ticket cache or on disk.
    """

    purpose = "A Kerberos bind with a keytab"

    def __init__(self, principal: str, keytab: str) -> None:
        super().__init__()
        self._principal = principal
        self.keytab = keytab

    @property
    def principal(self) -> str:
        return self._principal

    def _acquire(self, gssapi: Any) -> Any:
        if not os.path.isfile(self.keytab) or not os.access(self.keytab, os.R_OK):
            # Checked here: MIT Kerberos would only say it found no key for the principal.
            what = "is not a readable file" if os.path.exists(self.keytab) else "does not exist"
            raise GmsaError(
                f"The keytab {self.keytab} {what} on the machine this task runs on.",
                hint="Give the path of a keytab there (the controller or the execution environment), exported with "
                "ktpass or samba-tool domain exportkeytab, readable by the user Ansible runs as.",
                result="kerberos",
            )
        store = {
            b"client_keytab": self.keytab.encode(),
            b"ccache": f"MEMORY:gmsa_{uuid.uuid4().hex}".encode(),
        }
        try:
            name = gssapi.Name(self._principal, gssapi.NameType.user)
            return gssapi.raw.acquire_cred_from(store, name, usage="initiate").creds
        except gssapi.exceptions.GSSError as exc:
            raise GmsaError(
                f"No Kerberos credentials for {self._principal} from the keytab: {gss_message(exc)}.",
                hint="Check that the keytab holds the principal's current keys (klist -k).",
                result="kerberos",
            ) from None


def credential_from_options(options: ConnectionOptions) -> Credential:
    """The credential the connection options name: simple, Kerberos with a password, or the ticket cache."""
    if options.auth_protocol == "kerberos":
        if options.password:
            return KerberosPasswordCredential(options.username or "", options.password)
        return TicketCacheCredential()
    return PasswordCredential(options.username or "", options.password or "")
