#!/usr/bin/env bash
# Installs the IAM policy simulator (@cloud-copilot/iam-simulate) under tools/iam-simulate for the
# security tests. It is AGPL-licensed, so it is not one of the project's dependencies: `npm ci` of
# the project never installs it, and only this script (run by .ci/run) does. Idempotent.
#   --if-possible   on failure, say so and exit 0 (the simulation tests then skip, loudly)
set -uo pipefail
cd "$(dirname "$0")/../tools/iam-simulate"
soft=false
[ "${1:-}" = "--if-possible" ] && soft=true

stamp=node_modules/.llm-api-stamp
want=$(sha256sum package-lock.json | cut -c1-64)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

echo "setup-iam-simulate: installing the IAM policy simulator (AGPL-3.0, test-only)" >&2
if ! npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2; then
  echo "setup-iam-simulate: npm ci failed" >&2
  $soft && exit 0
  exit 1
fi
echo "$want" >"$stamp"
