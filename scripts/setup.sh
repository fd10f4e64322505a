#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of Seatwise on Debian 12.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql-15 postgresql-client-15
  libsodium-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libcurl4-openssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  nginx-light wrk curl python3 python3-aiosmtpd
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian starts services on install; Seatwise starts its own nginx and PostgreSQL
  # on free loopback ports, so leave the system-wide ones stopped.
  if command -v service >/dev/null 2>&1; then
    "${sudo_cmd[@]}" service nginx stop >/dev/null 2>&1 || true
    "${sudo_cmd[@]}" service postgresql stop >/dev/null 2>&1 || true
  fi
else
  echo "setup: all Debian packages present"
fi
