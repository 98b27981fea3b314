package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// operation is one endpoint as the OpenAPI document describes it. The
// list in operations is kept apart from the routing table on purpose:
// TestOpenAPIMatchesRoutes fails when the two disagree.
type operation struct {
	method, path string // path as registered ({name...} for a rest wildcard)
	id, tag      string
	summary      string
	access       access
	query        []param
	headers      []param
	body         any    // request body type (zero value), nil for none
	status       int    // success status
	resp         any    // success body type, nil for none (or see media)
	media        string // success media type when not JSON
	extra        []int  // error statuses beyond the common ones
}

// param is a query or header parameter.
type param struct {
	name, typ, format, desc string
	enum                    []string
}

var (
	cursorParam = param{name: "cursor", typ: "string", desc: "next_cursor of the previous page"}
	limitParam  = param{name: "limit", typ: "integer", desc: "page size, 1 to 200 (default 50)"}
)

// operations lists every endpoint of the API.
func operations() []operation {
	runStatuses := []string{"queued", "running", "passed", "failed", "timed_out", "cancelled", "errored", "invalid"}
	return []operation{
		{method: "GET", path: "/healthz", id: "healthz", tag: "health", access: probe, status: 200, media: "text/plain",
			summary: "Liveness: the process serves HTTP."},
		{method: "GET", path: "/readyz", id: "readyz", tag: "health", access: probe, status: 200, media: "text/plain",
			summary: "Readiness: the store answers.", extra: []int{503}},
		{method: "GET", path: "/api/v1/openapi.json", id: "openapi", tag: "health", access: public, status: 200,
			media: "application/json", summary: "This OpenAPI document."},

		{method: "POST", path: "/api/v1/session", id: "createSession", tag: "session", access: public,
			body: sessionRequest{}, status: 201, resp: SessionView{}, extra: []int{401, 403},
			summary: "Sign in (dashboard): exchange an API key for a session cookie (HttpOnly, SameSite=Strict, " +
				"Secure over TLS, 12 h). State-changing requests made with the cookie must send X-CSRF-Token."},
		{method: "GET", path: "/api/v1/session", id: "getSession", tag: "session", access: member, status: 200,
			resp: SessionView{}, summary: "Who the caller is; with a cookie session also its CSRF token."},
		{method: "DELETE", path: "/api/v1/session", id: "deleteSession", tag: "session", access: public, status: 204,
			extra: []int{403}, summary: "Sign out: clear the session cookie (with a valid cookie, X-CSRF-Token is required)."},
		{method: "GET", path: "/api/v1/overview", id: "overview", tag: "runs", access: member, status: 200,
			resp: OverviewView{}, summary: "Every script with its last run, pass rates over 24 h and 7 days, " +
				"recent durations and next scheduled run; failing scripts first."},
		{method: "GET", path: "/api/v1/schedule-preview", id: "previewSchedule", tag: "schedules", access: member,
			status: 200, resp: SchedulePreview{}, query: []param{
				{name: "cron", typ: "string", desc: "the cron expression (required)"},
				{name: "timezone", typ: "string", desc: "IANA time zone (default UTC)"},
				{name: "count", typ: "integer", desc: "how many next slots, 1 to 20 (default 3)"},
			}, summary: "Describe a cron expression in words and list its next slots, without creating a schedule."},

		{method: "POST", path: "/api/v1/scripts", id: "createScript", tag: "scripts", access: member,
			body: createScriptRequest{}, status: 201, resp: ScriptView{}, extra: []int{409},
			summary: "Create a script; its source must compile (422 syntax_error with line and column otherwise)."},
		{method: "GET", path: "/api/v1/scripts", id: "listScripts", tag: "scripts", access: member,
			query: []param{cursorParam, limitParam}, status: 200, resp: Page[ScriptView]{},
			summary: "List scripts by name."},
		{method: "GET", path: "/api/v1/scripts/{id}", id: "getScript", tag: "scripts", access: member,
			status: 200, resp: ScriptView{}, summary: "Get a script."},
		{method: "PUT", path: "/api/v1/scripts/{id}", id: "putScript", tag: "scripts", access: member,
			body: putScriptRequest{}, status: 201, resp: VersionView{},
			summary: "Add a version (and optionally change settings); answers the new version without its source."},
		{method: "PATCH", path: "/api/v1/scripts/{id}", id: "patchScript", tag: "scripts", access: member,
			body: patchScriptRequest{}, status: 200, resp: ScriptView{}, summary: "Change a script's settings."},
		{method: "DELETE", path: "/api/v1/scripts/{id}", id: "deleteScript", tag: "scripts", access: member,
			status: 204, summary: "Delete a script with its versions, params, secrets and schedules (runs stay)."},
		{method: "GET", path: "/api/v1/scripts/{id}/versions", id: "listVersions", tag: "scripts", access: member,
			status: 200, resp: List[VersionView]{}, summary: "List a script's versions, without sources."},
		{method: "GET", path: "/api/v1/scripts/{id}/versions/{n}", id: "getVersion", tag: "scripts", access: member,
			status: 200, resp: VersionView{}, summary: "Get one version with its source (n may be \"latest\")."},
		{method: "GET", path: "/api/v1/scripts/{id}/diff", id: "diffVersions", tag: "scripts", access: member,
			status: 200, resp: DiffView{}, query: []param{
				{name: "from", typ: "integer", desc: "the old version (default: the one before to; 0: empty)"},
				{name: "to", typ: "integer", desc: "the new version (default: the latest)"},
			}, summary: "Line diff between two versions of a script."},

		{method: "POST", path: "/api/v1/scripts/{id}/runs", id: "enqueueRun", tag: "runs", access: member,
			body: enqueueRequest{}, status: 202, resp: RunView{},
			summary: "Queue a run of the script's latest version (an extra per-key rate limit applies)."},
		{method: "GET", path: "/api/v1/runs", id: "listRuns", tag: "runs", access: member, status: 200, resp: Page[RunView]{},
			query: []param{
				{name: "script", typ: "string", desc: "only runs of this script id"},
				{name: "status", typ: "string", enum: runStatuses, desc: "only runs with this status"},
				{name: "since", typ: "string", format: "date-time", desc: "queued at or after (RFC 3339)"},
				{name: "until", typ: "string", format: "date-time", desc: "queued before (RFC 3339)"},
				cursorParam, limitParam,
			}, summary: "List runs, newest first."},
		{method: "GET", path: "/api/v1/runs/{id}", id: "getRun", tag: "runs", access: member, status: 200, resp: RunView{},
			summary: "Get a run."},
		{method: "POST", path: "/api/v1/runs/{id}/cancel", id: "cancelRun", tag: "runs", access: member, status: 202,
			resp: RunView{}, extra: []int{409}, summary: "Cancel a queued or running run (409 if it already finished)."},
		{method: "GET", path: "/api/v1/runs/{id}/logs", id: "runLogs", tag: "runs", access: member, status: 200,
			resp: LogsView{}, media: "application/json+text", query: []param{
				{name: "after", typ: "integer", desc: "only events with a larger seq (default 0)"},
				{name: "limit", typ: "integer", desc: "at most this many events, 1 to 1000 (JSON default 500; text default all)"},
			}, summary: "A run's events as JSON, or as \"HH:MM:SS.mmm level text\" lines with Accept: text/plain."},
		{method: "GET", path: "/api/v1/runs/{id}/events", id: "runEvents", tag: "runs", access: member, status: 200,
			media:   "text/event-stream",
			query:   []param{{name: "after", typ: "integer", desc: "resume after this seq (Last-Event-ID wins)"}},
			headers: []param{{name: "Last-Event-ID", typ: "integer", desc: "resume after this seq"}},
			summary: "Server-Sent Events: events (id = seq; event log|step|system; data EventView), " +
				"status (data RunView) on changes, end (data RunView) when the run is over; heartbeat comments every 15 s."},
		{method: "GET", path: "/api/v1/runs/{id}/artifacts", id: "listArtifacts", tag: "runs", access: member,
			status: 200, resp: List[ArtifactView]{}, summary: "List a run's artifacts."},
		{method: "GET", path: "/api/v1/runs/{id}/artifacts/{name...}", id: "getArtifact", tag: "runs", access: member,
			status: 200, media: "application/octet-stream",
			summary: "Download an artifact (the name may contain slashes) as an attachment."},

		{method: "GET", path: "/api/v1/scripts/{id}/params", id: "listParams", tag: "params", access: member,
			status: 200, resp: List[ParamView]{}, summary: "List a script's params."},
		{method: "GET", path: "/api/v1/scripts/{id}/params/{name}", id: "getParam", tag: "params", access: member,
			status: 200, resp: ParamView{}, summary: "Get one param."},
		{method: "PUT", path: "/api/v1/scripts/{id}/params/{name}", id: "putParam", tag: "params", access: member,
			body: valueRequest{}, status: 200, resp: ParamView{}, summary: "Create or replace a param."},
		{method: "DELETE", path: "/api/v1/scripts/{id}/params/{name}", id: "deleteParam", tag: "params", access: member,
			status: 204, summary: "Delete a param."},
		{method: "GET", path: "/api/v1/scripts/{id}/secrets", id: "listSecrets", tag: "params", access: member,
			status: 200, resp: List[SecretView]{}, summary: "List a script's secrets: names and update times, never values."},
		{method: "PUT", path: "/api/v1/scripts/{id}/secrets/{name}", id: "putSecret", tag: "params", access: member,
			body: valueRequest{}, status: 204, extra: []int{503}, summary: "Create or replace a secret (write-only)."},
		{method: "DELETE", path: "/api/v1/scripts/{id}/secrets/{name}", id: "deleteSecret", tag: "params", access: member,
			status: 204, summary: "Delete a secret."},

		{method: "POST", path: "/api/v1/scripts/{id}/schedules", id: "createSchedule", tag: "schedules", access: member,
			body: createScheduleRequest{}, status: 201, resp: ScheduleView{},
			summary: "Create a schedule; a cron that does not parse is a 422 naming the cron field at fault."},
		{method: "GET", path: "/api/v1/scripts/{id}/schedules", id: "listSchedules", tag: "schedules", access: member,
			status: 200, resp: List[ScheduleView]{}, summary: "List a script's schedules."},
		{method: "GET", path: "/api/v1/scripts/{id}/schedules/{sid}", id: "getSchedule", tag: "schedules", access: member,
			status: 200, resp: ScheduleView{}, summary: "Get a schedule."},
		{method: "PATCH", path: "/api/v1/scripts/{id}/schedules/{sid}", id: "patchSchedule", tag: "schedules", access: member,
			body: patchScheduleRequest{}, status: 200, resp: ScheduleView{}, summary: "Change a schedule."},
		{method: "DELETE", path: "/api/v1/scripts/{id}/schedules/{sid}", id: "deleteSchedule", tag: "schedules",
			access: member, status: 204, summary: "Delete a schedule (its runs stay)."},

		{method: "POST", path: "/api/v1/keys", id: "createKey", tag: "keys", access: member, body: nameRequest{},
			status: 201, resp: NewKeyResponse{}, summary: "Mint an API key; its plaintext is in this response only."},
		{method: "GET", path: "/api/v1/keys", id: "listKeys", tag: "keys", access: member, status: 200,
			resp: List[KeyView]{}, summary: "List the tenant's API keys (no plaintexts)."},
		{method: "DELETE", path: "/api/v1/keys/{id}", id: "revokeKey", tag: "keys", access: member, status: 204,
			summary: "Revoke an API key."},
		{method: "POST", path: "/api/v1/tenants", id: "createTenant", tag: "tenants", access: admin, body: nameRequest{},
			status: 201, resp: NewTenantResponse{}, extra: []int{409},
			summary: "Create a tenant and its first API key (admin only)."},
		{method: "GET", path: "/api/v1/tenants", id: "listTenants", tag: "tenants", access: admin, status: 200,
			resp: List[TenantView]{}, summary: "List tenants (admin only)."},
	}
}

