#!/usr/bin/env bash
# Installs one optional test tool from its pinned lock in tools/<name>: tools that are not among the
# project's dependencies (a licence, or their size), so `npm ci` of the project never installs them.
# Install scripts stay off. Idempotent: a stamp of the lock file skips a second run.
#   install-tool.sh <name> <what, for the log> [--if-possible]
#   --if-possible   on failure, say so and exit 0 (the tests that need the tool then skip, loudly)
set -uo pipefail
name=$1
what=$2
soft=false
[ "${3:-}" = "--if-possible" ] && soft=true
cd "$(dirname "$0")/../tools/$name"

stamp=node_modules/.llm-api-stamp
want=$(sha256sum package-lock.json | cut -c1-64)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

echo "setup-$name: installing $what" >&2
if ! npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2; then
  echo "setup-$name: npm ci failed" >&2
  $soft && exit 0
  exit 1
fi
echo "$want" >"$stamp"
