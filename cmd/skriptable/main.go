// Command skriptable runs Puppeteer scripts: locally (`skriptable run`), as a
// service (`skriptable serve`), and inside a sandbox (the hidden `runner`).
// All behaviour lives in internal/cli; this file only hands over the process.
package main

import (
	"os"

	"github.com/skriptable/skriptable/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}
