package api

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/skriptable/skriptable/internal/store"
)

func testAuth(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	for _, tc := range []struct {
		name, auth, msg string
	}{
		{"missing", "", "missing API key"},
		{"not bearer", "Basic " + e.alice.key, "missing API key"},
		{"empty bearer", "Bearer ", "missing API key"},
		{"unknown key", "Bearer sk_" + strings.Repeat("a", 52), "invalid API key"},
		{"malformed key", "Bearer hunter2", "invalid API key"},
	} {
		r := e.do("GET", "/api/v1/scripts", "", nil, "Authorization", tc.auth)
		er := e.apiErr(r, 401, "unauthorized")
		if !strings.HasPrefix(er.Message, tc.msg) {
			t.Errorf("%s: message %q, want prefix %q", tc.name, er.Message, tc.msg)
		}
		if r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: no WWW-Authenticate header", tc.name)
		}
	}
	// The scheme is case-insensitive.
	e.must(200, nil, "GET", "/api/v1/scripts", "", nil, "Authorization", "bearer "+e.alice.key)

	// Every authenticated route checks the key before anything else.
	for _, rt := range e.api.routes() {
		if rt.access < member {
			continue
		}
		path := strings.NewReplacer("{id}", "x", "{n}", "1", "{name...}", "a/b", "{name}", "N", "{sid}", "y").Replace(rt.path)
		e.wantErr(401, "unauthorized", rt.method, path, "", nil)
	}

	// Revoked: through the API, then the key is refused with its reason.
	var k NewKeyResponse
	e.must(201, &k, "POST", "/api/v1/keys", e.alice.key, obj{"name": "short-lived"})
	e.must(200, nil, "GET", "/api/v1/scripts", k.Key, nil)
	e.must(204, nil, "DELETE", "/api/v1/keys/"+k.ID, e.alice.key, nil)
	er := e.wantErr(401, "unauthorized", "GET", "/api/v1/scripts", k.Key, nil)
	if er.Message != "api key revoked" {
		t.Errorf("revoked key: message %q", er.Message)
	}

	// Authenticate (the dashboard's entry point) agrees.
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer "+e.alice.key)
	tn, key, err := e.api.Authenticate(req)
	if err != nil || tn.ID != e.alice.tenant.ID || key.ID != e.alice.keyID {
		t.Errorf("Authenticate = %v, %v, %v", tn, key, err)
	}
	req.Header.Set("Authorization", "Bearer "+k.Key)
	if _, _, err := e.api.Authenticate(req); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("Authenticate(revoked) = %v", err)
	}
}

