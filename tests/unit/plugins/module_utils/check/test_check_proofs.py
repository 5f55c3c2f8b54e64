# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of the proofs: the password blob, the Kerberos secret, the target SPN."""

from __future__ import annotations

import struct
import sys
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.proofs import (
    current_password,
    kerberos_secret,
    proof_target_spn,
    prove_kerberos,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import libraries
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.check.facts import (
    gmsa,
)


def password_blob(password: bytes, previous: bytes | None = None) -> bytes:
    current_at = 16
    after_current = current_at + len(password) + 2
    previous_at = after_current if previous else 0
    query_at = after_current + (len(previous) + 2 if previous else 0)
    body = password + b"\0\0" + ((previous + b"\0\0") if previous else b"")
    intervals = struct.pack("<QQ", 1, 2)
    length = 16 + len(body) + len(intervals)
    header = struct.pack("<HHIHHHH", 1, 0, length, current_at, previous_at, query_at, query_at + 8)
    return header + body + intervals


def test_current_password_by_offsets_not_nul():
    secret = bytes(range(256))  # holds NUL bytes, as real passwords do
    assert current_password(password_blob(secret)) == secret
    assert current_password(password_blob(secret, previous=b"\x01" * 256)) == secret


def test_current_password_rejects_garbage():
    with pytest.raises(ValueError):
        current_password(b"\x01\x00")
    with pytest.raises(ValueError):
        current_password(struct.pack("<HHIHHHH", 1, 0, 16, 8, 0, 0, 0))


def test_kerberos_secret_replaces_invalid_utf16():
    assert kerberos_secret("pässword".encode("utf-16-le")) == "pässword".encode()
    assert kerberos_secret(b"\x00\xd8a\x00") == "\ufffda".encode()


def test_proof_target_spn():
    assert proof_target_spn(gmsa()) == "host/webapp01.contoso.com"
    assert proof_target_spn(gmsa(spns=("http/web",))) == "http/web"
    assert proof_target_spn(gmsa(spns=())) is None


class _BrokenGssapi:
    """gssapi installed but its Kerberos library missing: the import fails as the dynamic loader makes it fail."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname == "gssapi":
            raise ImportError("libgssapi_krb5.so.2: cannot open shared object file: No such file or directory")


def test_kerberos_proof_without_a_loading_gssapi_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libraries, "_OPTIONAL", {})
    monkeypatch.delitem(sys.modules, "gssapi", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_BrokenGssapi(), *sys.meta_path])
    finding = prove_kerberos(gmsa(), "CONTOSO.COM", b"retrieved password")
    assert (finding.id, finding.status) == ("gmsa_kerberos", "error")
    assert finding.message == (
        "The Kerberos proof needs the gssapi Python library, which does not load (libgssapi_krb5.so.2: cannot open "
        "shared object file: No such file or directory)."
    )
    assert "pip install gssapi" in finding.remediation
