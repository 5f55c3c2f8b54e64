# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes objects for gMSA: the GMSACredentialSpec resource and the RBAC that lets a pod use it.

The shapes follow the CRD and integration-test manifests of kubernetes-sigs/windows-gmsa
(admission-webhook/deploy/gmsa-crd.yml: group windows.k8s.io, kind GMSACredentialSpec, cluster scoped, v1 the
storage version) and the "Configure GMSA for Windows Pods and containers" task on kubernetes.io: a ClusterRole
with verb ``use`` on the named ``gmsacredentialspecs`` and a RoleBinding of it to the pod's ServiceAccount.
The webhook refuses a pod whose ServiceAccount cannot ``use`` the credential spec it names.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from ansible.module_utils.common.yaml import HAS_LIBYAML, HAS_YAML, yaml_dump_all

if HAS_LIBYAML:  # PyYAML with libyaml, as ansible-core prefers it
    from yaml import CSafeDumper, serialize_all  # type: ignore[import-untyped]
    from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode  # type: ignore[import-untyped]

from ._credspec import CredentialSpecError, validate_credential_spec

API_GROUP = "windows.k8s.io"
API_VERSION = f"{API_GROUP}/v1"
KIND = "GMSACredentialSpec"
PLURAL = "gmsacredentialspecs"
RBAC_API_VERSION = "rbac.authorization.k8s.io/v1"

# Kubernetes apimachinery IsDNS1123Subdomain / IsDNS1123Label (pkg/util/validation).
_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = re.compile(rf"^{_LABEL}(\.{_LABEL})*$")
_LABEL_ONLY = re.compile(rf"^{_LABEL}$")
MAX_SUBDOMAIN_LENGTH = 253
MAX_LABEL_LENGTH = 63
# What a Kubernetes object name cannot hold (after lower-casing): anything but letters, digits, '-' and '.'.
_NOT_IN_NAME = re.compile(r"[^a-z0-9.-]")


def dns1123_subdomain(value: Any, what: str) -> str:
    """``value`` if it is a valid object name (lower-case DNS-1123 subdomain, at most 253 characters)."""
    if isinstance(value, str) and len(value) <= MAX_SUBDOMAIN_LENGTH and _SUBDOMAIN.match(value):
        return value
    suggestion = _suggest(value)
    raise CredentialSpecError(
        f"{what} {value!r} is not a valid Kubernetes name: it must be at most {MAX_SUBDOMAIN_LENGTH} characters "
        "of lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.",
        f"For example {suggestion!r}." if suggestion else None,
    )


def dns1123_label(value: Any, what: str) -> str:
    """``value`` if it is a valid namespace name (lower-case DNS-1123 label, at most 63 characters, no dots)."""
    if isinstance(value, str) and len(value) <= MAX_LABEL_LENGTH and _LABEL_ONLY.match(value):
        return value
    raise CredentialSpecError(
        f"{what} {value!r} is not a valid Kubernetes namespace name: it must be at most {MAX_LABEL_LENGTH} "
        "characters of lower-case letters, digits and '-', starting and ending with a letter or digit.",
    )


def default_resource_name(account: str) -> str:
    """The ``GMSACredentialSpec`` name of a gMSA when none is given: ``gmsa-<account>``, as kubernetes.io's
    "Configure GMSA for Windows Pods and containers" names its example (``gmsa-WebApp1``), made a valid object
    name (DNS-1123 subdomain): lower case, the trailing ``$`` dropped, any other character ``-``.

    ``WebApp01`` -> ``gmsa-webapp01``; ``Web_App$`` -> ``gmsa-web-app``.
    """
    bare = account[:-1] if account.endswith("$") else account
    name = ("gmsa-" + _NOT_IN_NAME.sub("-", bare.lower())).rstrip("-.")
    return dns1123_subdomain(name, f"The GMSACredentialSpec name made of account {account!r}")


def _suggest(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    fixed = re.sub(r"[^a-z0-9.-]+", "-", value.lower()).strip("-.")[:MAX_SUBDOMAIN_LENGTH].strip("-.")
    return fixed if fixed and fixed != value and _SUBDOMAIN.match(fixed) else None


def gmsa_credential_spec_resource(name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """A ``windows.k8s.io/v1`` ``GMSACredentialSpec`` named ``name`` holding ``spec`` as its ``credspec``.

    The CRD types ``HostAccountConfig.PluginInput`` as a string, so a spec whose ``PluginInput`` is an object
    (the AWS ECS form) is refused rather than changed: the plugin decides what its input means.
    """
    dns1123_subdomain(name, "GMSACredentialSpec name")
    credspec = validate_credential_spec(copy.deepcopy(dict(spec)) if isinstance(spec, Mapping) else spec)
    host = credspec["ActiveDirectoryConfig"].get("HostAccountConfig")
    if host is not None and not isinstance(host.get("PluginInput"), str):
        raise CredentialSpecError(
            "HostAccountConfig.PluginInput is an object, but the GMSACredentialSpec CRD only allows a string.",
            "Give the plugin input as the string the plugin documents for Kubernetes (for AWS, the JSON text).",
        )
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name},
        "credspec": credspec,
    }


