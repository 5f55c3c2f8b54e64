# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""LDAP failures as messages: the result code's advice, the server's words, no secrets."""

from __future__ import annotations

import pytest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import (
    RESULT_ADVICE,
    SkippedServer,
    gss_message,
    short,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap.errors import (
    MOVE_ADVICE,
    bind_error,
    certificate_error,
    operation_error,
)


@pytest.mark.parametrize(
    ("result", "text"),
    [
        (
            {"result": 49, "description": "invalidCredentials", "message": "80090308: data 52e"},
            "The DC dc1 refused the bind as admin@contoso.com: invalid credentials. Server says: 80090308: data 52e",
        ),
        (
            {"result": 8, "description": "strongerAuthRequired", "message": ""},
            "The DC dc1 refused the bind as admin@contoso.com: it requires strong authentication.",
        ),
        (
            {"result": 53, "description": "unwillingToPerform", "message": None},
            "The bind as admin@contoso.com to dc1 failed: unwillingToPerform (53).",
        ),
    ],
)
def test_bind_errors(result: dict, text: str) -> None:
    error = bind_error("dc1", "admin@contoso.com", result)
    assert error.message == text
    assert error.hint == RESULT_ADVICE[result["result"]]
    assert error.details == {"result": result["description"], "result_code": result["result"]}


def test_operation_error_names_the_object_and_keeps_the_server_message() -> None:
    error = operation_error(
        "modify",
        "CN=gmsa01,CN=Managed Service Accounts,DC=contoso,DC=com",
        {"result": 50, "description": "insufficientAccessRights", "message": " 00002098: SecErr \n"},
    )
    assert error.message == (
        "LDAP modify of CN=gmsa01,CN=Managed Service Accounts,DC=contoso,DC=com failed: insufficientAccessRights "
        "(50). Server says: 00002098: SecErr"
    )
    assert "delegate control" in (error.hint or "")
    assert error.details["dn"].startswith("CN=gmsa01,")


@pytest.mark.parametrize(
    ("code", "description", "hint"),
    [
        (32, "noSuchObject", "The target container does not exist: check path."),
        (68, "entryAlreadyExists", "An object with this name already exists in the target container."),
        (50, "insufficientAccessRights", None),  # the engine puts the kind's permission hint here
    ],
)
def test_a_move_names_both_places_and_takes_the_move_advice(code: int, description: str, hint: str | None) -> None:
    error = operation_error(
        "modify DN",
        "CN=app,OU=Old,DC=contoso,DC=com",
        {"result": code, "description": description, "message": "0000208D: NameErr"},
        target="OU=New,DC=contoso,DC=com",
        advice=MOVE_ADVICE,
    )
    assert error.message == (
        f"LDAP modify DN of CN=app,OU=Old,DC=contoso,DC=com to OU=New,DC=contoso,DC=com failed: {description} "
        f"({code}). Server says: 0000208D: NameErr"
    )
    assert error.hint == hint
    assert error.details == {"result": description, "result_code": code, "dn": "CN=app,OU=Old,DC=contoso,DC=com"}


def test_an_unknown_result_code_has_no_advice() -> None:
    assert operation_error("add", "CN=x", {"result": 80, "description": "other"}).hint is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer",
            "the certificate is not trusted",
        ),
        (
            "certificate 127.0.0.2 doesn't match any name in ['dc1.contoso.com']",
            "the certificate does not match the host name",
        ),
    ],
)
def test_certificate_errors(text: str, reason: str) -> None:
    error = certificate_error("dc1.contoso.com", 636, text)
    assert error.message == f"TLS to dc1.contoso.com:636 failed: {reason}."
    assert "ca_cert" in (error.hint or "")
    assert error.details == {"result": "certificateError", "server": "dc1.contoso.com"}


def test_short_keeps_the_first_line_and_300_characters() -> None:
    assert short(OSError("first line\nsecond line")) == "first line"
    assert short(TimeoutError()) == "TimeoutError"
    assert len(short(ValueError("x" * 1000))) == 300


def test_gss_message_survives_a_failing_message() -> None:
    class Broken(Exception):
        def gen_message(self) -> str:
            raise RuntimeError("minor code lookup failed")

    class Fine(Exception):
        def gen_message(self) -> str:
            return "Major (851968): Unspecified GSS failure\nMinor: more"

    assert gss_message(Broken()) == "Broken"
    assert gss_message(Fine()) == "Major (851968): Unspecified GSS failure"


def test_a_skipped_server_warning_names_the_dc_and_why() -> None:
    skipped = SkippedServer("dc2.contoso.com", 636, "no answer to the TLS handshake within connection_timeout (3 s)")
    assert skipped.warning == (
        "Skipped domain controller dc2.contoso.com:636: no answer to the TLS handshake within connection_timeout (3 s)."
    )
    assert skipped.as_dict()["port"] == 636
