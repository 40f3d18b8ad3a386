#!/usr/bin/env bash
# Cross-publishes the `edgescaler` Native AOT binary for linux-arm64 on a Debian/Ubuntu x64 host.
#
#   ./build-arm64.sh                 build artifacts/linux-arm64/edgescaler and print its size
#   ./build-arm64.sh --smoke         also build artifacts/linux-x64/edgescaler, run both on the same inputs
#                                    (the arm64 one under qemu-aarch64) and fail unless they behave the same
#   --toolchain clang|gcc            clang (default) or the gcc cross compiler behind a small wrapper
#   --no-build                       smoke-test the binaries already in artifacts/
#
# Missing toolchain packages are installed with apt (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DEBIAN_FRONTEND=noninteractive

smoke=0 build=1 toolchain=clang
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --no-build) build=0 ;;
    --toolchain) toolchain="${2:?--toolchain needs clang or gcc}"; shift ;;
    --toolchain=*) toolchain="${1#*=}" ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-arm64: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$toolchain" in clang|gcc) ;; *) echo "build-arm64: --toolchain must be clang or gcc" >&2; exit 2 ;; esac

say() { echo "build-arm64: $*"; }
die() { echo "build-arm64: error: $*" >&2; exit 1; }
sudo_=""; if [ "$(id -u)" -ne 0 ]; then sudo_="sudo"; fi
apt_updated=0

# Installs the named Debian packages that are not installed yet.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "need packages ${missing[*]} but apt-get is not available; install them by hand"
  say "installing ${missing[*]}"
  if [ "$apt_updated" -eq 0 ]; then $sudo_ apt-get update -qq; apt_updated=1; fi
  $sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

publish() { # rid outdir [extra msbuild args...]
  local rid=$1 out=$2; shift 2
  say "publishing $rid (Native AOT, Release) -> $out"
  local t0=$SECONDS
  dotnet publish firmware-host/EdgeScaler.Host.csproj -c Release -r "$rid" -o "$out" -nologo -v q "$@" \
    || die "dotnet publish for $rid failed"
  say "$rid publish took $((SECONDS - t0)) s"
}

size_line() { # file
  local bytes; bytes=$(stat -c %s "$1")
  printf '%s  %d bytes (%s MB)\n' "$1" "$bytes" "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')"
}

arm64_out=artifacts/linux-arm64
x64_out=artifacts/linux-x64

if [ "$build" -eq 1 ]; then
  extra=()
  if [ "$toolchain" = clang ]; then
    # clang cross-compiles with --target=aarch64-linux-gnu and finds the sysroot, crt files and libgcc that the
    # gcc cross packages install under /usr/aarch64-linux-gnu and /usr/lib/gcc-cross; llvm supplies llvm-objcopy.
    apt_install clang llvm binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  else
    # The ILCompiler targets always pass clang's --target flag, which gcc rejects: a wrapper drops it.
    apt_install binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross
    wrap_dir=$(mktemp -d); trap 'rm -rf "$wrap_dir"' EXIT
    cat > "$wrap_dir/aarch64-gcc-wrap" <<'EOF'
#!/bin/sh
for a in "$@"; do shift; case "$a" in --target=*) ;; *) set -- "$@" "$a" ;; esac; done
exec aarch64-linux-gnu-gcc "$@"
EOF
    chmod +x "$wrap_dir/aarch64-gcc-wrap"
    extra=(-p:CppCompilerAndLinker="$wrap_dir/aarch64-gcc-wrap" -p:ObjCopyName=aarch64-linux-gnu-objcopy)
  fi
  publish linux-arm64 "$arm64_out" "${extra[@]}"
fi
[ -x "$arm64_out/edgescaler" ] || die "$arm64_out/edgescaler is missing"
readelf -h "$arm64_out/edgescaler" | grep -q 'AArch64' || die "$arm64_out/edgescaler is not an AArch64 executable"
size_line "$arm64_out/edgescaler"

[ "$smoke" -eq 1 ] || exit 0

# ---- smoke test: the arm64 binary under qemu must behave exactly as the x64 binary on the same inputs ----
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  say "enabling the arm64 architecture for multiarch (libssl3:arm64)"
  $sudo_ dpkg --add-architecture arm64
  apt_updated=0
fi
# qemu-user-static runs the binary without binfmt_misc; libssl3:arm64 brings libc6:arm64 (the dynamic loader)
# and the OpenSSL the runtime loads for TLS and certificates.
apt_install qemu-user-static libssl3:arm64
[ "$build" -eq 1 ] && publish linux-x64 "$x64_out"
[ -x "$x64_out/edgescaler" ] || die "$x64_out/edgescaler is missing"
size_line "$x64_out/edgescaler"

work=$(mktemp -d); trap 'rm -rf "$work" ${wrap_dir:+"$wrap_dir"}' EXIT
# Each case: one line of arguments to edgescaler (word-split; paths are repo-relative without spaces).
cases=("version --json" "--help" "frobnicate" "check-config --config deploy/edgescaler.example.json"
       "check-config --config tests/EdgeScaler.Host.Tests/Fixtures/bad-config.json")
for fixture in boards/*/fixture; do
  [ -d "$fixture" ] && cases+=("sample --host-root $fixture --interval 200ms --json")
done

# Output that legitimately differs between the two builds or runs: the RID and wall-clock fields.
normalize() {
  sed -E -e 's/linux-(x64|arm64)/linux-RID/g' \
         -e 's/"(timestamp|time|takenAt|window|windowSeconds|elapsed[A-Za-z]*|duration[A-Za-z]*)": *("[^"]*"|[0-9.eE+-]+)/"\1": X/g' \
         -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z?/TIME/g'
}

failures=0 n=0
for c in "${cases[@]}"; do
  n=$((n + 1))
  # shellcheck disable=SC2086
  set +e
  "$x64_out/edgescaler" $c >"$work/x64.out" 2>"$work/x64.err"; x_rc=$?
  # shellcheck disable=SC2086
  qemu-aarch64-static "$arm64_out/edgescaler" $c >"$work/arm.out" 2>"$work/arm.err"; a_rc=$?
  set -e
  cat "$work/x64.out" "$work/x64.err" | normalize >"$work/x64.all"
  cat "$work/arm.out" "$work/arm.err" | normalize >"$work/arm.all"
  if [ "$x_rc" -ne "$a_rc" ] || ! cmp -s "$work/x64.all" "$work/arm.all"; then
    failures=$((failures + 1))
    echo "DIFFERS: edgescaler $c   (exit x64=$x_rc arm64=$a_rc)"
    diff -u --label x64 --label arm64 "$work/x64.all" "$work/arm.all" | head -n 40 || true
  elif [ "$x_rc" -ge 3 ]; then
    failures=$((failures + 1))
    echo "CRASHED: edgescaler $c   (exit $x_rc on both)"; head -n 20 "$work/x64.all"
  else
    echo "same:    edgescaler $c   (exit $x_rc)"
  fi
done
# The arm64 binary must also say it is Native AOT on arm64.
qemu-aarch64-static "$arm64_out/edgescaler" version --json | grep -q '"rid":"linux-arm64".*"aot":true' \
  || { echo "arm64 'version --json' does not report linux-arm64 Native AOT"; failures=$((failures + 1)); }
if [ "$failures" -ne 0 ]; then die "smoke: $failures of $n cases differ between arm64 (qemu) and x64"; fi
say "smoke: all $n cases behave the same on arm64 (qemu) and x64"
