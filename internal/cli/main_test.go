package cli

import (
	"os"
	"testing"
)

// TestMain lets the test binary stand in for the skriptable binary: the
// launcher starts "<binary> runner" inside the sandbox, and this test
// binary, started that way, behaves as the runner subcommand.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "runner" {
		os.Exit(Main(os.Args[1:], Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	os.Exit(m.Run())
}
