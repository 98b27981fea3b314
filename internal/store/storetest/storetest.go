// Package storetest is the conformance suite of package store: Exercise
// runs the same tests against any backend, and SQLite and Postgres build
// fresh databases for it. The store's own tests run it on both; other
// packages may use SQLite and Postgres to get a throwaway database.
package storetest

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

// Exercise runs the conformance suite. Each call of newConfig must return
// a Config for a fresh, empty database and blob directory that stay
// usable until that test ends, with a 32-byte SecretKey. The suite opens
// the config itself, sometimes several times and with modifications
// (another key, NoMigrate). Subtests run in parallel.
func Exercise(t *testing.T, newConfig func(t *testing.T) store.Config) {
	tests := []struct {
		name   string
		fn     func(h *harness)
		noOpen bool // leave h.s nil: the test opens the database itself
	}{
		{name: "Tenants", fn: testTenants},
		{name: "EnsureAdminTenantConcurrent", fn: testEnsureAdminConcurrent},
		{name: "APIKeys", fn: testAPIKeys},
		{name: "Scripts", fn: testScripts},
		{name: "ScriptVersionsConcurrent", fn: testVersionsConcurrent},
		{name: "ListScriptsPagination", fn: testListScripts},
		{name: "Params", fn: testParams},
		{name: "Secrets", fn: testSecrets},
		{name: "SecretsWrongKey", fn: testSecretsWrongKey},
		{name: "SecretsSwappedRows", fn: testSecretsSwapped},
		{name: "DeleteScriptCascade", fn: testDeleteScript},
		{name: "Schedules", fn: testSchedules},
		{name: "RunLifecycle", fn: testRunLifecycle},
		{name: "FinishRace", fn: testFinishRace},
		{name: "ScheduleSlotConflict", fn: testSlotConflict},
		{name: "ListRunsPagination", fn: testListRuns},
		{name: "ListRunsFilters", fn: testListRunsFilters},
		{name: "RunEvents", fn: testRunEvents},
		{name: "RunEventsConcurrent", fn: testRunEventsConcurrent},
		{name: "Artifacts", fn: testArtifacts},
		{name: "ArtifactLimits", fn: testArtifactLimits},
		{name: "Transactions", fn: testTransactions},
		{name: "MigrateConcurrent", fn: testMigrateConcurrent, noOpen: true},
		{name: "SchemaTooNew", fn: testSchemaTooNew},
		{name: "TenantIsolation", fn: testTenantIsolation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			h := &harness{t: t, ctx: ctx, cfg: newConfig(t)}
			if !tc.noOpen {
				h.s = h.open(nil)
			}
			tc.fn(h)
		})
	}
}

// harness is one test's fixture: a config and a store opened on it.
type harness struct {
	t   *testing.T
	ctx context.Context
	cfg store.Config
	s   *store.Store
}

// open opens h.cfg, modified by mod if not nil, and closes the store when
// the test ends.
func (h *harness) open(mod func(*store.Config)) *store.Store {
	h.t.Helper()
	s, err := h.tryOpen(mod)
	if err != nil {
		h.t.Fatalf("open store: %v", err)
	}
	return s
}

func (h *harness) tryOpen(mod func(*store.Config)) (*store.Store, error) {
	cfg := h.cfg
	if mod != nil {
		mod(&cfg)
	}
	s, err := store.Open(h.ctx, cfg)
	if err != nil {
		return nil, err
	}
	h.t.Cleanup(func() { _ = s.Close() })
	return s, nil
}

// tenant creates a tenant with a unique name.
func (h *harness) tenant(name string) store.Tenant {
	h.t.Helper()
	t, err := h.s.CreateTenant(h.ctx, name, false)
	must(h.t, err)
	return t
}

// script creates a script with default settings.
func (h *harness) script(tenantID, name string) store.Script {
	h.t.Helper()
	sc, err := h.s.CreateScript(h.ctx, tenantID, name, name+".js", "console.log('"+name+"')", store.ScriptSettings{Retries: 1})
	must(h.t, err)
	return sc
}

// run creates a manual run of the script.
func (h *harness) run(tenantID, scriptID string) store.Run {
	h.t.Helper()
	r, err := h.s.CreateRun(h.ctx, tenantID, store.NewRun{ScriptID: scriptID, Trigger: store.TriggerManual})
	must(h.t, err)
	return r
}

// rawExec runs SQL on the store's database bypassing the store. Queries
// use $1, $2, … placeholders, which modernc.org/sqlite binds too.
func (h *harness) rawExec(query string, args ...any) {
	h.t.Helper()
	var err error
	if db := h.s.SQLDB(); db != nil {
		_, err = db.ExecContext(h.ctx, query, args...)
	} else {
		_, err = h.s.PGXPool().Exec(h.ctx, query, args...)
	}
	if err != nil {
		h.t.Fatalf("raw exec %q: %v", query, err)
	}
}

// rawRow scans one row of a raw query into dest.
func (h *harness) rawRow(query string, args []any, dest ...any) {
	h.t.Helper()
	var err error
	if db := h.s.SQLDB(); db != nil {
		err = db.QueryRowContext(h.ctx, query, args...).Scan(dest...)
	} else {
		err = h.s.PGXPool().QueryRow(h.ctx, query, args...).Scan(dest...)
	}
	if err != nil {
		h.t.Fatalf("raw query %q: %v", query, err)
	}
}

// count returns SELECT COUNT(*) of a raw query.
func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	var n int
	h.rawRow(query, args, &n)
	return n
}

// NewSecretKey returns a random 32-byte key.
func NewSecretKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr fails unless err matches target (errors.Is) and, when msg is
// not empty, its text contains msg.
func wantErr(t *testing.T, err, target error, msg string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
	if msg != "" && !strings.Contains(err.Error(), msg) {
		t.Fatalf("error %q does not mention %q", err, msg)
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}
