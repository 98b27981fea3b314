package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/skriptable/skriptable/internal/store"
)

// Error is an API error: an HTTP status and the body
//
//	{"error":{"code":"…","message":"…","field":"…"}}
//
// Codes by status: 400 invalid_json, unknown_field, duplicate_field,
// invalid_query; 401 unauthorized; 403 forbidden, csrf_failed; 404 not_found; 405
// method_not_allowed; 409 conflict; 413 body_too_large; 415
// unsupported_media_type; 422 invalid, invalid_type, syntax_error (with
// line and column), script_too_large, script_too_deep; 429 rate_limited
// (written by package ratelimit); 500 internal; 503 not_ready,
// secrets_unavailable.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the request field at fault (dotted for nested fields,
	// "params.FOO"), when there is one.
	Field string `json:"field,omitempty"`
	// Line and Column locate a syntax_error in the script (1-based).
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`

	cause error // for errors.Is/As; never shown to the client
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// ErrorBody is the JSON envelope of every error response.
type ErrorBody struct {
	Error *Error `json:"error"`
}

// invalid is a 422 about one field: "field: message".
func invalid(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Field: field,
		Message: field + ": " + fmt.Sprintf(format, args...)}
}

// badQuery is a 400 about a query parameter.
func badQuery(param, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_query", Field: param,
		Message: param + ": " + fmt.Sprintf(format, args...)}
}

// notFound is a 404 for the named kind of object.
func notFound(what string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: what + " not found"}
}

// conflict is a 409.
func conflict(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusConflict, Code: "conflict", Field: field, Message: fmt.Sprintf(format, args...)}
}

// unauthorized is a 401.
func unauthorized(msg string, cause error) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: msg, cause: cause}
}

// orNotFound turns a store.ErrNotFound into a 404 naming what, and
// returns any other error unchanged.
func orNotFound(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(what)
	}
	return err
}

// writeError answers err. *Error values are sent as they are; store
// sentinels map to their status; anything else is logged and answered
// with a 500 that reveals nothing but a request id.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	switch {
	case errors.As(err, &e):
	case errors.Is(err, store.ErrNotFound):
		e = notFound("object")
	case errors.Is(err, store.ErrConflict):
		e = conflict("", "conflict with the current state: %s", storeReason(err))
	case errors.Is(err, store.ErrInvalid):
		e = &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: storeReason(err)}
	case errors.Is(err, store.ErrRevoked):
		e = unauthorized("api key revoked", err)
	case r.Context().Err() != nil:
		// The client went away or the server is shutting down; nobody
		// reads this answer.
		a.log.Debug("api: request ended early", "method", r.Method, "path", r.URL.Path, "err", err)
		e = &Error{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: "request cancelled"}
	default:
		id := requestID()
		a.log.Error("api: internal error", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		e = &Error{Status: http.StatusInternalServerError, Code: "internal",
			Message: "internal error (request id " + id + ")"}
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="skriptable"`)
	}
	writeJSON(w, e.Status, ErrorBody{Error: e})
}

// storeReason is the part of a store error message after the sentinel's
// text ("create run: invalid argument: trigger …" → "trigger …"), or the
// whole message.
func storeReason(err error) string {
	msg := err.Error()
	for _, s := range []error{store.ErrInvalid, store.ErrConflict} {
		if _, after, ok := strings.Cut(msg, s.Error()+": "); ok {
			return after
		}
	}
	return msg
}

// writeJSON sends v as the JSON body with the given status. API
// responses are never cached (some carry one-time key plaintexts).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only for unmarshalable types: a programming error
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	b = append(b, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// noContent answers 204.
func noContent(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