// testTenantIsolation: every route given another tenant's object answers
// 404, and lists never show it.
func testTenantIsolation(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	sc := e.mkScript(a, "alice-script")
	e.must(201, nil, "PUT", "/api/v1/scripts/"+sc.ID, a, obj{"source": "1+1"})
	e.must(200, nil, "PUT", "/api/v1/scripts/"+sc.ID+"/params/P", a, obj{"value": "v"})
	e.must(204, nil, "PUT", "/api/v1/scripts/"+sc.ID+"/secrets/S", a, obj{"value": e.secret("isolation-secret-9f2c")})
	var sch ScheduleView
	e.must(201, &sch, "POST", "/api/v1/scripts/"+sc.ID+"/schedules", a, obj{"cron": "@hourly"})
	run := e.mkRun(a, sc.ID)
	e.appendEvents(e.alice, run.ID, store.RunEvent{Kind: store.EventLog, Level: "log", Text: "hello"})
	if _, err := e.store.PutArtifact(e.ctx, e.alice.tenant.ID, run.ID, "shots/a.png", "image/png", strings.NewReader("png")); err != nil {
		t.Fatal(err)
	}

	s, r := "/api/v1/scripts/"+sc.ID, "/api/v1/runs/"+run.ID
	for _, req := range []struct {
		method, path string
		body         any
		hdr          []string
	}{
		{"GET", s, nil, nil},
		{"PUT", s, obj{"source": "2+2"}, nil},
		{"PATCH", s, obj{"retries": 1}, nil},
		{"DELETE", s, nil, nil},
		{"GET", s + "/versions", nil, nil},
		{"GET", s + "/versions/1", nil, nil},
		{"GET", s + "/versions/latest", nil, nil},
		{"POST", s + "/runs", nil, nil},
		{"GET", s + "/params", nil, nil},
		{"GET", s + "/params/P", nil, nil},
		{"PUT", s + "/params/P", obj{"value": "x"}, nil},
		{"DELETE", s + "/params/P", nil, nil},
		{"GET", s + "/secrets", nil, nil},
		{"PUT", s + "/secrets/S", obj{"value": "x"}, nil},
		{"DELETE", s + "/secrets/S", nil, nil},
		{"POST", s + "/schedules", obj{"cron": "@daily"}, nil},
		{"GET", s + "/schedules", nil, nil},
		{"GET", s + "/schedules/" + sch.ID, nil, nil},
		{"PATCH", s + "/schedules/" + sch.ID, obj{"enabled": false}, nil},
		{"DELETE", s + "/schedules/" + sch.ID, nil, nil},
		{"GET", r, nil, nil},
		{"POST", r + "/cancel", nil, nil},
		{"GET", r + "/logs", nil, nil},
		{"GET", r + "/logs", nil, []string{"Accept", "text/plain"}},
		{"GET", r + "/events", nil, nil},
		{"GET", r + "/artifacts", nil, nil},
		{"GET", r + "/artifacts/shots/a.png", nil, nil},
		{"DELETE", "/api/v1/keys/" + e.alice.keyID, nil, nil},
	} {
		t.Run(req.method+" "+req.path, func(t *testing.T) {
			e.wantErr(404, "not_found", req.method, req.path, e.bob.key, req.body, req.hdr...)
		})
	}

	// Bob's lists are empty; even filtering on Alice's script.
	var scripts Page[ScriptView]
	e.must(200, &scripts, "GET", "/api/v1/scripts", e.bob.key, nil)
	var runs Page[RunView]
	e.must(200, &runs, "GET", "/api/v1/runs?script="+sc.ID, e.bob.key, nil)
	var keys List[KeyView]
	e.must(200, &keys, "GET", "/api/v1/keys", e.bob.key, nil)
	if len(scripts.Items) != 0 || len(runs.Items) != 0 || len(keys.Items) != 1 {
		t.Errorf("bob sees %d scripts, %d runs, %d keys", len(scripts.Items), len(runs.Items), len(keys.Items))
	}

	// Alice's objects are untouched.
	var got ScriptView
	e.must(200, &got, "GET", s, a, nil)
	if got.LatestVersion != 2 || got.Retries != 0 {
		t.Errorf("alice's script changed: %+v", got)
	}
	var p ParamView
	e.must(200, &p, "GET", s+"/params/P", a, nil)
	var secrets List[SecretView]
	e.must(200, &secrets, "GET", s+"/secrets", a, nil)
	var gotSch ScheduleView
	e.must(200, &gotSch, "GET", s+"/schedules/"+sch.ID, a, nil)
	var gotRun RunView
	e.must(200, &gotRun, "GET", r, a, nil)
	if p.Value != "v" || len(secrets.Items) != 1 || !gotSch.Enabled || gotRun.CancelRequested || gotRun.Status != "queued" {
		t.Errorf("alice's objects changed: %+v %+v %+v %+v", p, secrets, gotSch, gotRun)
	}
	e.must(200, nil, "GET", "/api/v1/scripts", a, nil) // her key still works
	// Runs is tenant-scoped too: bob's enqueue and cancel reached it with
	// his tenant id and failed there.
	calls := e.runs.Calls()
	if len(calls) != 3 || calls[1].tenantID != e.bob.tenant.ID || calls[2].tenantID != e.bob.tenant.ID {
		t.Errorf("Runs saw %+v", calls)
	}
}

