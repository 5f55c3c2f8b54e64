# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sid import (
    BUILTIN_ADMINISTRATORS,
    escape_filter_bytes,
    guid_from_bytes,
    guid_to_bytes,
    is_sid_string,
    normalize_sid,
    sid_filter_value,
    sid_from_buffer,
    sid_from_bytes,
    sid_to_bytes,
)

# Canonical SID strings and their MS-DTYP 2.4.2.2 encoding. The expected bytes were produced independently with
# Samba's bindings (/usr/bin/python3: ndr_pack(security.dom_sid(sid)).hex()), not with the code under test.
SID_VECTORS = [
    pytest.param("S-1-5-32-544", "01020000000000052000000020020000", id="builtin-administrators"),
    pytest.param("S-1-5-18", "010100000000000512000000", id="local-system"),
    pytest.param("S-1-0-0", "010100000000000000000000", id="null-sid"),
    pytest.param("S-1-1-0", "010100000000000100000000", id="everyone"),
    pytest.param("S-1-5", "0100000000000005", id="no-sub-authority"),
    pytest.param(
        "S-1-5-21-1-2-3-1105", "01050000000000051500000001000000020000000300000051040000", id="lab-domain-user"
    ),
    pytest.param(
        "S-1-5-21-3623811015-3361044348-30300820-1013",
        "010500000000000515000000c7f7fed77c7755c8945ace01f5030000",
        id="real-domain-user",
    ),
    pytest.param("S-1-4294967295-1", "01010000ffffffff01000000", id="largest-decimal-authority"),
    pytest.param("S-1-0x000100000000-1", "010100010000000001000000", id="smallest-hex-authority"),
    pytest.param("S-1-0xffffffffffff-1", "0101ffffffffffff01000000", id="six-byte-authority"),
    pytest.param("S-1-5-21-4294967295", "010200000000000515000000ffffffff", id="largest-sub-authority"),
    pytest.param(
        "S-1-5-21-4294967295-1-2-3-4-5-6-7-8-9-10-11-12-13",
        "010f00000000000515000000ffffffff0100000002000000030000000400000005000000060000000700000008000000"
        "090000000a0000000b0000000c0000000d000000",
        id="fifteen-sub-authorities",
    ),
]


@pytest.mark.parametrize(("sid", "hex_bytes"), SID_VECTORS)
def test_sid_to_bytes(sid: str, hex_bytes: str) -> None:
    assert sid_to_bytes(sid).hex() == hex_bytes


@pytest.mark.parametrize(("sid", "hex_bytes"), SID_VECTORS)
def test_sid_from_bytes(sid: str, hex_bytes: str) -> None:
    assert sid_from_bytes(bytes.fromhex(hex_bytes)) == sid


