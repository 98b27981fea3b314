package api

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// readyTimeout bounds one readiness check.
const readyTimeout = 3 * time.Second

// healthz handles GET /healthz: the process serves HTTP (200 "ok").
func (a *API) healthz(w http.ResponseWriter, r *http.Request) error {
	writeText(w, http.StatusOK, "ok\n")
	return nil
}

// readyz handles GET /readyz: 200 "ok" when the store's database
// answers a ping and Config.Ready (if set) succeeds, both within 3 s;
// else 503 not_ready. The cause is logged, not sent.
func (a *API) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	err := a.pingStore(ctx)
	if err == nil && a.ready != nil {
		err = a.ready(ctx)
	}
	if err != nil {
		a.log.Warn("api: not ready", "err", err)
		return &Error{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: "not ready", cause: err}
	}
	writeText(w, http.StatusOK, "ok\n")
	return nil
}

// openAPI handles GET /api/v1/openapi.json.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(a.openapi)))
	h.Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.openapi)
	return nil
}

// writeText sends a short plain-text body.
func writeText(w http.ResponseWriter, status int, s string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(s)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(s))
}
