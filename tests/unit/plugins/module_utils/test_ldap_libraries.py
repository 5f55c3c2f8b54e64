# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The optional libraries (gssapi, dnspython) are imported only when a Kerberos bind or DC discovery asks.

What a fresh interpreter imports is checked in a subprocess: this test process has loaded gssapi long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.abc import MetaPathFinder
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import (
    KerberosPasswordCredential,
    TicketCacheCredential,
    is_gss_error,
    libraries,
    library_versions,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.connection import _Deadline, _translate

COLLECTION_ROOT = str(sys.modules["ansible_collections"].__path__[0]).rsplit("/ansible_collections", 1)[0]

# Imports every module and module_utils file, makes a simple bind's arguments and classifies a non-Kerberos
# failure as connection.py does, then prints which optional libraries got loaded.
_FRESH_PROCESS = """
import importlib, json, pkgutil, sys
import ansible_collections.wincontainers.gmsa.plugins.modules as modules
import ansible_collections.wincontainers.gmsa.plugins.module_utils as module_utils
for info in pkgutil.iter_modules(modules.__path__):
    importlib.import_module(modules.__name__ + "." + info.name)
for info in pkgutil.walk_packages(module_utils.__path__, module_utils.__name__ + "."):
    importlib.import_module(info.name)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import PasswordCredential, is_gss_error
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.connection import _Deadline, _translate
PasswordCredential("admin@contoso.com", "secret").bind_arguments()
assert not is_gss_error(OSError("refused"))
_translate(ConnectionRefusedError("refused"), "dc1", 636, "TCP connect", _Deadline(1))
print(json.dumps([name for name in ("gssapi", "dns", "dns.resolver") if name in sys.modules]))
"""


def test_a_module_call_with_a_simple_bind_imports_neither_gssapi_nor_dnspython() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": COLLECTION_ROOT, "PATH": "/usr/bin:/bin"},
        cwd="/",
    )
    assert json.loads(done.stdout) == []


@pytest.fixture
def untried(monkeypatch: pytest.MonkeyPatch) -> None:
    """The optional imports not tried yet in this process (as in a fresh module run)."""
    monkeypatch.setattr(libraries, "_OPTIONAL", {})


def test_kerberos_without_gssapi_installed_says_so(untried: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gssapi", None)  # import gssapi: ModuleNotFoundError, as when not installed
    with pytest.raises(GmsaError) as raised:
        TicketCacheCredential().bind_arguments()
    assert raised.value.message == "auth_protocol kerberos needs the gssapi Python library, which is not installed."
    assert "pip install gssapi" in (raised.value.hint or "")


class _BrokenGssapi(MetaPathFinder):
    """gssapi installed but its Kerberos library missing: the import fails as the dynamic loader makes it fail."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname == "gssapi":
            raise ImportError("libgssapi_krb5.so.2: cannot open shared object file: No such file or directory")


def test_kerberos_with_a_gssapi_that_does_not_load_says_why(untried: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "gssapi", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_BrokenGssapi(), *sys.meta_path])
    secret = "S3cret-Never-Shown"
    with pytest.raises(GmsaError) as raised:
        KerberosPasswordCredential("admin@CONTOSO.COM", secret).bind_arguments()
    assert raised.value.message == (
        "auth_protocol kerberos needs the gssapi Python library, which does not load (libgssapi_krb5.so.2: cannot "
        "open shared object file: No such file or directory)."
    )
    assert secret not in str(raised.value)
    # Asked once per process: the second credential gets the same answer without trying again.
    assert libraries._OPTIONAL["gssapi"][0] is None
    with pytest.raises(GmsaError, match="does not load"):
        TicketCacheCredential().bind_arguments()


def test_a_gss_error_is_told_from_other_failures() -> None:
    import gssapi

    failure = gssapi.exceptions.GSSError(851968, 2529639053)
    assert is_gss_error(failure)
    assert not is_gss_error(OSError("refused"))
    translated = _translate(failure, "dc1.contoso.com", 636, "bind", _Deadline(1))
    assert isinstance(translated, GmsaError) and "dc1.contoso.com" in translated.message


def test_library_versions_name_gssapis_installed_version() -> None:
    # gssapi has no __version__: it read "unknown" before.
    versions = library_versions()
    assert set(versions) == {"ldap3", "dnspython", "gssapi"}
    assert all(version and version[0].isdigit() for version in versions.values()), versions
