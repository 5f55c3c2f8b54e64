# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How each orchestrator names a credential spec, and the value each one takes.

Docker resolves a credential spec reference ``<scheme>://<value>`` in three places, and each takes its own
set of schemes:

* ``docker run --security-opt credentialspec=<ref>`` (moby ``daemon/oci_windows.go``
  ``setWindowsCredentialSpec``): ``file://`` a file under ``<docker root>\\CredentialSpecs``, ``registry://``
  a value under ``HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization\\Containers\\
  CredentialSpecs``, ``raw://`` the spec's JSON itself. ``config://`` is refused there ("invalid credential
  spec security option") unless the container is a Swarm task, which only Swarm creates.
* ``docker service create --credential-spec <ref>`` (docker/cli ``cli/command/service/opts.go``
  ``credentialSpecOpt.Set``): ``file://``, ``registry://``, ``config://`` a Swarm config's name; the CLI
  compares the prefixes case-sensitively, so they are written lower case.
* compose ``credential_spec:`` (compose-spec ``05-services.md`` "credential_spec"): a mapping with one of the
  keys ``file``, ``registry``, ``config`` (the name of a config of the project).

Every function takes a reference (``<scheme>://<value>``) or, as before, a bare file name or a path inside a
``CredentialSpecs`` folder (meaning ``file://``), checks it against its orchestrator's forms and returns that
orchestrator's value; any other scheme raises CredentialSpecError listing the forms it takes.
"""

from __future__ import annotations

import re
from typing import Any

from ._credspec import CredentialSpecError, parse_credential_spec

REGISTRY_KEY = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\Containers\CredentialSpecs"

DOCKER_RUN_SCHEMES = ("file", "registry", "raw")
SWARM_SCHEMES = ("file", "registry", "config")
COMPOSE_KEYS = ("file", "registry", "config")

_WHERE = {
    "docker_run": ("docker run --security-opt credentialspec=", DOCKER_RUN_SCHEMES),
    "swarm": ("docker service create --credential-spec", SWARM_SCHEMES),
    "compose": ("A compose service's credential_spec", COMPOSE_KEYS),
}
_MEANING = {
    "file": "file:// (a file under <docker root>\\CredentialSpecs)",
    "registry": f"registry:// (a value under {REGISTRY_KEY})",
    "raw": "raw:// (the spec's JSON itself)",
    "config": "config:// (a Swarm config)",
}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://(.*)$", re.DOTALL)
# Swarm config names (swarmkit manager/controlapi: validateConfigOrSecretAnnotations): at most 64 characters
# of letters, digits, '-', '_' and '.', starting and ending with a letter or digit. Compose config keys that
# become Swarm configs follow the same rule.
_CONFIG_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$")


def split_reference(reference: Any) -> tuple[str, str]:
    """``(scheme, value)`` of a reference; a bare name or a path without a scheme is ``("file", name)``.

    The scheme is returned lower case (the Docker daemon compares it case-insensitively). Raises
    CredentialSpecError for a value that is not a non-empty string.
    """
    if not isinstance(reference, str):
        raise CredentialSpecError(
            f"Credential spec reference must be a string, got {type(reference).__name__}.",
            "Give a file name such as 'contoso_webapp01.json' or a reference such as 'config://gmsa_webapp01'.",
        )
    text = reference.strip()
    match = _SCHEME.match(text)
    if match is None:
        return "file", text
    return match[1].lower(), match[2]


def credential_spec_reference(filename_or_path: str) -> str:
    """The name Docker's ``file://`` reference takes for a credential spec file.

    Docker (and Swarm, compose) resolve ``file://<name>`` inside ``<docker root>\\CredentialSpecs`` and
    refuse absolute paths and anything outside it (moby ``daemon/oci_windows.go`` ``readCredentialSpecFile``),
    so a full path is cut down to the part after its ``CredentialSpecs`` folder; a plain file name or a
    relative path is kept. A ``file://`` prefix is accepted and dropped.
    """
    if not isinstance(filename_or_path, str):
        raise CredentialSpecError(f"Credential spec file name must be a string, got {type(filename_or_path).__name__}.")
    value = filename_or_path.strip()
    if value.lower().startswith("file://"):
        value = value[len("file://") :]
    parts = re.split(r"[\\/]", value) if value else []
    folders = [i for i, part in enumerate(parts) if part.lower() == "credentialspecs"]
    if folders:
        parts = parts[folders[-1] + 1 :]
    elif parts and (parts[0] == "" or re.match(r"^[A-Za-z]:", parts[0])):
        raise CredentialSpecError(
            f"Credential spec path {filename_or_path!r} is not inside a CredentialSpecs folder.",
            "Docker only reads credential specs from <docker root>\\CredentialSpecs: copy the file there and "
            "give its name, for example 'contoso_webapp01.json'.",
        )
    bad = [part for part in parts if part in ("", ".", "..") or '"' in part or ":" in part]
    if not parts or bad:
        raise CredentialSpecError(
            f"Credential spec file name {filename_or_path!r} does not name a file under CredentialSpecs.",
            "Give a file name such as 'contoso_webapp01.json'.",
        )
    return "/".join(parts)


def _registry_value(value: str, reference: str) -> str:
    # A registry value name: any characters but control characters; '"' would break the quoted Swarm argument.
    if not value or value != value.strip() or any(ord(c) < 32 or c == '"' for c in value):
        raise CredentialSpecError(
            f"Credential spec reference {reference!r} does not name a registry value.",
            f"Give the name of a string value under {REGISTRY_KEY}, for example 'registry://contoso_webapp01'.",
        )
    return value


def _config_name(value: str, reference: str) -> str:
    if not _CONFIG_NAME.match(value):
        raise CredentialSpecError(
            f"Credential spec reference {reference!r} does not name a Swarm config: a config name is at most 64 "
            "letters, digits, '-', '_' and '.', starting and ending with a letter or digit.",
            "Give the config's name, for example 'config://gmsa_webapp01' (docker config create gmsa_webapp01 "
            "contoso_webapp01.json).",
        )
    return value


def _raw_spec(value: str, reference: str) -> str:
    try:
        parse_credential_spec(value)
    except CredentialSpecError as exc:
        raise CredentialSpecError(
            f"Credential spec reference raw://... does not hold a usable credential spec: {exc.message}",
            exc.hint or "Give raw:// followed by the spec's JSON, or use file:// with the spec's file name.",
        ) from None
    return value


def _resolve(reference: Any, orchestrator: str) -> tuple[str, str]:
    where, schemes = _WHERE[orchestrator]
    scheme, value = split_reference(reference)
    if scheme not in schemes:
        forms = ", ".join(_MEANING[s] for s in schemes[:-1]) + " or " + _MEANING[schemes[-1]]
        why = (
            " config:// only resolves inside a Swarm task (docker service create, or a compose file deployed "
            "with docker stack deploy)."
            if scheme == "config" and orchestrator == "docker_run"
            else ""
        )
        raise CredentialSpecError(
            f"{where} does not take {scheme}:// references ({reference!r}).{why}",
            f"It takes {forms}.",
        )
    if scheme == "file":
        return scheme, credential_spec_reference(value)
    if scheme == "registry":
        return scheme, _registry_value(value, reference)
    if scheme == "config":
        return scheme, _config_name(value, reference)
    return scheme, _raw_spec(value, reference)


def security_opt(reference: str) -> str:
    """``credentialspec=<scheme>://<value>``, the ``docker run --security-opt`` value (``security_opts`` item).

    Takes ``file://`` (or a bare file name or path), ``registry://`` and ``raw://``; refuses ``config://``.
    """
    scheme, value = _resolve(reference, "docker_run")
    return f"credentialspec={scheme}://{value}"


def compose_credential_spec(reference: str) -> dict[str, str]:
    """``{"file" | "registry" | "config": <value>}``, the value of a compose service's ``credential_spec`` key.

    Takes ``file://`` (or a bare file name or path), ``registry://`` and ``config://``; refuses ``raw://``.
    """
    scheme, value = _resolve(reference, "compose")
    return {scheme: value}


def swarm_credential_spec(reference: str) -> str:
    """``--credential-spec="<scheme>://<value>"``, the ``docker service create`` argument.

    Takes ``file://`` (or a bare file name or path), ``registry://`` and ``config://``; refuses ``raw://``.
    """
    scheme, value = _resolve(reference, "swarm")
    return f'--credential-spec="{scheme}://{value}"'
