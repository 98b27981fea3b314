package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os/signal"
	"syscall"

	"os"

	"github.com/skriptable/skriptable/internal/server"
)

// migrateCommand migrates the database and exits. Nodes also migrate at
// start (under the same lock), so this is for operators who want the
// schema change done, and seen to succeed, before they roll out nodes.
func migrateCommand(args []string, stdio Stdio, _ Env) int {
	database, dataDir, code := parseMigrate(args, stdio)
	if code != ExitOK || dataDir == "" {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	v, err := server.Migrate(ctx, database, dataDir, slog.New(slog.NewTextHandler(stdio.Err, nil)))
	if err != nil {
		fmt.Fprintf(stdio.Err, "skriptable migrate: %v\n", err)
		return ExitErrored
	}
	fmt.Fprintf(stdio.Out, "The database schema is at version %d (this skriptable's latest).\n", v)
	return ExitOK
}

// parseMigrate parses migrate's flags; an empty dataDir with ExitOK means
// -help was shown.
func parseMigrate(args []string, stdio Stdio) (database, dataDir string, code int) {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.StringVar(&dataDir, "data-dir", "skriptable-data", "directory of the embedded database")
	fs.StringVar(&database, "database", "", "postgres://… to migrate Postgres instead of the embedded SQLite")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", "", ExitOK
		}
		return "", "", ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stdio.Err, "skriptable migrate: unexpected argument %q\n", fs.Arg(0))
		return "", "", ExitUsage
	}
	return database, dataDir, ExitOK
}
