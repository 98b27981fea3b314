package api

import (
	"errors"
	"net/http"

	"github.com/skriptable/skriptable/internal/store"
)

// firstKeyName names the key POST /tenants mints for a new tenant.
const firstKeyName = "initial"

// nameRequest is the body of POST /keys and POST /tenants.
type nameRequest struct {
	Name *string `json:"name" api:"required" doc:"1 to 100 characters"`
}

// decodeName reads and checks a nameRequest.
func decodeName(w http.ResponseWriter, r *http.Request) (string, error) {
	var req nameRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return "", err
	}
	if req.Name == nil {
		return "", invalid("name", "is required")
	}
	if err := checkDisplayName("name", *req.Name); err != nil {
		return "", err
	}
	return *req.Name, nil
}

// createKey handles POST /keys: 201 with the key and its plaintext,
// which is shown only this once.
func (a *API) createKey(w http.ResponseWriter, r *http.Request) error {
	name, err := decodeName(w, r)
	if err != nil {
		return err
	}
	k, plain, err := a.store.CreateAPIKey(r.Context(), tenantID(r), name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, NewKeyResponse{KeyView: NewKeyView(k), Key: plain})
	return nil
}

// listKeys handles GET /keys: the tenant's keys, revoked ones included,
// oldest first, without plaintexts.
func (a *API) listKeys(w http.ResponseWriter, r *http.Request) error {
	ks, err := a.store.ListAPIKeys(r.Context(), tenantID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, List[KeyView]{Items: mapItems(ks, NewKeyView)})
	return nil
}

// revokeKey handles DELETE /keys/{id}: the key is revoked (and then
// answered 401 "api key revoked"); revoking twice is fine. A key may
// revoke itself.
func (a *API) revokeKey(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.RevokeAPIKey(r.Context(), tenantID(r), r.PathValue("id")); err != nil {
		return orNotFound(err, "key")
	}
	noContent(w)
	return nil
}

// createTenant handles POST /tenants (admin only): it creates the tenant
// and its first API key in one transaction and answers 201 with both
// (the key's plaintext shown once).
func (a *API) createTenant(w http.ResponseWriter, r *http.Request) error {
	name, err := decodeName(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var out NewTenantResponse
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.CreateTenant(ctx, name, false)
		if errors.Is(err, store.ErrConflict) {
			return conflict("name", "name: a tenant named %q already exists", name)
		}
		if err != nil {
			return err
		}
		_, plain, err := tx.CreateAPIKey(ctx, t.ID, firstKeyName)
		if err != nil {
			return err
		}
		out = NewTenantResponse{Tenant: NewTenantView(t), Key: plain}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// listTenants handles GET /tenants (admin only), oldest first.
func (a *API) listTenants(w http.ResponseWriter, r *http.Request) error {
	ts, err := a.store.ListTenants(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, List[TenantView]{Items: mapItems(ts, NewTenantView)})
	return nil
}
