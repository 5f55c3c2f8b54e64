# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Edit a Windows Dockerfile so the app runs under the container's gMSA identity.

A container with a gMSA authenticates on the network as that account only from processes running as
Local System or Network Service ("Configure your app to use a gMSA", Microsoft Learn). This backend
adds, per build stage, the instructions that get the app there:

* one ``RUN`` per IIS application pool, setting ``processModel.identityType`` to ``NetworkService``;
* one ``RUN`` per Windows service, setting its logon account to ``NT AUTHORITY\\NETWORK SERVICE``;
* optionally a ``USER`` switching the container's default user.

Every instruction it writes sits directly under a marker comment carrying a checksum of that
instruction, so a later run finds exactly its own lines (to keep, replace or remove them) and notices
when someone edited them by hand.

Everything here works on text; reading and writing the file is the module's job. Parsing uses
``dockerfile-parse`` and adds the checks that library lacks, so a file it would misread is refused
rather than edited.

One file per concern: ``text`` (lines as Docker reads them), ``model`` (instructions, stages, the edit),
``managed`` (the instructions written and their markers), ``parsing`` (dockerfile-parse plus its missing
checks), ``state`` (what a stage inherits through ``FROM <stage>``, and the warnings), ``planning`` (the edit),
``bulk`` (many files and stages planned at once, for ``dockerfiles:``).
Every name other files import from ``_dockerfile`` is re-exported here, so ``from ._dockerfile import X`` keeps
working.
"""

from __future__ import annotations

from .bulk import BulkPlan, FilePlan, FileRequest, ItemPlan, plan_files
from .managed import (
    APPCMD,
    LOCAL_SYSTEM,
    MARKER_TEXT,
    NETWORK_SERVICE,
    SC,
    USER_CHOICES,
    app_pool_instruction,
    checksum,
    desired_instructions,
    marker_for,
    service_instruction,
    user_instruction,
)
from .model import DockerfileEditError, Edit, Instruction, ManagedInstruction, ParsedDockerfile, Stage, StageState
from .parsing import DOCKERFILE_PARSE_IMPORT_ERROR, HAS_DOCKERFILE_PARSE, parse
from .planning import STATE_CHOICES, plan, select_stage
from .state import stage_state
from .text import split_lines

__all__ = [
    "APPCMD",
    "BulkPlan",
    "DOCKERFILE_PARSE_IMPORT_ERROR",
    "HAS_DOCKERFILE_PARSE",
    "LOCAL_SYSTEM",
    "MARKER_TEXT",
    "NETWORK_SERVICE",
    "SC",
    "STATE_CHOICES",
    "USER_CHOICES",
    "DockerfileEditError",
    "Edit",
    "FilePlan",
    "FileRequest",
    "Instruction",
    "ItemPlan",
    "ManagedInstruction",
    "ParsedDockerfile",
    "Stage",
    "StageState",
    "app_pool_instruction",
    "checksum",
    "desired_instructions",
    "marker_for",
    "parse",
    "plan_files",
    "plan",
    "select_stage",
    "service_instruction",
    "split_lines",
    "stage_state",
    "user_instruction",
]
