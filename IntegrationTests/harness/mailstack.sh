#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A private loopback mail stack for the integration tests: Postfix (submission with STARTTLS + AUTH, plus
# implicit-TLS SMTPS) delivering over LMTP into Dovecot (IMAP, IMAPS, POP3, POP3S). Everything lives in one
# directory; nothing under /etc is written. Runs as root on Debian 12 without systemd.
#
# Usage: mailstack.sh {install | start DIR | stop DIR | status DIR | start-smtp DIR | stop-smtp DIR | check DIR}
# Ports: MAILSTACK_PORT_BASE (default 12500) + 25 SMTP, +65 SMTPS, +43 IMAP, +93 IMAPS, +10 POP3, +95 POP3S.

set -euo pipefail

PACKAGES=(postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd openssl)
# user:password[:quota]; without a quota, MAILBOX_QUOTA of mail-server-settings.sh. "smallbox" has a small one
# for the tests of a full mailbox (test_mailbox_health.py).
USERS=(
  "hospital@hospital.test:hospital-pw"
  "referrer@referrer.test:referrer-pw"
  "clinic@clinic.test:clinic-pw"
  "outsider@elsewhere.test:outsider-pw"
  "smallbox@clinic.test:smallbox-pw:1M"
)
# Nineteen more mailboxes for a hub polling many (test_many_mailboxes.py), listed apart in env.json ("hub_users"):
# the other tests' clean-up does not log into each of them.
HUB_USERS=()
for n in $(seq -w 1 19); do
  HUB_USERS+=("hub$n@hub.test:hub$n-pw")
done
DOMAINS="hospital.test referrer.test clinic.test elsewhere.test hub.test"
HARNESS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=mail-server-settings.sh
. "$HARNESS/mail-server-settings.sh"
MAIL_UID=8   # the stock "mail" user: no useradd needed
MAIL_GID=8
START_TIMEOUT=20
STOP_TIMEOUT=15

die()
{
  echo "mailstack: $*" >&2
  exit 1
}

usage()
{
  echo "usage: $0 {install | start DIR | stop DIR | status DIR | start-smtp DIR | stop-smtp DIR | check DIR}" >&2
  exit 2
}

now_ms()
{
  date +%s%3N
}

# ---------------------------------------------------------------------------------------------------- install

cmd_install()
{
  local missing=()
  local p
  for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "mailstack: all packages already installed"
    return 0
  fi
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  # --no-upgrade: do not upgrade already installed libraries (openssl, ca-certificates) as a side effect.
  if ! apt-get install -y --no-upgrade "${PACKAGES[@]}"; then
    echo "mailstack: install failed, refreshing the package lists once" >&2
    apt-get update
    apt-get install -y --no-upgrade "${PACKAGES[@]}"
  fi
}

# ---------------------------------------------------------------------------------------------------- layout

set_paths()
{
  [ -n "${1:-}" ] || usage
  mkdir -p "$1"
  DIR="$(cd "$1" && pwd -P)"
  TLS="$DIR/tls"
  PF_CONF="$DIR/postfix/conf"
  PF_QUEUE="$DIR/postfix/queue"
  PF_DATA="$DIR/postfix/data"
  DV_DIR="$DIR/dovecot"
  DV_CONF="$DV_DIR/dovecot.conf"
  DV_BASE="$DV_DIR/run"
  DV_STATE="$DV_DIR/state"
  SOCKETS="$DIR/run"
  LOGS="$DIR/log"
  MAILDIRS="$DIR/mail"
  PASSWD="$DIR/users.passwd"
  PF_PIDFILE="$PF_QUEUE/pid/master.pid"
  DV_PIDFILE="$DV_BASE/master.pid"
  PORTS_FILE="$DIR/ports"

  # The stack keeps the ports it was configured with (start-smtp, stop, status); only a fresh start (cmd_start with
  # nothing running) looks at MAILSTACK_PORT_BASE again.
  PORT_BASE="${MAILSTACK_PORT_BASE:-12500}"
  if [ -f "$PORTS_FILE" ]; then
    # shellcheck disable=SC1090
    . "$PORTS_FILE"
  fi
  set_ports "$PORT_BASE"
}

