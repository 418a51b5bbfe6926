#!/usr/bin/env bash
# Installs the coding agents the agent tests drive (Codex CLI and opencode, pinned in
# tools/agents) under tools/agents. Their native binaries come to about 600 MB, so they are not
# among the project's dependencies: `npm ci` of the project never installs them, only this script
# (run by `npm run test:all`). Install scripts stay off: the tests start each platform binary
# directly. Idempotent.
#   --if-possible   on failure, say so and exit 0 (the agent tests then skip, loudly)
set -uo pipefail
cd "$(dirname "$0")/../tools/agents"
soft=false
[ "${1:-}" = "--if-possible" ] && soft=true

stamp=node_modules/.llm-api-stamp
want=$(sha256sum package-lock.json | cut -c1-64)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

echo "setup-agents: installing Codex CLI and opencode (test-only, about 600 MB)" >&2
if ! npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2; then
  echo "setup-agents: npm ci failed" >&2
  $soft && exit 0
  exit 1
fi
echo "$want" >"$stamp"
