#!/usr/bin/env bash
# The lab_dc role fails early, says why in the words of whatever failed, and never shows the admin password:
#   1. a package missing (the AD schema of samba-ad-provision hidden in a private mount namespace, as on a machine
#      without that package) with lab_dc_install_packages false: it fails before creating anything, naming it;
#   2. a provision that Samba refuses (a weak password): Samba's own reason, the password masked where Samba's
#      text holds it, and nothing left behind that would make the next run skip provisioning;
#   3. a Samba that exits at start (its RPC port taken): the words of its log, at once rather than after the
#      start timeout.
# Runs as root, in a throwaway lab (LAB_NETNS with a -t suffix, a temporary folder), removed at the end.
# Usage: tests/system/lab_dc_failures.sh   (make system-check runs it with the virtual environment on PATH)
set -euo pipefail
# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

throwaway_lab lab_dc_failures.sh t
schema=/usr/share/samba/setup/ad-schema
listener=
before_cleanup() {
  [[ -n "$listener" ]] && kill "$listener" 2>/dev/null
}

run_lab() {  # run_lab PASSWORD [ansible-playbook args]: the role's output in $out, its exit status in $status
  local password=$1
  shift
  status=0
  out=$("$@" -v playbooks/lab_dc.yml -e "lab_dc_dir=$lab" -e "lab_dc_netns=$netns" -e lab_dc_install_packages=false \
    -e "{\"lab_dc_admin_password\": \"$password\"}" 2>&1) || status=$?
}
says() { grep -qF -- "$1" <<<"$out"; }
shown() { grep -m1 '^fatal:' <<<"$out" | grep -o '"msg": .*' | cut -c1-600 | sed 's/^/        shown: /'; }
never_says() { ! grep -qF -- "$1" <<<"$out"; }

# 1. The package is absent: its files are hidden from this run only (a tmpfs over the schema folder).
password="Unshown-1-$RANDOM-Passw0rd"
run_lab "$password" unshare --mount --propagation private -- \
  sh -c "mount -t tmpfs -o size=1m,mode=0755 none $schema && exec \"\$@\"" sh ansible-playbook
check "missing samba-ad-provision: the run fails" test "$status" -ne 0
check "missing samba-ad-provision: the failure names the package" \
  grep -qE 'needs the Debian package\(s\) samba-ad-provision' <<<"$out"
check "missing samba-ad-provision: the admin password is not shown" never_says "$password"
check "missing samba-ad-provision: nothing was created (no namespace, no lab folder)" \
  test ! -e "/run/netns/$netns" -a ! -e "$lab"
shown

# 2. Samba refuses the password, and its message contains the password itself ("...quality standards").
run_lab standards ansible-playbook
check "refused provision: the run fails" test "$status" -ne 0
check "refused provision: Samba's own reason is shown" \
  says "ERROR: Administrator password does not meet the default quality ********"
check "refused provision: the admin password is masked" never_says standards
check "refused provision: no smb.conf left to make the next run skip provisioning" test ! -e "$lab/etc/smb.conf"
shown

# 3. Samba starts, then exits: something else already listens on its RPC endpoint mapper port.
ip netns exec "$netns" python3 -c '
import socket, time
s = socket.socket()
s.bind(("0.0.0.0", 135))
s.listen()
time.sleep(600)' &
listener=$!
password="Unshown-3-$RANDOM-Passw0rd"
start=$SECONDS
run_lab "$password" ansible-playbook -e lab_dc_start_timeout=120
check "Samba exits at start: the run fails" test "$status" -ne 0
check "Samba exits at start: the failure quotes Samba's log" says "Failed to listen on 127.0.0.2:135"
check "Samba exits at start: reported at once, not after the 120 s start timeout" says "Samba exited"
check "Samba exits at start: the admin password is not shown" never_says "$password"
shown
echo "        (case 3 took $((SECONDS - start)) s, provisioning included)"

finish
