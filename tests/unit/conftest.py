"""Make ``ansible_collections.wincontainers.gmsa`` importable for plain ``pytest``; fixtures every test may use.

ansible-test runs the unit tests from a checkout under ``ansible_collections/wincontainers/gmsa``; a plain
``pytest`` run from the repository root does not, so this builds that path once, as a symlink in a
cache folder, and puts it first on ``sys.path``.

Shared fixtures live in conftest.py files, nearest the tests that use them: ``contoso`` (the domain of the
published credential spec example) here, the module harness (``run``, ``fail``, ``warnings``) in
``plugins/modules/conftest.py``; ``load_script`` for the project's scripts that are not in the collection's
import path (the lab probe, the integration runner, the integration tests' AD reader).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Callable

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


@pytest.fixture(scope="session")
def load_script() -> Callable[[str], ModuleType]:
    """Loads a Python file of this repository by its path from the repository root (``"tests/integration/run.py"``)
    as a module, once per session; a fresh module object per path, not registered in ``sys.modules``."""
    loaded: dict[str, ModuleType] = {}

    def load(relative_path: str) -> ModuleType:
        if relative_path not in loaded:
            path = ROOT / relative_path
            spec = importlib.util.spec_from_file_location(path.stem, path)
            assert spec is not None and spec.loader is not None, path
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            loaded[relative_path] = module
        return loaded[relative_path]

    return load
