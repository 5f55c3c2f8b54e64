"""tests/integration/run.py repeats each failed target's failures after the summary (CI keeps only the log's tail).

Its reading of Ansible's output decides what a failed CI run tells: an ignored error shown as the cause would
send the reader the wrong way, a failure left out would leave them nothing.
"""

from __future__ import annotations

import pytest

IGNORED_THEN_FAILED = """\
TASK [gmsa_account : Wait for the bulk task] ****
FAILED - RETRYING: [gmsa_lab]: Wait (119 retries left).
[ERROR]: Task failed: Module failed: Lost the connection
Origin: /x/partial.yml:37:11

35           changed_when: true
37         - name: Wait for the bulk task
             ^ column 11

fatal: [gmsa_lab]: FAILED! => {"msg": "Lost the connection"}
...ignoring

TASK [multi_dc_writes : Assert the write went to DC1] ****
[ERROR]: Task failed: Action failed: Assertion failed
Origin: /x/write_server_checked.yml:60:3

fatal: [gmsa_lab]: FAILED! => {"assertion": "mdc_ws_typo is failed", "msg": "Assertion failed"}

TASK [multi_dc_writes : Start DC1 again] ****
ok: [gmsa_lab]

PLAY RECAP ****
gmsa_lab : ok=3 failed=1
"""


@pytest.fixture(scope="module")
def runner(load_script):
    return load_script("tests/integration/run.py")


def test_an_ignored_error_is_left_out_and_the_failure_kept_with_its_task(runner):
    found = runner.failures(IGNORED_THEN_FAILED.splitlines())
    assert len(found) == 1
    assert found[0].splitlines()[0] == "TASK [multi_dc_writes : Assert the write went to DC1]"
    assert '"assertion": "mdc_ws_typo is failed"' in found[0]
    assert "Lost the connection" not in found[0]
    assert "Start DC1 again" not in found[0]


def test_a_loop_items_failure_is_kept_with_the_other_items(runner):
    lines = ["TASK [t : Remove] ***", "ok: [h] => (item=a)", 'failed: [h] (item=b) => {"rc": 1}', "ok: [h] => (item=c)"]
    found = runner.failures(lines)
    assert found == ['TASK [t : Remove]\nfailed: [h] (item=b) => {"rc": 1}\nok: [h] => (item=c)']


def test_only_the_last_failures_are_kept(runner):
    lines = []
    for number in range(5):
        lines += [f"TASK [t : step {number}] ***", f'fatal: [h]: FAILED! => {{"n": {number}}}', ""]
    found = runner.failures(lines, keep=2)
    assert [text.splitlines()[0] for text in found] == ["TASK [t : step 3]", "TASK [t : step 4]"]


def test_without_a_failure_the_last_lines_stand_for_it(runner):
    lines = [f"line {number}" for number in range(40)] + ["Killed"]
    found = runner.failures(lines)
    assert found == ["\n".join(lines[-30:])]


RESCUED_THEN_FAILED = """\
TASK [rescued failure] ****
[ERROR]: Task failed: Action failed: RESCUED-CAUSE
fatal: [localhost]: FAILED! => {
    "msg": "RESCUED-CAUSE"
}

TASK [debug] ****
ok: [localhost] => {
    "msg": "recovered"
}

TASK [real failure] ****
[ERROR]: Task failed: Action failed: REAL-CAUSE
fatal: [localhost -> dc1]: FAILED! => {"msg": "REAL-CAUSE"}

PLAY RECAP ****
localhost : ok=1 failed=1 rescued=1
"""


def test_a_rescued_failure_is_marked_as_not_the_cause(runner):
    # ansible-core 2.21's output for a block whose rescue caught an assert, then a task that failed (shortened).
    found = runner.failures(RESCUED_THEN_FAILED.splitlines())
    assert [text.splitlines()[:2] for text in found] == [
        ["TASK [rescued failure]", runner.RAN_ON],
        ["TASK [real failure]", "[ERROR]: Task failed: Action failed: REAL-CAUSE"],
    ]


def test_a_failure_of_another_host_is_not_marked(runner):
    lines = [
        "TASK [t : a] ***",
        'fatal: [h1]: FAILED! => {"n": 1}',
        "TASK [t : b] ***",
        'fatal: [h2]: FAILED! => {"n": 2}',
    ]
    assert [runner.RAN_ON in text for text in runner.failures(lines)] == [False, False]
