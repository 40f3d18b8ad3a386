#!/usr/bin/env bash
# Installs EdgeScaler on a node over SSH as a hardened systemd service (deploy/systemd/edgescaler.service).
#
# Usage: deploy/install.sh user@host [options]
#   --config FILE           edgescaler.json to install as /etc/edgescaler/edgescaler.json
#   --arch arm64|x64        architecture of the binary (default: the host's, from `uname -m`)
#   --binary PATH           install this binary instead of artifacts/linux-<arch>/edgescaler (built if missing)
#   --kubeconfig FILE       credential: kubeconfig for the agent's ServiceAccount
#   --mqtt-password FILE    credential: MQTT password
#   --tls-cert FILE         credential: serving certificate for the metrics API
#   --tls-key FILE          credential: its private key
#   --upgrade               replace the binary, keep the previous one, roll back if the new one is not ready
#   --uninstall             remove everything install created (state in /var/lib/edgescaler is kept)
#   --purge                 with --uninstall: also remove /var/lib/edgescaler
#   -p, --port N            SSH port;  -i, --identity FILE  SSH key
#   --ready-timeout SECONDS how long to wait for the service to report ready (default 60)
#   --root DIR              (testing) install under DIR on the host instead of /
#   --record-systemctl FILE (testing) append systemctl calls to FILE on the host instead of running them
#
# Exit: 0 done (or nothing to change), 1 failed (message says why), 2 bad usage.
set -euo pipefail

die() { echo "install: $*" >&2; exit 1; }
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

target="" config="" arch="" binary="" port="" identity="" mode=install purge=0 root="" record="" timeout=60
kubeconfig="" mqtt_password="" tls_cert="" tls_key=""
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="${2:?--config needs a file}"; shift ;;
    --arch) arch="${2:?--arch needs arm64 or x64}"; shift ;;
    --binary) binary="${2:?--binary needs a path}"; shift ;;
    --kubeconfig) kubeconfig="${2:?}"; shift ;;
    --mqtt-password) mqtt_password="${2:?}"; shift ;;
    --tls-cert) tls_cert="${2:?}"; shift ;;
    --tls-key) tls_key="${2:?}"; shift ;;
    --upgrade) mode=upgrade ;;
    --uninstall) mode=uninstall ;;
    --purge) purge=1 ;;
    -p|--port) port="${2:?--port needs a number}"; shift ;;
    -i|--identity) identity="${2:?--identity needs a key file}"; shift ;;
    --ready-timeout) timeout="${2:?}"; shift ;;
    --root) root="${2:?--root needs a directory}"; shift ;;
    --record-systemctl) record="${2:?--record-systemctl needs a file}"; shift ;;
    -h|--help) usage ;;
    -*) echo "install: unknown option '$1'" >&2; usage ;;
    *) [ -z "$target" ] || { echo "install: unexpected argument '$1'" >&2; usage; }; target="$1" ;;
  esac
  shift
done
[ -n "$target" ] || { echo "install: missing user@host" >&2; usage; }
[ "$purge" = 0 ] || [ "$mode" = uninstall ] || { echo "install: --purge only goes with --uninstall" >&2; usage; }
case "$arch" in ""|arm64|x64) ;; *) echo "install: --arch must be arm64 or x64, got '$arch'" >&2; usage ;; esac
for f in "$config" "$kubeconfig" "$mqtt_password" "$tls_cert" "$tls_key"; do
  [ -z "$f" ] || [ -r "$f" ] || die "cannot read '$f'"
done

repo="$(cd "$(dirname "$0")/.." && pwd)"
ssh_opts=(-o BatchMode=yes -o ConnectTimeout=10 -o StrictHostKeyChecking=accept-new)
[ -z "$port" ] || ssh_opts+=(-p "$port")
[ -z "$identity" ] || ssh_opts+=(-i "$identity")
if [ -n "${EDGESCALER_SSH_OPTS:-}" ]; then read -r -a extra <<<"$EDGESCALER_SSH_OPTS"; ssh_opts+=("${extra[@]}"); fi
remote() { ssh "${ssh_opts[@]}" "$target" "$@"; }

# 1. Reachable? Which architecture? Root or passwordless sudo?
probe=$(remote 'uname -m; id -u; if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then echo sudo; else echo nosudo; fi' 2>/tmp/edgescaler-install-ssh.$$) || {
  err=$(cat /tmp/edgescaler-install-ssh.$$ 2>/dev/null); rm -f /tmp/edgescaler-install-ssh.$$
  die "cannot reach $target over SSH: ${err:-ssh failed} (check the address, port and key: ssh ${port:+-p $port }$target)"
}
rm -f /tmp/edgescaler-install-ssh.$$
machine=$(sed -n 1p <<<"$probe"); uid=$(sed -n 2p <<<"$probe"); sudo_ok=$(sed -n 3p <<<"$probe")
case "$machine" in aarch64|arm64) host_arch=arm64 ;; x86_64|amd64) host_arch=x64 ;; *) host_arch="$machine" ;; esac
sudo=""
if [ "$uid" != 0 ]; then
  [ "$sudo_ok" = sudo ] || die "$target: user is not root and has no passwordless sudo (add a sudoers rule or use root@)"
  sudo="sudo -n"
