#!/usr/bin/env bash
# Run `ansible-test sanity` on a clean copy of this collection.
#
# Usage: scripts/sanity.sh [extra ansible-test sanity args]
#   e.g. scripts/sanity.sh --test validate-modules
#        scripts/sanity.sh --list-tests
#
# Environment:
#   PYTHON  interpreter whose ansible-core runs the tests; its X.Y is passed to --python.
#           Default: the active virtual environment's python, else python3 from PATH.
#
# Why a copy: ansible-test lists a collection's files through git and needs the collection
# under a path ending in ansible_collections/<namespace>/<name>. The copy under
# .build/ansible_collections/wincontainers/gmsa holds exactly what a clean clone would
# (tracked files plus untracked, not-ignored ones; files deleted in the work tree are left
# out), committed to a throw-away repository of its own.
#
# Why the get-pip stand-in: ansible-test bootstraps pip in each test's virtual environment
# with a get-pip script downloaded from ci-files.testing.ansible.com, which these machines
# cannot reach. It uses a cached copy first, so we put scripts/get_pip_standin.py there
# under the name the installed ansible-test asks for. See /work/shared/notes/ansible-test.md.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
namespace=wincontainers
collection=gmsa
build_root="${repo_root}/.build"
build_dir="${build_root}/ansible_collections/${namespace}/${collection}"

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -n "${VIRTUAL_ENV:-}" ]]; then
        PYTHON="${VIRTUAL_ENV}/bin/python"
    else
        PYTHON=python3
    fi
fi

die() {
    echo "sanity.sh: $*" >&2
    exit 2
}

python_bin="$("${PYTHON}" -c 'import os, sys; print(os.path.dirname(sys.executable))')" \
    || die "cannot run PYTHON=${PYTHON}"
python_version="$("${PYTHON}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
"${PYTHON}" -c 'import ansible_test' 2>/dev/null \
    || die "PYTHON=${PYTHON} has no ansible-core (ansible_test): point PYTHON at the virtual environment's python"

# The ansible-test that belongs to PYTHON, falling back to the one on PATH.
ansible_test="${python_bin}/ansible-test"
if [[ ! -x "${ansible_test}" ]]; then
    ansible_test="$(command -v ansible-test)" || die "ansible-test not found next to ${PYTHON} nor on PATH"
fi
# ansible-test --venv looks for pythonX.Y on PATH to create each test's environment:
# make that the same interpreter.
export PATH="${python_bin}:${PATH}"

# The pip version the installed ansible-test bootstraps for this Python, read from its own
# code (ansible_test/_internal/python_requirements.py: get_venv_packages(), default_packages).
pip_version="$("${PYTHON}" - "${python_version}" <<'EOF'
import sys
import types

from ansible_test._internal.python_requirements import get_venv_packages

print(get_venv_packages(types.SimpleNamespace(version=sys.argv[1]))["pip"])
EOF
)" || die "cannot read the bootstrap pip version from ansible_test._internal.python_requirements.get_venv_packages(); has ansible-test changed?"
[[ "${pip_version}" =~ ^[0-9]+(\.[0-9]+)*$ ]] || die "unexpected bootstrap pip version '${pip_version}'"

get_pip_cache="${HOME}/.ansible/test/cache/get_pip_${pip_version//./_}.py"
install -D -m 0644 "${repo_root}/scripts/get_pip_standin.py" "${get_pip_cache}"
echo "sanity.sh: pip ${pip_version} bootstrap stand-in installed at ${get_pip_cache}"

# Build the clean copy.
rm -rf "${build_dir}"
mkdir -p "${build_dir}"
(
    cd "${repo_root}"
    git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' path; do
            # Deleted in the work tree (still in the index): a clean clone after commit won't have it.
            [[ -e "${path}" || -L "${path}" ]] || continue
            printf '%s\0' "${path}"
        done \
        | sort -zu \
        | xargs -0 --no-run-if-empty cp -P --parents -t "${build_dir}"
)
(
    cd "${build_dir}"
    git init -q
    # -f: keep files that the parent repository tracks although they match .gitignore.
    git add -A -f
    git -c user.name="sanity.sh" -c user.email="sanity@wincontainers.invalid" -c commit.gpgsign=false \
        commit -q --no-verify --allow-empty -m "sanity snapshot"
)
file_count="$(git -C "${build_dir}" ls-files | wc -l)"
echo "sanity.sh: clean copy at ${build_dir} (${file_count} files)"

# ansible-test reads only tests/sanity/ignore-<ansible-core X.Y>.txt: say so when ours is for another release.
core_version="$("${PYTHON}" -c 'from ansible.release import __version__; print(".".join(__version__.split(".")[:2]))')"
if compgen -G "${build_dir}/tests/sanity/ignore-*.txt" >/dev/null && [[ ! -e "${build_dir}/tests/sanity/ignore-${core_version}.txt" ]]; then
    echo "sanity.sh: warning: no tests/sanity/ignore-${core_version}.txt for ansible-core ${core_version}; the ignore files present are not used" >&2
fi

cd "${build_dir}"
status=0
"${ansible_test}" sanity --venv --python "${python_version}" --color no "$@" || status=$?
echo "sanity.sh: ansible-test sanity exited with ${status}; results in ${build_dir}/tests/output/"
exit "${status}"
