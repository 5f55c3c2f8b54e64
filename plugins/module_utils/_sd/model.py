# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The parts of a security descriptor as dataclasses: ACEs, ACLs and the descriptor ([MS-DTYP] 2.4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from .constants import ACL_REVISION_DS, SD_REVISION, SE_SELF_RELATIVE

# The order Samba's NDR code lays out the parts of a self-relative descriptor after the 20-byte header.
DEFAULT_LAYOUT: tuple[str, ...] = ("owner", "group", "sacl", "dacl")


@dataclass(frozen=True)
class Ace:
    """An ACE made of header, Mask and Sid: ACCESS_ALLOWED_ACE (2.4.4.2), ACCESS_DENIED_ACE (2.4.4.4) and alike."""

    ace_type: int
    flags: int
    mask: int
    sid: str


@dataclass(frozen=True)
class ObjectAce:
    """An object ACE (2.4.4.3): like Ace, plus optional object and inherited-object type GUIDs."""

    ace_type: int
    flags: int
    mask: int
    sid: str
    object_type: str | None = None
    inherited_object_type: str | None = None


@dataclass(frozen=True)
class RawAce:
    """An ACE this module does not interpret (callback, resource attribute, ...), kept byte for byte."""

    data: bytes

    @property
    def ace_type(self) -> int:
        return self.data[0]

    @property
    def flags(self) -> int:
        return self.data[1]


AnyAce = Union[Ace, ObjectAce, RawAce]


@dataclass
class Acl:
    """An ACL (2.4.5): its revision and its ACEs, in order."""

    revision: int = ACL_REVISION_DS
    aces: list[AnyAce] = field(default_factory=list)


@dataclass
class SecurityDescriptor:
    """A security descriptor (2.4.6).

    ``dacl``/``sacl`` are None when absent; ``control`` keeps every flag as read, and serialising sets
    SE_SELF_RELATIVE and the *_PRESENT flag of each ACL given. SE_DACL_PRESENT with ``dacl`` None is a NULL
    DACL, which grants everyone everything. ``layout`` is the order the parts sit in the buffer, so a
    descriptor laid out by another writer round-trips unchanged.
    """

    owner: str | None = None
    group: str | None = None
    dacl: Acl | None = None
    sacl: Acl | None = None
    control: int = SE_SELF_RELATIVE
    revision: int = SD_REVISION
    resource_manager_control: int = 0
    layout: tuple[str, ...] = DEFAULT_LAYOUT