func testKeys(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	var k NewKeyResponse
	r := e.must(201, &k, "POST", "/api/v1/keys", e.alice.key, obj{"name": "ci"})
	if !strings.HasPrefix(k.Key, "sk_") || k.Prefix != k.Key[:11] || k.Name != "ci" || k.ID == "" || k.RevokedAt != nil {
		t.Fatalf("created key = %+v", k)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	e.must(200, nil, "GET", "/api/v1/scripts", k.Key, nil) // the new key works

	var list List[KeyView]
	lr := e.must(200, &list, "GET", "/api/v1/keys", e.alice.key, nil)
	if bytes.Contains(lr.body, []byte(k.Key)) || bytes.Contains(lr.body, []byte(k.Key[11:])) {
		t.Errorf("key list contains a plaintext")
	}
	if len(list.Items) != 2 || list.Items[1].ID != k.ID || list.Items[1].LastUsedAt == nil {
		t.Errorf("keys = %+v", list.Items)
	}

	e.must(204, nil, "DELETE", "/api/v1/keys/"+k.ID, e.alice.key, nil)
	e.must(204, nil, "DELETE", "/api/v1/keys/"+k.ID, e.alice.key, nil) // idempotent
	e.must(200, &list, "GET", "/api/v1/keys", e.alice.key, nil)
	if list.Items[1].RevokedAt == nil {
		t.Errorf("revoked key has no revoked_at: %+v", list.Items[1])
	}
	e.wantErr(404, "not_found", "DELETE", "/api/v1/keys/NOPE", e.alice.key, nil)
	e.wantErr(422, "invalid", "POST", "/api/v1/keys", e.alice.key, obj{"name": ""})
	e.wantErr(422, "invalid", "POST", "/api/v1/keys", e.alice.key, nil)
}

func testTenants(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	// Not for ordinary tenants.
	e.wantErr(403, "forbidden", "GET", "/api/v1/tenants", e.alice.key, nil)
	e.wantErr(403, "forbidden", "POST", "/api/v1/tenants", e.alice.key, obj{"name": "mallory"})

	var nt NewTenantResponse
	e.must(201, &nt, "POST", "/api/v1/tenants", e.admin.key, obj{"name": "carol"})
	if nt.Tenant.Name != "carol" || nt.Tenant.Admin || !strings.HasPrefix(nt.Key, "sk_") {
		t.Fatalf("new tenant = %+v", nt)
	}
	// Carol's key works, sees an empty tenant, and is not an admin.
	var scripts Page[ScriptView]
	e.must(200, &scripts, "GET", "/api/v1/scripts", nt.Key, nil)
	if len(scripts.Items) != 0 {
		t.Errorf("carol sees %d scripts", len(scripts.Items))
	}
	e.wantErr(403, "forbidden", "GET", "/api/v1/tenants", nt.Key, nil)

	er := e.wantErr(409, "conflict", "POST", "/api/v1/tenants", e.admin.key, obj{"name": "carol"})
	if er.Field != "name" {
		t.Errorf("conflict field = %q", er.Field)
	}
	var list List[TenantView]
	e.must(200, &list, "GET", "/api/v1/tenants", e.admin.key, nil)
	if len(list.Items) != 4 || list.Items[3].ID != nt.Tenant.ID || !list.Items[0].Admin {
		t.Errorf("tenants = %+v", list.Items)
	}
}

// TestAuthenticateErrors checks the error values Authenticate returns to
// other packages (the dashboard).
func TestAuthenticateErrors(t *testing.T) {
	t.Parallel()
	a := newBareAPI(t)
	ctx := t.Context()
	tn, err := a.store.CreateTenant(ctx, "t", false)
	if err != nil {
		t.Fatal(err)
	}
	k, plain, err := a.store.CreateAPIKey(ctx, tn.ID, "k")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.RevokeAPIKey(ctx, tn.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		auth    string
		msg     string
		revoked bool
	}{
		{"", "missing API key", false},
		{"Bearer sk_unknown", "invalid API key", false},
		{"Bearer " + plain, "api key revoked", true},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Authorization", tc.auth)
		_, _, err := a.Authenticate(req)
		var e *Error
		if !errors.As(err, &e) || e.Status != http.StatusUnauthorized || e.Code != "unauthorized" ||
			!strings.HasPrefix(e.Message, tc.msg) || errors.Is(err, store.ErrRevoked) != tc.revoked {
			t.Errorf("Authenticate(%q) = %v", tc.auth, err)
		}
	}
}
