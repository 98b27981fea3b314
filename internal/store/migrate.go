package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migrationFS holds migrations/<dialect>/NNNN_name.sql. Versions start at
// 1 and have no gaps; a file, once released, never changes.
//
//go:embed migrations
var migrationFS embed.FS

// migrationLockKey is the pg_advisory_xact_lock key that serialises
// migrations of one Postgres database across nodes ("skrpt" in ASCII).
const migrationLockKey int64 = 0x736b727074

// startLockKey is the session advisory lock MigrateWith holds around the
// store's and the job queue's migrations.
const startLockKey int64 = migrationLockKey + 1

// migration is one embedded SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the dialect's migrations in version order.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migrations: %s: name must be NNNN_description.sql", name)
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations: %s: version %d, want %d (no gaps or duplicates)", m.name, m.version, i+1)
		}
	}
	return out, nil
}

// Migrate applies the embedded migrations the database lacks, each
// recorded in schema_migrations(version, applied_at). It is safe to call
// from several processes at once: on Postgres the whole run holds a
// transaction-scoped advisory lock, on SQLite a write (IMMEDIATE)
// transaction, so each migration is applied exactly once and latecomers
// find nothing to do. All pending migrations apply in one transaction
// (DDL is transactional on both databases), so a failure leaves the
// schema unchanged. A database newer than the binary fails with
// ErrSchemaTooNew.
func (s *Store) Migrate(ctx context.Context) error {
	migs, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	if s.dialect == DialectPostgres {
		return s.migratePostgres(ctx, migs)
	}
	return s.migrateSQLite(ctx, migs)
}

// MigrateWith is Migrate followed by more (the job queue's own
// migrations), with both under one lock so that nodes starting together
// do not race: on Postgres a session advisory lock held on a dedicated
// connection (released when it closes, so a crashed node cannot leave it
// held); on SQLite (one process, one connection) the calls are already
// serialised. more runs outside the store's migration transaction: River
// migrations add enum values and must commit them before using them.
func (s *Store) MigrateWith(ctx context.Context, more func(ctx context.Context, tx *Tx) error) error {
	migs, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	if s.dialect == DialectPostgres {
		conn, err := s.pool.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		// dialect: Postgres session advisory lock.
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, startLockKey); err != nil {
			conn.Release()
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer func() {
			if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, startLockKey); err != nil {
				_ = conn.Conn().Close(context.Background()) // closing the session releases the lock
			}
			conn.Release()
		}()
		err = s.migratePostgres(ctx, migs)
	} else {
		err = s.migrateSQLite(ctx, migs)
	}
	if err != nil || more == nil {
		return err
	}
	return more(ctx, nil)
}

// createMigrationsTable is valid on both dialects.
const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER NOT NULL PRIMARY KEY,
	applied_at BIGINT  NOT NULL
)`

// applyPending creates the bookkeeping table, checks the version and
// applies what is missing, all through q (inside the caller's lock).
// runScript executes a migration file verbatim: not through q, whose
// Postgres adapter would rewrite any '?' in the file.
func (s *Store) applyPending(ctx context.Context, q querier, runScript func(string) error, migs []migration) error {
	if _, err := q.exec(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var cur int
	if err := q.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if cur > len(migs) {
		return &schemaTooNewError{have: cur, know: len(migs)}
	}
	for _, m := range migs[cur:] {
		if err := runScript(m.sql); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.name, err)
		}
		if _, err := q.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, s.now()); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.name, err)
		}
	}
	return nil
}

// migratePostgres migrates under pg_advisory_xact_lock, released at commit
// or rollback, so a crashed node cannot leave the lock held.
func (s *Store) migratePostgres(ctx context.Context, migs []migration) error {
	return s.InTx(ctx, func(tx *Tx) error {
		// dialect: Postgres advisory lock.
		if _, err := tx.q.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, migrationLockKey); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		run := func(script string) error { _, err := tx.PGX().Exec(ctx, script); return err }
		return s.applyPending(ctx, tx.q, run, migs)
	})
}

// KnownSchemaVersion is the highest migration this binary embeds for the
// store's database.
func (s *Store) KnownSchemaVersion() int { return s.knownSchema }

// migrateSQLite migrates in a BEGIN IMMEDIATE transaction on a dedicated
// connection: IMMEDIATE takes the write lock up front (waiting up to
// busy_timeout for other processes), so two openers cannot both read
// version 0 and then both apply.
func (s *Store) migrateSQLite(ctx context.Context, migs []migration) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	// dialect: SQLite lock mode; database/sql cannot ask for IMMEDIATE.
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	run := func(script string) error { _, err := conn.ExecContext(ctx, script); return err }
	if err := s.applyPending(ctx, sqlQuerier{conn}, run, migs); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

// SchemaVersion returns the highest migration applied to the database, 0
// for a database never migrated.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	// dialect: catalog lookups differ.
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if s.dialect == DialectPostgres {
		exists = `SELECT COUNT(*) FROM (SELECT to_regclass('schema_migrations') AS t) x WHERE t IS NOT NULL`
	}
	var n int
	if err := s.q.queryRow(ctx, exists).Scan(&n); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := s.q.queryRow(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return int(v.Int64), nil
}

// checkSchema fails with ErrSchemaTooNew when the database is ahead of
// the binary (used when Config.NoMigrate skips Migrate).
func (s *Store) checkSchema(ctx context.Context) error {
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v > s.knownSchema {
		return &schemaTooNewError{have: v, know: s.knownSchema}
	}
	return nil
}
