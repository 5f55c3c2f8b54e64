# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""KDS root keys (MS-GKDI): reading them, creating one over LDAP, and the 10-hour effective-time rule."""

from __future__ import annotations

import os
import re
import struct
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ._errors import GmsaError, ValidationError

# Domain controllers only derive gMSA passwords from a root key whose msKds-UseStartTime lies at least
# 10 hours in the past (time for the key to replicate to every DC), and Samba adds the 5-minute Kerberos
# clock-skew allowance on top. A key is "usable" from use_start_time + USABLE_AFTER.
USABLE_AFTER = timedelta(hours=10, minutes=5)

ROOT_KEY_CLASS = "msKds-ProvRootKey"
ROOT_KEY_ATTRIBUTES = ("cn", "msKds-UseStartTime", "msKds-CreateTime", "msKds-DomainID", "msKds-Version")

_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=timezone.utc)

# RFC 5114 section 2.3: the 2048-bit MODP group with a 256-bit prime order subgroup, which MS-GKDI
# (3.1.4.1.2) names for the DH secret agreement of new root keys.
_RFC5114_2_3_PRIME = int(
    "87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00E00DF8F1D61957D4FAF7DF4561B2AA30"
    "16C3D91134096FAA3BF4296D830E9A7C209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B"
    "6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76B63ACAE1CAA6B7902D52526735488A0E"
    "F13C6D9A51BFA4AB3AD8347796524D8EF6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026"
    "C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103A4B54330C198AF126116D2276E11715F"
    "693877FAD7EF09CADB094AE91E1A1597",
    16,
)
_RFC5114_2_3_GENERATOR = int(
    "3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA12510DBC15077BE463FFF4FED4AAC0BB555"
    "BE3A6C1B0C6B47B1BC3773BF7E8C6F62901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B"
    "777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193B5045AF2767164E1DFC967C1FB3F2E55"
    "A4BD1BFFE83B9C80D052B985D182EA0ADB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915"
    "B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C32F63078490F00EF8D647D148D4795451"
    "5E2327CFEF98C582664B4C0F6CC41659",
    16,
)
_DH_KEY_BYTES = 256


def filetime_to_datetime(value: int) -> datetime:
    """A Windows FILETIME (100 ns ticks since 1601-01-01 UTC) as an aware UTC datetime."""
    return _FILETIME_EPOCH + timedelta(microseconds=value // 10)


def datetime_to_filetime(moment: datetime) -> int:
    delta = moment.astimezone(timezone.utc) - _FILETIME_EPOCH
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def kdf_parameters(hash_name: str = "SHA512") -> bytes:
    """KDF_PARAMETERS (MS-GKDI 2.2.1): two fixed fields, the hash name's byte length, then the name."""
    name = (hash_name + "\0").encode("utf-16-le")
    return struct.pack("<IIII", 0, 1, len(name), 0) + name


def ffc_dh_parameters() -> bytes:
    """FFC_DH_PARAMETERS (MS-GKDI 2.2.2): length, magic 'DHPM', key length, prime and generator (big-endian)."""
    body = _RFC5114_2_3_PRIME.to_bytes(_DH_KEY_BYTES, "big") + _RFC5114_2_3_GENERATOR.to_bytes(_DH_KEY_BYTES, "big")
    header_length = 12
    return struct.pack("<I4sI", header_length + len(body), b"DHPM", _DH_KEY_BYTES) + body


def root_keys_container(configuration_dn: str) -> str:
    return f"CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services,{configuration_dn}"


def use_start_for(effective_time_hours: float, now: datetime) -> datetime:
    """The msKds-UseStartTime that makes a new key usable ``effective_time_hours`` from ``now``."""
    return now + timedelta(hours=effective_time_hours) - USABLE_AFTER


def normalize_key_id(key_id: str) -> str:
    try:
        return str(uuid.UUID(key_id.strip("{}")))
    except ValueError:
        raise ValidationError(
            f"key_id {key_id!r} is not a GUID; KDS root key ids look like 2a1d9f3c-...-..., as Get-KdsRootKey shows.",
            option="key_id",
        ) from None


@dataclass(frozen=True)
class RootKey:
    key_id: str
    dn: str
    use_start_time: datetime
    create_time: datetime | None
    domain_controller: str | None

    @property
    def usable_time(self) -> datetime:
        return self.use_start_time + USABLE_AFTER

    def usable_at(self, now: datetime) -> bool:
        return self.usable_time <= now

    def as_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "distinguished_name": self.dn,
            "use_start_time": iso(self.use_start_time),
            "usable_time": iso(self.usable_time),
            "usable_now": self.usable_at(now),
            "create_time": iso(self.create_time) if self.create_time else None,
            "domain_controller": self.domain_controller,
        }


def read_root_keys(client: Any) -> list[RootKey]:
    """Every root key of the forest, oldest first (one search)."""
    entries = client.search(
        root_keys_container(client.configuration_dn),
        f"(objectClass={ROOT_KEY_CLASS})",
        ROOT_KEY_ATTRIBUTES,
        scope="one",
    )
    keys = []
    for entry in entries:
        use_start = entry.integer("msKds-UseStartTime")
        created = entry.integer("msKds-CreateTime")
        keys.append(
            RootKey(
                key_id=normalize_key_id(entry.text("cn")),
                dn=entry.dn,
                use_start_time=filetime_to_datetime(use_start or 0),
                create_time=filetime_to_datetime(created) if created else None,
                domain_controller=entry.text("msKds-DomainID"),
            )
        )
    return sorted(keys, key=lambda k: (k.use_start_time, k.key_id))


