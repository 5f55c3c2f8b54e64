#!/usr/bin/env bash
# The lab_dc role reuses a lab that is up and matching after one probe, and does everything it always did as soon as
# something differs:
#   1. a re-run of an up lab (DC1 and a replica) changes nothing, takes the reuse path, and still renews the
#      administrator ticket cache; so does a check-mode run and a run with lab_dc_install_packages false;
#   2. a DC that is down: check mode leaves it down; a run starts it again;
#   3. a client file with another mode, a namespace file removed: written again;
#   4. other settings for the same folder: refused as before, nothing changed;
#   5. a lower lab_dc_replicas: the replica is stopped and its folder removed; the next run reuses the lab;
#   6. another lab_dc_admin_password: one Samba refuses fails with its reason and keeps the old one; an accepted
#      one is set on the domain (kinit and a module with lab.env's settings bind with it, the old one no longer
#      works), never shown; the next run reuses the lab; one with shell specials and non-ASCII letters is set and
#      handed out by lab.env as written;
#   7. an expired admin password (a lab older than Samba's 42 days): set again, never to expire (as a new lab's).
# Runs as root, in a throwaway lab (LAB_NETNS with a -r suffix, a temporary folder), removed at the end.
# Usage: tests/system/lab_dc_reuse.sh   (make system-check runs it with the virtual environment on PATH)
set -euo pipefail
# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

throwaway_lab lab_dc_reuse.sh r

run_lab() {  # run_lab [ansible-playbook args]: the role's output in $out, its exit status in $status
  status=0
  local start=$SECONDS
  out=$(ansible-playbook -v playbooks/lab_dc.yml -e "lab_dc_dir=$lab" -e "lab_dc_netns=$netns" "$@" 2>&1) || status=$?
  echo "        (run $(sed -E 's/(lab_dc_admin_password": ")[^"]*/\1********/' <<<"$*"): $((SECONDS - start)) s)"
}
says() { grep -qF -- "$1" <<<"$out"; }
says_too_short() { says "password is too short"; }
never_says() { ! grep -qF -- "$1" <<<"$out"; }
succeeded() { [[ $status -eq 0 ]]; }
all() {  # all CONDITION...: every one holds
  local condition
  for condition in "$@"; do "$condition" || return 1; done
}
reused() { says '"lab_dc_reuse_blockers": []'; }
converged() { says 'lab_dc_reuse_blockers' && ! reused; }
changed() { grep -qE 'changed=[1-9]' <<<"$out"; }
unchanged() { grep -qE 'localhost +: ok=[0-9]+ +changed=0 ' <<<"$out"; }
down() { ! answers; }
answers() { ip netns exec "$netns" "$(command -v python3)" roles/lab_dc/files/lab_dc_probe.py dc1.contoso.com 636 "$lab/tls/ca.pem" 2>/dev/null; }
mode_of() { stat -c %a "$1"; }
kinit_with() {  # kinit_with PASSWORD: the domain takes it for Administrator (the ticket stays in memory)
  printf '%s\n' "$1" | KRB5_CONFIG="$lab/krb5.conf" KRB5CCNAME=MEMORY:lab_dc_reuse \
    ip netns exec "$netns" kinit Administrator@CONTOSO.COM >/dev/null 2>&1
}
kinit_refuses() { ! kinit_with "$1"; }
password_never_expires() {  # userAccountControl of Administrator has DONT_EXPIRE_PASSWORD (0x10000)
  local uac
  uac=$(ldbsearch -H "$lab/private/sam.ldb" '(sAMAccountName=Administrator)' userAccountControl 2>/dev/null |
    sed -n 's/^userAccountControl: //p')
  [[ -n "$uac" ]] && (( uac & 0x10000 ))
}
set_max_password_age() {  # set_max_password_age INTERVALS: the domain's maxPwdAge (negative, 100 ns units)
  printf 'dn: DC=contoso,DC=com\nchangetype: modify\nreplace: maxPwdAge\nmaxPwdAge: %s\n' "$1" |
    ldbmodify -H "$lab/private/sam.ldb" >/dev/null
}
domain_info_binds() {  # a module, with the connection settings of lab.env, binds and reads the domain
  (
    # shellcheck source=/dev/null
    . "$lab/lab.env"
    ip netns exec "$netns" ansible localhost -m wincontainers.gmsa.gmsa_domain_info 2>/dev/null | grep -q '"netbios_name": "CONTOSO"'
  )
}