set_ports()
{
  PORT_BASE="$1"
  if ! [[ "$PORT_BASE" =~ ^[0-9]+$ ]] || [ "$PORT_BASE" -lt 1024 ] || [ "$PORT_BASE" -gt 65400 ]; then
    die "MAILSTACK_PORT_BASE must be a number in 1024..65400, got '$PORT_BASE'"
  fi
  SMTP_PORT=$((PORT_BASE + 25))
  SMTPS_PORT=$((PORT_BASE + 65))
  IMAP_PORT=$((PORT_BASE + 43))
  IMAPS_PORT=$((PORT_BASE + 93))
  POP3_PORT=$((PORT_BASE + 10))
  POP3S_PORT=$((PORT_BASE + 95))
  ALL_PORTS=("$SMTP_PORT" "$SMTPS_PORT" "$IMAP_PORT" "$IMAPS_PORT" "$POP3_PORT" "$POP3S_PORT")
}

# Prints the PID if the pid file names a live process whose command line contains the pattern.
# The pattern check guards against a stale pid file whose number was reused by an unrelated process.
live_pid()
{
  local file="$1" pattern="$2" pid
  [ -f "$file" ] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [ -n "$pid" ] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
  # A zombie counts as gone.
  if grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; then
    return 1
  fi
  echo "$pid"
}

postfix_pid()
{
  # Postfix's master does not show its config dir on the command line; it is the only "master" process whose
  # pid file is in our queue directory, and its cwd is that queue directory.
  local pid
  pid="$(live_pid "$PF_PIDFILE" "master")" || return 1
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$PF_QUEUE" ] || return 1
  echo "$pid"
}

dovecot_pid()
{
  live_pid "$DV_PIDFILE" "$DV_CONF"
}