// errorDescriptions describe the error responses in the document.
var errorDescriptions = map[int]string{
	400: "Malformed request: invalid JSON, unknown or duplicate field, bad query parameter.",
	401: "Missing, invalid or revoked API key.",
	403: "The route is for admin tenants only, or a cookie request failed the CSRF check (csrf_failed).",
	404: "No such object for this tenant.",
	409: "Conflict with the current state.",
	413: "Body larger than 2 MiB.",
	415: "Body is not declared application/json.",
	422: "A field failed validation (the error names it).",
	429: "Rate limited; see Retry-After.",
	500: "Internal error; the message carries a request id.",
	503: "Not available.",
}

var wildcardRe = regexp.MustCompile(`\{([a-z]+)(\.\.\.)?\}`)

// OpenAPIPath converts a ServeMux path pattern to OpenAPI's template
// syntax ("{name...}" becomes "{name}").
func OpenAPIPath(p string) string { return strings.ReplaceAll(p, "...}", "}") }

// renderOpenAPI builds the OpenAPI 3.0 document.
func renderOpenAPI() ([]byte, error) {
	g := &schemaGen{components: obj{}}
	g.ref(ErrorBody{})
	paths := obj{}
	for _, op := range operations() {
		p := OpenAPIPath(op.path)
		item, _ := paths[p].(obj)
		if item == nil {
			item = obj{}
			paths[p] = item
		}
		item[strings.ToLower(op.method)] = op.render(g)
	}
	responses := obj{}
	for status, desc := range errorDescriptions {
		responses[strconv.Itoa(status)] = obj{"description": desc, "content": obj{
			"application/json": obj{"schema": obj{"$ref": "#/components/schemas/ErrorBody"}}}}
	}
	doc := obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":   "Skriptable API",
			"version": "1",
			"description": "Run Puppeteer scripts on demand and on schedules. Authenticate with " +
				"\"Authorization: Bearer <key>\". Every object is scoped to the key's tenant; another " +
				"tenant's object is a 404. Errors are {\"error\":{\"code\",\"message\",\"field\"}}.",
		},
		"servers":  []any{obj{"url": "/"}},
		"security": []any{obj{"bearer": []any{}}, obj{"session": []any{}}},
		"tags": []any{
			obj{"name": "session"}, obj{"name": "scripts"}, obj{"name": "runs"}, obj{"name": "params"}, obj{"name": "schedules"},
			obj{"name": "keys"}, obj{"name": "tenants"}, obj{"name": "health"},
		},
		"paths": paths,
		"components": obj{
			"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer",
				"description": "An API key, sk_ followed by 52 characters."},
				"session": obj{"type": "apiKey", "in": "cookie", "name": SessionCookie,
					"description": "The dashboard's session cookie (POST /api/v1/session); state-changing requests also need X-CSRF-Token."}},
			"schemas":   g.components,
			"responses": responses,
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// render builds the operation object.
func (op operation) render(g *schemaGen) obj {
	out := obj{"operationId": op.id, "summary": op.summary, "tags": []any{op.tag}}
	var params []any
	for _, m := range wildcardRe.FindAllStringSubmatch(op.path, -1) {
		desc := "an id"
		if m[2] != "" {
			desc = "the artifact name; may contain slashes (e.g. shots/login.png)"
		}
		params = append(params, obj{"name": m[1], "in": "path", "required": true, "description": desc,
			"schema": obj{"type": "string"}})
	}
	for _, q := range op.query {
		params = append(params, q.render("query"))
	}
	for _, h := range op.headers {
		params = append(params, h.render("header"))
	}
	if params != nil {
		out["parameters"] = params
	}
	if op.access <= public {
		out["security"] = []any{}
	}
	if op.body != nil {
		out["requestBody"] = obj{"required": false, "description": "JSON; an empty body counts as {}",
			"content": obj{"application/json": obj{"schema": g.ref(op.body)}}}
	}
	success := obj{"description": http.StatusText(op.status)}
	switch {
	case op.media == "application/json+text":
		success["content"] = obj{
			"application/json": obj{"schema": g.ref(op.resp)},
			"text/plain":       obj{"schema": obj{"type": "string"}},
		}
	case op.media == "application/octet-stream":
		success["content"] = obj{op.media: obj{"schema": obj{"type": "string", "format": "binary"}}}
		success["headers"] = obj{
			"Content-Disposition": obj{"schema": obj{"type": "string"}, "description": `attachment; filename="…"`},
			"Content-Length":      obj{"schema": obj{"type": "integer"}},
		}
	case op.media == "application/json":
		success["content"] = obj{op.media: obj{"schema": obj{"type": "object"}}}
	case op.media != "":
		success["content"] = obj{op.media: obj{"schema": obj{"type": "string"}}}
	case op.resp != nil:
		success["content"] = obj{"application/json": obj{"schema": g.ref(op.resp)}}
	}
	responses := obj{strconv.Itoa(op.status): success}
	addErr := func(status int) {
		responses[strconv.Itoa(status)] = obj{"$ref": "#/components/responses/" + strconv.Itoa(status)}
	}
	for _, s := range op.extra {
		addErr(s)
	}
	if op.access == probe {
		return withResponses(out, responses)
	}
	addErr(429)
	addErr(500)
	if op.access >= member {
		addErr(401)
	}
	if op.access == admin || (op.access == member && op.method != "GET") {
		addErr(403) // admin only; or a cookie request without its CSRF token
	}
	if strings.Contains(op.path, "{") {
		addErr(404)
	}
	if len(op.query) > 0 || len(op.headers) > 0 {
		addErr(400)
	}
	if op.body != nil {
		for _, s := range []int{400, 413, 415, 422} {
			addErr(s)
		}
	}
	return withResponses(out, responses)
}

func withResponses(op, responses obj) obj {
	op["responses"] = responses
	return op
}

func (p param) render(in string) obj {
	s := obj{"type": p.typ}
	if p.format != "" {
		s["format"] = p.format
	}
	if p.enum != nil {
		s["enum"] = p.enum
	}
	return obj{"name": p.name, "in": in, "required": false, "description": p.desc, "schema": s}
}
