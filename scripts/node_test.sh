#!/usr/bin/env bash
# Tests of scripts/node.sh, the choice of Node.js for the portal (issue 15, point 14: "On a
# machine with only Debian's own Node.js (18), make run and make test must still work").
# Stub `node` and `npm` commands first on PATH play the machine; the project-local copy is
# fetched once into .tools/ (gitignored) and reused by later runs.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/node.sh
source "$root/scripts/node.sh"
set +e

passed=0
failed=0
check() {  # check NAME COMMAND...: passes when the command succeeds
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok - $name"
  else
    failed=$((failed + 1))
    echo "not ok - $name"
  fi
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
real_node=$(command -v node 2>/dev/null || true)

# A stub node printing `version`, running the machine's node (when there is one) for anything
# else, so that the machine's npm keeps working on top of it.
stub_node() {  # stub_node DIR VERSION
  mkdir -p "$1"
  cat >"$1/node" <<EOF
#!/bin/sh
if [ "\$1" = "--version" ]; then echo "$2"; exit 0; fi
if [ -n "$real_node" ]; then exec "$real_node" "\$@"; fi
exit 127
EOF
  chmod +x "$1/node"
}
stub_npm() {  # stub_npm DIR STATUS: an npm that answers --version, or fails (no usable npm)
  mkdir -p "$1"
  printf '#!/bin/sh\n[ %s -eq 0 ] && echo 10.0.0\nexit %s\n' "$2" "$2" >"$1/npm"
  chmod +x "$1/npm"
}

# ---- which versions will do --------------------------------------------------------------
for v in v18.19.0 v20.18.3 v20.9.0 vgarbage ""; do
  stub_node "$scratch/v/$v" "$v"
  check "node $v is too old or unusable" bash -c "source '$root/scripts/node.sh'; ! node_is_recent '$scratch/v/$v/node'"
done
for v in v20.19.0 v20.20.2 v22.1.0 v24.0.0; do
  stub_node "$scratch/v/$v" "$v"
  check "node $v will do" bash -c "source '$root/scripts/node.sh'; node_is_recent '$scratch/v/$v/node'"
done
check "a missing node will not do" bash -c "source '$root/scripts/node.sh'; ! node_is_recent '$scratch/none/node'"

# ---- a machine whose Node.js is recent: it is used, nothing is fetched ---------------------
stub_node "$scratch/recent" v22.3.0
stub_npm "$scratch/recent" 0
empty_root="$scratch/project"
mkdir -p "$empty_root"
chosen=$(PATH="$scratch/recent:$PATH" node_dir "$empty_root")
check "a recent machine node is chosen" test "$chosen" = "$scratch/recent"
chosen=$(PATH="$scratch/recent:$PATH" ensure_node "$empty_root")
check "and ensure_node installs nothing" test "$chosen" = "$scratch/recent" -a ! -e "$empty_root/.tools"

# ---- Debian 12: node 18 (with or without npm): the local copy is installed and chosen -------
stub_node "$scratch/debian" v18.19.0
chosen=$(PATH="$scratch/debian:$PATH" node_dir "$empty_root")
check "node 18 without a local copy: nothing to use yet" test -z "$chosen"
chosen=$(PATH="$scratch/debian:$PATH" ensure_node "$root")
check "node 18: the local copy is chosen" test "$chosen" = "$root/.tools/node/bin"
check "the local node is $SEATWISE_NODE_VERSION" \
  test "$("$root/.tools/node/bin/node" --version 2>/dev/null)" = "v$SEATWISE_NODE_VERSION"
check "the local npm runs on it" \
  test "$("$root/.tools/node/bin/npm" --version 2>/dev/null)" = "$SEATWISE_NPM_VERSION"
check "the local npx runs on it" \
  test "$("$root/.tools/node/bin/npx" --version 2>/dev/null)" = "$SEATWISE_NPM_VERSION"
chosen=$(PATH="$scratch/debian:$PATH" bash "$root/scripts/node.sh" --dir)
check "node.sh --dir names the local copy on Debian's node" test "$chosen" = "$root/.tools/node/bin"
no_npm="$scratch/no-npm"
stub_node "$no_npm" v18.19.0
stub_npm "$no_npm" 1
chosen=$(PATH="$no_npm:$PATH" bash "$root/scripts/node.sh" --dir)
check "and so it does without npm" test "$chosen" = "$root/.tools/node/bin"
check ".tools/ is ignored by git" git -C "$root" check-ignore -q .tools/node/bin/node

# ---- without npm, the registry is read with curl; tarballs are checked -----------------------
dist=$(PATH="$no_npm:$PATH" registry_dist npm "$SEATWISE_NPM_VERSION")
check "without npm the registry metadata comes over curl" \
  test "$(sed -n 2p <<<"$dist")" = "$SEATWISE_REGISTRY/npm/-/npm-$SEATWISE_NPM_VERSION.tgz"
check "  with its integrity" grep -q '^sha512-' <<<"$dist"
# A cache of its own, so that the first run on a machine downloads this tarball with curl.
PATH="$no_npm:$PATH" fetch_package npm "$SEATWISE_NPM_VERSION" "$scratch/npm" "$root/.tools/cache-curl"
check "without npm a package is fetched with curl and unpacked" test -f "$scratch/npm/bin/npm-cli.js"
printf 'not the tarball' >"$scratch/bad.tgz"
check "a tarball that does not match the registry's integrity is refused" \
  bash -c "source '$root/scripts/node.sh'; ! verify_integrity '$scratch/bad.tgz' '$(sed -n 1p <<<"$dist")' 2>/dev/null"
check "a matching one is accepted" verify_integrity \
  "$root/.tools/cache-curl/npm-$SEATWISE_NPM_VERSION.tgz" "$(sed -n 1p <<<"$dist")"

echo "node.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
