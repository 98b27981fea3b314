#!/usr/bin/env bash
# bench/sandbox.sh: the cost of the OCI sandbox. Runs examples/screenshot.js
# with `skriptable run --sandbox oci` (default limit: 1 CPU), `--sandbox oci
# --cpus 2` (no CPU throttling on a 2-core machine: the isolation's own
# cost) and `--sandbox none`, in rotating order, N times each after one
# warm-up, and prints every run, the medians and the overheads.
#
#   N=7 bench/sandbox.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
N="${N:-7}"
((N >= 5)) || { echo "sandbox.sh: N must be >= 5" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "sandbox.sh: the OCI sandbox needs root" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/skriptable-bench.XXXXXX")"
site_pid=""
cleanup() { [[ -n "$site_pid" ]] && kill "$site_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

go build -o bin/skriptable ./cmd/skriptable
bin/skriptable dev-site --listen 127.0.0.1:0 >"$work/site.url" &
site_pid=$!
for _ in $(seq 100); do [[ -s "$work/site.url" ]] && break; sleep 0.05; done
URL="$(head -n1 "$work/site.url")"

run() { # run MODE: one timed run, prints ms (modes: oci, oci2, none)
	local mode="$1" start end sb="$1" cpus=1
	[[ "$mode" == oci2 ]] && { sb=oci; cpus=2; }
	rm -rf "$work/out-$mode"
	start="$(date +%s%N)"
	if ! bin/skriptable run examples/screenshot.js --sandbox "$sb" --cpus "$cpus" --loopback-only \
		--param "BASE_URL=$URL" --allow-host "${URL#http://}" --out "$work/out-$mode" >"$work/$mode.log" 2>&1; then
		echo "sandbox.sh: $mode run failed:" >&2; cat "$work/$mode.log" >&2; exit 1
	fi
	end="$(date +%s%N)"
	[[ -s "$work/out-$mode/screenshot.png" ]] || { echo "sandbox.sh: no screenshot from $mode" >&2; exit 1; }
	echo $(((end - start) / 1000000))
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "warm-up:   oci $(run oci) ms, oci --cpus 2 $(run oci2) ms, none $(run none) ms"
oci=(); oci2=(); none=()
for ((i = 1; i <= N; i++)); do
	case $((i % 3)) in
	0) o="$(run oci)"; o2="$(run oci2)"; n="$(run none)" ;;
	1) o2="$(run oci2)"; n="$(run none)"; o="$(run oci)" ;;
	2) n="$(run none)"; o="$(run oci)"; o2="$(run oci2)" ;;
	esac
	oci+=("$o"); oci2+=("$o2"); none+=("$n")
	printf 'run %2d:    oci %6d ms   oci --cpus 2 %6d ms   none %6d ms\n' "$i" "$o" "$o2" "$n"
done
mo="$(printf '%s\n' "${oci[@]}" | median)"
mo2="$(printf '%s\n' "${oci2[@]}" | median)"
mn="$(printf '%s\n' "${none[@]}" | median)"
echo "median:    oci ${mo} ms   oci --cpus 2 ${mo2} ms   none ${mn} ms"
awk -v o="$mo" -v o2="$mo2" -v n="$mn" 'BEGIN { printf "overhead:  isolation %+.0f ms (oci --cpus 2 vs none); with the default 1-CPU limit %+.0f ms\n", o2 - n, o - n }'
