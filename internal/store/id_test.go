package store

import (
	"slices"
	"testing"
	"time"
)

func TestEncodeID(t *testing.T) {
	t.Parallel()
	var b [16]byte
	ms := int64(1469918176385) // the ULID spec's example timestamp, "01ARYZ6S41"
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	if got, want := encodeID(b), "01ARYZ6S410000000000000000"; got != want {
		t.Errorf("encodeID = %s, want %s", got, want)
	}
	for i := range b {
		b[i] = 0xff
	}
	if got, want := encodeID(b), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"; got != want {
		t.Errorf("encodeID(max) = %s, want %s", got, want)
	}
}

// TestIDsMonotonic: IDs from one generator strictly increase, within one
// millisecond, across the clock stepping back, and across a random-part
// overflow.
func TestIDsMonotonic(t *testing.T) {
	t.Parallel()
	var g idGen
	now := time.UnixMilli(1_700_000_000_000)
	var ids []string
	for i := range 1000 {
		at := now
		if i == 500 {
			at = now.Add(-time.Hour) // clock stepped back
		}
		ids = append(ids, g.next(at))
	}
	for i := range g.rnd {
		g.rnd[i] = 0xff // force an overflow on the next call
	}
	ids = append(ids, g.next(now))
	for _, id := range ids {
		if !validID(id) {
			t.Fatalf("invalid id %q", id)
		}
	}
	if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Fatal("ids are not strictly increasing")
	}
	later := g.next(now.Add(time.Second))
	if later[:10] <= ids[0][:10] {
		t.Errorf("time prefix did not advance: %s after %s", later, ids[0])
	}
}

func TestValidID(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "01ARYZ6S41", "01ARYZ6S41000000000000000I", "81ARYZ6S410000000000000000", "01aryz6s410000000000000000"} {
		if validID(s) {
			t.Errorf("validID(%q) = true", s)
		}
	}
}

func TestRebind(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`SELECT 1`:                                 `SELECT 1`,
		`SELECT ? , ?`:                             `SELECT $1 , $2`,
		`WHERE a = '?' AND b = ?`:                  `WHERE a = '?' AND b = $1`,
		`WHERE a = 'it''s ?' AND "we?ird" = ? `:    `WHERE a = 'it''s ?' AND "we?ird" = $1 `,
		`VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`: `VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckIdent(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"A", "_", "a_1", "BASE_URL"} {
		if err := checkIdent("name", ok); err != nil {
			t.Errorf("checkIdent(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "1a", "a-b", "a.b", "ä"} {
		if err := checkIdent("name", bad); err == nil {
			t.Errorf("checkIdent(%q) = nil", bad)
		}
	}
}
