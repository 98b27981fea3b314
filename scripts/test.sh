#!/usr/bin/env bash
# The README's second command and CI's: install what is missing, then run
# formatting and vet checks and the whole test suite with the race
# detector. Tests drive real Chromium against pages served on 127.0.0.1;
# SKRIPTABLE_LOOPBACK_ONLY keeps Chromium from resolving any other host.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export SKRIPTABLE_LOOPBACK_ONLY=1

unformatted=$(gofmt -l cmd internal)
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...
go test -race -timeout 20m "$@" ./...
