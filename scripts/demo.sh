#!/usr/bin/env bash
# The README's first command: install what is missing, build skriptable,
# serve the example web site on 127.0.0.1, start `skriptable serve` on the
# embedded SQLite database, and run the example login check through it
# (also scheduled every 5 minutes). The service keeps running in the
# foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

go build -o bin/skriptable ./cmd/skriptable
log=$(mktemp -d)
bin/skriptable dev-site --listen 127.0.0.1:0 >"$log/site" &
site_pid=$!
serve_pid=""
cleanup() { kill $site_pid ${serve_pid:+$serve_pid} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$log"; }
trap cleanup EXIT INT TERM
for _ in $(seq 50); do [ -s "$log/site" ] && break; sleep 0.1; done
site=$(head -1 "$log/site")
echo "Example site: $site"

# --loopback-only: the demo's runs reach only the example site on this
# machine. Leave it out (and use --allow-host for internal sites) to
# monitor real sites.
bin/skriptable serve --data-dir skriptable-data --listen 127.0.0.1:8080 \
  --allow-host "${site#http://}" --loopback-only &
serve_pid=$!
for _ in $(seq 100); do curl -fsS http://127.0.0.1:8080/readyz >/dev/null 2>&1 && break; sleep 0.1; done
go run ./scripts/demoseed --api http://127.0.0.1:8080 --site "$site" --out out
echo
echo "Skriptable is serving on http://127.0.0.1:8080 (API under /api/v1; key in skriptable-data/admin-key)."
echo "Dashboard: http://127.0.0.1:8080/ (sign in with that key)."
echo "Press Ctrl-C to stop."
wait $serve_pid