port_open()
{
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ---------------------------------------------------------------------------------------------------- config

check_traversable()
{
  # Postfix and Dovecot processes run as unprivileged users: every directory down to DIR must let them through.
  # (pytest's tmp_path lies under /tmp/pytest-of-root, mode 0700: not usable as is.)
  local d="" part
  local IFS=/
  for part in ${DIR#/}; do
    d="$d/$part"
    if ! runuser -u dovenull -- test -x "$d" 2>/dev/null; then
      die "directory $d (mode $(stat -c %a "$d")) is not searchable by other users, but Postfix and Dovecot need to reach $DIR; choose another DIR or chmod o+x $d"
    fi
  done
}

make_ca()
{
  local name="$1" cn="$2"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 3650 \
    -subj "/CN=$cn" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -keyout "$TLS/$name.key" -out "$TLS/$name.pem" 2>/dev/null
}

make_certificates()
{
  mkdir -p "$TLS"
  chmod 0755 "$TLS"
  if [ -s "$TLS/server.pem" ] && [ -s "$TLS/server.key" ] && [ -s "$TLS/ca.pem" ] && [ -s "$TLS/other-ca.pem" ]; then
    return 0   # keep the CA stable across restarts: clients may already trust it
  fi
  make_ca ca "DICOM-Mail test CA"
  make_ca other-ca "Unrelated test CA"
  cat >"$TLS/server.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -subj "/CN=localhost" \
    -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
  openssl x509 -req -sha256 -days 3650 -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" \
    -CAcreateserial -extfile "$TLS/server.ext" -out "$TLS/server.pem" 2>/dev/null
  chmod 0600 "$TLS"/*.key
  chmod 0644 "$TLS"/*.pem
}

write_users()
{
  # passwd-file: user:password:uid:gid:gecos:home:shell:extra. Test passwords only.
  # A quota of its own goes into the extra field (userdb_quota_rule); the others get MAILBOX_QUOTA.
  local entry user pass domain local_part quota extra
  : >"$PASSWD.tmp"
  : >"$PF_CONF/vmailbox.tmp"
  for entry in "${USERS[@]}" "${HUB_USERS[@]}"; do
    IFS=: read -r user pass quota <<<"$entry"
    local_part="${user%@*}"
    domain="${user#*@}"
    extra=""
    [ -z "$quota" ] || extra="userdb_quota_rule=*:storage=$quota"
    echo "$user:{PLAIN}$pass:$MAIL_UID:$MAIL_GID::$MAILDIRS/$domain/$local_part::$extra" >>"$PASSWD.tmp"
    echo "$user OK" >>"$PF_CONF/vmailbox.tmp"
  done
  chown root:dovecot "$PASSWD.tmp"
  chmod 0640 "$PASSWD.tmp"
  mv "$PASSWD.tmp" "$PASSWD"
  mv "$PF_CONF/vmailbox.tmp" "$PF_CONF/vmailbox"
}

write_dovecot_config()
{
  cat >"$DV_CONF" <<EOF
# Generated by mailstack.sh
base_dir = $DV_BASE
state_dir = $DV_STATE
instance_name = mailstack-$PORT_BASE
listen = 127.0.0.1
protocols = imap pop3 lmtp
log_path = $LOGS/dovecot.log
info_log_path = $LOGS/dovecot.log

ssl = yes
ssl_cert = <$TLS/server.pem
ssl_key = <$TLS/server.key

disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = $MAIL_UID
first_valid_gid = $MAIL_GID
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100

namespace inbox {
  inbox = yes
  separator = /
  mailbox Junk {
    special_use = \Junk
  }
}

# Quota: counted by Dovecot (every folder), shown to IMAP clients (GETQUOTAROOT), and asked by Postfix before it
# accepts a mail (quota-status), so that a full mailbox is refused at RCPT with $QUOTA_OVERQUOTA_REPLY instead of
# bouncing later.
mail_plugins = \$mail_plugins quota
protocol imap {
  mail_plugins = \$mail_plugins imap_quota
}
plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=$MAILBOX_QUOTA
  quota_grace = $QUOTA_GRACE
  quota_status_success = DUNNO
  quota_status_nouser = DUNNO
  quota_status_overquota = "$QUOTA_OVERQUOTA_REPLY"
}
service quota-status {
  executable = quota-status -p postfix
  unix_listener $SOCKETS/quota-status {
    mode = 0660
    user = postfix
    group = postfix
  }
  client_limit = 1
}

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $PASSWD
}
userdb {
  driver = passwd-file
  args = username_format=%u $PASSWD
}

service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $POP3_PORT
  }
  inet_listener pop3s {
    port = $POP3S_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener $SOCKETS/dovecot-lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
service auth {
  unix_listener $SOCKETS/dovecot-auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
protocol lmtp {
  postmaster_address = postmaster@hospital.test
}
EOF
}

write_postfix_config()
{
  cat >"$PF_CONF/main.cf" <<EOF
# Generated by mailstack.sh
compatibility_level = 3.6
queue_directory = $PF_QUEUE
data_directory = $PF_DATA
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = $LOGS
maillog_file = $LOGS/postfix.log

myhostname = mail.mailstack.test
mydomain = mailstack.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
local_transport = error:local delivery is disabled
alias_maps =
alias_database =
biff = no

virtual_mailbox_domains = $DOMAINS
virtual_mailbox_maps = texthash:$PF_CONF/vmailbox
virtual_transport = lmtp:unix:$SOCKETS/dovecot-lmtp

message_size_limit = $MESSAGE_SIZE_LIMIT
mailbox_size_limit = 0
virtual_mailbox_limit = 0

smtpd_tls_cert_file = $TLS/server.pem
smtpd_tls_key_file = $TLS/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $SOCKETS/dovecot-auth
smtpd_sasl_security_options = noanonymous
smtpd_relay_restrictions = permit_sasl_authenticated, reject
# The quota check comes first: it answers DUNNO (go on) unless the recipient's mailbox cannot take the mail.
smtpd_recipient_restrictions = check_policy_service unix:$SOCKETS/quota-status, permit_sasl_authenticated, reject
EOF
  # Own master.cf: Debian's stock one chroots smtpd and lmtp, which breaks the absolute socket paths.
  cat >"$PF_CONF/master.cf" <<EOF
# Generated by mailstack.sh
# service    type  private unpriv chroot wakeup maxproc command
$SMTP_PORT    inet  n       -      n      -      -       smtpd
$SMTPS_PORT    inet  n       -      n      -      -       smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt
pickup       unix  n       -      n      60     1       pickup
cleanup      unix  n       -      n      -      0       cleanup
qmgr         unix  n       -      n      300    1       qmgr
tlsmgr       unix  -       -      n      1000?  1       tlsmgr
rewrite      unix  -       -      n      -      -       trivial-rewrite
bounce       unix  -       -      n      -      0       bounce
defer        unix  -       -      n      -      0       bounce
trace        unix  -       -      n      -      0       bounce
verify       unix  -       -      n      -      1       verify
flush        unix  n       -      n      1000?  0       flush
proxymap     unix  -       -      n      -      -       proxymap
proxywrite   unix  -       -      n      -      1       proxymap
smtp         unix  -       -      n      -      -       smtp
relay        unix  -       -      n      -      -       smtp
showq        unix  n       -      n      -      -       showq
error        unix  -       -      n      -      -       error
retry        unix  -       -      n      -      -       error
discard      unix  -       -      n      -      -       discard
local        unix  -       n      n      -      -       local
virtual      unix  -       n      n      -      -       virtual
lmtp         unix  -       -      n      -      -       lmtp
anvil        unix  -       -      n      -      1       anvil
scache       unix  -       -      n      -      1       scache
postlog      unix-dgram n  -      n      -      1       postlogd
EOF
}

prepare_dir()
{
  chmod 0755 "$DIR"
  # postfix start creates the queue's subdirectories, not the queue directory itself.
  mkdir -p "$PF_CONF" "$PF_QUEUE" "$PF_DATA" "$DV_BASE" "$DV_STATE" "$SOCKETS" "$LOGS" "$MAILDIRS"
  chmod 0755 "$DIR/postfix" "$PF_CONF" "$PF_QUEUE" "$DV_DIR" "$DV_BASE" "$SOCKETS" "$LOGS"
  # data_directory must belong to postfix, or master fails on its lock file.
  chown postfix:postfix "$PF_DATA"
  chown "$MAIL_UID:$MAIL_GID" "$MAILDIRS"
  chmod 0750 "$MAILDIRS"
  make_certificates
  write_users
  write_dovecot_config
  write_postfix_config
  # Postfix re-reads a config or map file until it is ~2 s old (a guard against half-edited files), which would
  # add 2 s to every start; the content is complete here, so backdate it.
  touch -d "@$(( $(date +%s) - 60 ))" "$PF_CONF/main.cf" "$PF_CONF/master.cf" "$PF_CONF/vmailbox"
  echo "PORT_BASE=$PORT_BASE" >"$PORTS_FILE"

  local free_kb need_kb
  free_kb="$(df -Pk "$DIR" | awk 'NR==2 {print $4}')"
  need_kb=$((3 * 1024 * 1024 / 2))
  if [ "$free_kb" -lt "$need_kb" ]; then
    echo "mailstack: warning: only ${free_kb} KiB free under $DIR; Postfix refuses mail (452 4.3.1) below 1.5 GiB" >&2
  fi
}

# ---------------------------------------------------------------------------------------------------- start/stop

# Prints the logs, stops whatever did start (so a retry begins clean) and exits 1.
fail_start()
{
  show_logs
  stop_services yes yes
  exit 1
}

show_logs()
{
  local f
  for f in "$LOGS/postfix.log" "$LOGS/dovecot.log"; do
    echo "----- $f (last 60 lines)" >&2
    if [ -f "$f" ]; then tail -n 60 "$f" >&2; else echo "(missing)" >&2; fi
  done
}

# A stack left running in another DIR (or any other program) may hold the default ports. With an explicit
# MAILSTACK_PORT_BASE that is an error; with the default, the next free base (in steps of 100) is taken: clients
# read the ports from env.sh / env.json.
choose_ports()
{
  local base="$PORT_BASE" tries=0 p busy
  while :; do
    busy=""
    for p in "${ALL_PORTS[@]}"; do
      if port_open "$p"; then busy=yes; break; fi
    done
    [ -z "$busy" ] && return 0
    if [ -n "${MAILSTACK_PORT_BASE:-}" ] || [ "$tries" -ge 20 ]; then
      check_ports_free "${ALL_PORTS[@]}"   # names the owners and exits
    fi
    tries=$((tries + 1))
    set_ports $((base + 100 * tries))
    echo "mailstack: default ports busy, trying port base $PORT_BASE" >&2
  done
}

# Refuses to start when another program (e.g. a stack left in another DIR) holds one of our ports, naming it.
check_ports_free()
{
  local busy=() p
  for p in "$@"; do
    if port_open "$p"; then
      busy+=("$p")
    fi
  done
  [ ${#busy[@]} -eq 0 ] && return 0
  echo "mailstack: port(s) ${busy[*]} already in use on 127.0.0.1 (another stack or program?):" >&2
  local line pid
  for p in "${busy[@]}"; do
    line="$(ss -ltnpH "sport = :$p" 2>/dev/null | head -n 1)"
    pid="$(echo "$line" | sed -n 's/.*pid=\([0-9]*\).*/\1/p')"
    if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ]; then
      echo "  port $p: pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline") (cwd $(readlink "/proc/$pid/cwd"))" >&2
    else
      echo "  port $p: ${line:-unknown owner}" >&2
    fi
  done
  echo "mailstack: stop it (mailstack.sh stop OTHER_DIR) or choose another MAILSTACK_PORT_BASE" >&2
  exit 1
}

