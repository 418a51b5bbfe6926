#!/usr/bin/env bash
# Installs the IAM policy simulator (@cloud-copilot/iam-simulate) under tools/iam-simulate for the
# security tests. It is AGPL-licensed, so it is not one of the project's dependencies: only this
# script (run by `npm run test:all`) installs it.   --if-possible: on failure, skip the tests loudly.
exec bash "$(dirname "$0")/install-tool.sh" iam-simulate "the IAM policy simulator (AGPL-3.0, test-only)" "$@"
