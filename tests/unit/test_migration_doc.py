# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/migration.md's two playbooks stay what the guide says they are, and the integration test runs the second.

The guide shows a microsoft.ad playbook and its equivalent here, and says that only the module names, the play's
connection and ``category`` change. The integration target ``migration_microsoft_ad`` runs the equivalent's tasks
from its own ``tasks/documented.yml`` against the lab DC; these tests hold that file, the guide's second playbook
and the guide's claim together, so a change to one that the others miss fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "migration.md"
DOCUMENTED = ROOT / "tests" / "integration" / "targets" / "migration_microsoft_ad" / "tasks" / "documented.yml"

# microsoft.ad module -> the module here; and the options the guide drops (its tables say why).
MODULES = {
    "microsoft.ad.kds_root_key": "wincontainers.gmsa.gmsa_kds_root_key",
    "microsoft.ad.group": "wincontainers.gmsa.gmsa_host_group",
    "microsoft.ad.service_account": "wincontainers.gmsa.gmsa_account",
}
DROPPED = {"microsoft.ad.group": {"category"}}


def playbooks() -> tuple[dict, dict]:
    blocks = re.findall(r"^```yaml\n(.*?)^```$", GUIDE.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    assert len(blocks) == 2, "docs/migration.md: expected two YAML blocks, the microsoft.ad playbook and this one's"
    (theirs,), (ours,) = (yaml.safe_load(block) for block in blocks)
    return theirs, ours


def module_of(task: dict) -> str:
    (name,) = [key for key in task if "." in key]
    return name


def test_the_integration_target_runs_the_guides_tasks():
    _theirs, ours = playbooks()
    tested = yaml.safe_load(DOCUMENTED.read_text(encoding="utf-8"))
    assert [{k: v for k, v in task.items() if k != "register"} for task in tested] == ours["tasks"]


def test_only_module_names_connection_and_dropped_options_differ():
    theirs, ours = playbooks()
    assert len(theirs["tasks"]) == len(ours["tasks"])
    for their_task, our_task in zip(theirs["tasks"], ours["tasks"]):
        module = module_of(their_task)
        assert module_of(our_task) == MODULES[module]
        options = {k: v for k, v in their_task[module].items() if k not in DROPPED.get(module, set())}
        assert our_task[MODULES[module]] == options, f"{module}: options differ beyond the documented drops"
        assert their_task["name"] == our_task["name"]
    assert set(theirs["module_defaults"]) == {"group/microsoft.ad.domain"}
    assert set(ours["module_defaults"]) == {"group/wincontainers.gmsa.ad"}


def test_the_microsoft_ad_tasks_use_options_they_take_there():
    """The guide's microsoft.ad playbook is valid there: every option is the module's (microsoft.ad installed)."""
    ad = Path(next(iter(pytest.importorskip("ansible_collections.microsoft.ad").__path__)))
    modules = ad / "plugins" / "modules"
    fragment = (ad / "plugins" / "doc_fragments" / "ad_object.py").read_text(encoding="utf-8")
    common = set(re.findall(r"^  (\w+):$", fragment, re.MULTILINE))
    theirs, _ours = playbooks()
    for task in theirs["tasks"]:
        module = module_of(task)
        documentation = yaml.safe_load((modules / f"{module.rsplit('.', 1)[1]}.yml").read_text(encoding="utf-8"))
        options = documentation["DOCUMENTATION"]["options"]
        names = set(options) | common | {alias for o in options.values() for alias in o.get("aliases") or []}
        assert set(task[module]) <= names, f"{module}: {set(task[module]) - names} are not microsoft.ad options"
        for option, value in task[module].items():
            if isinstance(value, dict) and option in options:
                assert set(value) <= set(options[option]["suboptions"]), f"{module} {option}"
