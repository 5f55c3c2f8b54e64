"""roles/lab_dc/files/lab_dc_state.py reads what the role would compare, as the modules it stands for see it.

The lab_dc role reuses a lab without running its steps when this probe finds everything as they would leave it
(tests/system/lab_dc_reuse.sh runs it against a real lab); here the readers of files and folders, on a scratch
folder: a wrong answer in the "same" direction would skip a step that had work to do.
"""

from __future__ import annotations

import hashlib
import sys

import pytest


@pytest.fixture(scope="module")
def probe(load_script):
    return load_script("roles/lab_dc/files/lab_dc_state.py")


def test_describe_file_gives_mode_and_the_digest_copy_compares(probe, tmp_path):
    path = tmp_path / "lab.env"
    path.write_bytes(b"export GMSA_LAB_NETNS=lab\n")
    path.chmod(0o600)
    assert probe.describe(str(path)) == {
        "exists": True,
        "type": "file",
        "mode": "0600",
        "sha1": hashlib.sha1(b"export GMSA_LAB_NETNS=lab\n").hexdigest(),
    }


def test_describe_directory_missing_and_link(probe, tmp_path):
    folder = tmp_path / "tls"
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)
    (tmp_path / "link").symlink_to(folder)
    assert probe.describe(str(folder)) == {"exists": True, "type": "directory", "mode": "0700", "sha1": None}
    assert probe.describe(str(tmp_path / "absent")) == {"exists": False, "type": None, "mode": None, "sha1": None}
    # A link is not the file or folder the role makes (it is reported as a link: the steps run), but it exists for
    # `creates:`, as the target does.
    link = probe.describe(str(tmp_path / "link"))
    assert (link["type"], link["exists"]) == ("link", True)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert probe.describe(str(tmp_path / "dangling"))["exists"] is False


def test_include_lines_keep_their_ends_and_only_include_lines(probe, tmp_path):
    conf = tmp_path / "smb.conf"
    conf.write_text(
        "[global]\n\tnetbios name = DC1\n\tinclude = /lab/etc/lab.conf\n[sysvol]\n  include = x", encoding="utf-8"
    )
    assert probe.include_lines(str(conf)) == ["\tinclude = /lab/etc/lab.conf\n", "  include = x"]
    assert probe.include_lines(str(tmp_path / "missing.conf")) is None


def test_replica_dirs_lists_folders_like_find(probe, tmp_path):
    for name in ("dc2", "dc10", "dcx", "etc"):
        (tmp_path / name).mkdir()
    (tmp_path / "dc3").write_text("a file, not a replica", encoding="utf-8")
    (tmp_path / "dc4").symlink_to(tmp_path / "etc")
    assert probe.replica_dirs(str(tmp_path)) == [str(tmp_path / "dc10"), str(tmp_path / "dc2")]
    assert probe.replica_dirs(str(tmp_path / "missing")) == []


ADMIN = {"principal": "Administrator@CONTOSO.COM"}


def test_admin_logon_command_kinit_in_the_namespace_ticket_in_memory(probe, tmp_path):
    krb5_conf = tmp_path / "krb5.conf"
    krb5_conf.write_text("[libdefaults]\n", encoding="utf-8")
    spec = {"netns": "lab", "admin": {**ADMIN, "krb5_conf": str(krb5_conf)}, "admin_password": "Secret-1"}
    argv, environment = probe.admin_logon_command(spec, netns_exists=True)
    assert argv == ["ip", "netns", "exec", "lab", "kinit", "Administrator@CONTOSO.COM"]
    assert "Secret-1" not in argv  # the password goes to kinit's stdin, never on a command line
    assert environment["KRB5_CONFIG"] == str(krb5_conf)
    assert environment["KRB5CCNAME"].startswith("MEMORY:")  # the probe writes no ticket cache


@pytest.mark.parametrize(
    ("change", "netns_exists"),
    [
        ({"admin_password": ""}, True),  # no password given
        ({"admin": None}, True),  # an older spec
        ({}, False),  # no namespace yet
        ({"admin": {**ADMIN, "krb5_conf": "/nonexistent/krb5.conf"}}, True),  # not provisioned yet
    ],
)
def test_admin_logon_command_not_tried_without_a_lab_to_ask(probe, tmp_path, change, netns_exists):
    krb5_conf = tmp_path / "krb5.conf"
    krb5_conf.write_text("[libdefaults]\n", encoding="utf-8")
    spec = {"netns": "lab", "admin": {**ADMIN, "krb5_conf": str(krb5_conf)}, "admin_password": "Secret-1", **change}
    assert probe.admin_logon_command(spec, netns_exists) is None


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ({"rc": 0, "stdout": "Password for Administrator@CONTOSO.COM: \n", "stderr": ""}, {"rc": 0, "error": ""}),
        (
            {
                "rc": 1,
                "stdout": "Password for Administrator@CONTOSO.COM: \n",
                "stderr": "kinit: Password incorrect while getting initial credentials\n",
            },
            {"rc": 1, "error": "kinit: Password incorrect while getting initial credentials"},
        ),
        ({"rc": 1, "stdout": "", "stderr": ""}, {"rc": 1, "error": "exit 1 without a message"}),
        ({"rc": None, "stdout": "", "stderr": "no answer within 4 s"}, {"rc": None, "error": "no answer within 4 s"}),
    ],
)
def test_admin_logon_reports_why_kinit_failed(probe, result, expected):
    assert probe.admin_logon(result, "Secret-1") == expected


def test_admin_logon_masks_the_password(probe):
    result = {"rc": 1, "stdout": "", "stderr": "kinit: cannot parse 'Secret-1' as a principal\n"}
    assert probe.admin_logon(result, "Secret-1") == {"rc": 1, "error": "kinit: cannot parse '********' as a principal"}


def test_runs_feed_stdin_through_a_pipe_and_time_out(probe):
    runs = probe.Runs()
    echo = [sys.executable, "-c", "import sys; print(sys.stdin.read() == 'Secret-1\\n')"]
    runs.start("echo", echo, stdin="Secret-1")
    runs.start("plain", [sys.executable, "-c", "import sys; print(repr(sys.stdin.read()))"])
    runs.start("slow", [sys.executable, "-c", "import time; time.sleep(30)"])
    assert runs.result("echo")["stdout"] == "True\n"
    assert runs.result("plain")["stdout"] == "''\n"  # no stdin given: nothing to read, never the terminal
    assert runs.result("slow", timeout=0.5) == {"rc": None, "stdout": "", "stderr": "no answer within 0.5 s"}
    assert runs.result("never started", otherwise="no lab")["stderr"] == "no lab"
