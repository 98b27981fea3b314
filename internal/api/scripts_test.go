package api

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/skriptable/skriptable/internal/js"
	"github.com/skriptable/skriptable/internal/store"
)

func testScriptsCRUD(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	var sc ScriptView
	r := e.must(201, &sc, "POST", "/api/v1/scripts", a, obj{"name": "login check", "source": "console.log(1)"})
	if sc.ID == "" || sc.Name != "login check" || sc.LatestVersion != 1 || sc.Retries != 0 || sc.TimeoutMS != 60000 {
		t.Fatalf("created = %+v", sc)
	}
	if r.header.Get("Location") != "/api/v1/scripts/"+sc.ID {
		t.Errorf("Location = %q", r.header.Get("Location"))
	}
	var ts ScriptView
	e.must(201, &ts, "POST", "/api/v1/scripts", a, obj{"name": "typed", "filename": "check.ts",
		"source": "const n: number = 1;\nconsole.log(n)", "retries": 2, "timeout_ms": 5000})
	if ts.Retries != 2 || ts.TimeoutMS != 5000 {
		t.Errorf("settings = %+v", ts)
	}
	e.wantErr(409, "conflict", "POST", "/api/v1/scripts", a, obj{"name": "typed", "source": "1"})

	var got ScriptView
	e.must(200, &got, "GET", "/api/v1/scripts/"+sc.ID, a, nil)
	if got != sc {
		t.Errorf("get = %+v, want %+v", got, sc)
	}

	// PUT adds a version (keeping the file name) and applies settings.
	var v VersionView
	r = e.must(201, &v, "PUT", "/api/v1/scripts/"+sc.ID, a, obj{"source": "console.log(2)", "retries": 3, "name": "login check"})
	if v.Version != 2 || v.Filename != "script.js" || v.Source != nil || v.SHA256 == "" {
		t.Errorf("new version = %+v", v)
	}
	if r.header.Get("Location") != "/api/v1/scripts/"+sc.ID+"/versions/2" {
		t.Errorf("Location = %q", r.header.Get("Location"))
	}
	e.must(201, &v, "PUT", "/api/v1/scripts/"+sc.ID, a, obj{"source": "console.log(3)", "filename": "renamed.js"})
	if v.Version != 3 || v.Filename != "renamed.js" {
		t.Errorf("third version = %+v", v)
	}
	// Names are immutable; a failed PUT stores nothing.
	er := e.wantErr(422, "invalid", "PUT", "/api/v1/scripts/"+sc.ID, a, obj{"source": "1", "name": "other"})
	if er.Field != "name" {
		t.Errorf("rename error = %+v", er)
	}
	e.wantErr(422, "invalid", "PATCH", "/api/v1/scripts/"+sc.ID, a, obj{"name": "other"})
	e.wantErr(422, "invalid", "PUT", "/api/v1/scripts/"+sc.ID, a, obj{"source": "1", "retries": 9})
	e.must(200, &got, "GET", "/api/v1/scripts/"+sc.ID, a, nil)
	if got.LatestVersion != 3 || got.Retries != 3 || got.Name != "login check" {
		t.Errorf("after PUTs = %+v", got)
	}

	e.must(200, &got, "PATCH", "/api/v1/scripts/"+sc.ID, a, obj{"timeout_ms": 2000})
	if got.TimeoutMS != 2000 || got.Retries != 3 {
		t.Errorf("after PATCH = %+v", got)
	}
	e.must(200, &got, "PATCH", "/api/v1/scripts/"+sc.ID, a, obj{})
	if got.TimeoutMS != 2000 || got.LatestVersion != 3 {
		t.Errorf("after empty PATCH = %+v", got)
	}
	// Sandbox limits: set, kept by other changes, reset with 0.
	e.must(200, &got, "PATCH", "/api/v1/scripts/"+sc.ID, a, obj{"memory_mb": 512, "cpus": 0.5})
	if got.MemoryMB != 512 || got.CPUs != 0.5 || got.TimeoutMS != 2000 {
		t.Errorf("after limits PATCH = %+v", got)
	}
	e.must(200, &got, "PATCH", "/api/v1/scripts/"+sc.ID, a, obj{"retries": 1})
	if got.MemoryMB != 512 || got.CPUs != 0.5 || got.Retries != 1 {
		t.Errorf("limits after another PATCH = %+v", got)
	}
	e.must(200, &got, "PATCH", "/api/v1/scripts/"+sc.ID, a, obj{"memory_mb": 0, "cpus": 0, "retries": 3})
	if got.MemoryMB != 0 || got.CPUs != 0 {
		t.Errorf("after limits reset = %+v", got)
	}
	e.wantErr(422, "invalid_type", "PATCH", "/api/v1/scripts/"+sc.ID, a, obj{"memory_mb": "lots"})

	var vs List[VersionView]
	e.must(200, &vs, "GET", "/api/v1/scripts/"+sc.ID+"/versions", a, nil)
	if len(vs.Items) != 3 || vs.Items[0].Version != 1 || vs.Items[2].Version != 3 {
		t.Fatalf("versions = %+v", vs.Items)
	}
	for _, v := range vs.Items {
		if v.Source != nil {
			t.Errorf("version list carries a source: %+v", v)
		}
	}
	e.must(200, &v, "GET", "/api/v1/scripts/"+sc.ID+"/versions/1", a, nil)
	if v.Source == nil || *v.Source != "console.log(1)" || v.Size == nil || *v.Size != 14 {
		t.Errorf("version 1 = %+v", v)
	}
	e.must(200, &v, "GET", "/api/v1/scripts/"+sc.ID+"/versions/latest", a, nil)
	if v.Version != 3 || *v.Source != "console.log(3)" {
		t.Errorf("latest = %+v", v)
	}
	e.wantErr(404, "not_found", "GET", "/api/v1/scripts/"+sc.ID+"/versions/9", a, nil)
	e.wantErr(404, "not_found", "GET", "/api/v1/scripts/"+sc.ID+"/versions/x", a, nil)

	// Deleting keeps the runs.
	run := e.mkRun(a, sc.ID)
	e.must(204, nil, "DELETE", "/api/v1/scripts/"+sc.ID, a, nil)
	e.wantErr(404, "not_found", "GET", "/api/v1/scripts/"+sc.ID, a, nil)
	e.wantErr(404, "not_found", "DELETE", "/api/v1/scripts/"+sc.ID, a, nil)
	e.wantErr(404, "not_found", "PUT", "/api/v1/scripts/"+sc.ID, a, obj{"source": "1"})
	e.wantErr(404, "not_found", "PATCH", "/api/v1/scripts/"+sc.ID, a, obj{})
	var gotRun RunView
	e.must(200, &gotRun, "GET", "/api/v1/runs/"+run.ID, a, nil)
	if gotRun.ScriptName != "login check" {
		t.Errorf("run after delete = %+v", gotRun)
	}
}

