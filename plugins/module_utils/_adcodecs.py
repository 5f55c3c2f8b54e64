# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How an option's value maps to an attribute's LDAP values and back: the codecs of the attribute table.

A :class:`Codec` is two pure functions over one attribute's raw values (``list[bytes]``, as ``Entry.values``
gives them):

* ``decode(values) -> option value``: what the option reads as now;
* ``encode(value, current) -> values to write``: ``current`` is the attribute's values as they will be before
  this write (the entry's, or what an earlier row of the same plan wrote), so a codec can keep what its option
  does not manage: other ``userAccountControl`` bits, unknown encryption-type bits, foreign ACEs.

An empty list from ``encode`` clears the attribute (an LDAP replace with no values, RFC 4511 4.6).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Callable

from ._ldap import dn_key
from ._sd import allowed_sids, set_allowed_sids


@dataclass(frozen=True)
class Codec:
    """``decode(values) -> value`` and ``encode(value, current values) -> values to write``."""

    decode: Callable[[list[bytes]], Any]
    encode: Callable[[Any, list[bytes]], list[Any]]


def _first_text(values: list[bytes]) -> str | None:
    return values[0].decode("utf-8") if values else None


def _first_int(values: list[bytes]) -> int | None:
    return int(values[0]) if values else None


TEXT = Codec(_first_text, lambda value, _current: [value] if value else [])
"""A single-valued string; an empty string or None clears it."""

INTEGER = Codec(_first_int, lambda value, _current: [str(value)])
"""A single-valued integer (LDAP integers travel as decimal strings, RFC 4517 3.3.16)."""

TEXTS = Codec(lambda values: [v.decode("utf-8") for v in values], lambda value, _current: list(value))
"""A multi-valued string attribute, values in order."""


def flag(bit: int, inverted: bool = False) -> Codec:
    """A bool that is one bit of an integer attribute (``inverted``: the bit set means False).

    The other bits stay as ``current`` has them; a new object starts from the kind's create attributes.
    """

    def decode(values: list[bytes]) -> bool:
        return bool((_first_int(values) or 0) & bit) != inverted

    def encode(value: bool, current: list[bytes]) -> list[str]:
        number = _first_int(current) or 0
        number = number | bit if bool(value) != inverted else number & ~bit
        return [str(number)]

    return Codec(decode, encode)


def bit_names(bits: Mapping[str, int]) -> Codec:
    """A list of names, each one bit of an integer attribute; bits no name stands for are kept."""
    managed = sum(bits.values())

    def decode(values: list[bytes]) -> list[str]:
        number = _first_int(values) or 0
        return [name for name, bit in bits.items() if number & bit]

    def encode(names: list[str], current: list[bytes]) -> list[str]:
        unmanaged = (_first_int(current) or 0) & ~managed
        return [str(unmanaged | sum(bits[name] for name in dict.fromkeys(names)))]

    return Codec(decode, encode)


def _descriptor_sids(values: list[bytes]) -> list[str]:
    try:
        return allowed_sids(values[0] if values else None)
    except ValueError:
        # No DACL or a NULL DACL: everyone is allowed. Reported as such; any set replaces it.
        return ["S-1-1-0"]


SID_DESCRIPTOR = Codec(
    _descriptor_sids, lambda sids, current: [set_allowed_sids(current[0] if current else None, sids)]
)
"""A security descriptor read as the SIDs its managed allow ACEs name (``_sd.allowed_sids``): the form of
msDS-GroupMSAMembership and msDS-AllowedToActOnBehalfOfOtherIdentity (``O:BAD:(A;;0xf01ff;;;<sid>)...``,
MS-ADTS 3.1.1.5.3.1 / MS-SFU 3.2.5.2.3). Other ACEs, the owner and the control flags are kept."""


# -- comparisons (current, wanted) -> same? ---------------------------------------------------------------


def same_text(a: str | None, b: str | None) -> bool:
    """Equal strings, None and "" being the same (an empty value is no value in LDAP)."""
    return (a or "") == (b or "")


def same_text_ci(a: str | None, b: str | None) -> bool:
    """As same_text, ignoring case (DNS names)."""
    return (a or "").lower() == (b or "").lower()


def same_dn(a: str | None, b: str | None) -> bool:
    """The same DN (``dn_key``: case, escapes and spaces around separators ignored), None and "" being the same."""
    return dn_key(a) == dn_key(b)


def same_set(a: list[Any] | None, b: list[Any] | None) -> bool:
    """The same values, order and repeats ignored."""
    return set(a or []) == set(b or [])


def same_set_by(key: Callable[[Any], Hashable]) -> Callable[[Any, Any], bool]:
    """As same_set, through ``key`` (``str.lower`` for SPNs and DNs)."""
    return lambda a, b: {key(v) for v in a or []} == {key(v) for v in b or []}