wait_ports()
{
  local deadline=$(( $(now_ms) + START_TIMEOUT * 1000 )) p pending
  while :; do
    pending=()
    for p in "$@"; do
      port_open "$p" || pending+=("$p")
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    if [ "$(now_ms)" -ge "$deadline" ]; then
      echo "mailstack: ports not accepting after ${START_TIMEOUT}s: ${pending[*]}" >&2
      return 1
    fi
    sleep 0.05
  done
}

start_dovecot()
{
  if dovecot_pid >/dev/null; then
    return 0
  fi
  # Login processes are chrooted below base_dir, mail processes sit in the users' homes.
  [ "${ORPHANS_CHECKED:-}" = yes ] || stop_orphans "$DV_BASE" "$DV_BASE/*" "$MAILDIRS/*"
  check_ports_free "$IMAP_PORT" "$IMAPS_PORT" "$POP3_PORT" "$POP3S_PORT"
  rm -f "$DV_PIDFILE"   # stale: its process is gone (dovecot_pid said so)
  if ! dovecot -c "$DV_CONF" >>"$LOGS/dovecot.log" 2>&1; then
    echo "mailstack: dovecot failed to start" >&2
    fail_start
  fi
}

start_postfix()
{
  if postfix_pid >/dev/null; then
    return 0
  fi
  [ "${ORPHANS_CHECKED:-}" = yes ] || stop_orphans "$PF_QUEUE"
  check_ports_free "$SMTP_PORT" "$SMTPS_PORT"
  # postfix prints its errors only to a terminal; they land in maillog_file instead.
  if ! postfix -c "$PF_CONF" start >>"$LOGS/postfix-start.log" 2>&1; then
    echo "mailstack: postfix failed to start" >&2
    cat "$LOGS/postfix-start.log" >&2 || true
    fail_start
  fi
}

