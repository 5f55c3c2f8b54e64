"""Every role's interface is declared once and kept in step: defaults/main.yml and meta/argument_specs.yml.

A variable in defaults/main.yml that the argument spec does not describe is undocumented and unvalidated; an
option of the spec without a default in defaults/main.yml is undefined in the role's tasks. Both lists must
name the same variables, with the same default values, and every option must say what it is.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
import yaml

ROLES_DIR = Path(__file__).resolve().parents[2] / "roles"
ROLES = sorted(path.name for path in ROLES_DIR.iterdir() if (path / "tasks").is_dir())


def load_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def role_defaults(role: str) -> dict:
    path = ROLES_DIR / role / "defaults" / "main.yml"
    assert path.is_file(), f"{role}: defaults/main.yml is missing"
    return load_yaml(path) or {}


def role_options(role: str) -> dict:
    path = ROLES_DIR / role / "meta" / "argument_specs.yml"
    assert path.is_file(), f"{role}: meta/argument_specs.yml is missing"
    specs = load_yaml(path)["argument_specs"]
    assert "main" in specs, f"{role}: meta/argument_specs.yml has no 'main' entry point"
    return specs["main"].get("options") or {}


def test_roles_found():
    assert "lab_dc" in ROLES


@pytest.mark.parametrize("role", ROLES)
def test_defaults_and_argument_spec_name_the_same_variables(role):
    defaults = set(role_defaults(role))
    options = set(role_options(role))
    undocumented = sorted(defaults - options)
    undefaulted = sorted(options - defaults)
    assert not undocumented, f"{role}: in defaults/main.yml but not in the argument spec: {undocumented}"
    assert not undefaulted, f"{role}: in the argument spec but not in defaults/main.yml: {undefaulted}"


@pytest.mark.parametrize("role", ROLES)
def test_argument_spec_defaults_match_defaults_file(role):
    defaults = role_defaults(role)
    options = role_options(role)
    mismatched = {
        name: (spec.get("default"), defaults[name])
        for name, spec in options.items()
        if name in defaults and spec.get("default") != defaults[name]
    }
    assert not mismatched, f"{role}: argument spec default differs from defaults/main.yml (spec, file): {mismatched}"


@pytest.mark.parametrize("role", ROLES)
def test_every_option_is_described_and_typed(role):
    incomplete = [
        name for name, spec in role_options(role).items() if not spec.get("description") or not spec.get("type")
    ]
    assert not incomplete, f"{role}: options without a description or a type: {incomplete}"


@pytest.mark.parametrize("role", ROLES)
def test_variables_carry_the_role_prefix(role):
    unprefixed = [name for name in role_defaults(role) if not name.startswith(f"{role}_")]
    assert not unprefixed, f"{role}: variables must start with '{role}_': {unprefixed}"


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


@pytest.mark.parametrize("role", ROLES)
def test_argument_spec_texts_are_valid_templates(role):
    """Ansible templates the whole argument spec when it validates a role's arguments: a description holding
    a Go template such as docker's {{.DockerRootDir}} fails every run of the role."""
    environment = jinja2.Environment()
    broken = []
    for text in strings_in(role_options(role)):
        try:
            environment.parse(text)
        except jinja2.TemplateSyntaxError as exc:
            broken.append(f"{text!r}: {exc}")
    assert not broken, f"{role}: argument spec texts that are not valid Jinja: {broken}"