def gmsa_rbac(
    resource_name: str,
    service_account: str,
    namespace: str,
    role_name: str | None = None,
) -> list[dict[str, Any]]:
    """A ClusterRole allowing ``use`` of one GMSACredentialSpec and a RoleBinding of it to a ServiceAccount.

    The ClusterRole is named ``role_name`` (default ``use-<resource_name>``); GMSACredentialSpecs are cluster
    scoped, so the role is a ClusterRole, and the namespaced RoleBinding ``<role>-<service_account>`` grants it
    only to that namespace's ServiceAccount.
    """
    dns1123_subdomain(resource_name, "GMSACredentialSpec name")
    dns1123_subdomain(service_account, "ServiceAccount name")
    dns1123_label(namespace, "Namespace")
    role = dns1123_subdomain(role_name if role_name is not None else f"use-{resource_name}", "ClusterRole name")
    binding = dns1123_subdomain(f"{role}-{service_account}", "RoleBinding name")
    cluster_role = {
        "apiVersion": RBAC_API_VERSION,
        "kind": "ClusterRole",
        "metadata": {"name": role},
        "rules": [
            {
                "apiGroups": [API_GROUP],
                "resources": [PLURAL],
                "verbs": ["use"],
                "resourceNames": [resource_name],
            }
        ],
    }
    role_binding = {
        "apiVersion": RBAC_API_VERSION,
        "kind": "RoleBinding",
        "metadata": {"name": binding, "namespace": namespace},
        "subjects": [{"kind": "ServiceAccount", "name": service_account, "namespace": namespace}],
        "roleRef": {"kind": "ClusterRole", "name": role, "apiGroup": "rbac.authorization.k8s.io"},
    }
    return [cluster_role, role_binding]


def manifest_documents(
    name: str, spec: Mapping[str, Any], service_account: str, namespace: str
) -> list[dict[str, Any]]:
    """The three objects of one gMSA's manifest, in apply order: the ``GMSACredentialSpec`` named ``name`` holding
    ``spec``, the ``ClusterRole`` allowing its ``use`` and the ``RoleBinding`` of that role to ``service_account``
    in ``namespace``. Raises CredentialSpecError as ``gmsa_credential_spec_resource`` and ``gmsa_rbac`` do."""
    return [gmsa_credential_spec_resource(name, spec), *gmsa_rbac(name, service_account, namespace)]


def render_manifest(documents: list[dict[str, Any]], header: str) -> str:
    """The manifest file's text: ``header`` as ``#`` comment lines, then one YAML document per object
    (``---`` before each, two-space indent, keys in the objects' order), ready for ``kubectl apply -f``.

    YAML comes from PyYAML's safe dumper (``ansible.module_utils.common.yaml``; RuntimeError without it). The
    text is deterministic: the same objects always give the same bytes, so a file compares by its text.
    """
    if not HAS_YAML:
        raise RuntimeError("PyYAML is needed to write Kubernetes manifests.")
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    nodes = _yaml_nodes(documents)
    if nodes is None:
        body = yaml_dump_all(documents, **_DUMP_OPTIONS, default_flow_style=False, sort_keys=False)
    else:
        body = serialize_all(nodes, Dumper=_ManifestDumper, **_DUMP_OPTIONS)
    return comments + body


_DUMP_OPTIONS: dict[str, Any] = {"explicit_start": True, "indent": 2, "width": 1000}
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
# Scalar tag resolutions of _ManifestDumper, by (value, implicit): pure functions of their input.
_RESOLVED: dict[tuple[str, tuple[bool, ...]], Any] = {}


class _NotPlainData(Exception):
    """A value the node builder leaves to PyYAML's representer (a number, a shared object...)."""


def _yaml_nodes(documents: list[dict[str, Any]]) -> list[Any] | None:
    """The YAML node graphs PyYAML's SafeRepresenter makes of ``documents`` (``default_flow_style=False``,
    ``sort_keys=False``), built directly, or None when a document holds anything but plain ``str``/``dict``/
    ``list`` objects used once each (then ``render_manifest`` lets ``yaml_dump_all`` represent it).

    The representer's generic dispatch and alias bookkeeping cost most of a fleet's manifests (600 manifests:
    about 1 s of a no-op run); for this data its nodes are exactly these, so the serializer and libyaml's
    emitter, which decide quoting and layout, write the same bytes (``tests/unit``: same text as
    ``yaml_dump_all``).
    """
    if not HAS_LIBYAML:
        return None
    try:
        return [_node(document, set()) for document in documents]
    except _NotPlainData:
        return None


def _node(value: Any, seen: set[int]) -> Node:
    kind = type(value)
    if kind is str:
        return ScalarNode(_STR_TAG, value)
    if kind is not dict and kind is not list:
        raise _NotPlainData
    if id(value) in seen:  # the representer would write an anchor and an alias
        raise _NotPlainData
    seen.add(id(value))
    if kind is dict:
        pairs = [(_node(key, seen), _node(item, seen)) for key, item in value.items()]
        return MappingNode(_MAP_TAG, pairs, flow_style=False)
    return SequenceNode(_SEQ_TAG, [_node(item, seen) for item in value], flow_style=False)


if HAS_LIBYAML:

    class _ManifestDumper(CSafeDumper):
        """libyaml's safe dumper whose scalar tag resolution (which decides plain or quoted) is remembered: a
        fleet's manifests repeat the same keys and values thousands of times."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not ScalarNode:
                return super().resolve(kind, value, implicit)
            key = (value, tuple(implicit))
            if key not in _RESOLVED:
                _RESOLVED[key] = super().resolve(kind, value, implicit)
            return _RESOLVED[key]
