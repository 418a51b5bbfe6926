#!/usr/bin/env bash
# Installs the coding agents the agent tests drive (Codex CLI and opencode, pinned in tools/agents).
# Their native binaries come to about 600 MB, so they are not among the project's dependencies: only
# this script (run by `npm run test:all`) installs them; the tests start each platform binary
# directly, so install scripts stay off.   --if-possible: on failure, skip the tests loudly.
exec bash "$(dirname "$0")/install-tool.sh" agents "Codex CLI and opencode (test-only, about 600 MB)" "$@"
