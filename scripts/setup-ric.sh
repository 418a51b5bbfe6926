#!/usr/bin/env bash
# Installs AWS's Lambda runtime interface client (aws-lambda-ric) under local/ric with the Node 22 that
# Lambda's nodejs22.x runtime runs, and builds its native part against that Node (cmake, make, g++).
# The tests run the function zips under it. Idempotent: a second run with the same lock file does nothing.
#   --if-possible   on failure, say so and exit 0 (the runtime tests then skip, loudly)
set -uo pipefail
cd "$(dirname "$0")/../local/ric"
soft=false
[ "${1:-}" = "--if-possible" ] && soft=true

fail() {
  echo "setup-ric: $1" >&2
  if $soft; then
    echo "setup-ric: the tests that run the functions under AWS's Lambda runtime client will be skipped." >&2
    exit 0
  fi
  exit 1
}

stamp=node_modules/.llm-api-ric-stamp
want=$(sha256sum package-lock.json | cut -c1-64)
# A copy of the finished node_modules, per lock file and machine, serves the next clone on this
# machine in seconds: the build takes about three minutes of compiling (curl and the native client).
cache=${XDG_CACHE_HOME:-$HOME/.cache}/llm-api/ric-$want-$(uname -m).tgz
keep() { mkdir -p "${cache%/*}" && tar -czf "$cache.tmp" node_modules && mv "$cache.tmp" "$cache" || rm -f "$cache.tmp"; }
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f node_modules/aws-lambda-ric/rapid-client.node ]; then
  [ -f "$cache" ] || keep
  exit 0
fi
if [ -f "$cache" ]; then
  rm -rf node_modules
  if tar -xzf "$cache" && [ -f node_modules/aws-lambda-ric/rapid-client.node ]; then
    echo "$want" >"$stamp"
    echo "setup-ric: ready (from $cache)" >&2
    exit 0
  fi
  echo "setup-ric: the cached build could not be used; building again" >&2
  rm -rf node_modules "$cache"
fi
for tool in cmake make g++; do command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing (apt-get install cmake make g++)"; done

echo "setup-ric: installing and building aws-lambda-ric and Node 22 (once per machine; about three minutes)" >&2
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2 || fail "npm ci failed"
node22=$(ls -d "$PWD"/node_modules/node-linux-*/ 2>/dev/null | head -n 1)
[ -n "$node22" ] && [ -x "$node22/bin/node" ] || fail "no Node 22 package for $(uname -m)"
# The native client must be built against Node 22's headers, which the package ships.
PATH="$node22/bin:$PATH" npm_config_nodedir="$node22" npm rebuild aws-lambda-ric --loglevel=error >build.log 2>&1 ||
  fail "building the native client failed; see local/ric/build.log"
[ -f node_modules/aws-lambda-ric/rapid-client.node ] || fail "the native client was not built; see local/ric/build.log"
rm -f build.log
echo "$want" >"$stamp"
keep
echo "setup-ric: ready ($("$node22/bin/node" --version))" >&2
