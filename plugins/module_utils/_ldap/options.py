# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every LDAP module shares: the argument spec and its validated value object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.basic import env_fallback

from .._errors import ValidationError

TLS_MODES = ("ldaps", "start_tls")
CERT_VALIDATION = ("always", "ignore_hostname", "ignore")
AUTH_PROTOCOLS = ("simple", "kerberos")
DEFAULT_PORTS = {"ldaps": 636, "start_tls": 389}


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
        "write_server": {"type": "str", "fallback": env("write_server")},
    }


@dataclass(frozen=True)
class ConnectionOptions:
    """The validated connection options of one task (the password never appears in ``repr``).

    ``connection_timeout`` (seconds) bounds the TCP connect, the TLS handshake and the bind to each DC together.
    ``write_server`` is the DC that creates objects (None: the PDC emulator, see ``write_server.py``).
    """

    server: tuple[str, ...] = ()
    port: int | None = None
    tls_mode: str = "ldaps"
    cert_validation: str = "always"
    ca_cert: str | None = None
    auth_protocol: str = "simple"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    connection_timeout: int = 10
    write_server: str | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ConnectionOptions:
        """From a module's params (missing keys take their defaults); raises ValidationError on bad values."""
        values = {name: params.get(name) for name in connection_argument_spec()}
        values["server"] = tuple(s.strip() for s in (values["server"] or ()) if s and s.strip())
        values["write_server"] = (values["write_server"] or "").strip() or None
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
        if self.auth_protocol == "kerberos" and self.password and not self.username:
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
