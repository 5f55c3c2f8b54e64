# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dockerfile text as Docker reads it: lines split on LF only, their endings, the byte order mark."""

from __future__ import annotations

import re

BOM = "\ufeff"


def normalise(text: str) -> str:
    """The text with trailing blanks and surrounding blank lines removed, LF line ends: what a checksum covers."""
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on LF only, as Docker and dockerfile-parse count them."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def newline_of(lines: list[str]) -> str:
    """The line ending the file uses (that of its first ended line), LF when none is ended."""
    for line in lines:
        if line.endswith("\n"):
            return "\r\n" if line.endswith("\r\n") else "\n"
    return "\n"


def strip_newline(line: str) -> str:
    """``line`` without its LF or CRLF ending."""
    return line[:-2] if line.endswith("\r\n") else line.removesuffix("\n")
