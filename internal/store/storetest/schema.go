package storetest

import (
	"errors"
	"fmt"
	"sync"

	"github.com/skriptable/skriptable/internal/store"
)

// testTransactions checks InTx commit and rollback and the driver-level
// transaction the queue layer uses.
func testTransactions(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "s")
	var committed string
	err := h.s.InTx(h.ctx, func(tx *store.Tx) error {
		switch h.s.Dialect() {
		case store.DialectSQLite:
			if tx.SQL() == nil || tx.PGX() != nil {
				t.Error("SQLite Tx must expose SQL() only")
			}
		case store.DialectPostgres:
			if tx.PGX() == nil || tx.SQL() != nil {
				t.Error("Postgres Tx must expose PGX() only")
			}
		default:
			t.Errorf("Dialect() = %q", h.s.Dialect())
		}
		r, err := tx.CreateRun(h.ctx, ten.ID, store.NewRun{ScriptID: sc.ID, Trigger: store.TriggerAPI})
		if err != nil {
			return err
		}
		committed = r.ID
		// Raw SQL on the driver transaction sees the uncommitted row, as
		// a River insert in the same transaction would.
		var n int
		q := `SELECT COUNT(*) FROM runs WHERE id = $1`
		if tx.SQL() != nil {
			err = tx.SQL().QueryRowContext(h.ctx, q, r.ID).Scan(&n)
		} else {
			err = tx.PGX().QueryRow(h.ctx, q, r.ID).Scan(&n)
		}
		if err != nil || n != 1 {
			t.Errorf("raw count in tx = %d, %v", n, err)
		}
		return tx.SetJobID(h.ctx, ten.ID, r.ID, 7)
	})
	must(t, err)
	got, err := h.s.GetRun(h.ctx, ten.ID, committed)
	must(t, err)
	eq(t, "job id", got.JobID, int64(7))

	boom := errors.New("boom")
	var rolledBack string
	err = h.s.InTx(h.ctx, func(tx *store.Tx) error {
		r, err := tx.CreateRun(h.ctx, ten.ID, store.NewRun{ScriptID: sc.ID, Trigger: store.TriggerAPI})
		rolledBack = r.ID
		if err != nil {
			return err
		}
		// A multi-statement method joins the caller's transaction.
		if _, err := tx.CreateScript(h.ctx, ten.ID, "inner", "i.js", "", store.ScriptSettings{}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx error = %v, want fn's error", err)
	}
	_, err = h.s.GetRun(h.ctx, ten.ID, rolledBack)
	wantErr(t, err, store.ErrNotFound, "")
	scripts, _, err := h.s.ListScripts(h.ctx, ten.ID, "", 0)
	must(t, err)
	eq(t, "scripts after rollback", len(scripts), 1)

	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic in fn was swallowed")
			}
		}()
		_ = h.s.InTx(h.ctx, func(tx *store.Tx) error {
			if _, err := tx.CreateTenant(h.ctx, "panicky", false); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	tens, err := h.s.ListTenants(h.ctx)
	must(t, err)
	eq(t, "tenants after panic", len(tens), 1)
}

// testMigrateConcurrent opens one fresh database from five goroutines, as
// nodes starting together do: no error, and each migration applied once
// (a second application would fail: the migrations use plain CREATE
// TABLE). The harness leaves h.s nil for this test.
func testMigrateConcurrent(h *harness) {
	t := h.t
	const n = 5
	stores := make([]*store.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = h.tryOpen(nil) })
	}
	wg.Wait()
	for _, err := range errs {
		must(t, err)
	}
	h.s = stores[0]
	v, err := h.s.SchemaVersion(h.ctx)
	must(t, err)
	if v < 1 {
		t.Fatalf("SchemaVersion = %d", v)
	}
	eq(t, "schema_migrations rows", h.count(`SELECT COUNT(*) FROM schema_migrations`), v)
	for _, s := range stores {
		if _, err := s.ListTenants(h.ctx); err != nil {
			t.Fatalf("store after concurrent open: %v", err)
		}
	}
	must(t, h.s.Migrate(h.ctx)) // idempotent
	eq(t, "rows after re-migrate", h.count(`SELECT COUNT(*) FROM schema_migrations`), v)
}

// testSchemaTooNew simulates a database migrated by a newer release.
func testSchemaTooNew(h *harness) {
	t := h.t
	v, err := h.s.SchemaVersion(h.ctx)
	must(t, err)
	if v < 1 {
		t.Fatalf("SchemaVersion = %d after Open", v)
	}
	h.rawExec(`INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, 9999, 0)
	want := fmt.Sprintf("database schema version 9999 is newer than this skriptable (knows up to %d); upgrade skriptable", v)
	for _, noMigrate := range []bool{false, true} {
		_, err := h.tryOpen(func(c *store.Config) { c.NoMigrate = noMigrate })
		wantErr(t, err, store.ErrSchemaTooNew, want)
	}
	wantErr(t, h.s.Migrate(h.ctx), store.ErrSchemaTooNew, "9999")
}
