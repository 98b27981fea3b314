#!/usr/bin/env bash
# bench/interactions.sh: time of 50 page.$eval calls plus 50 page.click
# calls on a local page (bench/scripts/interactions.js), measured inside
# the script so that browser start-up is excluded, under Skriptable versus
# Node + puppeteer-core (testdata/node) on the same Chromium.
#
#   N=7 bench/interactions.sh             # N measured runs per side (>= 5)
#   SANDBOX=oci bench/interactions.sh     # Skriptable in its sandbox (default none:
#                                         # both sides then run unconfined)
#
# Prints each run, both medians and the ratio skriptable/node (< 1 means
# Skriptable is faster).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
N="${N:-7}"
SANDBOX="${SANDBOX:-none}"
((N >= 5)) || { echo "interactions.sh: N must be >= 5" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/skriptable-bench.XXXXXX")"
site_pid=""
cleanup() {
	[[ -n "$site_pid" ]] && { kill "$site_pid" 2>/dev/null || true; wait "$site_pid" 2>/dev/null || true; }
	rm -rf "$work"
}
trap cleanup EXIT

go build -o bin/skriptable ./cmd/skriptable
go build -o "$work/fixture-site" ./internal/fixture/cmd/fixture-site
"$work/fixture-site" -listen 127.0.0.1:0 >"$work/site.url" 2>"$work/site.err" &
site_pid=$!
for _ in $(seq 100); do [[ -s "$work/site.url" ]] && break; sleep 0.05; done
URL="$(head -n1 "$work/site.url")"
script="$root/bench/scripts/interactions.js"

# ops SIDE: run once, print the in-script time in ms.
ops() {
	local out
	if [[ "$1" == skriptable ]]; then
		out="$(bin/skriptable run "$script" --param "BASE_URL=$URL" --allow-host "${URL#http://}" --sandbox "$SANDBOX" --loopback-only 2>"$work/err")" ||
			{ cat "$work/err" >&2; exit 1; }
	else
		out="$(BASE_URL="$URL" OUT_DIR="$work/node" "$root/testdata/node/run.sh" "$script" 2>"$work/err")" ||
			{ cat "$work/err" >&2; exit 1; }
	fi
	sed -n 's/^ops //p' <<<"$out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ops node >/dev/null # warm-up (installs puppeteer-core on first use)
ops skriptable >/dev/null
echo "chromium: $(/usr/lib/chromium/chromium --version 2>/dev/null), node $(node --version), skriptable sandbox: $SANDBOX"
sk=() nd=()
for ((i = 1; i <= N; i++)); do
	if ((i % 2)); then s="$(ops skriptable)"; n="$(ops node)"; else n="$(ops node)"; s="$(ops skriptable)"; fi
	sk+=("$s") nd+=("$n")
	printf 'run %2d: skriptable %5d ms   node %5d ms\n' "$i" "$s" "$n"
done
sm="$(printf '%s\n' "${sk[@]}" | median)"
nm="$(printf '%s\n' "${nd[@]}" | median)"
echo "median (50 \$eval + 50 click): skriptable ${sm} ms   node ${nm} ms"
awk -v s="$sm" -v n="$nm" 'BEGIN { printf "ratio skriptable/node = %.2f\n", s / n }'
