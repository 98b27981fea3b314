// Package pgblobs keeps artifact bytes in Postgres (a store.Blobs), so
// that every API node of a cluster serves every run's artifacts without a
// shared file system. Blobs are content-addressed (sha256) and capped in
// size (MaxBytes): a database is a poor home for large files, and an
// operator who needs bigger artifacts points every node at one shared
// directory instead (`--blob-dir`).
//
// The package owns its one table, skriptable_blobs, the way River owns
// its river_* tables: Migrate creates it, and the server calls Migrate
// under the same advisory lock as the store's and River's migrations.
package pgblobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/skriptable/skriptable/internal/store"
)

// DefaultMaxBytes caps one blob when Blobs.MaxBytes is zero.
const DefaultMaxBytes = 32 << 20

// Blobs stores blobs in the skriptable_blobs table. Set Pool before use
// (the store creates the pool after it was given its Blobs).
type Blobs struct {
	Pool *pgxpool.Pool
	// MaxBytes caps one blob (default DefaultMaxBytes); the store's own
	// cap applies too, and the smaller one wins.
	MaxBytes int64
}

var _ store.Blobs = (*Blobs)(nil)

// Migrate creates the table if it is missing. Call it under the
// migration lock (store.MigrateWith).
func (b *Blobs) Migrate(ctx context.Context) error {
	_, err := b.Pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS skriptable_blobs (
		sha256     TEXT   NOT NULL PRIMARY KEY CHECK (length(sha256) = 64),
		size       BIGINT NOT NULL CHECK (size >= 0),
		data       BYTEA  NOT NULL,
		created_at BIGINT NOT NULL
	)`)
	if err != nil {
		return fmt.Errorf("blob table: %w", err)
	}
	return nil
}

func (b *Blobs) limit(maxBytes int64) int64 {
	lim := b.MaxBytes
	if lim <= 0 {
		lim = DefaultMaxBytes
	}
	if maxBytes > 0 && maxBytes < lim {
		lim = maxBytes
	}
	return lim
}

// Put implements store.Blobs. Identical bytes are stored once.
func (b *Blobs) Put(ctx context.Context, r io.Reader, maxBytes int64) (int64, string, error) {
	lim := b.limit(maxBytes)
	var buf bytes.Buffer
	// Read one byte past the cap to tell "exactly lim" from "more".
	n, err := io.Copy(&buf, io.LimitReader(r, lim+1))
	if err != nil {
		return 0, "", fmt.Errorf("put blob: %w", err)
	}
	if n > lim {
		return 0, "", fmt.Errorf("put blob: more than %d bytes (artifacts stored in Postgres are capped; use a shared --blob-dir for bigger ones): %w", lim, store.ErrTooLarge)
	}
	sum := sha256.Sum256(buf.Bytes())
	hexSum := hex.EncodeToString(sum[:])
	_, err = b.Pool.Exec(ctx, `INSERT INTO skriptable_blobs (sha256, size, data, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (sha256) DO NOTHING`, hexSum, n, buf.Bytes(), time.Now().UnixMilli())
	if err != nil {
		return 0, "", fmt.Errorf("put blob: %w", err)
	}
	return n, hexSum, nil
}

// Open implements store.Blobs. The blob is read whole (it is capped).
func (b *Blobs) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	var data []byte
	err := b.Pool.QueryRow(ctx, `SELECT data FROM skriptable_blobs WHERE sha256 = $1`, sum).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("open blob %s: %w", sum, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", err)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}
