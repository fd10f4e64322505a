#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of Seatwise on Debian 12.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql-15 postgresql-client-15
  libsodium-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libcurl4-openssl-dev zlib1g-dev libgtest-dev libgmock-dev libbenchmark-dev
  nginx-light wrk curl python3 python3-aiosmtpd
  chromium
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

# The portal is built with Node.js ≥ 20.19 (Vite 7). The machine's node and npm are used when
# they are recent enough; otherwise (Debian 12's own nodejs is 18, often without npm) a
# project-local Node.js is fetched from the npm registry into .tools/ (scripts/node.sh), and
# the Makefile puts it first on PATH for the portal's build and tests.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
node_bin=$(bash "$root/scripts/node.sh" --install) || {
  echo "setup: no Node.js 20.19 or newer for the portal build" >&2
  exit 1
}
export PATH="$node_bin:$PATH"
echo "setup: Node.js $(node --version) and npm $(npm --version) from $node_bin"

# npm packages of the portal, the versions the committed lockfile names. `npm install` rather
# than `npm ci`: registries that carry only some platforms' builds of optional native packages
# (rollup's) leave those out of the lockfile, which `npm ci` then calls out of sync; `npm
# install` installs the locked versions. `--no-save` keeps it from writing those platforms'
# entries back into the committed lockfile, so `make test` leaves the work tree clean.
if [ ! -f "$root/web/node_modules/.package-lock.json" ] ||
  [ "$root/web/package-lock.json" -nt "$root/web/node_modules/.package-lock.json" ]; then
  echo "setup: installing the portal's npm packages"
  (cd "$root/web" && npm install --no-save --no-audit --no-fund)
else
  echo "setup: portal npm packages present"
fi