fi

staging=""
if [ "$mode" != uninstall ]; then
  arch="${arch:-$host_arch}"
  [ "$arch" = "$host_arch" ] || die "wrong architecture: $target is $machine ($host_arch) but the binary is for $arch (drop --arch or pass --arch $host_arch)"
  if [ -z "$binary" ]; then
    binary="$repo/artifacts/linux-$arch/edgescaler"
    if [ ! -x "$binary" ]; then
      [ "$arch" = arm64 ] || die "no binary at $binary: build it (dotnet publish firmware-host -r linux-$arch) or pass --binary"
      echo "install: building $binary (./build-arm64.sh)"
      "$repo/build-arm64.sh" >&2 || die "build failed"
    fi
  fi
  [ -r "$binary" ] || die "cannot read binary '$binary'"
  # Ship everything in one tar stream into a private staging directory.
  local_stage=$(mktemp -d); trap 'rm -rf "$local_stage"' EXIT
  install -m 0755 "$binary" "$local_stage/edgescaler"
  install -m 0644 "$repo/deploy/systemd/edgescaler.service" "$local_stage/edgescaler.service"
  [ -z "$config" ] || install -m 0640 "$config" "$local_stage/edgescaler.json"
  mkdir "$local_stage/credentials"
  [ -z "$kubeconfig" ] || install -m 0600 "$kubeconfig" "$local_stage/credentials/kubeconfig"
  [ -z "$mqtt_password" ] || install -m 0600 "$mqtt_password" "$local_stage/credentials/mqtt-password"
  [ -z "$tls_cert" ] || install -m 0600 "$tls_cert" "$local_stage/credentials/tls.crt"
  [ -z "$tls_key" ] || install -m 0600 "$tls_key" "$local_stage/credentials/tls.key"
  staging=$(remote 'mktemp -d /tmp/edgescaler-install.XXXXXX') || die "$target: cannot create a staging directory"
  tar -C "$local_stage" -cf - . | remote "tar -C '$staging' -xf -" || die "$target: copying files failed"
fi

# 2. Everything else happens on the host, in one root shell.
remote "$sudo env MODE='$mode' PURGE='$purge' ROOT='$root' RECORD='$record' STAGING='$staging' TIMEOUT='$timeout' sh -s" <<'REMOTE'
set -eu
R="${ROOT%/}"
fail() { echo "install: $*" >&2; [ -z "$STAGING" ] || rm -rf "$STAGING"; exit 1; }
systemctl_() {
  if [ -n "$RECORD" ]; then echo "systemctl $*" >>"$RECORD"; return 0; fi
  systemctl "$@"
}
if [ -n "$RECORD" ]; then
  [ -d "$R/run/systemd/system" ] || fail "systemd is not running on this host (no $R/run/systemd/system): EdgeScaler's unit needs systemd; use the k3s DaemonSet (deploy/k3s) instead"
else
  command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] || fail "systemd is not running on this host: use the k3s DaemonSet (deploy/k3s) instead"
fi
BIN="$R/usr/local/bin/edgescaler"
UNIT="$R/etc/systemd/system/edgescaler.service"
ETC="$R/etc/edgescaler"
STATE="$R/var/lib/edgescaler"
MANIFEST="$ETC/.installed"
UDEV="$R/etc/udev/rules.d/60-edgescaler-gpio.rules"
prefix=""; [ -z "$R" ] || prefix="--prefix $R"

has_user() { grep -q '^edgescaler:' "$R/etc/passwd" 2>/dev/null; }
has_group() { grep -q "^$1:" "$R/etc/group" 2>/dev/null; }

if [ "$MODE" = uninstall ]; then
  if [ ! -f "$MANIFEST" ] && [ ! -f "$UNIT" ]; then
    if [ "$PURGE" = 1 ] && [ -d "$STATE" ]; then rm -rf "$STATE"; echo "install: EdgeScaler was already removed; removed its state"; exit 0; fi
    echo "install: EdgeScaler is not installed here; nothing to remove"; exit 0
  fi
  systemctl_ disable --now edgescaler.service || true
  created=$(cat "$MANIFEST" 2>/dev/null || true)
  rm -f "$UNIT" "$BIN" "$BIN.previous"
  rm -rf "$ETC"
  systemctl_ daemon-reload
  if echo "$created" | grep -qx udev-rule; then rm -f "$UDEV"; fi
  if echo "$created" | grep -qx user; then
    if has_user; then userdel $prefix edgescaler; fi
    if has_group edgescaler; then groupdel $prefix edgescaler; fi
  fi
  if echo "$created" | grep -qx group-gpio && has_group gpio; then groupdel $prefix gpio; fi
  if [ "$PURGE" = 1 ]; then rm -rf "$STATE"; echo "install: removed EdgeScaler and its state"
  else echo "install: removed EdgeScaler (state kept in ${STATE}; --purge removes it)"; fi
  exit 0
fi

