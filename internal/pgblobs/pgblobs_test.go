package pgblobs_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/skriptable/skriptable/internal/pgblobs"
	"github.com/skriptable/skriptable/internal/store"
	"github.com/skriptable/skriptable/internal/store/storetest"
)

func TestBlobs(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, storetest.Postgres(t)(t).DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	b := &pgblobs.Blobs{Pool: pool, MaxBytes: 16}
	for range 2 { // idempotent
		if err := b.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256([]byte("hello, cluster"))
	want := hex.EncodeToString(sum[:])
	for range 2 { // identical bytes: one row
		n, got, err := b.Put(ctx, strings.NewReader("hello, cluster"), 0)
		if err != nil || n != 14 || got != want {
			t.Fatalf("Put = %d %s %v", n, got, err)
		}
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT COUNT(*) FROM skriptable_blobs`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("%d rows, %v", rows, err)
	}
	rc, err := b.Open(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if string(data) != "hello, cluster" {
		t.Fatalf("Open: %q", data)
	}
	// The cap: exactly MaxBytes passes, one more fails; the store's
	// smaller cap wins over ours.
	if _, _, err := b.Put(ctx, strings.NewReader(strings.Repeat("x", 16)), 0); err != nil {
		t.Fatalf("16 bytes: %v", err)
	}
	_, _, err = b.Put(ctx, strings.NewReader(strings.Repeat("x", 17)), 0)
	if !errors.Is(err, store.ErrTooLarge) || !strings.Contains(err.Error(), "more than 16 bytes") {
		t.Fatalf("17 bytes: %v", err)
	}
	_, _, err = b.Put(ctx, strings.NewReader("0123456789"), 8)
	if !errors.Is(err, store.ErrTooLarge) || !strings.Contains(err.Error(), "more than 8 bytes") {
		t.Fatalf("store cap: %v", err)
	}
	if _, err := b.Open(ctx, strings.Repeat("0", 64)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing blob: %v", err)
	}
	// The default cap.
	def := &pgblobs.Blobs{Pool: pool}
	_, _, err = def.Put(ctx, io.LimitReader(zeros{}, pgblobs.DefaultMaxBytes+1), 0)
	if !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("default cap: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