def test_builtin_administrators_vector_from_the_brief() -> None:
    expected = bytes([0x01, 0x02, 0, 0, 0, 0, 0, 0x05, 0x20, 0, 0, 0, 0x20, 0x02, 0, 0])
    assert BUILTIN_ADMINISTRATORS == "S-1-5-32-544"
    assert sid_to_bytes(BUILTIN_ADMINISTRATORS) == expected


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        pytest.param("s-1-5-32-544", "S-1-5-32-544", id="lowercase-s"),
        pytest.param("S-1-5-032-0544", "S-1-5-32-544", id="leading-zeros"),
        pytest.param("S-1-0x5-32-544", "S-1-5-32-544", id="small-hex-authority"),
        pytest.param("S-1-0X00000000000F-1", "S-1-15-1", id="padded-hex-authority"),
        pytest.param("S-1-4294967296-1", "S-1-0x000100000000-1", id="decimal-authority-above-2^32"),
        pytest.param("S-1-0XFFFFFFFFFFFF-1", "S-1-0xffffffffffff-1", id="uppercase-hex-authority"),
        pytest.param("S-1-5-21-1-2-3-1105", "S-1-5-21-1-2-3-1105", id="already-canonical"),
    ],
)
def test_lenient_input_gives_canonical_output(text: str, canonical: str) -> None:
    assert normalize_sid(text) == canonical
    assert sid_from_bytes(sid_to_bytes(text)) == canonical
    assert is_sid_string(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "expected the form", id="empty"),
        pytest.param("S", "expected the form", id="just-s"),
        pytest.param("S-1", "expected the form", id="no-authority"),
        pytest.param("S-1-", "expected the form", id="empty-authority"),
        pytest.param("S-1-5-", "expected the form", id="trailing-dash"),
        pytest.param("S-1-5--32", "expected the form", id="double-dash"),
        pytest.param(" S-1-5-32-544", "expected the form", id="leading-space"),
        pytest.param("S-1-5-32-544 ", "expected the form", id="trailing-space"),
        pytest.param("S-1-5-32-544\n", "expected the form", id="trailing-newline"),
        pytest.param("S-1-5-+32", "expected the form", id="plus-sign"),
        pytest.param("S-1-5-3_2", "expected the form", id="underscore"),
        pytest.param("S-1-5-0x20", "expected the form", id="hex-sub-authority"),
        pytest.param("S-1-5-\u0663\u0662", "expected the form", id="non-ascii-digits"),
        pytest.param("S-1-0x-1", "expected the form", id="hex-without-digits"),
        pytest.param("S-1-0x1000000000000-1", "expected the form", id="thirteen-hex-digits"),
        pytest.param("SID-1-5-32", "expected the form", id="wrong-prefix"),
        pytest.param("CONTOSO\\webapp01$", "expected the form", id="account-name"),
        pytest.param("S-2-5-32-544", "revision must be 1", id="revision-2"),
        pytest.param("S-1-281474976710656-1", "does not fit in 48 bits", id="authority-too-big"),
        pytest.param("S-1-5-21-4294967296", "does not fit in 32 bits", id="sub-authority-too-big"),
        pytest.param("S-1-5" + "-1" * 16, "16 sub-authorities", id="sixteen-sub-authorities"),
    ],
)
def test_sid_to_bytes_rejects_malformed_strings(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sid_to_bytes(text)
    assert not is_sid_string(text)


@pytest.mark.parametrize(
    ("hex_bytes", "message"),
    [
        pytest.param("", "fewer than 8 bytes", id="empty"),
        pytest.param("01020000000000", "fewer than 8 bytes", id="seven-bytes"),
        pytest.param("02010000000000050b000000", "revision 2, expected 1", id="revision-2"),
        pytest.param("011000000000000500000000", "16 sub-authorities", id="sixteen-sub-authorities"),
        pytest.param("010200000000000520000000", "need 16 bytes, only 12 available", id="truncated"),
        pytest.param("0102000000000005200000002002000000", "1 unexpected trailing byte", id="trailing-byte"),
    ],
)
def test_sid_from_bytes_rejects_malformed_bytes(hex_bytes: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sid_from_bytes(bytes.fromhex(hex_bytes))


def test_sid_from_buffer_reads_an_embedded_sid() -> None:
    data = b"\xaa\xbb" + sid_to_bytes("S-1-5-32-544") + b"\xcc"
    assert sid_from_buffer(data, 2) == ("S-1-5-32-544", 18)


def test_sid_from_buffer_rejects_a_sid_running_past_the_end() -> None:
    data = b"\xaa" + sid_to_bytes("S-1-5-32-544")[:-1]
    with pytest.raises(ValueError, match="at offset 1"):
        sid_from_buffer(data, 1)


def test_sid_from_bytes_accepts_bytearray_and_memoryview() -> None:
    raw = sid_to_bytes("S-1-5-11")
    assert sid_from_bytes(bytearray(raw)) == "S-1-5-11"
    assert sid_from_bytes(memoryview(raw)) == "S-1-5-11"


@pytest.mark.parametrize(
    ("function", "argument"),
    [
        pytest.param(sid_to_bytes, b"S-1-5-32-544", id="sid_to_bytes-bytes"),
        pytest.param(sid_to_bytes, None, id="sid_to_bytes-none"),
        pytest.param(sid_from_bytes, "S-1-5-32-544", id="sid_from_bytes-str"),
        pytest.param(guid_from_bytes, "13121110-1514-1716-1819-1a1b1c1d1e1f", id="guid_from_bytes-str"),
        pytest.param(guid_to_bytes, b"\x00" * 16, id="guid_to_bytes-bytes"),
    ],
)
def test_wrong_argument_types_raise_type_error(function, argument) -> None:
    with pytest.raises(TypeError):
        function(argument)


@pytest.mark.parametrize("value", [None, 544, b"S-1-5-32-544", ["S-1-5-32-544"]])
def test_is_sid_string_is_false_for_non_strings(value: object) -> None:
    assert is_sid_string(value) is False  # type: ignore[arg-type]


# objectGUID: the first three fields little-endian, the last eight bytes as stored (MS-DTYP 2.3.4.2).
GUID_VECTORS = [
    pytest.param(bytes(range(0x10, 0x20)).hex(), "13121110-1514-1716-1819-1a1b1c1d1e1f", id="counting-bytes"),
    # The user class schemaIDGUID as Samba packs it inside an object ACE.
    pytest.param("ba7a96bfe60dd011a28500aa003049e2", "bf967aba-0de6-11d0-a285-00aa003049e2", id="user-class"),
    pytest.param("00" * 16, "00000000-0000-0000-0000-000000000000", id="nil"),
    pytest.param("ff" * 16, "ffffffff-ffff-ffff-ffff-ffffffffffff", id="all-ones"),
]


@pytest.mark.parametrize(("hex_bytes", "text"), GUID_VECTORS)
def test_guid_from_bytes(hex_bytes: str, text: str) -> None:
    assert guid_from_bytes(bytes.fromhex(hex_bytes)) == text


@pytest.mark.parametrize(("hex_bytes", "text"), GUID_VECTORS)
def test_guid_to_bytes(hex_bytes: str, text: str) -> None:
    assert guid_to_bytes(text).hex() == hex_bytes


@pytest.mark.parametrize(
    "text",
    [
        "13121110-1514-1716-1819-1A1B1C1D1E1F",
        "{13121110-1514-1716-1819-1a1b1c1d1e1f}",
        "{13121110-1514-1716-1819-1A1B1C1D1E1F}",
    ],
)
def test_guid_to_bytes_accepts_case_and_braces(text: str) -> None:
    assert guid_to_bytes(text) == bytes(range(0x10, 0x20))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("131211101514171618191a1b1c1d1e1f", id="no-hyphens"),
        pytest.param("{13121110-1514-1716-1819-1a1b1c1d1e1f", id="opening-brace-only"),
        pytest.param("13121110-1514-1716-1819-1a1b1c1d1e1f}", id="closing-brace-only"),
        pytest.param("urn:uuid:13121110-1514-1716-1819-1a1b1c1d1e1f", id="urn"),
        pytest.param("13121110-1514-1716-1819-1a1b1c1d1e1", id="short"),
        pytest.param("13121110-1514-1716-1819-1a1b1c1d1e1f0", id="long"),
        pytest.param("1312111g-1514-1716-1819-1a1b1c1d1e1f", id="not-hex"),
        pytest.param(" 13121110-1514-1716-1819-1a1b1c1d1e1f", id="leading-space"),
    ],
)
def test_guid_to_bytes_rejects_malformed_strings(text: str) -> None:
    with pytest.raises(ValueError, match="Invalid GUID"):
        guid_to_bytes(text)


@pytest.mark.parametrize("length", [0, 15, 17])
def test_guid_from_bytes_rejects_wrong_length(length: int) -> None:
    with pytest.raises(ValueError, match=f"{length} bytes, expected 16"):
        guid_from_bytes(b"\x01" * length)


@pytest.mark.parametrize(
    ("data", "escaped"),
    [
        pytest.param(b"", "", id="empty"),
        pytest.param(b"\x00", "\\00", id="nul"),
        # The RFC 4515 specials (*, (, ), \) and plain ASCII all come out escaped.
        pytest.param(b"*()\\a", "\\2a\\28\\29\\5c\\61", id="specials-and-ascii"),
        pytest.param(b"\x7f\x80\xff", "\\7f\\80\\ff", id="high-bytes"),
    ],
)
def test_escape_filter_bytes(data: bytes, escaped: str) -> None:
    assert escape_filter_bytes(data) == escaped


def test_sid_filter_value() -> None:
    assert sid_filter_value("S-1-5-32-544") == "\\01\\02\\00\\00\\00\\00\\00\\05\\20\\00\\00\\00\\20\\02\\00\\00"
