package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/skriptable/skriptable/internal/store"
)

// PostgresEnv is the environment variable naming the Postgres server the
// tests use, as a URL DSN of a user allowed to create databases.
const PostgresEnv = "SKRIPTABLE_TEST_POSTGRES"

// defaultPostgres is used when PostgresEnv is unset.
const defaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// SQLite returns a Config for a fresh SQLite database and blob directory
// in the test's temporary directory, with a random secret key.
func SQLite(t *testing.T) store.Config {
	dir := t.TempDir()
	return store.Config{
		DSN:       filepath.Join(dir, "skriptable.db"),
		BlobDir:   filepath.Join(dir, "blobs"),
		SecretKey: NewSecretKey(),
	}
}

// Postgres creates a database named skriptable_test_<random> for the
// calling test (dropped, with its connections, when the test ends) and
// returns a function that makes Configs, each for a fresh schema of that
// database (through search_path), so parallel tests and parallel test
// runs never share tables.
//
// When the server is unreachable the test is skipped with instructions,
// unless CI=true, where it fails: CI must not silently lose the
// Postgres half of the suite.
func Postgres(t *testing.T) func(t *testing.T) store.Config {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		admin = defaultPostgres
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s=%q: want a postgres:// URL", PostgresEnv, admin)
	}
	holdShared(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Postgres required in CI: %v", err)
		}
		t.Skipf("Postgres unreachable (%v); to run these tests start Postgres on 127.0.0.1:5432 "+
			"(trust auth, user postgres) or set %s=postgres://user@host:port/db", err, PostgresEnv)
	}
	name := "skriptable_test_" + randomHex(6)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
	conn.Close(ctx)
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(t, admin, name) })

	u.Path = "/" + name
	dbDSN := u.String()
	pool, err := pgxpool.New(ctx, dbDSN)
	if err != nil {
		t.Fatalf("connect to test database: %v", err)
	}
	t.Cleanup(pool.Close) // runs before the drop (cleanups are LIFO)

	return func(t *testing.T) store.Config {
		t.Helper()
		schema := "s_" + randomHex(6)
		if _, err := pool.Exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		su := *u
		q := su.Query()
		q.Set("search_path", schema)
		q.Set("pool_max_conns", "4") // many tests share one server
		su.RawQuery = q.Encode()
		return store.Config{
			DSN:       su.String(),
			BlobDir:   filepath.Join(t.TempDir(), "blobs"),
			SecretKey: NewSecretKey(),
		}
	}
}

// dropDatabase drops a test database, closing its remaining connections.
func dropDatabase(t *testing.T, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("drop test database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("drop test database %s: %v", name, err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