run_lab -e lab_dc_replicas=1
check "a new lab with a replica comes up" test "$status" -eq 0
[[ $status -eq 0 ]] || { printf '%s\n' "$out" | tail -20; exit 1; }
check "a new lab: Administrator's password never expires (Samba's default is 42 days)" password_never_expires

# 1. Up and matching: reused, nothing changed; the ticket cache is renewed all the same.
touch -d '2 hours ago' "$lab/admin.ccache"
before=$(stat -c %Y "$lab/admin.ccache")
run_lab -e lab_dc_replicas=1
check "up and matching: the run succeeds" test "$status" -eq 0
check "up and matching: reused" reused
check "up and matching: nothing changed" unchanged
check "up and matching: the administrator ticket cache is renewed" test "$(stat -c %Y "$lab/admin.ccache")" -gt "$before"
run_lab -e lab_dc_replicas=1 --check
check "check mode: reused, nothing changed" all succeeded reused unchanged
run_lab -e lab_dc_replicas=1 -e lab_dc_install_packages=false
check "lab_dc_install_packages false: reused, nothing changed" all succeeded reused unchanged

# 2. DC1 down: check mode sees it and leaves it down; a run starts it.
pid=$(cat "$lab/run/samba.pid")
kill -TERM "$pid"
for _ in $(seq 40); do [[ -e /proc/$pid ]] || break; sleep 0.5; done
run_lab -e lab_dc_replicas=1 --check
check "DC1 down, check mode: not reused" converged
check "DC1 down, check mode: DC1 is still down" down
run_lab -e lab_dc_replicas=1
check "DC1 down: the run succeeds and starts it" all succeeded converged changed answers

# 3. Files the role writes: another mode, a missing file.
chmod 0644 "$lab/lab.env"
rm "/etc/netns/$netns/hosts"
run_lab -e lab_dc_replicas=1
check "lab.env readable by others, hosts removed: not reused, changed" all converged changed
check "lab.env is mode 600 again" test "$(mode_of "$lab/lab.env")" = 600
check "the namespace's hosts file is back, naming dc2" grep -q "dc2.contoso.com" "/etc/netns/$netns/hosts"

# 4. Other settings for the same folder: refused as before.
settings=$(cat "$lab/lab.json")
run_lab -e lab_dc_replicas=1 -e lab_dc_netbios_domain=OTHER
check "other settings: the run fails" test "$status" -ne 0
check "other settings: refused, saying what to do" says "holds a lab domain with other settings"
check "other settings: lab.json unchanged" test "$(cat "$lab/lab.json")" = "$settings"

# 5. Fewer replicas: dc2 goes; then the lab of DC1 alone is reused.
run_lab -e lab_dc_replicas=0
check "lab_dc_replicas 0: the run succeeds" test "$status" -eq 0
check "lab_dc_replicas 0: not reused (a replica to remove)" converged
check "lab_dc_replicas 0: dc2's folder is gone" test ! -e "$lab/dc2"
run_lab -e lab_dc_replicas=0
check "DC1 alone again: reused, nothing changed" all succeeded reused unchanged

