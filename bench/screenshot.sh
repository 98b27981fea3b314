#!/usr/bin/env bash
# bench/screenshot.sh: wall time of examples/screenshot.js (launch, newPage,
# goto, screenshot, close) under Skriptable versus Node + puppeteer-core
# (testdata/node), on the same Chromium and the same local fixture site.
#
#   N=7 bench/screenshot.sh        # N measured runs per command (>= 5)
#
# It builds bin/skriptable, starts the fixture site on 127.0.0.1, does one
# unmeasured warm-up run of each command, then N measured runs of each,
# alternating between the commands (and swapping which goes first every
# round). It prints every run, both medians and the ratio skriptable/node.
# Any failing run (non-zero exit, or no screenshot.png written) stops the
# benchmark with that run's output.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

N="${N:-7}"
if ! [[ "$N" =~ ^[0-9]+$ ]] || ((N < 5)); then
	echo "screenshot.sh: N must be a whole number >= 5 (got '$N')" >&2
	exit 2
fi

die() {
	echo "screenshot.sh: $*" >&2
	exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/skriptable-bench.XXXXXX")"
site_pid=""
cleanup() {
	if [[ -n "$site_pid" ]]; then
		kill "$site_pid" 2>/dev/null || true
		wait "$site_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "building bin/skriptable and the fixture site..." >&2
go build -o bin/skriptable ./cmd/skriptable
go build -o "$work/fixture-site" ./internal/fixture/cmd/fixture-site

"$work/fixture-site" -listen 127.0.0.1:0 >"$work/site.url" 2>"$work/site.err" &
site_pid=$!
for _ in $(seq 100); do
	[[ -s "$work/site.url" ]] && break
	kill -0 "$site_pid" 2>/dev/null || die "fixture site did not start: $(cat "$work/site.err")"
	sleep 0.05
done
URL="$(head -n1 "$work/site.url")"
[[ "$URL" == http://127.0.0.1:* ]] || die "bad fixture site URL: '$URL'"

script="$root/examples/screenshot.js"
shim="$root/testdata/node/shim.cjs"

# run_skriptable and run_node each run the script once with its own clean
# output directory. Node is started directly with the shim (not through
# run.sh) so that neither side pays for wrapper scripts.
run_skriptable() {
	rm -rf "$work/sk-out"
	bin/skriptable run examples/screenshot.js --param "BASE_URL=$URL" --out "$work/sk-out" --loopback-only || return
	[[ -s "$work/sk-out/screenshot.png" ]] || { echo "no screenshot.png in $work/sk-out" >&2; return 1; }
}
run_node() {
	rm -rf "$work/node-out"
	mkdir -p "$work/node-out"
	(cd "$work/node-out" && BASE_URL="$URL" node --require "$shim" "$script") || return
	[[ -s "$work/node-out/screenshot.png" ]] || { echo "no screenshot.png in $work/node-out" >&2; return 1; }
}

# timed NAME: run run_NAME once and print its wall time in milliseconds; on
# failure print its output and stop everything.
timed() {
	local name="$1" start end status=0
	start="$(date +%s%N)"
	"run_$name" >"$work/$name.log" 2>&1 || status=$?
	end="$(date +%s%N)"
	if ((status != 0)); then
		echo "screenshot.sh: $name run failed (exit $status):" >&2
		cat "$work/$name.log" >&2
		exit 1
	fi
	echo $(((end - start) / 1000000))
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Warm-up (also installs puppeteer-core on the very first use).
BASE_URL="$URL" OUT_DIR="$work/node-out" "$root/testdata/node/run.sh" "$script" >"$work/warmup.log" 2>&1 ||
	{ cat "$work/warmup.log" >&2; die "node warm-up failed"; }

echo "chromium:  $(/usr/lib/chromium/chromium --version 2>/dev/null || echo unknown)"
echo "node:      $(node --version), puppeteer-core $(node -p "require('$root/testdata/node/node_modules/puppeteer-core/package.json').version")"
echo "runs:      $N per command (+1 warm-up each), site $URL"
warm_sk="$(timed skriptable)"
warm_node="$(timed node)"
echo "warm-up:   skriptable $warm_sk ms, node $warm_node ms"

sk_times=()
node_times=()
for ((i = 1; i <= N; i++)); do
	if ((i % 2)); then
		s="$(timed skriptable)"
		n="$(timed node)"
	else
		n="$(timed node)"
		s="$(timed skriptable)"
	fi
	sk_times+=("$s")
	node_times+=("$n")
	printf 'run %2d:    skriptable %6d ms   node %6d ms\n' "$i" "$s" "$n"
done

sk_median="$(printf '%s\n' "${sk_times[@]}" | median)"
node_median="$(printf '%s\n' "${node_times[@]}" | median)"
echo "median:    skriptable ${sk_median} ms   node ${node_median} ms"
awk -v s="$sk_median" -v n="$node_median" 'BEGIN { printf "ratio:     skriptable/node = %.2f\n", s / n }'
