# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The executor's decisions without a server: retries after a race, partial results, a lost connection.

The client here is a stand-in for ``LdapClient`` at the engine's edge (operations in, GmsaError or nothing out),
not a mocked ldap3: the wire behaviour itself is in the gmsa_account integration target.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import (
    ObjectRequest,
    PlanContext,
    plan_object,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adwrite import ATTEMPTS, execute, partial_failure
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._gmsa import GMSA
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import Entry
from ansible_collections.wincontainers.gmsa.tests.unit.plugins.module_utils.test_gmsa import CONTOSO, MSA, _entry


class Writer:
    """Records what it is sent; ``refuse`` maps a call number (1-based) to the exception that call raises."""

    server_name = "dc1.contoso.com"

    def __init__(self, refuse: dict[int, BaseException] | None = None) -> None:
        self.refuse = refuse or {}
        self.sent: list[tuple[str, str, Any]] = []

    def _call(self, kind: str, dn: str, payload: Any) -> None:
        self.sent.append((kind, dn, payload))
        error = self.refuse.get(len(self.sent))
        if error is not None:
            raise error

    def add(self, dn: str, _object_class: str, attributes: dict[str, Any]) -> None:
        self._call("add", dn, attributes)

    def modify(self, dn: str, changes: dict[str, Any]) -> None:
        self._call("modify", dn, changes)

    def delete(self, dn: str) -> None:
        self._call("delete", dn, None)


def refused(code: int, name: str) -> GmsaError:
    return GmsaError(f"LDAP operation failed: {name} ({code}).", result=name, result_code=code)


def plan(entry: Entry | None, name: str = "WebApp01", **options: Any):
    return plan_object(GMSA, entry, ObjectRequest(name, options=options), PlanContext(CONTOSO))


def test_a_modify_refused_by_a_race_is_replanned_from_the_reread_entry_and_sent_again():
    first = plan(_entry(), description="web")
    reread = _entry(description=[b"set meanwhile"])
    replans: list[str] = []

    def replan(old):
        replans.append(old.request.name)
        return plan(reread, description="web")

    writer = Writer({1: refused(16, "noSuchAttribute")})
    (done,) = execute(writer, [first], replan=replan)
    assert replans == ["WebApp01"]
    assert writer.sent[1][2] == {"description": [("delete", [b"set meanwhile"]), ("add", [b"web"])]}
    assert (done.sent, done.retries, done.changed) == (1, 1, True)


def test_races_are_retried_a_bounded_number_of_times_then_fail_clearly():
    writer = Writer({n: refused(16, "noSuchAttribute") for n in range(1, 10)})
    with pytest.raises(GmsaError, match=f"other writers changed .* each time .* \\({ATTEMPTS} attempts"):
        execute(writer, [plan(_entry(), description="web")], replan=lambda old: plan(_entry(), description="web"))
    assert len(writer.sent) == ATTEMPTS


def test_a_lost_create_race_converges_onto_the_object_the_other_run_made():
    made_meanwhile = _entry()
    writer = Writer({1: refused(68, "entryAlreadyExists")})
    (done,) = execute(writer, [plan(None)], replan=lambda old: plan(made_meanwhile))
    assert [kind for kind, _dn, _payload in writer.sent] == ["add"]
    assert done.entry is made_meanwhile
    assert done.changed is False  # the other run created it as this one wanted: nothing left to write


def test_a_create_refused_because_another_kind_holds_the_name_is_not_retried():
    writer = Writer({1: refused(68, "entryAlreadyExists")})
    with pytest.raises(GmsaError, match="entryAlreadyExists") as failure:
        execute(writer, [plan(None)], replan=lambda old: plan(None))
    assert failure.value.details["written"] == []
    assert failure.value.details["changed"] is False


def test_other_refusals_are_not_races():
    writer = Writer({1: refused(50, "insufficientAccessRights")})
    with pytest.raises(GmsaError, match="insufficientAccessRights"):
        execute(writer, [plan(_entry(), description="web")], replan=lambda old: pytest.fail("replanned"))


def test_a_bulk_run_that_loses_its_dc_says_what_it_wrote_and_that_it_changed_something():
    plans = [plan(None, f"Bulk{n}") for n in range(1, 6)]
    writer = Writer({4: ConnectionResetError("socket receive error: connection reset by peer")})
    with pytest.raises(GmsaError) as failure:
        execute(writer, plans)
    error = failure.value
    assert error.details["written"] == ["Bulk1", "Bulk2", "Bulk3"]
    assert error.details["changed"] is True
    assert error.details["result"] == "connectionLost"
    assert error.message.startswith(f"Lost the connection to dc1.contoso.com during the LDAP add of CN=Bulk4,{MSA}")
    assert "may or may not have been applied" in error.message
    assert "3 of 5 gMSA(s) were written before this failure (Bulk1, Bulk2, Bulk3" in error.message
    assert "run the task again" in (error.hint or "").lower()


def test_a_partial_failure_after_a_server_text_without_full_stop_reads_as_two_sentences() -> None:
    written = [SimpleNamespace(request=SimpleNamespace(name="BrkG1"), kind=SimpleNamespace(noun="group"))]
    error = partial_failure(GmsaError("Server says: Entry CN=X already exists"), written, 3)  # type: ignore[arg-type]

    assert error.message == (
        "Server says: Entry CN=X already exists. 1 of 3 group(s) were written before this failure (BrkG1; the "
        "result's written lists them all)."
    )
    assert error.details["written"] == ["BrkG1"]
