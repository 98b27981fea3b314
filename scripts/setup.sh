#!/usr/bin/env bash
# Installs what Skriptable needs on a Debian machine, skipping what is
# already there: Chromium (Debian's package), crun, gcc (for go test -race),
# Node and npm (the differential tests run real Puppeteer) and Go >= 1.26 (from the Go module proxy, the same place `go` itself
# fetches toolchains from). Needs root for apt-get.
set -euo pipefail

need_go="1.26.8"
missing=()
[ -x /usr/lib/chromium/chromium ] || missing+=(chromium)
command -v crun >/dev/null 2>&1 || missing+=(crun)
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
# Node and npm run real Puppeteer for the differential tests (testdata/node).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local v; v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
  [ "$(printf '%s\n%s\n' "1.26" "$v" | sort -V | head -1)" = "1.26" ]
}
if ! go_ok && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
if ! go_ok; then
  echo "setup: installing Go $need_go from the Go module proxy" >&2
  proxy="${GOPROXY:-https://proxy.golang.org}"; proxy="${proxy%%,*}"
  tmp=$(mktemp -d)
  curl -fsSL "$proxy/golang.org/toolchain/@v/v0.0.1-go${need_go}.linux-amd64.zip" -o "$tmp/go.zip"
  rm -rf /usr/local/go && mkdir -p /usr/local/go
  unzip -q "$tmp/go.zip" -d "$tmp/x"
  cp -a "$tmp/x/golang.org/toolchain@v0.0.1-go${need_go}.linux-amd64/." /usr/local/go/
  chmod +x /usr/local/go/bin/* /usr/local/go/pkg/tool/*/* 2>/dev/null || true
  rm -rf "$tmp"
  export PATH="/usr/local/go/bin:$PATH"
fi
go version >&2