func testScriptCompileErrors(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	src := "const a = 1;\nconst b = 2;\nconst c = a * * b;\n"
	_, cerr := js.Compile("script.js", []byte(src), js.Limits{})
	var want *js.SyntaxError
	if !errors.As(cerr, &want) {
		t.Fatalf("js.Compile = %v, want a SyntaxError", cerr)
	}
	er := e.wantErr(422, "syntax_error", "POST", "/api/v1/scripts", a, obj{"name": "broken", "source": src})
	if er.Message != want.Error() || er.Line != 3 || er.Column != want.Column || er.Field != "source" {
		t.Errorf("syntax error = %+v, want %q at 3:%d", er, want.Error(), want.Column)
	}
	if !regexp.MustCompile(`^SyntaxError: .+ \(script\.js:3:\d+\)$`).MatchString(er.Message) {
		t.Errorf("message %q", er.Message)
	}
	// TypeScript positions are those of the user's file.
	er = e.wantErr(422, "syntax_error", "POST", "/api/v1/scripts", a,
		obj{"name": "broken-ts", "filename": "x.ts", "source": "const n: number = 1;\nlet = ;\n"})
	if er.Line != 2 || !strings.Contains(er.Message, "(x.ts:2:") {
		t.Errorf("ts syntax error = %+v", er)
	}

	sc := e.mkScript(a, "ok")
	e.wantErr(422, "syntax_error", "PUT", "/api/v1/scripts/"+sc.ID, a, obj{"source": src})
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	e.wantErr(422, "script_too_deep", "PUT", "/api/v1/scripts/"+sc.ID, a, obj{"source": deep})
	large := "// " + strings.Repeat("x", 1<<20) + "\n"
	e.wantErr(422, "script_too_large", "POST", "/api/v1/scripts", a, obj{"name": "large", "source": large})
	huge := "// " + strings.Repeat("x", 10<<20)
	e.wantErr(413, "body_too_large", "POST", "/api/v1/scripts", a, obj{"name": "huge", "source": huge})

	var got ScriptView
	e.must(200, &got, "GET", "/api/v1/scripts/"+sc.ID, a, nil)
	var list Page[ScriptView]
	e.must(200, &list, "GET", "/api/v1/scripts", a, nil)
	if got.LatestVersion != 1 || len(list.Items) != 1 {
		t.Errorf("a refused script was stored: %+v, %d scripts", got, len(list.Items))
	}
}

