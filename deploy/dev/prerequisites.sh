#!/usr/bin/env bash
# Installs what is missing on Debian/Ubuntu. Always: espeak-ng (the embedded French voice) and a C compiler (the
# gateway's native wire sender). With `tests`: lame
# (recording archives), and the Redis and PostgreSQL servers the record-store and multi-silo tests start on loopback.
# Sourced by demo.sh and test.sh; safe to run again (it only installs what is absent).

ensure_prerequisites() {
  local purpose="${1:-run}"
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
    exit 1
  fi

  local missing=()
  command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
  # The gateway's native wire sender is built with the system C compiler (without it frames are paced from managed code).
  command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
  # The benchmark's plot needs a font; its smoke test runs with the tests.
  if [ "$purpose" = tests ] || [ "$purpose" = bench ]; then
    [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  fi
  if [ "$purpose" = tests ]; then
    command -v lame >/dev/null 2>&1 || missing+=(lame)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
  fi
  if [ ${#missing[@]} -eq 0 ]; then
    echo "==> prerequisites present: dotnet $(dotnet --version), $(espeak-ng --version | head -n1)"
    return 0
  fi

  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing ${missing[*]} and no apt-get here; install ${missing[*]} with your package manager." >&2
    exit 1
  fi

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "error: missing ${missing[*]}; run as root or install sudo." >&2
      exit 1
    fi
  fi

  echo "==> installing ${missing[*]} with apt-get"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian packages start system-wide servers; the tests run their own on free loopback ports instead.
  for service in redis-server postgresql; do
    if [[ " ${missing[*]} " == *" $service "* ]] && command -v systemctl >/dev/null 2>&1; then
      "${sudo[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
    fi
  done
  echo "==> installed: $(espeak-ng --version | head -n1)"
}
