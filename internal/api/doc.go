// Package api is Skriptable's REST API: JSON over HTTP under /api/v1,
// authenticated with per-tenant API keys ("Authorization: Bearer sk_…")
// or, for the dashboard, a session cookie that an API key was exchanged
// for (session.go: sealed, HttpOnly, SameSite=Strict, with a CSRF token
// required on writes), plus the unauthenticated probes /healthz and
// /readyz.
//
// Contracts every route keeps:
//
//   - Tenancy: every read and write is scoped to the tenant of the key
//     that authenticated the request. An object of another tenant is a
//     404, exactly like one that does not exist.
//   - Errors are always {"error":{"code":…,"message":…,"field":…}} with
//     the matching status (see [Error] for the codes). Internal errors are
//     logged with a request id and answered with a generic 500 that names
//     only that id.
//   - Bodies are strict JSON: Content-Type application/json (or +json),
//     at most 2 MiB, exactly one object, no unknown or duplicate fields
//     (exact case), values of the declared types. An empty body counts as
//     {} and needs no Content-Type.
//   - Writes that touch several rows run in one store transaction
//     (store.InTx): nothing is stored half-way.
//   - Times are RFC 3339 in UTC, durations are integers named *_ms,
//     IDs are strings.
//   - Secret values are write-only: no response ever contains one.
//   - Rate limits (package ratelimit): per client IP before
//     authentication, per API key after it, and an extra per-key bucket
//     for POST /api/v1/scripts/{id}/runs. A refused request gets 429 with
//     Retry-After.
//
// The routes, their bodies and their responses are described by the
// OpenAPI 3.0 document served at GET /api/v1/openapi.json; a test keeps it
// in step with the router.
package api
