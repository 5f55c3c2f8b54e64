#!/usr/bin/env bash
# Installs the Debian packages of debian-packages.txt that are missing (the lines of the groups named in
# GMSA_SYSTEM_GROUPS, comma-separated, default "lab,build,test"; `make demo` asks for "lab,build" only; Samba
# 4.21+ from bookworm-backports on Debian 12), without recommends, then checks that every file the list names is
# there and fails with one line naming the packages that are not. Installing needs root on Debian 12 or newer;
# when nothing is missing it runs as any user.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
list=$here/debian-packages.txt
groups_wanted=${GMSA_SYSTEM_GROUPS:-lab,build,test}
[[ "$groups_wanted" =~ ^(lab|build|test)(,(lab|build|test))*$ ]] || {
  echo "install-system-deps.sh: GMSA_SYSTEM_GROUPS='$groups_wanted': use a comma-separated list of lab, build, test." >&2
  exit 2
}
backports_sources=$here/roles/lab_dc/files/bookworm-backports.sources

packages=()    # every package to have, once each
lab=()         # the lab's packages: installed from bookworm-backports when Samba is too old
files=()       # "package path" for each file to check
while read -r package groups path rest; do
  [[ -n "$package" ]] || continue
  wanted=false
  for g in ${groups//,/ }; do [[ ",$groups_wanted," == *",$g,"* ]] && wanted=true; done
  $wanted || continue
  [[ " ${packages[*]} " == *" $package "* ]] || packages+=("$package")
  [[ ",$groups," == *,lab,* && " ${lab[*]} " != *" $package "* ]] && lab+=("$package")
  files+=("$package $path")
done < <(sed 's/#.*//' "$list")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

samba_ok=false
if command -v samba >/dev/null 2>&1; then
  v=$(samba --version | grep -oE '[0-9]+\.[0-9]+' | head -1)
  [ "$(printf '%s\n4.21\n' "$v" | sort -V | head -1)" = "4.21" ] && samba_ok=true
fi

install=("${missing[@]}")
$samba_ok || install+=("${lab[@]}")
if [ ${#install[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-system-deps.sh: missing system packages (${missing[*]:-samba>=4.21}); run as root or install them." >&2
    exit 1
  fi
  release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  target=()
  if [ "$release" = bookworm ]; then
    # Debian 12's own Samba (4.17) has no gMSA support; bookworm-backports carries 4.22. The lab_dc role writes
    # the same file.
    [ -f /etc/apt/sources.list.d/bookworm-backports.sources ] \
      || install -m 0644 "$backports_sources" /etc/apt/sources.list.d/bookworm-backports.sources
    target=(-t bookworm-backports)
  fi
  mapfile -t install < <(printf '%s\n' "${install[@]}" | sort -u)
  echo "Installing system packages: ${install[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${target[@]}" "${install[@]}" >/dev/null
fi

# What the lab and the tests use, checked after installing: one line names the packages whose files are absent.
absent=()
names=()
for entry in "${files[@]}"; do
  package=${entry%% *}
  path=${entry#* }
  [ -e "$path" ] && continue
  absent+=("$package ($path)")
  [[ " ${names[*]} " == *" $package "* ]] || names+=("$package")
done
if [ ${#absent[@]} -gt 0 ]; then
  printf -v found '%s, ' "${absent[@]}"
  echo "install-system-deps.sh: missing ${found%, }: install ${names[*]} (as root: apt-get install --no-install-recommends ${names[*]})" >&2
  exit 1
fi
