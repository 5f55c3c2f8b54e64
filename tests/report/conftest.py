"""Options of the browser test of the HTML report."""

from __future__ import annotations


def pytest_addoption(parser):
    parser.addoption("--keep", action="store_true", help="print where the report's screenshot was written")
