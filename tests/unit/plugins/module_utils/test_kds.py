# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import ValidationError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._kds import (
    USABLE_AFTER,
    RootKey,
    datetime_to_filetime,
    ffc_dh_parameters,
    filetime_to_datetime,
    kdf_parameters,
    managed_password_key_id,
    new_root_key_attributes,
    normalize_key_id,
    preferred_key,
    use_start_for,
)

NOW = datetime(2026, 11, 21, 23, 27, 8, tzinfo=timezone.utc)

# Read off a root key that `samba-tool domain provision` (Samba 4.22) created: the two MS-GKDI parameter blobs.
SAMBA_KDF_PARAM = "00000000010000000e000000000000005300480041003500310032000000"
SAMBA_DH_PARAM_HEAD = "0c0200004448504d0001000087a8e61db4b6663c"
SAMBA_DH_GENERATOR_HEAD = "3fb32c9b73134d0b"


@pytest.mark.parametrize(
    ("filetime", "expected"),
    [
        (0, datetime(1601, 1, 1, tzinfo=timezone.utc)),
        (116444736000000000, datetime(1970, 1, 1, tzinfo=timezone.utc)),
        # msKds-CreateTime of the provisioned key, and its UseStartTime 10 h 5 min earlier
        (134397772284467664, datetime(2026, 11, 21, 23, 27, 8, 446766, tzinfo=timezone.utc)),
        (134397409284467664, datetime(2026, 11, 21, 13, 22, 8, 446766, tzinfo=timezone.utc)),
    ],
)
def test_filetime_round_trip(filetime: int, expected: datetime) -> None:
    assert filetime_to_datetime(filetime) == expected
    assert datetime_to_filetime(expected) == filetime - filetime % 10


def test_samba_provisioned_key_is_usable_exactly_at_creation() -> None:
    created = filetime_to_datetime(134397772284467664)
    use_start = filetime_to_datetime(134397409284467664)
    assert created - use_start == USABLE_AFTER


def test_kdf_parameters_match_samba() -> None:
    assert kdf_parameters().hex() == SAMBA_KDF_PARAM


def test_dh_parameters_match_samba_layout() -> None:
    blob = ffc_dh_parameters()
    assert len(blob) == 524
    assert blob[:20].hex() == SAMBA_DH_PARAM_HEAD
    assert blob[268:276].hex() == SAMBA_DH_GENERATOR_HEAD


@pytest.mark.parametrize(("hours", "usable_in"), [(0, 0), (10, 10), (24, 24), (0.5, 0.5)])
def test_use_start_for_makes_key_usable_after_the_given_hours(hours: float, usable_in: float) -> None:
    key = RootKey("k", "dn", use_start_for(hours, NOW), NOW, None)
    assert key.usable_time == NOW + timedelta(hours=usable_in)
    assert key.usable_at(NOW) is (usable_in == 0)


def test_new_root_key_attributes() -> None:
    attrs = new_root_key_attributes(use_start_for(0, NOW), NOW, "CN=DC1,OU=Domain Controllers,DC=contoso,DC=com")
    assert len(attrs["msKds-RootKeyData"]) == 64
    assert attrs["msKds-RootKeyData"] != new_root_key_attributes(NOW, NOW, "x")["msKds-RootKeyData"]
    assert int(attrs["msKds-CreateTime"]) - int(attrs["msKds-UseStartTime"]) == USABLE_AFTER.total_seconds() * 10**7
    assert attrs["msKds-KDFAlgorithmID"] == "SP800_108_CTR_HMAC"
    assert attrs["msKds-SecretAgreementAlgorithmID"] == "DH"
    assert (attrs["msKds-PublicKeyLength"], attrs["msKds-PrivateKeyLength"]) == ("2048", "256")


def _key(name: str, usable_hours_from_now: float) -> RootKey:
    return RootKey(name, f"CN={name}", NOW + timedelta(hours=usable_hours_from_now) - USABLE_AFTER, None, None)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ([], None),
        ([_key("old", -100), _key("newer", -1)], "newer"),
        ([_key("usable", -1), _key("future", 5)], "usable"),
        ([_key("later", 9), _key("sooner", 2)], "sooner"),
    ],
)
def test_preferred_key(keys: list[RootKey], expected: str | None) -> None:
    chosen = preferred_key(keys, NOW)
    assert (chosen.key_id if chosen else None) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("22d55d7b-5973-99d3-b397-f2d8398de064", "22d55d7b-5973-99d3-b397-f2d8398de064"),
        ("{22D55D7B-5973-99D3-B397-F2D8398DE064}", "22d55d7b-5973-99d3-b397-f2d8398de064"),
        ("22d55d7b597399d3b397f2d8398de064", "22d55d7b-5973-99d3-b397-f2d8398de064"),
    ],
)
def test_normalize_key_id(given: str, expected: str) -> None:
    assert normalize_key_id(given) == expected


@pytest.mark.parametrize("bad", ["", "not-a-guid", "22d55d7b-5973-99d3-b397", "{x}"])
def test_normalize_key_id_rejects(bad: str) -> None:
    with pytest.raises(ValidationError, match="is not a GUID"):
        normalize_key_id(bad)


def test_managed_password_key_id() -> None:
    key = uuid.UUID("22d55d7b-5973-99d3-b397-f2d8398de064")
    envelope = (1).to_bytes(4, "little") + b"KDSK" + bytes(16) + key.bytes_le + bytes(60)
    assert managed_password_key_id(envelope) == str(key)
    assert managed_password_key_id(b"short") is None
    assert managed_password_key_id(bytes(4) + b"XXXX" + bytes(40)) is None
