"""Make ``ansible_collections.wincontainers.gmsa`` importable for plain ``pytest``.

ansible-test runs the unit tests from a checkout under ``ansible_collections/wincontainers/gmsa``; a plain
``pytest`` run from the repository root does not, so this builds that path once, as a symlink in a
cache folder, and puts it first on ``sys.path``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

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
