#!/usr/bin/env bash
# This repository as an AWX/AAP project: a project sync installs the collection from collections/requirements.yml
# (as AWX does: ansible-galaxy in the project's root, into a folder of its own), with an empty HOME and no
# collection path set, on a copy of the checkout that holds what a clean clone would. Then every playbook passes
# --syntax-check against the example inventory with only that folder on the collection path, as in a job; and,
# as a control, site.yml does not without it. Usage: tests/playbooks/awx_project.sh (check.sh runs it)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
project=$work/project
mkdir -p "$project" "$work/home"

# A clean clone's files: tracked, plus untracked ones git does not ignore (files deleted in the work tree left out).
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) \
  | (cd "$repo" && while IFS= read -r -d '' path; do [[ -e "$path" || -L "$path" ]] && printf '%s\0' "$path"; done) \
  | (cd "$repo" && xargs -0 --no-run-if-empty cp -P --parents -t "$project")

clean_env=(env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_COLLECTIONS_PATHS -u ANSIBLE_ROLES_PATH -u ANSIBLE_CONFIG
  HOME="$work/home" ANSIBLE_NOCOLOR=1)
cd "$project"
"${clean_env[@]}" ansible-galaxy collection install -r collections/requirements.yml \
  --collections-path "$work/requirements_collections" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; echo "awx_project.sh: the project sync's install failed" >&2; exit 1; }
grep -q "^wincontainers.gmsa:.* was installed successfully" "$work/install.log" \
  || { cat "$work/install.log"; echo "awx_project.sh: wincontainers.gmsa was not installed" >&2; exit 1; }

control=0
"${clean_env[@]}" ansible-playbook -i playbooks/inventory/example --syntax-check playbooks/site.yml \
  >"$work/control.log" 2>&1 || control=$?
if [[ $control -eq 0 ]] || ! grep -q "wincontainers.gmsa" "$work/control.log"; then
  cat "$work/control.log"
  echo "awx_project.sh: control failed: without the project sync, site.yml must not find wincontainers.gmsa" >&2
  exit 1
fi

"${clean_env[@]}" ANSIBLE_COLLECTIONS_PATH="$work/requirements_collections" \
  ansible-playbook -i playbooks/inventory/example --syntax-check playbooks/*.yml
