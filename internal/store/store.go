package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"modernc.org/sqlite" // also registers the "sqlite" database/sql driver
)

// Dialects reported by [Store.Dialect].
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// DefaultMaxArtifactBytes is the artifact size cap when
// Config.MaxArtifactBytes is zero.
const DefaultMaxArtifactBytes = 100 << 20

// Config configures [Open].
type Config struct {
	// DSN selects the database. A value starting with postgres:// or
	// postgresql:// is a pgx connection string (pool settings such as
	// pool_max_conns and runtime parameters such as search_path are
	// honoured). Anything else is the path of a SQLite database file,
	// created if missing; the store adds the WAL, busy_timeout,
	// synchronous and foreign_keys pragmas itself.
	DSN string
	// SecretKey is the 32-byte AES-256 key that encrypts script secrets.
	// Nil disables secrets: their methods then fail with ErrInvalid.
	SecretKey []byte
	// BlobDir is the directory holding artifact bytes (content-addressed,
	// BlobDir/ab/cdef…). It is created if missing. Ignored when Blobs is
	// set; when both are empty, artifact methods fail with ErrInvalid.
	BlobDir string
	// Blobs overrides BlobDir with another blob store.
	Blobs Blobs
	// MaxArtifactBytes caps one artifact; 0 means DefaultMaxArtifactBytes.
	MaxArtifactBytes int64
	// NoMigrate skips applying migrations in Open. Open still refuses a
	// schema newer than this binary knows.
	NoMigrate bool
	// Now is the clock (default time.Now); tests may pin it.
	Now func() time.Time
}

// Store is a handle on the database. It is safe for concurrent use. Its
// entity methods (promoted from an embedded, unexported type they share
// with [Tx]) each run in their own transaction where they need more than
// one statement.
type Store struct {
	ops

	dialect     string
	db          *sql.DB       // SQLite
	pool        *pgxpool.Pool // Postgres
	aead        cipher.AEAD   // nil without a secret key
	blobs       Blobs         // nil without a blob store
	ownBlobs    *DirBlobs     // the blob store Open created, closed by Close
	maxBlob     int64
	clock       func() time.Time
	ids         idGen
	knownSchema int // the highest migration version this binary embeds
}

// Open connects to the database cfg.DSN names, migrates it unless
// cfg.NoMigrate, and returns the store. It fails with ErrSchemaTooNew when
// the database was migrated by a newer Skriptable.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.DSN == "" {
		return nil, fmt.Errorf("open store: %w: Config.DSN is empty", ErrInvalid)
	}
	s := &Store{maxBlob: cfg.MaxArtifactBytes, clock: cfg.Now}
	s.ops = ops{s: s}
	if s.maxBlob <= 0 {
		s.maxBlob = DefaultMaxArtifactBytes
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if err := s.initSecrets(cfg.SecretKey); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.connect(ctx, cfg.DSN); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.initBlobs(cfg); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	migs, err := loadMigrations(s.dialect)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.knownSchema = len(migs)
	if cfg.NoMigrate {
		err = s.checkSchema(ctx)
	} else {
		err = s.Migrate(ctx)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

// connect opens the database and checks that it answers.
func (s *Store) connect(ctx context.Context, dsn string) error {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return fmt.Errorf("postgres: %w", err)
		}
		s.dialect, s.pool = DialectPostgres, pool
		s.q = pgQuerier{pool}
		return nil
	}
	db, err := sql.Open("sqlite", sqliteDSN(dsn))
	if err != nil {
		return fmt.Errorf("sqlite %s: %w", dsn, err)
	}
	// One connection: SQLite allows one writer, and the driver recommends
	// it. It serialises all store calls (and River's, which share the db).
	db.SetMaxOpenConns(1)
	if err := pingSQLite(ctx, db); err != nil {
		_ = db.Close()
		return fmt.Errorf("sqlite %s: %w", dsn, err)
	}
	s.dialect, s.db = DialectSQLite, db
	s.q = sqlQuerier{db}
	return nil
}

// pingSQLite opens the first connection, retrying SQLITE_BUSY for up to
// 5 s. When several processes open a brand-new database at once, the
// journal_mode(WAL) pragma can fail with SQLITE_BUSY without waiting for
// busy_timeout (measured: ~3 in 1000 opens with 5 concurrent openers).
func pingSQLite(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(5 * time.Second)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		err := db.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqliteBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// sqliteDSN turns a file path into the driver's URI with the pragmas the
// store relies on. busy_timeout comes first so the journal_mode switch
// waits for other openers instead of failing.
func sqliteDSN(path string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	return "file:" + esc + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
}

// initSecrets builds the AEAD for a non-nil key.
func (s *Store) initSecrets(key []byte) error {
	if key == nil {
		return nil
	}
	if len(key) != 32 {
		return invalidf("Config.SecretKey has %d bytes, want 32 (AES-256)", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	s.aead, err = cipher.NewGCM(block)
	return err
}

// initBlobs picks the configured blob store.
func (s *Store) initBlobs(cfg Config) error {
	switch {
	case cfg.Blobs != nil:
		s.blobs = cfg.Blobs
	case cfg.BlobDir != "":
		d, err := NewDirBlobs(cfg.BlobDir)
		if err != nil {
			return err
		}
		s.blobs, s.ownBlobs = d, d
	}
	return nil
}

// Close releases the database connections and the blob directory Open
// opened. The store must not be used afterwards.
func (s *Store) Close() error {
	var errs []error
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	if s.pool != nil {
		s.pool.Close()
	}
	if s.ownBlobs != nil {
		errs = append(errs, s.ownBlobs.Close())
	}
	return errors.Join(errs...)
}

// Dialect returns DialectSQLite or DialectPostgres, for callers (the queue
// layer) that build a matching River driver.
func (s *Store) Dialect() string { return s.dialect }

// SQLDB returns the SQLite database (nil on Postgres). It has a single
// connection: while a transaction from it (or from InTx) is open, use that
// transaction only.
func (s *Store) SQLDB() *sql.DB { return s.db }

// PGXPool returns the Postgres pool (nil on SQLite).
func (s *Store) PGXPool() *pgxpool.Pool { return s.pool }

// now returns the current time in Unix milliseconds.
func (s *Store) now() int64 { return s.clock().UnixMilli() }

// newID returns a fresh time-ordered ID.
func (s *Store) newID() string { return s.ids.next(s.clock()) }

// ops carries the entity methods. Store embeds it bound to the database
// and Tx embeds it bound to a transaction, so both expose the same methods.
type ops struct {
	s    *Store
	q    querier
	inTx bool
}

// atomic runs fn with a querier inside a transaction: the caller's when
// o is a Tx, a new one otherwise.
func (o ops) atomic(ctx context.Context, fn func(o ops) error) error {
	if o.inTx {
		return fn(o)
	}
	return o.s.InTx(ctx, func(tx *Tx) error { return fn(tx.ops) })
}

// msTime converts Unix milliseconds to a UTC time.
func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// optTime converts a nullable millisecond column; NULL is the zero time.
func optTime(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return msTime(*ms)
}

// Ping checks that the database answers (for readiness probes).
func (s *Store) Ping(ctx context.Context) error {
	if s.pool != nil {
		return s.pool.Ping(ctx)
	}
	return s.db.PingContext(ctx)
}