func testScriptValidation(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	for _, tc := range []struct {
		body  obj
		field string
		msg   string
	}{
		{obj{"source": "1"}, "name", "name: is required"},
		{obj{"name": "", "source": "1"}, "name", "name: must be 1 to 100 characters"},
		{obj{"name": strings.Repeat("n", 101), "source": "1"}, "name", "name: must be 1 to 100 characters"},
		{obj{"name": "a\nb", "source": "1"}, "name", ""},
		{obj{"name": " padded", "source": "1"}, "name", ""},
		{obj{"name": "x"}, "source", "source: is required"},
		{obj{"name": "x", "source": "1", "retries": 4}, "retries", "retries: must be from 0 to 3"},
		{obj{"name": "x", "source": "1", "retries": -1}, "retries", ""},
		{obj{"name": "x", "source": "1", "timeout_ms": 999}, "timeout_ms", "timeout_ms: must be from 1000 to 600000"},
		{obj{"name": "x", "source": "1", "timeout_ms": 600001}, "timeout_ms", ""},
		{obj{"name": "x", "source": "1", "memory_mb": 100}, "memory_mb", "memory_mb: must be 0 (the default) or from 128 to 4096 (the operator's maximum)"},
		{obj{"name": "x", "source": "1", "memory_mb": 4097}, "memory_mb", ""},
		{obj{"name": "x", "source": "1", "memory_mb": -1}, "memory_mb", ""},
		{obj{"name": "x", "source": "1", "cpus": 0.05}, "cpus", "cpus: must be 0 (the default) or from 0.1 to 4 (the operator's maximum)"},
		{obj{"name": "x", "source": "1", "cpus": 4.5}, "cpus", ""},
		{obj{"name": "x", "source": "1", "filename": "a/b.js"}, "filename", ""},
		{obj{"name": "x", "source": "1", "filename": ""}, "filename", ""},
	} {
		er := e.wantErr(422, "invalid", "POST", "/api/v1/scripts", a, tc.body)
		if er.Field != tc.field || (tc.msg != "" && er.Message != tc.msg) {
			t.Errorf("%v: got %+v, want field %s message %q", tc.body, er, tc.field, tc.msg)
		}
	}
	// 100 characters of several bytes each are fine.
	e.must(201, nil, "POST", "/api/v1/scripts", a, obj{"name": strings.Repeat("é", 100), "source": "1",
		"retries": 3, "timeout_ms": 600000})
}

func testScriptsPagination(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	for _, i := range []int{4, 0, 6, 2, 5, 1, 3} {
		e.mkScript(a, fmt.Sprintf("s%d", i))
	}
	e.mkScript(e.bob.key, "s9") // another tenant's script never shows
	var names []string
	cursor, pages := "", 0
	for {
		var p Page[ScriptView]
		e.must(200, &p, "GET", "/api/v1/scripts?limit=3&cursor="+cursor, a, nil)
		pages++
		for _, s := range p.Items {
			names = append(names, s.Name)
		}
		if p.NextCursor == "" {
			break
		}
		if len(p.Items) != 3 {
			t.Fatalf("page %d has %d items and a next cursor", pages, len(p.Items))
		}
		cursor = p.NextCursor
	}
	if got := strings.Join(names, ","); got != "s0,s1,s2,s3,s4,s5,s6" || pages != 3 {
		t.Errorf("paged names = %s in %d pages", got, pages)
	}
	var all Page[ScriptView]
	e.must(200, &all, "GET", "/api/v1/scripts", a, nil)
	if len(all.Items) != 7 || all.NextCursor != "" {
		t.Errorf("default page: %d items, next %q", len(all.Items), all.NextCursor)
	}
	for _, q := range []string{"limit=0", "limit=201", "limit=x", "cursor=garbage!"} {
		er := e.wantErr(400, "invalid_query", "GET", "/api/v1/scripts?"+q, a, nil)
		if er.Field != strings.Split(q, "=")[0] {
			t.Errorf("%s: field %q", q, er.Field)
		}
	}
	e.must(200, nil, "GET", "/api/v1/scripts?limit=200", a, nil)
}
