package api

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

func testRuns(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	var sc ScriptView
	e.must(201, &sc, "POST", "/api/v1/scripts", a, obj{"name": "s", "source": "1", "retries": 2})
	e.must(200, nil, "PUT", "/api/v1/scripts/"+sc.ID+"/params/P", a, obj{"value": "base"})
	e.must(200, nil, "PUT", "/api/v1/scripts/"+sc.ID+"/params/Q", a, obj{"value": "keep"})

	var run RunView
	r := e.must(202, &run, "POST", "/api/v1/scripts/"+sc.ID+"/runs", a, obj{"params": obj{"P": "override"}})
	if r.header.Get("Location") != "/api/v1/runs/"+run.ID {
		t.Errorf("Location = %q", r.header.Get("Location"))
	}
	if run.Status != "queued" || run.Trigger != "api" || run.ScriptID != sc.ID || run.ScriptName != "s" ||
		run.ScriptVersion != 1 || run.Attempt != 0 || run.MaxAttempts != 3 || run.StartedAt != nil ||
		run.FinishedAt != nil || run.DurationMS != nil || run.CancelRequested || run.ScheduleID != "" ||
		!maps.Equal(run.Params, map[string]string{"P": "override", "Q": "keep"}) {
		t.Errorf("run = %+v", run)
	}
	calls := e.runs.Calls()
	if len(calls) != 1 || calls[0].trigger != "api" || calls[0].id != sc.ID || calls[0].tenantID != e.alice.tenant.ID ||
		!maps.Equal(calls[0].params, map[string]string{"P": "override"}) {
		t.Errorf("Runs calls = %+v", calls)
	}
	// An empty body needs no Content-Type.
	r = e.do("POST", "/api/v1/scripts/"+sc.ID+"/runs", a, nil)
	if r.status != 202 {
		t.Errorf("empty-body enqueue: %s", r)
	}
	er := e.wantErr(422, "invalid", "POST", "/api/v1/scripts/"+sc.ID+"/runs", a, obj{"params": obj{"1x": "v"}})
	if er.Field != "params.1x" {
		t.Errorf("bad param field = %q", er.Field)
	}
	e.wantErr(404, "not_found", "POST", "/api/v1/scripts/NOPE/runs", a, nil)

	var got RunView
	e.must(200, &got, "GET", "/api/v1/runs/"+run.ID, a, nil)
	if got.ID != run.ID || got.QueuedAt.IsZero() {
		t.Errorf("get run = %+v", got)
	}
	e.wantErr(404, "not_found", "GET", "/api/v1/runs/01HZZZZZZZZZZZZZZZZZZZZZZZ", a, nil)
	e.wantErr(404, "not_found", "GET", "/api/v1/runs/nope", a, nil)
	e.wantErr(404, "not_found", "POST", "/api/v1/runs/nope/cancel", a, nil)

	// Cancel a queued run: it ends; a second cancel conflicts.
	e.must(202, &got, "POST", "/api/v1/runs/"+run.ID+"/cancel", a, nil)
	if got.Status != "cancelled" || !got.CancelRequested || got.FinishedAt == nil || got.DurationMS == nil {
		t.Errorf("cancelled run = %+v", got)
	}
	e.wantErr(409, "conflict", "POST", "/api/v1/runs/"+run.ID+"/cancel", a, nil)

	// Cancel a running run: it is flagged and keeps running.
	run2 := e.mkRun(a, sc.ID)
	if _, err := e.store.MarkRunning(e.ctx, e.alice.tenant.ID, run2.ID, 1); err != nil {
		t.Fatal(err)
	}
	e.must(202, &got, "POST", "/api/v1/runs/"+run2.ID+"/cancel", a, "{}")
	if got.Status != "running" || !got.CancelRequested || got.Attempt != 1 || got.StartedAt == nil {
		t.Errorf("cancel-requested run = %+v", got)
	}
	code := 3
	if _, err := e.store.Finish(e.ctx, e.alice.tenant.ID, run2.ID, store.RunResult{Status: store.StatusFailed,
		Error: "Error: boom", Limit: "", ExitCode: &code}); err != nil {
		t.Fatal(err)
	}
	e.must(200, &got, "GET", "/api/v1/runs/"+run2.ID, a, nil)
	if got.Status != "failed" || got.FinishedAt == nil || got.DurationMS == nil || got.ExitCode == nil ||
		*got.ExitCode != 3 || got.Error != "Error: boom" {
		t.Errorf("finished run = %+v", got)
	}
	e.wantErr(409, "conflict", "POST", "/api/v1/runs/"+run2.ID+"/cancel", a, nil)
}

