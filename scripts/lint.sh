#!/usr/bin/env bash
# Run ansible-lint (production profile, offline) over this collection from the repository root.
#
# Usage: scripts/lint.sh [extra ansible-lint args]   e.g. scripts/lint.sh roles/ad_prepare
#
# Environment:
#   PYTHON  interpreter whose ansible-lint and ansible-core are used.
#           Default: the active virtual environment's python, else python3 from PATH.
#
# Settings live in .ansible-lint (profile: production, offline: true, exclude_paths).
# Offline, ansible-lint does not install the collection it is run in, so playbooks and roles
# could not resolve wincontainers.gmsa.* modules and roles. This script makes the repository
# root resolvable as that collection through a symlink,
#   .cache/collections/ansible_collections/wincontainers/gmsa -> the repository root,
# put first on ANSIBLE_COLLECTIONS_PATH. Other collections (ansible.windows, microsoft.ad, ...)
# come from the `ansible` package installed beside ansible-core.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
namespace=wincontainers
collection=gmsa

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -n "${VIRTUAL_ENV:-}" ]]; then
        PYTHON="${VIRTUAL_ENV}/bin/python"
    else
        PYTHON=python3
    fi
fi

die() {
    echo "lint.sh: $*" >&2
    exit 2
}

python_bin="$("${PYTHON}" -c 'import os, sys; print(os.path.dirname(sys.executable))')" \
    || die "cannot run PYTHON=${PYTHON}"
ansible_lint="${python_bin}/ansible-lint"
if [[ ! -x "${ansible_lint}" ]]; then
    ansible_lint="$(command -v ansible-lint)" || die "ansible-lint not found next to ${PYTHON} nor on PATH"
fi
# ansible-lint calls ansible-playbook, ansible-config and ansible-galaxy: use PYTHON's.
export PATH="${python_bin}:${PATH}"

collections_dir="${repo_root}/.cache/collections"
collection_link="${collections_dir}/ansible_collections/${namespace}/${collection}"
mkdir -p "$(dirname "${collection_link}")"
ln -sfn ../../../.. "${collection_link}"
link_target="$(cd "${collection_link}" && pwd -P)"
repo_root_physical="$(cd "${repo_root}" && pwd -P)"
[[ "${link_target}" == "${repo_root_physical}" ]] || die "${collection_link} does not lead back to ${repo_root}"
# Keep ansible-core's default search path after ours.
# Only this checkout: a stale installed copy of wincontainers.gmsa (say in ~/.ansible/collections) would
# otherwise shadow it. The bundled collections of the ansible package are found without a path.
export ANSIBLE_COLLECTIONS_PATH="${collections_dir}"
# ansible-lint also searches ~/.ansible/collections, ahead of the path above. Tools that install the
# collection under test (Molecule's environment preparation does) leave a copy of this checkout there, which
# then shadows the working tree with stale modules. It is only ever a copy of this collection: remove it.
installed_copy="${HOME}/.ansible/collections/ansible_collections/${namespace}/${collection}"
if [[ -e "${installed_copy}" && ! -L "${installed_copy}" ]]; then
    echo "lint.sh: removing the installed copy ${installed_copy}, which would shadow this checkout" >&2
    rm -rf "${installed_copy}"
fi

color_args=()
[[ -t 1 ]] || color_args=(--nocolor)

cd "${repo_root}"
status=0
"${ansible_lint}" --offline --profile production "${color_args[@]}" "$@" || status=$?
echo "lint.sh: ansible-lint exited with ${status}"
exit "${status}"
