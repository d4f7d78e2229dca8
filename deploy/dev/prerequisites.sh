#!/usr/bin/env bash
# Installs what the product needs on Debian/Ubuntu and is missing: espeak-ng (the embedded French voice).
# Sourced by demo.sh and test.sh; safe to run again (it only installs what is absent).

ensure_prerequisites() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
    exit 1
  fi

  local missing=()
  command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
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

  echo "==> installing ${missing[*]} with apt-get (French text-to-speech for the embedded voice)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "==> installed: $(espeak-ng --version | head -n1)"
}
