package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Tx is a transaction. It has the same entity methods as [Store], run
// inside the transaction, and exposes the driver-level transaction so the
// queue layer can insert a River job in it (riversqlite takes *sql.Tx,
// riverpgxv5 takes pgx.Tx): the run row and its job then commit or roll
// back together.
//
// A Tx is valid only inside the function passed to InTx and must not be
// used from several goroutines at once.
type Tx struct {
	ops
	sqlTx *sql.Tx
	pgxTx pgx.Tx
}

// SQL returns the database/sql transaction on SQLite, nil on Postgres.
func (tx *Tx) SQL() *sql.Tx { return tx.sqlTx }

// PGX returns the pgx transaction on Postgres, nil on SQLite.
func (tx *Tx) PGX() pgx.Tx { return tx.pgxTx }

// InTx runs fn in a transaction, committing when fn returns nil and
// rolling back when it returns an error or panics (the panic is then
// re-raised). fn's error is returned unwrapped.
//
// On SQLite the store's single connection is held until InTx returns, so
// fn must use only tx: any Store method called meanwhile blocks until its
// context ends. On Postgres a statement that fails aborts the transaction
// (later statements fail too); store methods avoid this for the expected
// ErrConflict/ErrNotFound outcomes by not provoking constraint errors.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	var tx *Tx
	var commit, rollback func() error
	switch s.dialect {
	case DialectPostgres:
		ptx, err := s.pool.Begin(ctx)
		if err != nil {
			return fmt.Errorf("begin transaction: %w", err)
		}
		tx = &Tx{ops: ops{s: s, q: pgQuerier{ptx}, inTx: true}, pgxTx: ptx}
		commit = func() error { return ptx.Commit(ctx) }
		// Rollback must work even when ctx is what ended the transaction.
		rollback = func() error { return ptx.Rollback(context.WithoutCancel(ctx)) }
	default:
		stx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin transaction: %w", err)
		}
		tx = &Tx{ops: ops{s: s, q: sqlQuerier{stx}, inTx: true}, sqlTx: stx}
		commit, rollback = stx.Commit, stx.Rollback
	}
	done := false
	defer func() {
		if !done {
			_ = rollback() // fn panicked
		}
	}()
	if err := fn(tx); err != nil {
		done = true
		_ = rollback()
		return err
	}
	done = true
	if err := commit(); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	return nil
}
