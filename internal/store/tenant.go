package store

import (
	"context"
	"fmt"
	"time"
)

// AdminTenantName is the name of the tenant EnsureAdminTenant creates.
const AdminTenantName = "admin"

// Tenant is an isolated account: every other entity belongs to one.
type Tenant struct {
	ID        string
	Name      string // unique across tenants
	Admin     bool   // may manage other tenants
	CreatedAt time.Time
}

const tenantCols = `id, name, admin, created_at`

func scanTenant(r row) (Tenant, error) {
	var t Tenant
	var created int64
	if err := r.Scan(&t.ID, &t.Name, &t.Admin, &created); err != nil {
		return Tenant{}, err
	}
	t.CreatedAt = msTime(created)
	return t, nil
}

// CreateTenant creates a tenant. A name already used is ErrConflict.
func (o ops) CreateTenant(ctx context.Context, name string, admin bool) (Tenant, error) {
	if err := checkLabel("tenant name", name); err != nil {
		return Tenant{}, fmt.Errorf("create tenant: %w", err)
	}
	t := Tenant{ID: o.s.newID(), Name: name, Admin: admin, CreatedAt: msTime(o.s.now())}
	n, err := o.q.exec(ctx, `INSERT INTO tenants (id, name, admin, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, t.ID, t.Name, t.Admin, t.CreatedAt.UnixMilli())
	if err != nil {
		return Tenant{}, fmt.Errorf("create tenant %q: %w", name, err)
	}
	if n == 0 {
		return Tenant{}, fmt.Errorf("create tenant %q: name already used: %w", name, ErrConflict)
	}
	return t, nil
}

// GetTenant returns the tenant with the given id.
func (o ops) GetTenant(ctx context.Context, id string) (Tenant, error) {
	t, err := scanTenant(o.q.queryRow(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, id))
	if err != nil {
		return Tenant{}, notFoundOr(err, "get tenant", "tenant "+id)
	}
	return t, nil
}

// ListTenants returns every tenant, oldest first.
func (o ops) ListTenants(ctx context.Context) ([]Tenant, error) {
	r, err := o.q.query(ctx, `SELECT `+tenantCols+` FROM tenants ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	defer r.Close()
	var out []Tenant
	for r.Next() {
		t, err := scanTenant(r)
		if err != nil {
			return nil, fmt.Errorf("list tenants: %w", err)
		}
		out = append(out, t)
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return out, nil
}

// EnsureAdminTenant returns the oldest admin tenant, creating one named
// AdminTenantName if there is none; created reports whether this call
// created it (the caller then typically mints a first API key). It is
// idempotent and safe when several nodes start at once: exactly one of
// them sees created == true. It fails with ErrConflict if there is no
// admin tenant but a non-admin tenant already holds the name.
func (o ops) EnsureAdminTenant(ctx context.Context) (t Tenant, created bool, err error) {
	find := func() (Tenant, error) {
		return scanTenant(o.q.queryRow(ctx, `SELECT `+tenantCols+` FROM tenants WHERE admin = ? ORDER BY id LIMIT 1`, true))
	}
	t, err = find()
	if err == nil {
		return t, false, nil
	}
	if !noRows(err) {
		return Tenant{}, false, fmt.Errorf("ensure admin tenant: %w", err)
	}
	t, err = o.CreateTenant(ctx, AdminTenantName, true)
	if err == nil {
		return t, true, nil
	}
	// Lost a race with another node, or the name is taken by a non-admin.
	if t, ferr := find(); ferr == nil {
		return t, false, nil
	}
	return Tenant{}, false, fmt.Errorf("ensure admin tenant: %w", err)
}
