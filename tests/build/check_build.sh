#!/usr/bin/env bash
# Builds the collection tarball, installs it into an empty collections path, and checks that ansible-doc shows
# every module and filter from the installed copy (not from this checkout).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$here"
ansible-galaxy collection build --force --output-path "$work/dist" . >/dev/null
tarball=$(ls "$work"/dist/wincontainers-gmsa-*.tar.gz)
echo "built $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"
if tar -tzf "$tarball" | grep -E '(^|/)(\.venv|\.lab|\.build|\.cache|tests/output)/' >/dev/null; then
  echo "the tarball carries local artefacts that build_ignore should leave out" >&2
  exit 1
fi

(cd "$work" && ansible-galaxy collection install --offline --no-deps --force -p "$work/collections" "$tarball" >/dev/null)
export ANSIBLE_COLLECTIONS_PATH="$work/collections"
listed=$(ansible-doc -l wincontainers.gmsa)
status=0
for module in plugins/modules/*.py; do
  name=wincontainers.gmsa.$(basename "$module" .py)
  if ! grep -q "^$name " <<<"$listed"; then
    echo "ansible-doc -l does not list $name" >&2
    status=1
  fi
  ansible-doc "$name" >/dev/null || { echo "ansible-doc $name failed" >&2; status=1; }
done
for doc in plugins/filter/*.yml; do
  name=wincontainers.gmsa.$(basename "$doc" .yml)
  ansible-doc -t filter "$name" >/dev/null || { echo "ansible-doc -t filter $name failed" >&2; status=1; }
done
for role in roles/*/; do
  name=wincontainers.gmsa.$(basename "$role")
  ansible-doc -t role "$name" >/dev/null || { echo "ansible-doc -t role $name failed" >&2; status=1; }
done
[ $status -eq 0 ] && echo "installed collection: ansible-doc shows every module, filter and role"
exit $status
