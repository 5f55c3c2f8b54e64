# shellcheck shell=bash
# What the lab_dc system tests share; sourced by them after `set -euo pipefail`:
#   - the collection found through this checkout (ANSIBLE_COLLECTIONS_PATH), and the checkout as working folder;
#   - a throwaway lab: `throwaway_lab NAME SUFFIX` sets netns (LAB_NETNS, default gmsalab, with -SUFFIX), work (a
#     temporary folder) and lab (its dc folder), and removes the lab and the folder at exit, after the caller's
#     `before_cleanup` function when it defines one;
#   - `check WHAT COMMAND...`: one line per expectation, `failed=1` when COMMAND fails;
#   - `finish`: the last lines of the last run's output ($out) and exit 1 when a check failed.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo" || exit 1
export ANSIBLE_COLLECTIONS_PATH="$repo/.cache/collections" ANSIBLE_NOCOLOR=1
mkdir -p "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/wincontainers"
ln -sfn "$repo" "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/wincontainers/gmsa"

failed=0
out=

throwaway_lab() {  # throwaway_lab NAME SUFFIX
  test_name=$1
  netns=${LAB_NETNS:-gmsalab}-$2
  work=$(mktemp -d)
  lab=$work/dc
  trap _remove_throwaway_lab EXIT
}

_remove_throwaway_lab() {
  if declare -F before_cleanup >/dev/null; then before_cleanup || true; fi
  ansible-playbook playbooks/lab_dc.yml -e lab_dc_state=absent -e "lab_dc_dir=$lab" -e "lab_dc_netns=$netns" \
    >/dev/null 2>&1 || echo "$test_name: could not remove the throwaway lab $lab (netns $netns)" >&2
  rm -rf "$work"
}

check() {  # check WHAT COMMAND...: one line per expectation
  local what=$1
  shift
  if "$@"; then echo "ok      $what"; else echo "FAILED  $what"; failed=1; fi
}

finish() {
  [[ $failed -eq 0 ]] || { printf '%s\n' "$out" | tail -20; exit 1; }
}
