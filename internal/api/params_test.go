package api

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

func testParams(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	p := "/api/v1/scripts/" + e.mkScript(a, "s").ID + "/params"
	var pv ParamView
	e.must(200, &pv, "PUT", p+"/URL", a, obj{"value": "https://example.com"})
	if pv != (ParamView{Name: "URL", Value: "https://example.com"}) {
		t.Errorf("put = %+v", pv)
	}
	e.must(200, nil, "PUT", p+"/A_1", a, obj{"value": ""})
	e.must(200, nil, "PUT", p+"/URL", a, obj{"value": "https://example.org"})
	e.must(200, &pv, "GET", p+"/URL", a, nil)
	if pv.Value != "https://example.org" {
		t.Errorf("get = %+v", pv)
	}
	var list List[ParamView]
	e.must(200, &list, "GET", p, a, nil)
	if len(list.Items) != 2 || list.Items[0] != (ParamView{Name: "A_1", Value: ""}) || list.Items[1].Name != "URL" {
		t.Errorf("list = %+v", list.Items)
	}
	e.must(204, nil, "DELETE", p+"/A_1", a, nil)
	e.wantErr(404, "not_found", "GET", p+"/A_1", a, nil)
	e.wantErr(404, "not_found", "DELETE", p+"/A_1", a, nil)

	for _, name := range []string{"1X", "a-b", strings.Repeat("N", 129)} {
		if er := e.wantErr(422, "invalid", "PUT", p+"/"+name, a, obj{"value": "v"}); er.Field != "name" {
			t.Errorf("%s: field %q", name, er.Field)
		}
	}
	if er := e.wantErr(422, "invalid", "PUT", p+"/OK", a, obj{}); er.Field != "value" {
		t.Errorf("missing value: %+v", er)
	}
	if er := e.wantErr(422, "invalid_type", "PUT", p+"/OK", a, obj{"value": 42}); er.Field != "value" {
		t.Errorf("number value: %+v", er)
	}
	e.wantErr(422, "invalid", "PUT", p+"/OK", a, obj{"value": strings.Repeat("v", 64<<10+1)})
	e.must(200, nil, "PUT", p+"/OK", a, obj{"value": strings.Repeat("v", 64<<10)})
	e.wantErr(404, "not_found", "PUT", "/api/v1/scripts/nope/params/X", a, obj{"value": "v"})
	e.wantErr(404, "not_found", "GET", "/api/v1/scripts/nope/params", a, nil)
}

