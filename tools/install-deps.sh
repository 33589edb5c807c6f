#!/usr/bin/env bash
# Installs the Debian packages listed in tools/debian-packages.txt (run as root on Debian 12).
# With --check, only reports the missing ones and exits non-zero if any is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t pkgs < <(grep -v -E '^\s*(#|$)' "$here/debian-packages.txt")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ "${1:-}" == "--check" ]]; then
  if ((${#missing[@]})); then echo "missing Debian packages: ${missing[*]}"; exit 1; fi
  exit 0
fi
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
