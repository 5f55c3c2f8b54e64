# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The third-party libraries of the LDAP layer, imported once and guarded.

A module must load (and fail with ``missing_required_lib``) on a machine without them, and ansible-test's
import sanity test imports every file without them: so each import is tried here, and the rest of the package
takes the names from this file.

ldap3 is imported with this file: every module binds with it. gssapi and dnspython are imported on first use
(:func:`load_gssapi`, :func:`load_dns`): only a Kerberos bind, DC discovery (no ``server`` given) and gmsa_check's
Kerberos proof need them, and importing them costs every module call that does not (gssapi loads libkrb5, about
25 ms; dnspython about 50 ms, measured on the project's test machine). A simple bind with a password imports neither.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from typing import Any

__all__ = [
    "GSSAPI_INSTALL_HINT",
    "LDAP3_IMPORT_ERROR",
    "escape_filter_chars",
    "escape_rdn",
    "gssapi_failure",
    "gssapi_import_error",
    "is_gss_error",
    "ldap3",
    "ldap3_exceptions",
    "library_versions",
    "load_dns",
    "load_gssapi",
    "missing_libraries",
    "parse_dn",
]

LDAP3_IMPORT_ERROR: str | None
try:
    import ldap3
    from ldap3.core import exceptions as ldap3_exceptions
    from ldap3.utils.conv import escape_filter_chars
    from ldap3.utils.dn import escape_rdn, parse_dn
except ImportError:
    ldap3 = None
    ldap3_exceptions = None
    escape_filter_chars = escape_rdn = parse_dn = None
    LDAP3_IMPORT_ERROR = traceback.format_exc()
else:
    LDAP3_IMPORT_ERROR = None

# What to do when gssapi is missing or does not load (:func:`gssapi_failure` says which).
GSSAPI_INSTALL_HINT = (
    "pip install gssapi (it needs the Kerberos development headers, libkrb5-dev, to build and the Kerberos "
    "libraries, libgssapi-krb5-2, to load)."
)

# Optional library -> (the package, or None; the ImportError of its failed import, or None), once per process.
_OPTIONAL: dict[str, tuple[Any, ImportError | None]] = {}


def _import_optional(package: str, *modules: str) -> tuple[Any, ImportError | None]:
    """``package`` (after importing ``modules``, its submodules the collection uses), imported on the first call,
    and the ImportError when that failed; later calls return the first answer."""
    if package not in _OPTIONAL:
        try:
            for name in modules or (package,):
                importlib.import_module(name)
        except ImportError as exc:
            _OPTIONAL[package] = (None, exc)
        else:
            _OPTIONAL[package] = (sys.modules[package], None)
    return _OPTIONAL[package]


def load_gssapi() -> Any:
    """The gssapi package, imported on the first call; None when it is not installed or does not load (its
    libkrb5 missing: :func:`gssapi_import_error` tells why)."""
    return _import_optional("gssapi")[0]


def gssapi_import_error() -> ImportError | None:
    """Why gssapi does not import (importing it if not tried yet); None when it loads."""
    return _import_optional("gssapi")[1]


def gssapi_failure() -> str:
    """Why gssapi is not there, as the end of a sentence: "is not installed", or "does not load (<why>)" when it is
    installed but its Kerberos libraries are missing. Only meaningful when :func:`load_gssapi` returned None."""
    error = gssapi_import_error()
    if error is None or (isinstance(error, ModuleNotFoundError) and error.name == "gssapi"):
        return "is not installed"
    return f"does not load ({error})"


def load_dns() -> Any:
    """The dns package (dnspython) with ``dns.resolver`` and ``dns.exception``, imported on the first call; None
    when it is not installed."""
    return _import_optional("dns", "dns.exception", "dns.resolver")[0]


def is_gss_error(exc: BaseException) -> bool:
    """Whether ``exc`` is gssapi's GSSError, without importing gssapi: only a loaded gssapi raises one, so when it
    is not in ``sys.modules`` (a simple bind) the answer is False at no cost."""
    gssapi = sys.modules.get("gssapi")
    error = getattr(getattr(gssapi, "exceptions", None), "GSSError", None)
    return error is not None and isinstance(exc, error)


def missing_libraries() -> list[tuple[str, str]]:
    """(library, traceback) pairs for required libraries that failed to import (dnspython and gssapi are optional,
    and not imported here)."""
    missing = []
    if LDAP3_IMPORT_ERROR:
        missing.append(("ldap3", LDAP3_IMPORT_ERROR))
    return missing


def _installed_version(distribution: str) -> str | None:
    """The version pip installed of ``distribution`` (for a package without ``__version__``), None if unknown."""
    from importlib import metadata  # only gmsa_domain_info asks: not every module call pays for it

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def library_versions() -> dict[str, str | None]:
    """Versions of the libraries the collection uses, for diagnostics (None when missing or not loading).

    Imports gssapi and dnspython, to tell whether they load: a diagnostics call (gmsa_domain_info), not one for
    every module. gssapi has no ``__version__``; its version is the installed distribution's.
    """
    versions: dict[str, str | None] = {}
    module: Any
    for name, module in (("ldap3", ldap3), ("dnspython", load_dns()), ("gssapi", load_gssapi())):
        version = None
        if module is not None:
            version = getattr(module, "__version__", None) or getattr(getattr(module, "version", None), "VERSION", None)
            version = version or _installed_version(name)
        versions[name] = str(version) if version else (None if module is None else "unknown")
    return versions
