"""Offline stand-in for the get-pip.py that ansible-test downloads.

ansible-test bootstraps pip into each sanity-test virtual environment by running
``~/.ansible/test/cache/get_pip_<version>.py`` as ``__main__``, downloading it first from
ci-files.testing.ansible.com when it is not cached. That host is unreachable from our
machines, so scripts/sanity.sh copies this file into the cache under the expected name.

It is called with get-pip's arguments, for example
``--disable-pip-version-check pip==25.2 --no-setuptools --no-wheel``. It installs the pip
bundled with this Python (ensurepip, no network), then lets that pip install the requested
version from PyPI, which is reachable. ``--no-setuptools`` and ``--no-wheel`` are get-pip's
own options that pip does not know; leaving them out gives the same result, because pip
alone never installs setuptools or wheel.
"""

from __future__ import annotations

import ensurepip
import importlib
import sys

GET_PIP_ONLY_OPTIONS = frozenset({"--no-setuptools", "--no-wheel"})


def pip_install_arguments(argv: list[str]) -> list[str]:
    """Return the pip command line for get-pip's arguments."""
    return ["install", "--upgrade"] + [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]


def main() -> int:
    """Bootstrap the bundled pip, then install the pip version ansible-test asked for."""
    ensurepip.bootstrap(upgrade=True)
    # ensurepip installed pip after this interpreter cached the contents of site-packages.
    importlib.invalidate_caches()
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel

    return pip_main(pip_install_arguments(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
