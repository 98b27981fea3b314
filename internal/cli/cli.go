// Package cli implements the skriptable command line: flag parsing, the
// subcommands, output formatting and exit codes. It is the only package
// that touches the process's arguments, standard streams, environment and
// exit status; everything else receives them as values.
package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes of every subcommand.
const (
	ExitOK      = 0 // the script passed / the command succeeded
	ExitFailed  = 1 // the script failed (threw, rejected, exited non-zero)
	ExitUsage   = 2 // bad flags or arguments, or a script refused before running
	ExitLimit   = 3 // a limit ended the run (time, memory, …)
	ExitErrored = 4 // Skriptable itself could not run the script
)

// Version is set at build time with -ldflags "-X …/cli.Version=…".
var Version = "dev"

// Stdio is the process's standard streams, passed in so tests run commands
// in memory.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

type command struct {
	name   string
	usage  string
	hidden bool
	run    func(args []string, stdio Stdio, env Env) int
}

// Env is the process environment as a lookup function (os.LookupEnv in
// main, a map in tests).
type Env func(key string) (string, bool)

func commands() []command {
	return []command{
		{name: "run", usage: "run a Puppeteer script locally: skriptable run [flags] script.js", run: runCommand},
		{name: "serve", usage: "run the service (API, scheduler, workers) on the embedded database", run: serveCommand},
		{name: "worker", usage: "run only workers, for scale-out on Postgres", run: workerCommand},
		{name: "migrate", usage: "create or upgrade the database schema, then exit", run: migrateCommand},
		{name: "compat", usage: "list the Puppeteer API and what Skriptable supports: skriptable compat [--json]", run: compatCommand},
		{name: "version", usage: "print the version", run: func(_ []string, s Stdio, _ Env) int {
			fmt.Fprintln(s.Out, "skriptable", Version)
			return ExitOK
		}},
		{name: "runner", hidden: true, usage: "run one job from stdin inside a sandbox (used by the launcher)", run: runnerCommand},
		{name: "dev-site", hidden: true, usage: "serve the fixture web site used by examples and benchmarks", run: devSiteCommand},
	}
}

// Main runs the command line args (without the program name) and returns
// the exit code.
func Main(args []string, stdio Stdio) int {
	return MainEnv(args, stdio, os.LookupEnv)
}

// MainEnv is Main with an explicit environment.
func MainEnv(args []string, stdio Stdio, env Env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdio.Err)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdio, env)
		}
	}
	fmt.Fprintf(stdio.Err, "skriptable: unknown command %q\n\n", args[0])
	usage(stdio.Err)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Skriptable runs Puppeteer scripts without Node.js.")
	fmt.Fprintln(w, "\nUsage: skriptable <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		if !c.hidden {
			fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
		}
	}
	fmt.Fprintln(w, "\nRun 'skriptable <command> -h' for a command's flags.")
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("run script.js --out ./out"), returning the positionals.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// paramFlag collects repeatable KEY=VALUE flags.
type paramFlag map[string]string

func (p paramFlag) String() string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func (p paramFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	for _, r := range k {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return fmt.Errorf("parameter name %q may only contain letters, digits and _", k)
		}
	}
	p[k] = v
	return nil
}