# 6. Another admin password for the lab. Samba lets the old one bind over LDAP for a while (its "old password allowed
#    period", as AD does for NTLM), Kerberos not: kinit tells the old one from the new one.
old_password='Lab-Admin-Passw0rd!'
env_before=$(cat "$lab/lab.env")
short="Sh0$RANDOM"
run_lab -e lab_dc_replicas=0 -e "{\"lab_dc_admin_password\": \"${short:0:6}\"}"
check "a password Samba refuses: the run fails with Samba's reason" all converged says_too_short
check "a password Samba refuses: says what to do" says "scripts/lab-dc down"
check "a password Samba refuses: never shown" never_says "${short:0:6}"
check "a password Samba refuses: the domain keeps the old one" kinit_with "$old_password"
check "a password Samba refuses: lab.env unchanged" test "$(cat "$lab/lab.env")" = "$env_before"

new_password="Changed-$RANDOM-Passw0rd"
touch -d '2 hours ago' "$lab/admin.ccache"
before=$(stat -c %Y "$lab/admin.ccache")
run_lab -e lab_dc_replicas=0 -e "{\"lab_dc_admin_password\": \"$new_password\"}"
check "another admin password: the run succeeds, not reused, changed" all succeeded converged changed
check "another admin password: it was refused before the run" says "without the password of lab_dc_admin_password"
check "another admin password: never shown" never_says "$new_password"
check "another admin password: lab.env hands it out" grep -qF "GMSA_LDAP_PASSWORD='$new_password'" "$lab/lab.env"
check "another admin password: kinit takes it" kinit_with "$new_password"
check "another admin password: kinit refuses the old one" kinit_refuses "$old_password"
check "another admin password: gmsa_domain_info binds with lab.env's settings" domain_info_binds
check "another admin password: a fresh administrator ticket" test "$(stat -c %Y "$lab/admin.ccache")" -gt "$before"
run_lab -e lab_dc_replicas=0 -e "{\"lab_dc_admin_password\": \"$new_password\"}"
check "another admin password, next run: reused, nothing changed" all succeeded reused unchanged

# A password with shell specials ($NAME, quotes, backslash, backquotes, spaces) and non-ASCII letters: the domain
# gets it as written (no $HOME expanded in samba-tool's argv) and lab.env, sourced, hands it out as written.
special_password="It's \$HOME \\ \"q\" \`x\` Pässwörd-$RANDOM"
printf '%s\n' "$special_password" | python3 -c 'import json, sys; print(json.dumps({"lab_dc_admin_password": sys.stdin.read()[:-1]}))' >"$work/special.json"
run_lab -e lab_dc_replicas=0 -e "@$work/special.json"
check "a password with shell specials: the run succeeds" succeeded
check "a password with shell specials: kinit takes it as written" kinit_with "$special_password"
check "a password with shell specials: never shown" never_says "Pässwörd"
lab_env_password() {  # what GMSA_LDAP_PASSWORD is once lab.env is sourced
  # shellcheck source=/dev/null
  (. "$lab/lab.env" && printf '%s' "$GMSA_LDAP_PASSWORD")
}
check "a password with shell specials: lab.env, sourced, gives it as written" \
  test "$(lab_env_password)" = "$special_password"
check "a password with shell specials: gmsa_domain_info binds with lab.env's settings" domain_info_binds

# 7. A password past the domain's maximum age (42 days by default; 1 s here, the never-expires flag taken off): the
#    domain refuses every bind (data 532) and kinit asks for a new password. The run sets it again, never to expire.
samba-tool user setexpiry Administrator --days=3650 -H "$lab/private/sam.ldb" >/dev/null
set_max_password_age -10000000
sleep 2
check "an expired password: kinit refuses it" kinit_refuses "$special_password"
run_lab -e lab_dc_replicas=0 -e "@$work/special.json"
check "an expired password: the run succeeds, not reused, changed" all succeeded converged changed
check "an expired password: kinit takes it again" kinit_with "$special_password"
check "an expired password: it never expires now" password_never_expires
check "an expired password: gmsa_domain_info binds with lab.env's settings" domain_info_binds
set_max_password_age -36288000000000
run_lab -e lab_dc_replicas=0 -e "@$work/special.json"
check "an expired password, next run: reused, nothing changed" all succeeded reused unchanged

finish
