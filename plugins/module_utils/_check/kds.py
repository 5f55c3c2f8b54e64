# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The forest's KDS root key, and the key a gMSA's password derives from (MS-GKDI)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .._kds import RootKey, iso, preferred_key
from .findings import ERROR, WARNING, Finding, ok

# Who may read a root key's attributes (its times): everyone else may list the keys, not read them.
READ_ROOT_KEYS = "Domain Admins or Enterprise Admins (or SYSTEM), the only accounts that may read root keys"


def evaluate_kds(keys: Sequence[RootKey], now: datetime, unreadable: Sequence[str] = ()) -> Finding:
    """``kds_root_key``: a root key is usable at ``now`` (``_kds.USABLE_AFTER`` after its start time), or when
    one will be. ``unreadable`` are the ids of keys the bind account may list but not read
    (``_kds.unreadable_root_key_ids``): with no readable key, whether one is usable cannot be told."""
    key = preferred_key(list(keys), now)
    if key is None and unreadable:
        return Finding(
            "kds_root_key",
            WARNING,
            f"Cannot tell whether a KDS root key is usable: the forest has {len(unreadable)} root key(s) "
            f"({', '.join(unreadable)}), but the bind account may only list them, not read their times (needs "
            f"{READ_ROOT_KEYS}).",
            "Run gmsa_check bound as a Domain Admin to check the key's times, or read them with Get-KdsRootKey; "
            "the other checks do not need it.",
        )
    if key is None:
        return Finding(
            "kds_root_key",
            ERROR,
            "The forest has no KDS root key (or the bind account cannot read CN=Master Root Keys), so no DC can "
            "derive gMSA passwords.",
            "Create one with wincontainers.gmsa.gmsa_kds_root_key (Add-KdsRootKey -EffectiveImmediately on "
            "Windows) and wait 10 hours for it to replicate before creating gMSAs; in a single-DC lab, "
            "effective_time_hours: 0 makes it usable at once.",
        )
    if not key.usable_at(now):
        left = key.usable_time - now
        hours, minutes = divmod(int(left.total_seconds()) // 60, 60)
        return Finding(
            "kds_root_key",
            ERROR,
            f"No KDS root key is usable yet: key {key.key_id} becomes usable at {iso(key.usable_time)} "
            f"(in {hours} h {minutes} min), 10 hours after its start time so that it reaches every DC.",
            f"Wait until {iso(key.usable_time)} before creating gMSAs or starting containers. Only in a single-DC "
            "lab, create a key that is usable at once (gmsa_kds_root_key effective_time_hours: 0).",
        )
    return ok("kds_root_key", f"KDS root key {key.key_id} is usable since {iso(key.usable_time)}.")


def evaluate_password_key(
    gmsa_name: str, key_id: str | None, keys: Sequence[RootKey], unreadable: Sequence[str] = ()
) -> Finding | None:
    """Whether the root key the gMSA's password derives from (msDS-ManagedPasswordId) still exists (among the
    readable ``keys`` or the listed but ``unreadable`` ones)."""
    if key_id is None:
        return None
    if any(k.key_id == key_id for k in keys) or key_id in unreadable:
        return ok(
            "gmsa_password_key", f"The password of {gmsa_name}$ derives from KDS root key {key_id}, which exists."
        )
    return Finding(
        "gmsa_password_key",
        ERROR,
        f"The password of {gmsa_name}$ derives from KDS root key {key_id}, which no longer exists: DCs cannot "
        "compute its password.",
        "Restore the deleted root key from a backup, or recreate the gMSA (its new password derives from a "
        "current key) and update every credential spec and host that uses it.",
    )
