# Skriptable's developer commands. `make help` lists them.
.PHONY: help build test race vet demo bench golden docs

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST) | column -t -s ':'

## build: build bin/skriptable
build:
	go build -o bin/skriptable ./cmd/skriptable

## test: the whole suite as CI runs it (installs what is missing)
test:
	./scripts/test.sh

## race: go test -race without the set-up step
race:
	SKRIPTABLE_LOOPBACK_ONLY=1 go test -race ./...

## vet: gofmt and go vet
vet:
	@test -z "$$(gofmt -l cmd internal)" || (gofmt -l cmd internal; exit 1)
	go vet ./...

## demo: the README's first command
demo:
	./scripts/demo.sh

## bench: skriptable vs node+puppeteer-core on the same Chromium (bench/)
bench: build
	./bench/screenshot.sh

## golden: regenerate the examples' goldens with Node and real Puppeteer
golden:
	./examples/testdata/regen.sh

## docs: regenerate docs/compatibility.md from the compatibility table
docs:
	go run ./cmd/skriptable compat --markdown > docs/compatibility.md
