#!/usr/bin/env bash
# Static checks of the playbooks: the example inventory parses and has the groups the playbooks target, every
# playbook (playbooks/*.yml and the Molecule scenarios) passes ansible-playbook --syntax-check, and so does every
# playbook after an AWX/AAP project sync of a clean copy (tests/playbooks/awx_project.sh).
# Nothing runs against a host. Usage: tests/playbooks/check.sh   (make test runs it with the venv on PATH)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

# Resolve wincontainers.gmsa.* to this checkout, as scripts/lint.sh and the Makefile do.
collections="$repo/.cache/collections"
link="$collections/ansible_collections/wincontainers/gmsa"
if [[ ! -e "$link" ]]; then
    mkdir -p "$(dirname "$link")"
    ln -sfn ../../../.. "$link"
fi
export ANSIBLE_COLLECTIONS_PATH="$collections${ANSIBLE_COLLECTIONS_PATH:+:$ANSIBLE_COLLECTIONS_PATH}"
export ANSIBLE_NOCOLOR=1

inventory=playbooks/inventory/example
failed=0
passed=0

check() {
    local what=$1
    shift
    local output
    if output=$("$@" 2>&1); then
        passed=$((passed + 1))
        echo "ok      $what"
    else
        failed=$((failed + 1))
        echo "FAILED  $what"
        while IFS= read -r line; do printf '        %s\n' "$line"; done <<<"$output"
    fi
}

inventory_has_container_hosts() {
    ansible-inventory -i "$inventory" --list \
        | python3 -c 'import json, sys; hosts = json.load(sys.stdin)["container_hosts"]["hosts"]; sys.exit(not hosts)'
}

check "ansible-inventory -i $inventory --list" ansible-inventory -i "$inventory" --list
check "$inventory has hosts in container_hosts" inventory_has_container_hosts

for playbook in playbooks/*.yml; do
    check "syntax-check $playbook" ansible-playbook -i "$inventory" --syntax-check "$playbook"
done

for playbook in extensions/molecule/*/*.yml; do
    [[ "$(basename "$playbook")" == molecule.yml ]] && continue
    check "syntax-check $playbook" \
        ansible-playbook -i extensions/molecule/inventory.yml --syntax-check "$playbook"
done

# The repository as an AWX/AAP project: the project sync's install, then every playbook from what it installed.
check "AWX project sync: collections/requirements.yml, then syntax-check playbooks/*.yml (tests/playbooks/awx_project.sh)" \
    tests/playbooks/awx_project.sh

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
