"""tests/integration/files/ad_probe.py's reading of replPropertyMetaData, which the "wrote nothing" asserts rest on.

``written-since`` keeps the attributes the DC read wrote itself after a USN and leaves out what replication
brought in from another DC (the raced highestCommittedUSN comparison it replaces failed a CI run so): a wrong
reading either hides a write of the module under test or fails a run for another DC's change.
"""

from __future__ import annotations

import struct
import uuid

import pytest

THIS_DC = uuid.UUID("6d25c8d5-b321-4ec8-b6d2-b3ff946a0c42").bytes_le
OTHER_DC = uuid.UUID("aaf0b353-8024-4282-8adc-fb7abd5adb3a").bytes_le


def metadata(*entries: tuple[int, bytes, int]) -> bytes:
    """A replPropertyMetaData value (version 1) of (attid, originating invocation ID, local USN) entries."""
    blob = struct.pack("<IIII", 1, 0, len(entries), 0)
    for attid, invocation, local_usn in entries:
        blob += struct.pack("<IIQ16sqq", attid, 1, 0, invocation, local_usn, local_usn)
    return blob


@pytest.fixture(scope="module")
def probe(load_script):
    pytest.importorskip("ldap3")
    return load_script("tests/integration/files/ad_probe.py")


def test_only_this_dcs_writes_after_the_usn_count(probe):
    blob = metadata(
        (0x0D, THIS_DC, 4234),  # description, written here after the USN
        (0x90001, OTHER_DC, 4233),  # replicated in from the other DC after the USN
        (0x3, THIS_DC, 4100),  # written here before the USN
        (0x9005E, THIS_DC, 4232),  # at the USN itself: not after it
    )
    assert probe.changed_metadata(blob, 4232, THIS_DC) == (["0xd"], ["0x90001"], 4234)


def test_a_replicated_change_alone_is_no_write(probe):
    assert probe.changed_metadata(metadata((0x0D, OTHER_DC, 5000)), 4232, THIS_DC) == ([], ["0xd"], 5000)


def test_every_entry_is_read_not_only_the_first(probe):
    entries = [(attid, THIS_DC, 100 + attid) for attid in range(1, 40)]
    assert probe.changed_metadata(metadata(*entries), 120, THIS_DC) == (
        [hex(attid) for attid in range(21, 40)],
        [],
        139,
    )


def test_what_the_dc_originates_itself_when_taking_in_an_object_is_no_write(probe):
    # Measured on the lab: a user created on DC2 came into DC1 with cn originated by DC1, in the transaction
    # (local USN 4231) that took in its other attributes from DC2.
    blob = metadata((0x0, OTHER_DC, 4231), (0x3, THIS_DC, 4231), (0x90001, OTHER_DC, 4231))
    assert probe.changed_metadata(blob, 4230, THIS_DC) == ([], ["0x0", "0x3", "0x90001"], 4231)


def test_a_logon_stamp_is_no_write_but_a_write_beside_it_is(probe):
    # A first bind of a fresh user on DC1 wrote lastLogonTimestamp (0x906a0) there, measured on the lab.
    blob = metadata((0x906A0, THIS_DC, 4234), (0x0D, THIS_DC, 4235))
    assert probe.changed_metadata(blob, 4233, THIS_DC) == (["0xd"], ["0x906a0"], 4235)
