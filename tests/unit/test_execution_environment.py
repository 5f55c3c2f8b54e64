"""The execution environment definition: ansible-builder accepts it, and it carries what the collection needs.

`ansible-builder create` only writes a build context (no image, no network), so it runs here offline.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EE_FILE = ROOT / "execution-environment.yml"


def load_ee() -> dict:
    with EE_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def requirement_lines(text: str) -> list[str]:
    """Requirement specifiers of a pip requirements file, without comments and blank lines."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def requirement_name(specifier: str) -> str:
    return re.split(r"[\[<>=!~; ]", specifier, maxsplit=1)[0].lower().replace("_", "-")


def ansible_builder() -> str | None:
    beside_python = Path(sys.executable).parent / "ansible-builder"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("ansible-builder")


def test_schema_version_3():
    assert load_ee()["version"] == 3


def test_python_requirements_cover_requirements_txt():
    ee_python = load_ee()["dependencies"]["python"]
    collection = requirement_lines((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    missing = [spec for spec in collection if spec not in ee_python]
    assert not missing, f"requirements.txt lines missing from execution-environment.yml: {missing}"


def test_python_requirements_include_winrm_with_kerberos():
    ee_python = load_ee()["dependencies"]["python"]
    assert any(spec.startswith("pywinrm[kerberos]") for spec in ee_python)


def test_collections_the_roles_call():
    ee = load_ee()
    with (ROOT / ee["dependencies"]["galaxy"]).open(encoding="utf-8") as handle:
        names = {entry["name"] for entry in yaml.safe_load(handle)["collections"]}
    assert {"microsoft.ad", "ansible.windows", "kubernetes.core"} <= names


@pytest.mark.parametrize(
    ("platform", "compile_packages", "runtime_packages"),
    [
        (["platform:dpkg", "platform:debian"], {"gcc", "libkrb5-dev", "python3-dev"}, {"krb5-user"}),
        (
            ["platform:rpm", "platform:redhat", "platform:fedora"],
            {"gcc", "krb5-devel", "python3-devel"},
            {"krb5-workstation"},
        ),
    ],
)
def test_bindep_builds_gssapi_and_ships_the_kerberos_client(platform, compile_packages, runtime_packages):
    depends = pytest.importorskip("bindep.depends")
    rules = depends.Depends((ROOT / "bindep.txt").read_text(encoding="utf-8"))
    runtime = {rule[0] for rule in rules.active_rules([*platform, "default"])}
    building = {rule[0] for rule in rules.active_rules([*platform, "compile", "default"])}
    assert runtime == runtime_packages
    assert building == compile_packages | runtime_packages


def debian_package_groups() -> dict[str, set[str]]:
    """Package -> groups, from debian-packages.txt (lines '<package> <groups> <file>', '#' comments)."""
    groups: dict[str, set[str]] = {}
    for line in (ROOT / "debian-packages.txt").read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            groups.setdefault(fields[0], set()).update(fields[1].split(","))
    return groups


def test_bindep_debian_packages_are_the_ee_lines_of_debian_packages_txt():
    depends = pytest.importorskip("bindep.depends")
    rules = depends.Depends((ROOT / "bindep.txt").read_text(encoding="utf-8"))
    bindep_debian = {rule[0] for rule in rules.active_rules(["platform:dpkg", "platform:debian", "compile", "default"])}
    listed_ee = {package for package, groups in debian_package_groups().items() if "ee" in groups}
    assert bindep_debian == listed_ee


def build_ee_sources(tmp_path: Path) -> Path:
    """A copy of the files the EE definition names, with a tarball of this checkout where it expects one."""
    sources = tmp_path / "sources"
    for name in ("execution-environment.yml", "bindep.txt", "meta/ee-requirements.yml"):
        (sources / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, sources / name)
    galaxy = Path(sys.executable).parent / "ansible-galaxy"
    result = subprocess.run(
        [str(galaxy), "collection", "build", "--force", "--output-path", str(sources / ".build/ee"), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return sources


def test_ansible_builder_create(tmp_path):
    builder = ansible_builder()
    if builder is None:
        pytest.skip("ansible-builder is not installed (pip install ansible-builder)")
    sources = build_ee_sources(tmp_path)
    context = tmp_path / "context"
    result = subprocess.run(
        [
            builder,
            "create",
            "--file",
            str(sources / "execution-environment.yml"),
            "--context",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        cwd=sources,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert "FROM $EE_BASE_IMAGE AS base" in containerfile
    build = context / "_build"
    assert (
        requirement_lines((build / "requirements.txt").read_text(encoding="utf-8"))
        == load_ee()["dependencies"]["python"]
    )
    assert (build / "bindep.txt").read_text(encoding="utf-8") == (ROOT / "bindep.txt").read_text(encoding="utf-8")
    galaxy = yaml.safe_load((build / "requirements.yml").read_text(encoding="utf-8"))
    assert {entry["name"] for entry in galaxy["collections"]} >= {"microsoft.ad", "ansible.windows", "kubernetes.core"}
    assert "COPY _build/requirements.txt requirements.txt" in containerfile
    assert "COPY _build/bindep.txt bindep.txt" in containerfile
    assert "collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile

    # The collection itself, from the tarball, in the galaxy stage that the final image copies its collections from.
    tarballs = sorted((build / "collection").glob("wincontainers-gmsa-*.tar.gz"))
    assert [path.name for path in tarballs] == [f"wincontainers-gmsa-{galaxy_version()}.tar.gz"]
    galaxy_stage = containerfile.split("FROM base AS galaxy", 1)[1].split("FROM base AS builder", 1)[0]
    assert "--offline --no-deps --collections-path /usr/share/ansible/collections" in galaxy_stage
    assert "COPY --from=galaxy /usr/share/ansible /usr/share/ansible" in containerfile.split("AS final", 1)[1]


def galaxy_version() -> str:
    with (ROOT / "galaxy.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["version"]
