package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/skriptable/skriptable/internal/cli"
	"github.com/skriptable/skriptable/internal/server"
	"github.com/skriptable/skriptable/internal/store"
	"github.com/skriptable/skriptable/internal/store/storetest"
)

func migrateCLI(args ...string) (int, string) {
	var out bytes.Buffer
	code := cli.Main(append([]string{"migrate"}, args...), cli.Stdio{In: strings.NewReader(""), Out: &out, Err: &out})
	return code, out.String()
}

func pgCount(t *testing.T, dsn, q string) int {
	t.Helper()
	conn, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestConcurrentNodeStarts starts four nodes (API and worker roles) at
// once on a fresh Postgres database, as a rollout does: every node comes
// up, each store and River migration is applied exactly once (a second
// application of the store's plain CREATE TABLEs would fail), and
// `skriptable migrate` afterwards finds nothing to do.
func TestConcurrentNodeStarts(t *testing.T) {
	dsn := storetest.Postgres(t)(t).DSN
	secret := storetest.NewSecretKey()
	roles := []string{server.RoleAPI, server.RoleWorker, server.RoleAPI, server.RoleWorker}
	var wg sync.WaitGroup
	errs := make([]error, len(roles))
	for i, role := range roles {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					errs[i] = errors.New("panic")
				}
			}()
			srv, err := server.New(context.Background(), server.Config{
				Role: role, DataDir: dataDir(t), Database: dsn, Listen: "127.0.0.1:0", Sandbox: "none", SecretKey: secret,
				Logger: discardLogger(),
			})
			if err != nil {
				errs[i] = err
				return
			}
			errs[i] = srv.Stop(context.Background())
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d (%s): %v", i, roles[i], err)
		}
	}
	want := pgCount(t, dsn, `SELECT MAX(version) FROM schema_migrations`)
	if got := pgCount(t, dsn, `SELECT COUNT(*) FROM schema_migrations`); got != want || want < 2 {
		t.Fatalf("schema_migrations: %d rows, max version %d", got, want)
	}
	if n := pgCount(t, dsn, `SELECT COUNT(*) FROM river_migration`); n == 0 {
		t.Fatal("River's migrations were not applied")
	}
	if n := pgCount(t, dsn, `SELECT COUNT(*) FROM tenants WHERE admin`); n != 1 {
		t.Fatalf("%d admin tenants after concurrent starts", n)
	}
	code, out := migrateCLI("--database", dsn)
	if code != cli.ExitOK || !strings.Contains(out, "schema is at version") {
		t.Fatalf("migrate: %d %s", code, out)
	}
}

// TestMigrateCommandAndNewerSchema runs `skriptable migrate` on a fresh
// database (SQLite and Postgres), then makes the database look migrated
// by a newer release: migrate and a starting node both refuse, saying so.
func TestMigrateCommandAndNewerSchema(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dir := dataDir(t)
			var dsn string
			args := []string{"--data-dir", dir}
			if backend == "postgres" {
				dsn = storetest.Postgres(t)(t).DSN
				args = []string{"--database", dsn}
			}
			code, out := migrateCLI(args...)
			if code != cli.ExitOK || !strings.Contains(out, "The database schema is at version") {
				t.Fatalf("migrate: %d %s", code, out)
			}
			db := dsn
			if db == "" {
				db = dir + "/skriptable.db"
			}
			st, err := store.Open(context.Background(), store.Config{DSN: db})
			if err != nil {
				t.Fatal(err)
			}
			known := st.KnownSchemaVersion()
			if err := st.InTx(context.Background(), func(tx *store.Tx) error {
				var err error
				if tx.PGX() != nil {
					_, err = tx.PGX().Exec(context.Background(), `INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`)
				} else {
					_, err = tx.SQL().Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			st.Close()
			msg := "database schema version 9999 is newer than this skriptable (knows up to " + itoa(known) + "); upgrade skriptable"
			code, out = migrateCLI(args...)
			if code != cli.ExitErrored || !strings.Contains(out, msg) {
				t.Fatalf("migrate on a newer schema: %d %s", code, out)
			}
			_, err = server.New(context.Background(), server.Config{DataDir: dir, Database: dsn, Sandbox: "none", Logger: discardLogger()})
			if !errors.Is(err, store.ErrSchemaTooNew) || !strings.Contains(err.Error(), msg) {
				t.Fatalf("node start on a newer schema: %v", err)
			}
		})
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func itoa(n int) string { return strconv.Itoa(n) }
