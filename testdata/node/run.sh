#!/usr/bin/env bash
# run.sh SCRIPT [ARGS...]: run an unmodified Puppeteer script with Node and the
# puppeteer-core pinned in this directory, launched on the system Chromium the
# way Skriptable launches it (see shim.cjs).
#
#   OUT_DIR   working directory for the script, so relative paths such as
#             screenshot({path: 'a.png'}) land there (created if missing;
#             default: the current directory)
#   BASE_URL  and any other environment variables reach the script unchanged
#
# node_modules is installed with `npm ci` only when it is missing or does not
# match package-lock.json; once installed, runs need no network.
# The script's exit status is run.sh's exit status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -lt 1 ]]; then
	echo "usage: $0 SCRIPT [ARGS...]" >&2
	exit 2
fi
script="$1"
shift
if [[ ! -f "$script" ]]; then
	echo "run.sh: no such script: $script" >&2
	exit 2
fi
script="$(cd "$(dirname "$script")" && pwd)/$(basename "$script")"

command -v node >/dev/null || { echo "run.sh: node is not installed" >&2; exit 127; }

# ensure_modules installs node_modules unless it already matches the lock file.
# Fast path: a stamp holding the lock file's checksum. Slow path (no stamp):
# compare every locked package with what is installed, and only run npm ci if
# something differs.
ensure_modules() {
	local stamp="$here/node_modules/.skriptable-lock.sha256" sum
	sum="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
	if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
		return 0
	fi
	(
		# Serialise concurrent first runs.
		exec 9>"${TMPDIR:-/tmp}/skriptable-node-harness.lock"
		flock 9
		if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
			exit 0
		fi
		if ! node "$here/check-modules.cjs" "$here" 2>/dev/null; then
			echo "run.sh: installing puppeteer-core in $here (npm ci)" >&2
			(cd "$here" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
			node "$here/check-modules.cjs" "$here"
		fi
		echo "$sum" >"$stamp"
	)
}
ensure_modules

out="${OUT_DIR:-$PWD}"
mkdir -p "$out"
cd "$out"
exec node --require "$here/shim.cjs" "$script" "$@"
