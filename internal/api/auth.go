package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

// touchEvery throttles recording a key's last use to one write per key
// per interval, so authenticating is not a database write per request.
const touchEvery = time.Minute

// principalKey is the context key of the authenticated caller.
type principalKey struct{}

// principal is who made the request.
type principal struct {
	tenant  store.Tenant
	key     store.APIKey
	session *sessionPayload // set when a session cookie authenticated the request
}

// Authenticate checks the request's "Authorization: Bearer <key>" header
// and returns the key's tenant and the key. Failures are *[Error] values
// with Status 401 and code "unauthorized": a missing or malformed header
// ("missing API key"), an unknown key ("invalid API key") or a revoked
// key ("api key revoked", which also matches store.ErrRevoked with
// errors.Is). Any other error (the database is down) is returned as is.
// On success it records the key's last use (at most once a minute).
func (a *API) Authenticate(r *http.Request) (store.Tenant, store.APIKey, error) {
	plain, ok := bearer(r)
	if !ok {
		return store.Tenant{}, store.APIKey{}, unauthorized("missing API key: send the header \"Authorization: Bearer <key>\"", nil)
	}
	return a.authenticatePlain(r, plain)
}

// authenticatePlain checks an API key's plaintext, as Authenticate
// describes.
func (a *API) authenticatePlain(r *http.Request, plain string) (store.Tenant, store.APIKey, error) {
	k, t, err := a.store.AuthenticateKey(r.Context(), plain)
	switch {
	case errors.Is(err, store.ErrRevoked):
		return store.Tenant{}, store.APIKey{}, unauthorized("api key revoked", err)
	case errors.Is(err, store.ErrNotFound):
		return store.Tenant{}, store.APIKey{}, unauthorized("invalid API key", err)
	case err != nil:
		return store.Tenant{}, store.APIKey{}, err
	}
	if now := a.now(); now.Sub(k.LastUsedAt) >= touchEvery {
		if err := a.store.TouchKey(r.Context(), t.ID, k.ID); err != nil && r.Context().Err() == nil {
			a.log.Warn("api: record api key use", "key", k.ID, "err", err)
		}
	}
	return t, k, nil
}

// bearer extracts the token of an "Authorization: Bearer <token>" header
// (the scheme is case-insensitive).
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// requireKey authenticates the request and stores the caller in its
// context, or answers 401 (403 for a failed CSRF check). An Authorization
// header wins; without one, the session cookie (session.go) is used.
func (a *API) requireKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p principal
		var err error
		if c, cerr := r.Cookie(SessionCookie); cerr == nil && r.Header.Get("Authorization") == "" {
			p, err = a.authenticateSession(r, c)
		} else {
			p.tenant, p.key, err = a.Authenticate(r)
		}
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), principalKey{}, p)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireAdmin answers 403 unless the caller's tenant is an admin.
func (a *API) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !caller(r).tenant.Admin {
			a.writeError(w, r, &Error{Status: http.StatusForbidden, Code: "forbidden",
				Message: "this route is for admin tenants only"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// caller returns the authenticated caller; routes behind requireKey
// always have one.
func caller(r *http.Request) principal {
	p, _ := r.Context().Value(principalKey{}).(principal)
	return p
}

// tenantID is the caller's tenant id.
func tenantID(r *http.Request) string { return caller(r).tenant.ID }

// keyID is the rate-limit key of the per-key buckets: the API key's id
// ("" before authentication, which skips the limit).
func keyID(r *http.Request) string { return caller(r).key.ID }
