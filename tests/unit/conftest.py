"""Make ``ansible_collections.wincontainers.gmsa`` importable for plain ``pytest``; fixtures every test may use.

ansible-test runs the unit tests from a checkout under ``ansible_collections/wincontainers/gmsa``; a plain
``pytest`` run from the repository root does not, so this builds that path once, as a symlink in a
cache folder, and puts it first on ``sys.path``.

Shared fixtures live in conftest.py files, nearest the tests that use them: ``contoso`` (the domain of the
published credential spec example) here, the module harness (``run``, ``fail``, ``warnings``) in
``plugins/modules/conftest.py``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import DomainIdentity

ROOT = Path(__file__).resolve().parents[2]


def _collection_root() -> Path:
    parts = ROOT.parts
    if len(parts) >= 3 and parts[-3] == "ansible_collections":
        return ROOT.parents[2]
    base = ROOT / ".cache" / "collections"
    link = base / "ansible_collections" / "wincontainers" / "gmsa"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        with contextlib.suppress(FileExistsError):
            os.symlink(ROOT, link)
    return base


_path = str(_collection_root())
if _path not in sys.path:
    sys.path.insert(0, _path)


@pytest.fixture(scope="session")
def contoso() -> DomainIdentity:
    """The domain of Microsoft's published credential spec example (``data/credspecs/microsoft-docs_*.json``):
    contoso.com, NetBIOS CONTOSO, a single-domain forest. The one CONTOSO of the unit tests."""
    from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import DomainIdentity

    return DomainIdentity(
        dns_name="contoso.com",
        netbios_name="CONTOSO",
        sid="S-1-5-21-702590844-1001920913-2680819671",
        guid="56d9b66c-d746-4f87-bd26-26760cfdca2e",
        forest_dns_name="contoso.com",
    )
