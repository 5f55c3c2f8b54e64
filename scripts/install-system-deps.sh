#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing: Samba 4.21+ and the Kerberos tools for
# the lab DC (from bookworm-backports on Debian 12), the Kerberos headers the gssapi Python package builds
# against, and shellcheck for ansible-test sanity. Runs as root on Debian 12 or newer.
set -euo pipefail

packages=(samba samba-ad-dc winbind krb5-user ldb-tools python3-samba libkrb5-dev gcc iproute2 openssl shellcheck git make)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

samba_ok=false
if command -v samba >/dev/null 2>&1; then
  v=$(samba --version | grep -oE '[0-9]+\.[0-9]+' | head -1)
  [ "$(printf '%s\n4.21\n' "$v" | sort -V | head -1)" = "4.21" ] && samba_ok=true
fi

if [ ${#missing[@]} -eq 0 ] && $samba_ok; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "Missing system packages (${missing[*]:-samba>=4.21}); run as root or install them." >&2
  exit 1
fi

release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
target=()
if [ "$release" = bookworm ]; then
  # Debian 12's own Samba (4.17) has no gMSA support; bookworm-backports carries 4.22.
  if [ ! -f /etc/apt/sources.list.d/bookworm-backports.sources ]; then
    cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  target=(-t bookworm-backports)
fi
echo "Installing system packages: ${missing[*]:-samba (upgrade)}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${target[@]}" "${packages[@]}" >/dev/null
