# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The instructions this collection writes, and the marker comment with a checksum above each of them.

A later run finds exactly its own lines through the markers (to keep, replace or remove them) and notices
when someone edited them by hand.
"""

from __future__ import annotations

import hashlib
import json
import re

from .model import DockerfileEditError, Instruction, ManagedInstruction
from .text import normalise, strip_newline

MARKER_TEXT = "managed by wincontainers.gmsa.dockerfile_identity"
_MARKER_RE = re.compile(r"^\s*#\s*managed by wincontainers\.gmsa\.dockerfile_identity\b(?P<rest>.*?)\s*$")
_CHECKSUM_RE = re.compile(r"^\s*\(sha256:(?P<digest>[0-9a-f]{12})\)$")

# Absolute paths because the exec (JSON) form runs no shell, so nothing expands %windir% or $env:windir.
# Every Windows container image (nanoserver, servercore, server, windows) has its system root at C:\Windows.
APPCMD = "C:\\Windows\\System32\\inetsrv\\appcmd.exe"
SC = "C:\\Windows\\System32\\sc.exe"
NETWORK_SERVICE = "NT AUTHORITY\\NETWORK SERVICE"
LOCAL_SYSTEM = "NT AUTHORITY\\SYSTEM"

USER_CHOICES = ("network_service", "local_system", "unchanged")
_USER_ACCOUNTS = {"network_service": NETWORK_SERVICE, "local_system": LOCAL_SYSTEM}

_NAME_FORBIDDEN_RE = re.compile(r"[\x00-\x1f\x7f\"]")


def checksum(instruction_text: str) -> str:
    """Short digest tying a marker to the instruction under it; any hand edit changes it."""
    return hashlib.sha256(normalise(instruction_text).encode("utf-8")).hexdigest()[:12]


def marker_for(instruction_text: str) -> str:
    return f"# {MARKER_TEXT} (sha256:{checksum(instruction_text)})"


def _exec_form(keyword: str, argv: list[str]) -> str:
    # The JSON form is parsed as JSON whatever the escape directive is, and runs argv without any shell,
    # so it behaves the same under cmd, powershell, pwsh or a SHELL inherited from the base image.
    return f"{keyword} {json.dumps(argv, ensure_ascii=False)}"


def app_pool_instruction(pool: str) -> str:
    return _exec_form("RUN", [APPCMD, "set", "apppool", pool, "/processModel.identityType:NetworkService"])


def service_instruction(service: str) -> str:
    return _exec_form("RUN", [SC, "config", service, "obj=", NETWORK_SERVICE, "password=", ""])


def user_instruction(user: str) -> str:
    # Double quotes keep the backslash literal under the default escape character too: inside quotes
    # Docker only treats the escape character as special before a quote, "$" or itself.
    return f'USER "{_USER_ACCOUNTS[user]}"'


def desired_instructions(iis_app_pools: list[str], windows_services: list[str], user: str) -> list[str]:
    """The managed instructions for a stage, in the order they are written."""
    wanted = [app_pool_instruction(pool) for pool in _unique(_checked_names(iis_app_pools, "iis_app_pools"))]
    wanted += [service_instruction(svc) for svc in _unique(_checked_names(windows_services, "windows_services"))]
    if user != "unchanged":
        wanted.append(user_instruction(user))
    return wanted


def _checked_names(names: list[str], option: str) -> list[str]:
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise DockerfileEditError(f"{option}: names must be non-empty strings, got {name!r}.")
        if _NAME_FORBIDDEN_RE.search(name):
            raise DockerfileEditError(
                f"{option}: {name!r} contains a double quote or a control character, which IIS and the "
                "Service Control Manager do not allow in names; check the spelling."
            )
        if option == "windows_services" and ("/" in name or "\\" in name):
            raise DockerfileEditError(f"{option}: {name!r} is not a valid service name (no '/' or '\\' allowed).")
    return names


def _unique(names: list[str]) -> list[str]:
    # IIS app pool and service names are case-insensitive; keep the first spelling.
    seen: set[str] = set()
    result = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    return result


def find_managed(
    lines: list[str], instructions: list[Instruction], comment_lines: set[int]
) -> list[ManagedInstruction]:
    """Each marker comment outside an instruction, with the instruction directly under it and whether it is intact."""
    starting_at = {item.startline: item for item in instructions}
    inside = set()
    for item in instructions:
        inside.update(range(item.startline + 1, item.endline + 1))
    found = []
    for number in sorted(comment_lines - inside):
        match = _MARKER_RE.match(strip_newline(lines[number]))
        if not match:
            continue
        item = starting_at.get(number + 1)
        if item is None or item.keyword == "FROM":
            found.append(ManagedInstruction(number, None, False))
            continue
        digest = _CHECKSUM_RE.match(match.group("rest"))
        intact = bool(digest) and digest.group("digest") == checksum(item.content)
        found.append(ManagedInstruction(number, item, intact))
    return found