func testRunsListFilters(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	sa, sb := e.mkScript(a, "a"), e.mkScript(a, "b")
	var ids []string
	for _, s := range []string{sa.ID, sa.ID, sb.ID, sa.ID, sb.ID} {
		ids = append(ids, e.mkRun(a, s).ID)
	}
	if _, err := e.store.Finish(e.ctx, e.alice.tenant.ID, ids[1], store.RunResult{Status: store.StatusFailed}); err != nil {
		t.Fatal(err)
	}
	list := func(q string) []string {
		t.Helper()
		var p Page[RunView]
		e.must(200, &p, "GET", "/api/v1/runs?"+q, a, nil)
		var out []string
		for _, r := range p.Items {
			out = append(out, r.ID)
		}
		return out
	}
	rev := func(xs ...string) string {
		var out []string
		for i := len(xs) - 1; i >= 0; i-- {
			out = append(out, xs[i])
		}
		return strings.Join(out, ",")
	}
	if got := strings.Join(list(""), ","); got != rev(ids...) {
		t.Errorf("all runs (newest first) = %s", got)
	}
	if got := strings.Join(list("script="+sa.ID), ","); got != rev(ids[0], ids[1], ids[3]) {
		t.Errorf("script filter = %s", got)
	}
	if got := strings.Join(list("status=failed"), ","); got != ids[1] {
		t.Errorf("status filter = %s", got)
	}
	if got := list("status=queued&script=" + sb.ID); len(got) != 2 {
		t.Errorf("combined filter = %v", got)
	}
	future := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	past := url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339Nano))
	if n := len(list("since=" + future)); n != 0 {
		t.Errorf("since the future: %d runs", n)
	}
	if n := len(list("until=" + past)); n != 0 {
		t.Errorf("until the past: %d runs", n)
	}
	if n := len(list("since=" + past + "&until=" + future)); n != 5 {
		t.Errorf("window: %d runs", n)
	}
	// Pagination: newest first, no run twice.
	var paged []string
	cursor := ""
	for range 10 {
		var p Page[RunView]
		e.must(200, &p, "GET", "/api/v1/runs?limit=2&cursor="+cursor, a, nil)
		for _, r := range p.Items {
			paged = append(paged, r.ID)
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if strings.Join(paged, ",") != rev(ids...) {
		t.Errorf("paged = %v", paged)
	}
	for _, q := range []string{"status=bogus", "since=yesterday", "until=2025-13-01T00:00:00Z", "limit=-1", "cursor=zzz"} {
		e.wantErr(400, "invalid_query", "GET", "/api/v1/runs?"+q, a, nil)
	}
}

func testRunLogs(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	run := e.mkRun(a, e.mkScript(a, "s").ID)
	at := time.Date(2025, 1, 2, 3, 4, 5, 678e6, time.UTC).UnixMilli()
	e.appendEvents(e.alice, run.ID,
		store.RunEvent{TimeMS: at, Kind: store.EventSystem, Text: "attempt 1 started"},
		store.RunEvent{TimeMS: at + 1, Kind: store.EventLog, Level: "log", Text: "hello"},
		store.RunEvent{TimeMS: at + 2, Kind: store.EventLog, Level: "warn", Text: "two\nlines"},
		store.RunEvent{TimeMS: at + 3, Kind: store.EventStep, Text: "logs in",
			Step: &store.StepInfo{Name: "logs in", Status: "failed", DurationMS: 12, Error: "timeout"}},
		store.RunEvent{TimeMS: at + 1004, Kind: store.EventLog, Level: "error", Text: "bye"},
	)
	var lv LogsView
	e.must(200, &lv, "GET", "/api/v1/runs/"+run.ID+"/logs", a, nil)
	if len(lv.Events) != 5 || lv.NextAfter != 5 || lv.Events[3].Step == nil || lv.Events[3].Step.Error != "timeout" ||
		lv.Events[1].Level != "log" || lv.Events[0].Kind != "system" || !lv.Events[0].Time.Equal(time.UnixMilli(at)) {
		t.Errorf("logs = %+v", lv)
	}
	e.must(200, &lv, "GET", "/api/v1/runs/"+run.ID+"/logs?after=2&limit=2", a, nil)
	if len(lv.Events) != 2 || lv.Events[0].Seq != 3 || lv.NextAfter != 4 {
		t.Errorf("page = %+v", lv)
	}
	e.must(200, &lv, "GET", "/api/v1/runs/"+run.ID+"/logs?after=5", a, nil)
	if len(lv.Events) != 0 || lv.NextAfter != 5 {
		t.Errorf("past the end = %+v", lv)
	}

	r := e.must(200, nil, "GET", "/api/v1/runs/"+run.ID+"/logs", a, nil, "Accept", "text/plain")
	want := "03:04:05.678 system attempt 1 started\n" +
		"03:04:05.679 log hello\n" +
		"03:04:05.680 warn two\n  lines\n" +
		"03:04:05.681 step failed logs in (12 ms): timeout\n" +
		"03:04:06.682 error bye\n"
	if string(r.body) != want || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Errorf("text logs (%s):\n%s\nwant:\n%s", r.header.Get("Content-Type"), r.body, want)
	}
	r = e.must(200, nil, "GET", "/api/v1/runs/"+run.ID+"/logs?after=3&limit=1", a, nil, "Accept", "text/plain, application/json")
	if string(r.body) != "03:04:05.681 step failed logs in (12 ms): timeout\n" {
		t.Errorf("text page = %q", r.body)
	}
	// JSON wins when listed first.
	e.must(200, &lv, "GET", "/api/v1/runs/"+run.ID+"/logs", a, nil, "Accept", "application/json, text/plain")

	empty := e.mkRun(a, run.ScriptID)
	r = e.must(200, nil, "GET", "/api/v1/runs/"+empty.ID+"/logs", a, nil, "Accept", "text/plain")
	if len(r.body) != 0 {
		t.Errorf("empty run's text log = %q", r.body)
	}
	e.wantErr(404, "not_found", "GET", "/api/v1/runs/nope/logs", a, nil)
	e.wantErr(404, "not_found", "GET", "/api/v1/runs/nope/logs", a, nil, "Accept", "text/plain")
	e.wantErr(400, "invalid_query", "GET", "/api/v1/runs/"+run.ID+"/logs?after=-1", a, nil)
	e.wantErr(400, "invalid_query", "GET", "/api/v1/runs/"+run.ID+"/logs?limit=1001", a, nil)

	// Many events: the text log pages through all of them.
	var many []store.RunEvent
	for i := range 2500 {
		many = append(many, store.RunEvent{Kind: store.EventLog, Level: "log", Text: "line " + strconv.Itoa(i)})
	}
	e.appendEvents(e.alice, empty.ID, many...)
	r = e.must(200, nil, "GET", "/api/v1/runs/"+empty.ID+"/logs", a, nil, "Accept", "text/plain")
	if n := strings.Count(string(r.body), "\n"); n != 2500 || !strings.HasSuffix(string(r.body), " log line 2499\n") {
		t.Errorf("long text log: %d lines", n)
	}
}