func randomSecret(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// testSecrets: secrets are write-only. Every response of the suite is
// searched for every secret value (env.checkResponses and TestMain).
func testSecrets(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	sc := e.mkScript(a, "s")
	p := "/api/v1/scripts/" + sc.ID + "/secrets"
	v1, v2 := e.secret(randomSecret("pw-one-")), e.secret(randomSecret("pw-two-"))
	r := e.must(204, nil, "PUT", p+"/PASSWORD", a, obj{"value": v1})
	if len(r.body) != 0 {
		t.Errorf("204 with a body: %q", r.body)
	}
	e.must(204, nil, "PUT", p+"/PASSWORD", a, obj{"value": v2})
	e.must(204, nil, "PUT", p+"/API_TOKEN", a, obj{"value": e.secret(randomSecret("tok-"))})
	var list List[SecretView]
	e.must(200, &list, "GET", p, a, nil)
	if len(list.Items) != 2 || list.Items[0].Name != "API_TOKEN" || list.Items[1].Name != "PASSWORD" || list.Items[1].UpdatedAt.IsZero() {
		t.Errorf("secrets = %+v", list.Items)
	}
	vals, err := e.store.SecretValues(e.ctx, e.alice.tenant.ID, sc.ID)
	if err != nil || vals["PASSWORD"] != v2 {
		t.Errorf("stored value = %v", err)
	}

	// Failures that see the value do not echo it.
	v3 := e.secret(randomSecret("pw-three-"))
	e.wantErr(400, "unknown_field", "PUT", p+"/PASSWORD", a, obj{"value": v3, "note": v3})
	e.wantErr(400, "invalid_json", "PUT", p+"/PASSWORD", a, `{"value": "`+v3+`"`)
	e.wantErr(400, "invalid_json", "PUT", p+"/PASSWORD", a, `{"value": "`+v3+`"} {}`)
	e.wantErr(400, "duplicate_field", "PUT", p+"/PASSWORD", a, `{"value": "`+v3+`", "value": "`+v3+`"}`)
	e.wantErr(422, "invalid", "PUT", p+"/BAD-NAME", a, obj{"value": v3})
	e.wantErr(422, "invalid", "PUT", p+"/LONG", a, obj{"value": v3 + strings.Repeat("x", 64<<10)})
	e.wantErr(415, "unsupported_media_type", "PUT", p+"/PASSWORD", a, `{"value": "`+v3+`"}`, "Content-Type", "text/plain")
	e.wantErr(404, "not_found", "PUT", "/api/v1/scripts/nope/secrets/PASSWORD", a, obj{"value": v3})

	// A run's params never include secrets.
	var run RunView
	e.must(202, &run, "POST", "/api/v1/scripts/"+sc.ID+"/runs", a, nil)
	e.must(200, nil, "GET", "/api/v1/runs/"+run.ID, a, nil)

	e.must(204, nil, "DELETE", p+"/API_TOKEN", a, nil)
	e.wantErr(404, "not_found", "DELETE", p+"/API_TOKEN", a, nil)
	e.must(200, &list, "GET", p, a, nil)
	if len(list.Items) != 1 {
		t.Errorf("after delete: %+v", list.Items)
	}

	// A server without a secret key says so.
	cfg := newConfig(t)
	cfg.SecretKey = nil
	e2 := newEnv(t, cfg)
	sc2 := e2.mkScript(e2.alice.key, "s")
	e2.wantErr(503, "secrets_unavailable", "PUT", "/api/v1/scripts/"+sc2.ID+"/secrets/X", e2.alice.key,
		obj{"value": e.secret(randomSecret("nokey-"))})
}

func testSchedules(t *testing.T, newConfig func(*testing.T) store.Config) {
	now := time.Date(2025, 3, 1, 10, 7, 30, 0, time.UTC)
	e := newEnv(t, newConfig(t), withConfig(func(c *Config) { c.Now = func() time.Time { return now } }))
	a := e.alice.key
	sc, other := e.mkScript(a, "s"), e.mkScript(a, "other")
	p := "/api/v1/scripts/" + sc.ID + "/schedules"

	var sv ScheduleView
	r := e.must(201, &sv, "POST", p, a, obj{"cron": "*/15 * * * *", "timezone": "Europe/Berlin",
		"jitter_seconds": 30, "params": obj{"REGION": "eu"}})
	if r.header.Get("Location") != p+"/"+sv.ID {
		t.Errorf("Location = %q", r.header.Get("Location"))
	}
	want := []time.Time{now.Add(7*time.Minute + 30*time.Second), now.Add(22*time.Minute + 30*time.Second), now.Add(37*time.Minute + 30*time.Second)}
	if !sv.Enabled || sv.Timezone != "Europe/Berlin" || sv.JitterSeconds != 30 || sv.Description == "" ||
		sv.ScriptID != sc.ID || !maps.Equal(sv.Params, map[string]string{"REGION": "eu"}) || len(sv.NextRuns) != 3 {
		t.Fatalf("created = %+v", sv)
	}
	for i, w := range want {
		if !sv.NextRuns[i].Equal(w) {
			t.Errorf("next_runs[%d] = %v, want %v", i, sv.NextRuns[i], w)
		}
	}
	var every ScheduleView
	e.must(201, &every, "POST", p, a, obj{"cron": "@every 90m", "enabled": false})
	if every.Enabled || every.Timezone != "UTC" || every.Description == "" || len(every.NextRuns) != 3 {
		t.Errorf("@every schedule = %+v", every)
	}

	for _, tc := range []struct {
		body  obj
		code  string
		field string
		msg   string
	}{
		{obj{"cron": "61 * * * *"}, "invalid", "cron", "minute"},
		{obj{"cron": "0 25 * * *"}, "invalid", "cron", "hour"},
		{obj{"cron": "* * *"}, "invalid", "cron", "5 fields"},
		{obj{"cron": "0 0 30 2 *"}, "invalid", "cron", "never"},
		{obj{}, "invalid", "cron", "is required"},
		{obj{"cron": "@daily", "timezone": "Mars/Olympus"}, "invalid", "timezone", "Mars/Olympus"},
		{obj{"cron": "@daily", "timezone": "Local"}, "invalid", "timezone", ""},
		{obj{"cron": "@daily", "jitter_seconds": 3601}, "invalid", "jitter_seconds", "0 to 3600"},
		{obj{"cron": "@daily", "jitter_seconds": "30"}, "invalid_type", "jitter_seconds", "integer"},
		{obj{"cron": "@daily", "enabled": "yes"}, "invalid_type", "enabled", "boolean"},
		{obj{"cron": "@daily", "params": obj{"A": 1}}, "invalid_type", "params.A", "string"},
		{obj{"cron": "@daily", "params": obj{"bad name": "x"}}, "invalid", "params.bad name", ""},
	} {
		er := e.wantErr(422, tc.code, "POST", p, a, tc.body)
		if er.Field != tc.field || !strings.Contains(er.Message, tc.msg) {
			t.Errorf("%v: got %+v, want field %s and %q in the message", tc.body, er, tc.field, tc.msg)
		}
		if tc.field == "cron" && tc.msg != "is required" && !strings.HasPrefix(er.Message, "cron: ") {
			t.Errorf("%v: message %q is not the parser's", tc.body, er.Message)
		}
	}

	var list List[ScheduleView]
	e.must(200, &list, "GET", p, a, nil)
	if len(list.Items) != 2 || list.Items[0].ID != sv.ID {
		t.Errorf("list = %+v", list.Items)
	}
	var got ScheduleView
	e.must(200, &got, "GET", p+"/"+sv.ID, a, nil)
	if got.ID != sv.ID || got.Description != sv.Description {
		t.Errorf("get = %+v", got)
	}
	e.must(200, &got, "PATCH", p+"/"+sv.ID, a, obj{"enabled": false, "cron": "0 9 * * MON-FRI"})
	if got.Enabled || got.Cron != "0 9 * * MON-FRI" || got.Timezone != "Europe/Berlin" || got.JitterSeconds != 30 ||
		got.Params["REGION"] != "eu" || len(got.NextRuns) != 3 || !got.NextRuns[0].Equal(time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("patched = %+v", got)
	}
	er := e.wantErr(422, "invalid", "PATCH", p+"/"+sv.ID, a, obj{"cron": "0 0 32 * *"})
	if er.Field != "cron" {
		t.Errorf("patch error = %+v", er)
	}
	got = ScheduleView{}
	e.must(200, &got, "PATCH", p+"/"+sv.ID, a, obj{"params": obj{}})
	if got.Cron != "0 9 * * MON-FRI" || len(got.Params) != 0 {
		t.Errorf("after failed and params patches = %+v", got)
	}
	// A schedule is reachable only under its own script.
	op := "/api/v1/scripts/" + other.ID + "/schedules/" + sv.ID
	e.wantErr(404, "not_found", "GET", op, a, nil)
	e.wantErr(404, "not_found", "PATCH", op, a, obj{"enabled": true})
	e.wantErr(404, "not_found", "DELETE", op, a, nil)
	e.wantErr(404, "not_found", "POST", "/api/v1/scripts/nope/schedules", a, obj{"cron": "@daily"})

	e.must(204, nil, "DELETE", p+"/"+sv.ID, a, nil)
	e.wantErr(404, "not_found", "GET", p+"/"+sv.ID, a, nil)
	e.wantErr(404, "not_found", "DELETE", p+"/"+sv.ID, a, nil)
}
