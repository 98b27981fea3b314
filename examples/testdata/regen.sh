#!/usr/bin/env bash
# regen.sh [-check] [NAME...]: run the examples with Node + real puppeteer-core
# (testdata/node/run.sh) against a local fixture site and record their golden
# files here:
#
#   NAME.stdout              exact standard output
#   NAME.exit                exit status
#   NAME.files               files the script wrote (outfiles format:
#                            "name png WxH", "name jpeg WxH", "name pdf PAGES")
#   NAME.stderr-first-line   only for scripts that fail: the first line of
#                            Node's report that names the error
#
# NAME is an example's file name without extension (default: all of them).
# With -check nothing is written; the run is compared with the goldens and the
# script exits 1 on any difference.
#
# Needs Go, Node and /usr/lib/chromium/chromium; npm only the first time (to
# install puppeteer-core). Everything is served on 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
examples="$(dirname "$here")"
root="$(dirname "$examples")"

check=0
if [[ "${1:-}" == "-check" ]]; then
	check=1
	shift
fi

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
	for f in "$examples"/*.js "$examples"/*.mjs; do
		b="$(basename "$f")"
		names+=("${b%.*}")
	done
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/skriptable-regen.XXXXXX")"
site_pid=""
cleanup() {
	if [[ -n "$site_pid" ]]; then
		kill "$site_pid" 2>/dev/null || true
		wait "$site_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && go build -o "$work/fixture-site" ./internal/fixture/cmd/fixture-site &&
	go build -o "$work/outfiles" ./internal/fixture/cmd/outfiles)

"$work/fixture-site" -listen 127.0.0.1:0 >"$work/site.url" 2>"$work/site.err" &
site_pid=$!
for _ in $(seq 100); do
	[[ -s "$work/site.url" ]] && break
	kill -0 "$site_pid" 2>/dev/null || { cat "$work/site.err" >&2; exit 1; }
	sleep 0.05
done
url="$(head -n1 "$work/site.url")"
[[ "$url" =~ ^http://127\.0\.0\.1:([0-9]+)$ ]] || { echo "regen.sh: bad fixture URL: $url" >&2; exit 1; }
port="${BASH_REMATCH[1]}"
echo "fixture site at $url" >&2

failed=0
for name in "${names[@]}"; do
	script=""
	for ext in js mjs; do
		[[ -f "$examples/$name.$ext" ]] && script="$examples/$name.$ext"
	done
	[[ -n "$script" ]] || { echo "regen.sh: no example named $name" >&2; exit 2; }

	out="$work/out/$name"
	res="$work/res/$name"
	mkdir -p "$out" "$res"
	status=0
	BASE_URL="$url" OUT_DIR="$out" "$root/testdata/node/run.sh" "$script" >"$res/$name.stdout" 2>"$work/$name.stderr" || status=$?
	echo "$status" >"$res/$name.exit"
	"$work/outfiles" "$out" >"$res/$name.files"
	if [[ $status -ne 0 ]]; then
		# Node prints the throwing source line first; the error itself is the
		# first line that starts with a name followed by ": ".
		if ! grep -m1 -E '^[A-Za-z_$][A-Za-z0-9_$]*: ' "$work/$name.stderr" >"$res/$name.stderr-first-line"; then
			echo "regen.sh: $name exited $status without an error line on stderr:" >&2
			cat "$work/$name.stderr" >&2
			exit 1
		fi
	elif [[ -s "$work/$name.stderr" ]]; then
		echo "regen.sh: warning: $name wrote to stderr:" >&2
		cat "$work/$name.stderr" >&2
	fi
	if grep -q -e "$url" -e ":$port" "$res/$name.stdout" "$res/$name.files" "$res/$name.stderr-first-line" 2>/dev/null; then
		echo "regen.sh: $name output contains the fixture address; outputs must not depend on the port" >&2
		exit 1
	fi

	if [[ $check -eq 1 ]]; then
		for f in "$res"/*; do
			g="$here/$(basename "$f")"
			if ! diff -u --label "golden/$(basename "$f")" --label "run/$(basename "$f")" "$g" "$f" >&2; then
				failed=1
			fi
		done
		if [[ $status -eq 0 && -f "$here/$name.stderr-first-line" ]]; then
			echo "regen.sh: $name no longer fails" >&2
			failed=1
		fi
		echo "checked $name (exit $status)" >&2
	else
		rm -f "$here/$name.stderr-first-line"
		cp "$res"/* "$here/"
		echo "recorded $name (exit $status)" >&2
	fi
done
exit $failed
