package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// querier is what the entity code runs SQL through: a database or a
// transaction of either dialect. Queries use '?' placeholders; the
// Postgres adapters rebind them. Errors from exec, queryRow's Scan and
// rows.Err pass through translate.
type querier interface {
	// exec runs a statement and returns the number of rows it affected.
	exec(ctx context.Context, query string, args ...any) (int64, error)
	// query runs a statement returning rows; the caller must Close them
	// before issuing the next statement (the SQLite pool has one conn).
	query(ctx context.Context, query string, args ...any) (rows, error)
	// queryRow runs a statement returning at most one row; Scan reports a
	// missing row as an error for which noRows is true.
	queryRow(ctx context.Context, query string, args ...any) row
}

// rows iterates a result set; it is the common subset of *sql.Rows and
// pgx.Rows.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// row is a single-row result.
type row interface {
	Scan(dest ...any) error
}

// sqlConn is implemented by *sql.DB and *sql.Tx.
type sqlConn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// sqlQuerier adapts database/sql (the SQLite dialect). modernc.org/sqlite
// binds '?' natively, so queries pass through unchanged.
type sqlQuerier struct{ c sqlConn }

func (q sqlQuerier) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.c.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}

func (q sqlQuerier) query(ctx context.Context, query string, args ...any) (rows, error) {
	r, err := q.c.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	return sqlRows{r}, nil
}

func (q sqlQuerier) queryRow(ctx context.Context, query string, args ...any) row {
	return translatingRow{q.c.QueryRowContext(ctx, query, args...)}
}

// sqlRows gives *sql.Rows the rows interface (Close without a result).
type sqlRows struct{ r *sql.Rows }

func (r sqlRows) Next() bool             { return r.r.Next() }
func (r sqlRows) Scan(dest ...any) error { return r.r.Scan(dest...) }
func (r sqlRows) Err() error             { return translate(r.r.Err()) }
func (r sqlRows) Close()                 { _ = r.r.Close() }

// translatingRow translates the error of a single-row Scan.
type translatingRow struct{ r row }

func (r translatingRow) Scan(dest ...any) error { return translate(r.r.Scan(dest...)) }

// pgConn is implemented by *pgxpool.Pool and pgx.Tx.
type pgConn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pgQuerier adapts pgx (the Postgres dialect), rebinding placeholders.
type pgQuerier struct{ c pgConn }

func (q pgQuerier) exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := q.c.Exec(ctx, rebind(query), args...)
	if err != nil {
		return 0, translate(err)
	}
	return tag.RowsAffected(), nil
}

func (q pgQuerier) query(ctx context.Context, query string, args ...any) (rows, error) {
	r, err := q.c.Query(ctx, rebind(query), args...)
	if err != nil {
		return nil, translate(err)
	}
	return pgRows{r}, nil
}

func (q pgQuerier) queryRow(ctx context.Context, query string, args ...any) row {
	return translatingRow{q.c.QueryRow(ctx, rebind(query), args...)}
}

// pgRows translates the iteration error of pgx.Rows.
type pgRows struct{ pgx.Rows }

func (r pgRows) Err() error { return translate(r.Rows.Err()) }

// rebound caches rebind results; the store issues a fixed set of queries
// (plus a few filter combinations), so the cache stays small.
var rebound sync.Map // string → string

// rebind rewrites '?' placeholders to Postgres' $1, $2, … in order. A '?'
// inside a single-quoted literal or a double-quoted identifier is left
// alone; the store's SQL has no comments containing '?'.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte // the open quote character, 0 outside quotes
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote closes and reopens: same result
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	rebound.Store(query, out)
	return out
}
