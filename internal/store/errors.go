package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Sentinel errors. Methods wrap them with context; compare with errors.Is.
var (
	// ErrNotFound: the object does not exist or belongs to another tenant.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a uniqueness rule was violated (duplicate script name,
	// duplicate schedule slot, duplicate artifact name) or the object is in
	// a state that forbids the change (starting a finished run).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: an argument failed validation; the message names it.
	ErrInvalid = errors.New("invalid argument")
	// ErrRevoked: the API key exists but was revoked.
	ErrRevoked = errors.New("api key revoked")
	// ErrTooLarge: an artifact exceeded Config.MaxArtifactBytes.
	ErrTooLarge = errors.New("too large")
	// ErrDecrypt: a secret could not be decrypted, because the secret key
	// differs from the one that encrypted it or the row was tampered with.
	ErrDecrypt = errors.New("cannot decrypt secret: wrong secret key or tampered value")
	// ErrSchemaTooNew: the database was migrated by a newer Skriptable.
	ErrSchemaTooNew = errors.New("database schema is newer than this skriptable")
)

// schemaTooNewError reports a database schema newer than the embedded
// migrations; it matches ErrSchemaTooNew.
type schemaTooNewError struct{ have, know int }

func (e *schemaTooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this skriptable (knows up to %d); upgrade skriptable", e.have, e.know)
}

func (e *schemaTooNewError) Unwrap() error { return ErrSchemaTooNew }

// SQLite extended result codes (sqlite3.h) that translate to sentinels.
const (
	sqliteBusy                 = 5 // primary code; extended codes add high bits
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// translate maps driver errors for constraint violations to ErrConflict
// (unique) and ErrNotFound (foreign key), keeping the driver's message.
// Other errors, including no-rows, pass through unchanged.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case sqliteConstraintForeignKey:
			return fmt.Errorf("%w: %w", ErrNotFound, err)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w: %w", ErrNotFound, err)
		}
	}
	return err
}

// noRows reports whether err means a single-row query found nothing.
func noRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows)
}

// notFoundOr turns a no-rows error into ErrNotFound described by what
// ("script 01H…") and wraps any other error with op.
func notFoundOr(err error, op, what string) error {
	if noRows(err) {
		return fmt.Errorf("%s: %s: %w", op, what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// invalidf returns an ErrInvalid error with a formatted explanation.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
