# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The third-party libraries of the LDAP layer, imported once and guarded.

A module must load (and fail with ``missing_required_lib``) on a machine without them, and ansible-test's
import sanity test imports every file without them: so each import is tried here, and the rest of the package
takes the names from this file.
"""

from __future__ import annotations

import traceback
from typing import Any

__all__ = [
    "DNSPYTHON_IMPORT_ERROR",
    "GSSAPI_IMPORT_ERROR",
    "LDAP3_IMPORT_ERROR",
    "dns",
    "escape_filter_chars",
    "escape_rdn",
    "gssapi",
    "ldap3",
    "ldap3_exceptions",
    "library_versions",
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


def missing_libraries() -> list[tuple[str, str]]:
    """(library, traceback) pairs for required libraries that failed to import (dnspython and gssapi are optional)."""
    missing = []
    if LDAP3_IMPORT_ERROR:
        missing.append(("ldap3", LDAP3_IMPORT_ERROR))
    return missing


def library_versions() -> dict[str, str | None]:
    """Versions of the libraries the collection uses, for diagnostics (None when missing)."""
    versions: dict[str, str | None] = {}
    module: Any
    for name, module in (("ldap3", ldap3), ("dnspython", dns), ("gssapi", gssapi)):
        version = None
        if module is not None:
            version = getattr(module, "__version__", None) or getattr(getattr(module, "version", None), "VERSION", None)
        versions[name] = str(version) if version else (None if module is None else "unknown")
    return versions