def unreadable_root_key_ids(client: Any) -> list[str]:
    """Ids of the root keys the bound account can list but not read, from their DNs (one search).

    Root keys are readable by Enterprise Admins, Domain Admins and SYSTEM only, while Authenticated Users may
    list the Master Root Keys container: an ordinary (or delegated) account sees each key's DN and none of its
    attributes, so a filter on its objectClass finds nothing (read_root_keys() returns no key), but
    ``(objectClass=*)``, which every object matches, still lists it.
    """
    entries = client.search(root_keys_container(client.configuration_dn), "(objectClass=*)", ["cn"], scope="one")
    ids = []
    for entry in entries:
        match = re.match(r"(?i)^CN=([0-9a-f-]{36}),", entry.dn)
        if match and not entry.values("cn"):
            ids.append(str(uuid.UUID(match.group(1))))
    return sorted(ids)


def preferred_key(keys: list[RootKey], now: datetime) -> RootKey | None:
    """The key a DC would use now: the usable one with the latest start; else the one usable soonest."""
    usable = [k for k in keys if k.usable_at(now)]
    if usable:
        return max(usable, key=lambda k: k.use_start_time)
    return min(keys, key=lambda k: k.usable_time) if keys else None


def _domain_controller_dn(client: Any) -> str:
    """The DC's computer account DN, which MS-GKDI stores in msKds-DomainID (via the rootDSE serverName)."""
    server = client.read("", ["serverName"])
    server_dn = server.text("serverName") if server else None
    reference = client.read(server_dn, ["serverReference"]) if server_dn else None
    dn = reference.text("serverReference") if reference else None
    if not dn:
        raise GmsaError(
            "Cannot find the domain controller's computer account (rootDSE serverName -> serverReference).",
            hint="Bind to a writable domain controller.",
        )
    return dn


def new_root_key_attributes(use_start: datetime, now: datetime, domain_controller_dn: str) -> dict[str, Any]:
    """The attributes of a new msKds-ProvRootKey (MS-GKDI 3.1.4.1.2, MS-ADTS msKds-ProvRootKey class)."""
    return {
        "msKds-RootKeyData": os.urandom(64),
        "msKds-CreateTime": str(datetime_to_filetime(now)),
        "msKds-UseStartTime": str(datetime_to_filetime(use_start)),
        "msKds-DomainID": domain_controller_dn,
        "msKds-Version": "1",
        "msKds-KDFAlgorithmID": "SP800_108_CTR_HMAC",
        "msKds-KDFParam": kdf_parameters(),
        "msKds-SecretAgreementAlgorithmID": "DH",
        "msKds-SecretAgreementParam": ffc_dh_parameters(),
        "msKds-PublicKeyLength": "2048",
        "msKds-PrivateKeyLength": "256",
    }


def create_root_key(client: Any, key_id: str, use_start: datetime, now: datetime) -> RootKey:
    dn = f"CN={key_id},{root_keys_container(client.configuration_dn)}"
    dc_dn = _domain_controller_dn(client)
    try:
        client.add(dn, ROOT_KEY_CLASS, new_root_key_attributes(use_start, now, dc_dn))
    except GmsaError as exc:
        if exc.details.get("result_code") == 50:
            exc.hint = (
                "Creating KDS root keys needs Enterprise Admins (or Domain Admins in the forest root domain) "
                "rights on the Master Root Keys container."
            )
        raise
    return RootKey(key_id=key_id, dn=dn, use_start_time=use_start, create_time=now, domain_controller=dc_dn)


def managed_password_key_id(blob: bytes) -> str | None:
    """The root key GUID in an msDS-ManagedPasswordId blob (a Group Key Envelope, MS-GKDI 2.2.4).

    Layout: Version, Magic 'KDSK', Flags, L0, L1, L2 (four bytes each), then the root key GUID.
    """
    if len(blob) < 40 or blob[4:8] != b"KDSK":
        return None
    return str(uuid.UUID(bytes_le=bytes(blob[24:40])))


def gmsas_using(client: Any, domain_dn: str) -> dict[str, list[str]]:
    """Root key id -> DNs of the gMSAs whose current or previous password derives from it."""
    entries = client.search(
        domain_dn,
        "(&(objectClass=msDS-GroupManagedServiceAccount)(|(msDS-ManagedPasswordId=*)(msDS-ManagedPasswordPreviousId=*)))",
        ["msDS-ManagedPasswordId", "msDS-ManagedPasswordPreviousId"],
    )
    users: dict[str, list[str]] = {}
    for entry in entries:
        ids = {
            managed_password_key_id(blob)
            for name in ("msDS-ManagedPasswordId", "msDS-ManagedPasswordPreviousId")
            for blob in entry.values(name)
        }
        for key_id in ids - {None}:
            users.setdefault(key_id, []).append(entry.dn)
    return users