# Waits until the process is gone (SIGKILL after STOP_TIMEOUT), then until the given ports close.
wait_gone()
{
  local pid="$1" what="$2"
  shift 2
  local deadline=$(( $(now_ms) + STOP_TIMEOUT * 1000 ))
  WAIT_GONE_KILLED=no
  while [ -d "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; do
    if [ "$(now_ms)" -ge "$deadline" ]; then
      echo "mailstack: $what (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s, killing it" >&2
      WAIT_GONE_KILLED=yes
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.05
  done
  # Children may hold the listening sockets for a moment after their master is gone.
  deadline=$(( $(now_ms) + STOP_TIMEOUT * 1000 ))
  local p
  for p in "$@"; do
    while port_open "$p"; do
      if [ "$(now_ms)" -ge "$deadline" ]; then
        echo "mailstack: warning: port $p still open after stopping $what" >&2
        break
      fi
      sleep 0.05
    done
  done
}

# PIDs of processes left over from a crashed stack in this DIR, found by their working directory (arguments:
# patterns for it): Postfix daemons run in the queue directory, Dovecot's in or below its base_dir or in a mail home. Only programs of the two packages count; nothing outside DIR is touched.
orphan_pids()
{
  local dir exe cwd_test=() d
  for d in "$@"; do
    [ ${#cwd_test[@]} -eq 0 ] || cwd_test+=(-o)
    cwd_test+=(-lname "$d")
  done
  # One find instead of a readlink per process: this runs on busy CI machines.
  find /proc -mindepth 2 -maxdepth 2 -path '/proc/[0-9]*/cwd' \( "${cwd_test[@]}" \) \
    -printf '%h\n' 2>/dev/null | while read -r dir; do
    exe="$(readlink "$dir/exe" 2>/dev/null)" || continue
    case "$exe" in
      /usr/lib/postfix/*|/usr/sbin/post*|/usr/lib/dovecot/*|/usr/sbin/dovecot) echo "${dir#/proc/}" ;;
    esac
  done || true   # find reports processes that vanished meanwhile as errors
}

# After a crash (SIGKILL of a master) its children may keep the listening ports; end them.
# Arguments: the working directories of the masters to clean up after (default: both).
stop_orphans()
{
  local pids
  if [ $# -eq 0 ]; then
    set -- "$PF_QUEUE" "$DV_BASE" "$DV_BASE/*" "$MAILDIRS/*"
  fi
  pids="$(orphan_pids "$@")"
  [ -n "$pids" ] || return 0
  echo "mailstack: ending processes left over from a previous stack in $DIR: $(echo "$pids" | tr '\n' ' ')" >&2
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  local deadline=$(( $(now_ms) + 5000 )) pid alive
  while :; do
    alive=""
    for pid in $pids; do
      [ -d "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null && alive+=" $pid"
    done
    [ -z "$alive" ] && return 0
    if [ "$(now_ms)" -ge "$deadline" ]; then
      # shellcheck disable=SC2086
      kill -KILL $alive 2>/dev/null || true
      sleep 0.2
      return 0
    fi
    sleep 0.05
  done
}

# Stops both daemons in parallel (Dovecot alone needs about a second to shut down).
stop_services()
{
  local want_postfix="$1" want_dovecot="$2" pf_pid="" dv_pid=""
  if [ "$want_postfix" = yes ] && pf_pid="$(postfix_pid)"; then
    kill -TERM "$pf_pid" 2>/dev/null || true
  fi
  if [ "$want_dovecot" = yes ] && dv_pid="$(dovecot_pid)"; then
    kill -TERM "$dv_pid" 2>/dev/null || true
  fi
  if [ -n "$pf_pid" ]; then
    wait_gone "$pf_pid" "postfix master" "$SMTP_PORT" "$SMTPS_PORT"
    # After a clean stop the next start may skip postfix-script's integrity checks (its own "quick-stop"
    # mechanism): they cost 0.5 s idle and up to 5 s on a loaded CI machine, and fault tests restart Postfix often.
    # A crashed master leaves no such file, so the next start checks (and repairs) the queue.
    if [ "$WAIT_GONE_KILLED" = no ] && [ -d "$PF_QUEUE/active" ]; then
      touch "$PF_QUEUE/quick-start"
    fi
  fi
  if [ -n "$dv_pid" ]; then
    wait_gone "$dv_pid" "dovecot" "$IMAP_PORT" "$IMAPS_PORT" "$POP3_PORT" "$POP3S_PORT"
  fi
  if [ "$want_postfix" = yes ]; then rm -f "$PF_PIDFILE"; fi
  if [ "$want_dovecot" = yes ]; then rm -f "$DV_PIDFILE"; fi
  if [ "$want_postfix" = yes ] && [ "$want_dovecot" = yes ]; then
    stop_orphans
  fi
}

# The members of a JSON object "address": "password", one a line, for env.json.
json_users()
{
  local entry sep="" user pass
  for entry in "$@"; do
    IFS=: read -r user pass _ <<<"$entry"
    printf '%s    "%s": "%s"' "$sep" "$user" "$pass"
    sep=$',\n'
  done
}

write_env()
{
  cat >"$DIR/env.sh.tmp" <<EOF
export MAILSTACK_DIR='$DIR'
export MAILSTACK_CA='$TLS/ca.pem'
export MAILSTACK_OTHER_CA='$TLS/other-ca.pem'
export MAILSTACK_SMTP_PORT=$SMTP_PORT
export MAILSTACK_SMTPS_PORT=$SMTPS_PORT
export MAILSTACK_IMAP_PORT=$IMAP_PORT
export MAILSTACK_IMAPS_PORT=$IMAPS_PORT
export MAILSTACK_POP3_PORT=$POP3_PORT
export MAILSTACK_POP3S_PORT=$POP3S_PORT
EOF
  mv "$DIR/env.sh.tmp" "$DIR/env.sh"

  local users hub_users
  users="$(json_users "${USERS[@]}")"
  hub_users="$(json_users "${HUB_USERS[@]}")"
  cat >"$DIR/env.json.tmp" <<EOF
{
  "MAILSTACK_DIR": "$DIR",
  "MAILSTACK_CA": "$TLS/ca.pem",
  "MAILSTACK_OTHER_CA": "$TLS/other-ca.pem",
  "MAILSTACK_SMTP_PORT": $SMTP_PORT,
  "MAILSTACK_SMTPS_PORT": $SMTPS_PORT,
  "MAILSTACK_IMAP_PORT": $IMAP_PORT,
  "MAILSTACK_IMAPS_PORT": $IMAPS_PORT,
  "MAILSTACK_POP3_PORT": $POP3_PORT,
  "MAILSTACK_POP3S_PORT": $POP3S_PORT,
  "users": {
$users
  },
  "hub_users": {
$hub_users
  }
}
EOF
  mv "$DIR/env.json.tmp" "$DIR/env.json"
}

cmd_start()
{
  set_paths "$1"
  local t0
  t0="$(now_ms)"
  if postfix_pid >/dev/null && dovecot_pid >/dev/null; then
    write_env
    echo "mailstack: already running in $DIR"
    return 0
  fi
  if ! command -v postfix >/dev/null || ! command -v dovecot >/dev/null; then
    die "postfix/dovecot not installed; run: $0 install"
  fi
  # Config is only rewritten while neither daemon runs (a half-running stack keeps its files).
  if ! postfix_pid >/dev/null && ! dovecot_pid >/dev/null; then
    chmod 0755 "$DIR"
    check_traversable
    stop_orphans
    ORPHANS_CHECKED=yes
    set_ports "${MAILSTACK_PORT_BASE:-12500}"
    choose_ports
    prepare_dir
  fi
  start_dovecot
  start_postfix
  if ! wait_ports "${ALL_PORTS[@]}"; then
    fail_start
  fi
  write_env
  echo "mailstack: started in $DIR (ports base $PORT_BASE) in $(( $(now_ms) - t0 )) ms"
}

cmd_stop()
{
  [ -d "$1" ] || { echo "mailstack: nothing to stop in $1"; return 0; }
  set_paths "$1"
  local t0
  t0="$(now_ms)"
  stop_services yes yes
  echo "mailstack: stopped in $DIR in $(( $(now_ms) - t0 )) ms"
}

cmd_status()
{
  [ -d "$1" ] || { echo "mailstack: no stack in $1"; return 1; }
  set_paths "$1"
  local rc=0 pid
  if pid="$(postfix_pid)"; then echo "postfix: running (pid $pid)"; else echo "postfix: stopped"; rc=1; fi
  if pid="$(dovecot_pid)"; then echo "dovecot: running (pid $pid)"; else echo "dovecot: stopped"; rc=1; fi
  return $rc
}

cmd_start_smtp()
{
  set_paths "$1"
  [ -f "$PF_CONF/main.cf" ] || die "no stack configured in $DIR; run: $0 start $DIR"
  start_postfix
  if ! wait_ports "$SMTP_PORT" "$SMTPS_PORT"; then
    show_logs
    exit 1
  fi
  echo "mailstack: postfix started"
}

cmd_stop_smtp()
{
  [ -d "$1" ] || { echo "mailstack: nothing to stop in $1"; return 0; }
  set_paths "$1"
  stop_services yes no
  echo "mailstack: postfix stopped"
}

# ---------------------------------------------------------------------------------------------------- check

# End-to-end check with curl against a running stack: send with STARTTLS+AUTH (verified against ca.pem), then
# fetch over IMAPS and POP3S; sending without AUTH and verifying against other-ca.pem must both fail.
cmd_check()
{
  set_paths "$1"
  if ! postfix_pid >/dev/null || ! dovecot_pid >/dev/null; then
    die "stack in $DIR is not running"
  fi
  local work token out uid fail=0
  work="$(mktemp -d)"
  token="check-$(date +%s%N)"
  printf 'From: hospital@hospital.test\r\nTo: referrer@referrer.test\r\nSubject: %s\r\n\r\nbody %s\r\n' \
    "$token" "$token" >"$work/m.eml"

  if curl -sS --url "smtp://127.0.0.1:$SMTP_PORT/check.mailstack.test" --ssl-reqd --cacert "$TLS/ca.pem" \
       --user hospital@hospital.test:hospital-pw --mail-from hospital@hospital.test \
       --mail-rcpt referrer@referrer.test --upload-file "$work/m.eml"; then
    echo "ok: SMTP STARTTLS+AUTH send"
  else
    echo "FAIL: SMTP send"; fail=1
  fi

  if curl -sS --url "smtps://127.0.0.1:$SMTPS_PORT/check.mailstack.test" --cacert "$TLS/ca.pem" \
       --user hospital@hospital.test:hospital-pw --mail-from hospital@hospital.test \
       --mail-rcpt referrer@referrer.test --upload-file "$work/m.eml"; then
    echo "ok: SMTPS send"
  else
    echo "FAIL: SMTPS send"; fail=1
  fi

  if curl -sS --url "smtp://127.0.0.1:$SMTP_PORT/check.mailstack.test" --ssl-reqd --cacert "$TLS/ca.pem" \
       --mail-from hospital@hospital.test --mail-rcpt referrer@referrer.test --upload-file "$work/m.eml" \
       2>"$work/noauth.err"; then
    echo "FAIL: send without AUTH was accepted"; fail=1
  else
    echo "ok: send without AUTH refused ($(tr -d '\n' <"$work/noauth.err"))"
  fi

  if curl -sS --url "smtp://127.0.0.1:$SMTP_PORT/check.mailstack.test" --ssl-reqd \
       --cacert "$TLS/other-ca.pem" --user hospital@hospital.test:hospital-pw \
       --mail-from hospital@hospital.test --mail-rcpt referrer@referrer.test --upload-file "$work/m.eml" \
       2>"$work/wrongca.err"; then
    echo "FAIL: TLS verified against the unrelated CA"; fail=1
  else
    echo "ok: other-ca.pem rejected ($(head -n 1 "$work/wrongca.err"))"
  fi

  local deadline=$(( $(now_ms) + 10000 ))
  uid=""
  while [ -z "$uid" ] && [ "$(now_ms)" -lt "$deadline" ]; do
    out="$(curl -sS --url "imaps://127.0.0.1:$IMAPS_PORT/INBOX" --cacert "$TLS/ca.pem" \
      --user referrer@referrer.test:referrer-pw -X "UID SEARCH HEADER Subject $token" || true)"
    uid="$(echo "$out" | tr -d '\r' | awk '/^\* SEARCH/ {print $3}')"
    [ -n "$uid" ] || sleep 0.1
  done
  if [ -n "$uid" ] && curl -sS --url "imaps://127.0.0.1:$IMAPS_PORT/INBOX/;UID=$uid" --cacert "$TLS/ca.pem" \
       --user referrer@referrer.test:referrer-pw | grep -q "body $token"; then
    echo "ok: IMAPS fetch (UID $uid)"
  else
    echo "FAIL: IMAPS fetch"; fail=1
  fi

  # A folder of its own, deleted again: the check leaves the mailboxes as it found them.
  local folder="check-$token"
  if curl -sS --url "imap://127.0.0.1:$IMAP_PORT/" --user referrer@referrer.test:referrer-pw \
       -X "CREATE \"$folder\"" >/dev/null \
     && curl -sS --url "imap://127.0.0.1:$IMAP_PORT/" --user referrer@referrer.test:referrer-pw | grep -q "$folder" \
     && curl -sS --url "imap://127.0.0.1:$IMAP_PORT/" --user referrer@referrer.test:referrer-pw \
          -X "DELETE \"$folder\"" >/dev/null; then
    echo "ok: IMAP CREATE/DELETE folder"
  else
    echo "FAIL: IMAP CREATE/DELETE folder"; fail=1
  fi

  local n found=""
  n="$(curl -sS --url "pop3s://127.0.0.1:$POP3S_PORT/" --cacert "$TLS/ca.pem" \
    --user referrer@referrer.test:referrer-pw | wc -l)"
  local i
  for ((i = 1; i <= n; i++)); do
    if curl -sS --url "pop3s://127.0.0.1:$POP3S_PORT/$i" --cacert "$TLS/ca.pem" \
         --user referrer@referrer.test:referrer-pw | grep -q "body $token"; then
      found=yes
      break
    fi
  done
  if [ -n "$found" ]; then echo "ok: POP3S fetch"; else echo "FAIL: POP3S fetch"; fail=1; fi

  if curl -sS --url "pop3://127.0.0.1:$POP3_PORT/" --user referrer@referrer.test:referrer-pw >/dev/null; then
    echo "ok: POP3 list"
  else
    echo "FAIL: POP3 list"; fail=1
  fi

  # Remove the check's messages (both sends) again.
  local uids
  uids="$(curl -sS --url "imaps://127.0.0.1:$IMAPS_PORT/INBOX" --cacert "$TLS/ca.pem" \
    --user referrer@referrer.test:referrer-pw -X "UID SEARCH HEADER Subject $token" | tr -d '\r' \
    | awk '/^\* SEARCH/ {$1 = $2 = ""; print}' | xargs | tr ' ' ',')"
  if [ -n "$uids" ]; then
    curl -sS --url "imaps://127.0.0.1:$IMAPS_PORT/INBOX" --cacert "$TLS/ca.pem" \
      --user referrer@referrer.test:referrer-pw -X "UID STORE $uids +FLAGS.SILENT (\\Deleted)" >/dev/null || fail=1
    curl -sS --url "imaps://127.0.0.1:$IMAPS_PORT/INBOX" --cacert "$TLS/ca.pem" \
      --user referrer@referrer.test:referrer-pw -X "UID EXPUNGE $uids" >/dev/null || fail=1
  fi

  rm -rf "$work"
  [ "$fail" -eq 0 ] || die "check failed"
  echo "mailstack: check passed"
}

# ---------------------------------------------------------------------------------------------------- main

[ $# -ge 1 ] || usage
action="$1"
shift
case "$action" in
  install)    cmd_install ;;
  start)      [ $# -eq 1 ] || usage; cmd_start "$1" ;;
  stop)       [ $# -eq 1 ] || usage; cmd_stop "$1" ;;
  status)     [ $# -eq 1 ] || usage; cmd_status "$1" ;;
  start-smtp) [ $# -eq 1 ] || usage; cmd_start_smtp "$1" ;;
  stop-smtp)  [ $# -eq 1 ] || usage; cmd_stop_smtp "$1" ;;
  check)      [ $# -eq 1 ] || usage; cmd_check "$1" ;;
  *)          usage ;;
esac
