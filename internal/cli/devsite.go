package cli

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/skriptable/skriptable/internal/fixture"
)

// devSiteCommand serves the fixture site (login form, product list, …) on
// a loopback address, printing its URL on the first line of stdout. The
// README's demo and the benchmarks drive examples against it.
func devSiteCommand(args []string, stdio Stdio, _ Env) int {
	fs := flag.NewFlagSet("dev-site", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	host, _, err := net.SplitHostPort(*listen)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintln(stdio.Err, "skriptable dev-site: --listen must be a loopback address such as 127.0.0.1:8081")
		return ExitUsage
	}
	srv, err := fixture.Start(*listen)
	if err != nil {
		fmt.Fprintf(stdio.Err, "skriptable dev-site: %v\n", err)
		return ExitErrored
	}
	defer srv.Close()
	fmt.Fprintln(stdio.Out, srv.URL())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return ExitOK
}
