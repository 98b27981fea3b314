package storetest

import (
	"strings"
	"sync"

	"github.com/skriptable/skriptable/internal/store"
)

func testTenants(h *harness) {
	t := h.t
	a, err := h.s.CreateTenant(h.ctx, "acme", false)
	must(t, err)
	eq(t, "len(id)", len(a.ID), 26)
	_, err = h.s.CreateTenant(h.ctx, "acme", true)
	wantErr(t, err, store.ErrConflict, "acme")
	_, err = h.s.CreateTenant(h.ctx, "", false)
	wantErr(t, err, store.ErrInvalid, "tenant name")

	got, err := h.s.GetTenant(h.ctx, a.ID)
	must(t, err)
	eq(t, "tenant", got, a)
	_, err = h.s.GetTenant(h.ctx, "01ARZ3NDEKTSV4RRFFQ69G5FAV")
	wantErr(t, err, store.ErrNotFound, "")

	adm, created, err := h.s.EnsureAdminTenant(h.ctx)
	must(t, err)
	eq(t, "created", created, true)
	eq(t, "admin name", adm.Name, store.AdminTenantName)
	eq(t, "admin flag", adm.Admin, true)
	again, created, err := h.s.EnsureAdminTenant(h.ctx)
	must(t, err)
	eq(t, "created again", created, false)
	eq(t, "admin id", again.ID, adm.ID)

	all, err := h.s.ListTenants(h.ctx)
	must(t, err)
	if len(all) != 2 || all[0].ID != a.ID || all[1].ID != adm.ID {
		t.Fatalf("ListTenants = %+v, want acme then admin", all)
	}
}

// testEnsureAdminConcurrent starts five "nodes" at once: exactly one
// creates the admin tenant and all agree on it.
func testEnsureAdminConcurrent(h *harness) {
	t := h.t
	const n = 5
	stores := make([]*store.Store, n)
	for i := range stores {
		stores[i] = h.open(nil)
	}
	var wg sync.WaitGroup
	ids := make([]string, n)
	createdBy := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var ten store.Tenant
			ten, createdBy[i], errs[i] = stores[i].EnsureAdminTenant(h.ctx)
			ids[i] = ten.ID
		})
	}
	wg.Wait()
	creators := 0
	for i := range n {
		must(t, errs[i])
		eq(t, "admin id", ids[i], ids[0])
		if createdBy[i] {
			creators++
		}
	}
	eq(t, "creators", creators, 1)
	all, err := h.s.ListTenants(h.ctx)
	must(t, err)
	eq(t, "tenants", len(all), 1)
}

func testAPIKeys(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	k, plain, err := h.s.CreateAPIKey(h.ctx, ten.ID, "ci")
	must(t, err)
	if !strings.HasPrefix(plain, "sk_") || len(plain) != 3+52 {
		t.Fatalf("plaintext %q: want sk_ + 52 characters", plain)
	}
	eq(t, "prefix", k.Prefix, plain[:11])
	if k.Revoked() || !k.LastUsedAt.IsZero() {
		t.Fatalf("new key %+v is revoked or used", k)
	}
	// Only the hash is stored.
	eq(t, "rows holding the plaintext", h.count(`SELECT COUNT(*) FROM api_keys WHERE hash = $1 OR prefix = $1`, plain), 0)

	gotK, gotT, err := h.s.AuthenticateKey(h.ctx, plain)
	must(t, err)
	eq(t, "key id", gotK.ID, k.ID)
	eq(t, "tenant", gotT, ten)

	_, _, err = h.s.AuthenticateKey(h.ctx, plain+"x")
	wantErr(t, err, store.ErrNotFound, "")
	_, _, err = h.s.AuthenticateKey(h.ctx, "Bearer nonsense")
	wantErr(t, err, store.ErrNotFound, "")

	must(t, h.s.TouchKey(h.ctx, ten.ID, k.ID))
	keys, err := h.s.ListAPIKeys(h.ctx, ten.ID)
	must(t, err)
	if len(keys) != 1 || keys[0].LastUsedAt.IsZero() {
		t.Fatalf("ListAPIKeys after touch = %+v", keys)
	}
	_, _, err = h.s.CreateAPIKey(h.ctx, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "x")
	wantErr(t, err, store.ErrNotFound, "tenant")

	must(t, h.s.RevokeAPIKey(h.ctx, ten.ID, k.ID))
	must(t, h.s.RevokeAPIKey(h.ctx, ten.ID, k.ID)) // idempotent
	_, _, err = h.s.AuthenticateKey(h.ctx, plain)
	wantErr(t, err, store.ErrRevoked, k.Prefix)
	keys, err = h.s.ListAPIKeys(h.ctx, ten.ID)
	must(t, err)
	if len(keys) != 1 || !keys[0].Revoked() {
		t.Fatalf("ListAPIKeys after revoke = %+v", keys)
	}
}
