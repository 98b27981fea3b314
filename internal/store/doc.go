// Package store is Skriptable's persistence layer: tenants, API keys,
// scripts and their immutable versions, parameters, encrypted secrets,
// schedules, runs, run events and artifacts.
//
// One code path serves two databases. SQLite (modernc.org/sqlite, pure Go)
// is the embedded default; Postgres (pgx/v5 through a *pgxpool.Pool) is
// selected by a DSN starting with postgres:// or postgresql://. SQL is
// written once with '?' placeholders and rebound to $1, $2, … for Postgres;
// times are int64 Unix milliseconds on both, JSON is TEXT, and the few
// dialect-specific statements live in the migrations and in spots marked
// "dialect:" in the code.
//
// Contracts shared by every method:
//
//   - Every entity read or write takes the caller's tenant id; an object
//     that belongs to another tenant is reported as [ErrNotFound], exactly
//     like one that does not exist.
//   - Errors wrap one of the sentinels ([ErrNotFound], [ErrConflict],
//     [ErrInvalid], [ErrRevoked], [ErrTooLarge], [ErrDecrypt],
//     [ErrSchemaTooNew]) when the condition is one of theirs; test them with
//     errors.Is.
//   - [Store] methods run in their own (possibly implicit) transaction;
//     the same methods on [Tx] run inside the caller's transaction. The
//     SQLite pool has one connection, so code holding a Tx must use only
//     that Tx until it ends: a Store call made meanwhile waits for the
//     connection the Tx holds, until its context ends.
//   - IDs are 26-character, time-ordered ULID-style strings generated in
//     Go, so ordering by id is ordering by creation.
package store
