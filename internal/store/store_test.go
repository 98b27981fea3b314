package store_test

import (
	"testing"

	"github.com/skriptable/skriptable/internal/store/storetest"
)

func TestSQLite(t *testing.T) {
	t.Parallel()
	storetest.Exercise(t, storetest.SQLite)
}

// TestPostgres needs a server: see storetest.Postgres for how it is found
// and what happens when it is missing.
func TestPostgres(t *testing.T) {
	t.Parallel()
	storetest.Exercise(t, storetest.Postgres(t))
}