func testArtifacts(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	run := e.mkRun(a, e.mkScript(a, "s").ID)
	files := []struct{ name, ctype, body string }{
		{"shots/login page.png", "image/png", "\x89PNG fake"},
		{"report.html", "text/html", "<script>alert(1)</script>"},
		{"deep/er/résumé.txt", "text/plain", "bonjour"},
	}
	for _, f := range files {
		if _, err := e.store.PutArtifact(e.ctx, e.alice.tenant.ID, run.ID, f.name, f.ctype, strings.NewReader(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	var list List[ArtifactView]
	e.must(200, &list, "GET", "/api/v1/runs/"+run.ID+"/artifacts", a, nil)
	if len(list.Items) != 3 || list.Items[0].Name != "deep/er/résumé.txt" || list.Items[2].Name != "shots/login page.png" {
		t.Fatalf("artifacts = %+v", list.Items)
	}
	byName := map[string]ArtifactView{}
	for _, it := range list.Items {
		byName[it.Name] = it
	}
	for _, f := range files {
		av := byName[f.name]
		if av.Size != int64(len(f.body)) || av.ContentType != f.ctype {
			t.Errorf("%s: %+v", f.name, av)
		}
		r := e.must(200, nil, "GET", av.DownloadURL, a, nil)
		if string(r.body) != f.body || r.header.Get("Content-Type") != f.ctype ||
			r.header.Get("Content-Length") != strconv.Itoa(len(f.body)) ||
			r.header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment; filename=\"") {
			t.Errorf("%s: %d %v %q", f.name, r.status, r.header, r.body)
		}
	}
	if cd := e.do("GET", byName["shots/login page.png"].DownloadURL, a, nil).header.Get("Content-Disposition"); cd != `attachment; filename="login page.png"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if cd := e.do("GET", byName["deep/er/résumé.txt"].DownloadURL, a, nil).header.Get("Content-Disposition"); cd != `attachment; filename="r_sum_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if u := byName["shots/login page.png"].DownloadURL; u != "/api/v1/runs/"+run.ID+"/artifacts/shots/login%20page.png" {
		t.Errorf("download_url = %q", u)
	}
	// HEAD answers the headers only.
	req, _ := http.NewRequestWithContext(e.ctx, "HEAD", e.srv.URL+byName["report.html"].DownloadURL, nil)
	req.Header.Set("Authorization", "Bearer "+a)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.ContentLength != int64(len(files[1].body)) {
		t.Errorf("HEAD = %d, length %d", res.StatusCode, res.ContentLength)
	}
	for _, p := range []string{"shots/none.png", "shots", "nope", "shots/login%20page.png/x"} {
		e.wantErr(404, "not_found", "GET", fmt.Sprintf("/api/v1/runs/%s/artifacts/%s", run.ID, p), a, nil)
	}
	e.wantErr(404, "not_found", "GET", "/api/v1/runs/nope/artifacts", a, nil)
}