changed=""
note() { changed="$changed $1"; }
# install_if_different SRC DST MODE OWNER:GROUP
put() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then
    chmod "$3" "$2"; chown "$4" "$2"; return 0
  fi
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2.tmp.$$" && chmod "$3" "$2.tmp.$$" && chown "$4" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
  note "$(basename "$2")"
}

mkdir -p "$ETC"
created=$(cat "$MANIFEST" 2>/dev/null || true)
remember() { echo "$created" | grep -qx "$1" || { created="$created
$1"; }; }
if ! has_group gpio; then groupadd $prefix --system gpio; remember group-gpio; note group-gpio
  mkdir -p "$(dirname "$UDEV")"
  echo 'SUBSYSTEM=="gpio", KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"' >"$UDEV"; remember udev-rule
fi
if ! has_user; then
  useradd $prefix --system --user-group --no-create-home --home-dir /var/lib/edgescaler --shell /usr/sbin/nologin edgescaler
  remember user; note user
fi
echo "$created" | sed '/^$/d' >"$MANIFEST.tmp"
if cmp -s "$MANIFEST.tmp" "$MANIFEST"; then rm -f "$MANIFEST.tmp"; else chmod 0600 "$MANIFEST.tmp"; mv -f "$MANIFEST.tmp" "$MANIFEST"; fi
ids="$(grep '^edgescaler:' "$R/etc/passwd" | cut -d: -f3):$(grep '^edgescaler:' "$R/etc/group" | cut -d: -f3)"

# Config and credentials: root-owned, readable by the service group only; credentials root-only (systemd hands
# them to the service through LoadCredential=). A missing credential is installed empty, as the unit requires.
chown "root:${ids#*:}" "$ETC"; chmod 0750 "$ETC"
if [ -f "$STAGING/edgescaler.json" ]; then put "$STAGING/edgescaler.json" "$ETC/edgescaler.json" 0640 "root:${ids#*:}"
elif [ ! -f "$ETC/edgescaler.json" ]; then echo '{}' >"$STAGING/empty.json"; put "$STAGING/empty.json" "$ETC/edgescaler.json" 0640 "root:${ids#*:}"; fi
mkdir -p "$ETC/credentials"; chown root:root "$ETC/credentials"; chmod 0700 "$ETC/credentials"
for c in kubeconfig mqtt-password tls.crt tls.key; do
  if [ -f "$STAGING/credentials/$c" ]; then put "$STAGING/credentials/$c" "$ETC/credentials/$c" 0600 root:root
  elif [ ! -f "$ETC/credentials/$c" ]; then : >"$STAGING/credentials/$c"; put "$STAGING/credentials/$c" "$ETC/credentials/$c" 0600 root:root; fi
done
mkdir -p "$STATE"; chown "$ids" "$STATE"; chmod 0700 "$STATE"

new_binary=0
if [ -f "$BIN" ] && cmp -s "$STAGING/edgescaler" "$BIN"; then :
else
  if [ -f "$BIN" ]; then
    [ "$MODE" = upgrade ] || fail "a different EdgeScaler binary is already installed; pass --upgrade to replace it (the current one is kept for rollback)"
    cp -p "$BIN" "$BIN.previous"
  fi
  new_binary=1
  put "$STAGING/edgescaler" "$BIN" 0755 root:root
fi
put "$STAGING/edgescaler.service" "$UNIT" 0644 root:root

ready() {
  # Ready = the binary runs on this machine and systemd reports the unit active (Type=notify: after READY=1).
  "$BIN" version >/dev/null 2>&1 || return 1
  i=0
  while [ "$i" -lt "$TIMEOUT" ]; do
    if [ -n "$RECORD" ]; then systemctl_ is-active --quiet edgescaler.service && return 0
    else systemctl is-active --quiet edgescaler.service && return 0
      systemctl is-failed --quiet edgescaler.service && return 1; fi
    sleep 1; i=$((i + 1))
  done
  return 1
}

if [ -z "$changed" ]; then
  if [ -n "$RECORD" ] || systemctl is-active --quiet edgescaler.service; then
    echo "install: nothing changed; EdgeScaler is installed and running"
    rm -rf "$STAGING"; exit 0
  fi
fi
systemctl_ daemon-reload
systemctl_ enable edgescaler.service
systemctl_ restart edgescaler.service
if ! ready; then
  if [ "$new_binary" = 1 ] && [ -f "$BIN.previous" ]; then
    mv -f "$BIN.previous" "$BIN"
    systemctl_ restart edgescaler.service
    rm -rf "$STAGING"
    fail "the new binary did not become ready; rolled back to the previous one (see: journalctl -u edgescaler)"
  fi
  rm -rf "$STAGING"
  fail "EdgeScaler did not become ready within ${TIMEOUT}s (see: journalctl -u edgescaler)"
fi
echo "install: EdgeScaler is running (changed:${changed})"
echo "install: first sample:"
"$BIN" sample --host-root "${R:-/}" 2>&1 | sed 's/^/  /' | head -n 40 || true
rm -rf "$STAGING"
REMOTE
