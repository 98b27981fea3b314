package api

import (
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/store"
	"github.com/skriptable/skriptable/internal/store/storetest"
)

var (
	docOnce sync.Once
	docObj  obj
	docErr  error
)

// openAPIDoc is the rendered document, parsed back from JSON.
func openAPIDoc(t *testing.T) obj {
	t.Helper()
	docOnce.Do(func() {
		var b []byte
		if b, docErr = renderOpenAPI(); docErr == nil {
			docErr = json.Unmarshal(b, &docObj)
		}
	})
	if docErr != nil {
		t.Fatalf("openapi document: %v", docErr)
	}
	return docObj
}

// newBareAPI builds an API on a throwaway SQLite store, for tests that do
// not serve requests.
func newBareAPI(t *testing.T) *API {
	t.Helper()
	s, err := store.Open(t.Context(), storetest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	a, err := New(Config{Store: s, Runs: &fakeRuns{s: s}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestOpenAPIMatchesRoutes walks the router's registered patterns and the
// document's paths: every route must be documented and every documented
// operation routed.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	a := newBareAPI(t)
	doc := openAPIDoc(t)

	routed := map[string]bool{}
	for _, p := range a.patterns {
		method, path, _ := strings.Cut(p, " ")
		routed[method+" "+OpenAPIPath(path)] = true
	}
	documented := map[string]bool{}
	for path, item := range doc["paths"].(obj) {
		for method := range item.(obj) {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	if len(routed) != len(a.patterns) {
		t.Errorf("%d patterns map to %d OpenAPI operations: two routes collapse into one", len(a.patterns), len(routed))
	}
	for r := range routed {
		if !documented[r] {
			t.Errorf("route %s is not in the OpenAPI document", r)
		}
	}
	for d := range documented {
		if !routed[d] {
			t.Errorf("the OpenAPI document describes %s, which is not routed", d)
		}
	}
	if len(routed) != 42 {
		t.Errorf("only %d routes registered", len(routed))
	}

	// Access levels agree: public routes declare no security, the others
	// inherit bearer.
	ops := map[string]operation{}
	for _, op := range operations() {
		ops[op.method+" "+op.path] = op
	}
	for _, rt := range a.routes() {
		op, ok := ops[rt.method+" "+rt.path]
		if !ok {
			continue // reported above
		}
		if op.access != rt.access {
			t.Errorf("%s %s: routed with access %d, documented with %d", rt.method, rt.path, rt.access, op.access)
		}
	}
}

// TestOpenAPIWellFormed checks the document's internal consistency:
// references resolve, operation ids are unique, path parameters are
// declared, and every operation has a success response.
func TestOpenAPIWellFormed(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	schemes := doc["components"].(obj)["securitySchemes"].(obj)
	if b, _ := schemes["bearer"].(obj); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("bearer scheme = %v", schemes["bearer"])
	}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case obj:
			if ref, ok := v["$ref"].(string); ok {
				if resolve(doc, ref) == nil {
					t.Errorf("%s: $ref %s does not resolve", at, ref)
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for i, x := range v {
				walk(x, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")
	ids := map[string]bool{}
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range doc["paths"].(obj) {
		for method, o := range item.(obj) {
			op := o.(obj)
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: operationId %q missing or duplicate", method, path, id)
			}
			ids[id] = true
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				if p.(obj)["in"] == "path" {
					declared[p.(obj)["name"].(string)] = true
				}
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s %s: path parameter %s not declared", method, path, m[1])
				}
			}
			if len(declared) != len(pathParam.FindAllString(path, -1)) {
				t.Errorf("%s %s: declares path parameters the path does not have", method, path)
			}
			hasSuccess := false
			for status := range op["responses"].(obj) {
				hasSuccess = hasSuccess || strings.HasPrefix(status, "2")
			}
			if !hasSuccess {
				t.Errorf("%s %s: no success response", method, path)
			}
			if rb, ok := op["requestBody"].(obj); ok {
				if s := resolveSchema(doc, rb["content"].(obj)["application/json"].(obj)["schema"].(obj)); s["type"] != "object" {
					t.Errorf("%s %s: request body is not an object schema", method, path)
				}
			}
		}
	}
	// The request schemas describe what decodeJSON accepts.
	cs := resolveSchema(doc, obj{"$ref": "#/components/schemas/CreateScriptRequest"})
	if !slices.Equal(sortedStrings(cs["required"]), []string{"name", "source"}) || cs["additionalProperties"] != false {
		t.Errorf("CreateScriptRequest = %v", cs)
	}
	rv := resolveSchema(doc, obj{"$ref": "#/components/schemas/RunView"})
	for _, f := range []string{"id", "script_id", "script_name", "script_version", "trigger", "schedule_id", "params",
		"status", "attempt", "max_attempts", "queued_at", "started_at", "finished_at", "duration_ms", "error", "limit",
		"exit_code", "cancel_requested"} {
		if _, ok := rv["properties"].(obj)[f]; !ok {
			t.Errorf("RunView lacks %s", f)
		}
	}
	sv := resolveSchema(doc, obj{"$ref": "#/components/schemas/SecretView"})
	if _, ok := sv["properties"].(obj)["value"]; ok {
		t.Errorf("SecretView documents a value")
	}
}

func sortedStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return out
}

// resolve follows a local JSON pointer ("#/components/schemas/X").
func resolve(doc obj, ref string) obj {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(obj)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	m, _ := cur.(obj)
	return m
}

// resolveSchema follows $ref (and single allOf) to the schema itself.
func resolveSchema(doc obj, s obj) obj {
	for {
		if ref, ok := s["$ref"].(string); ok {
			s = resolve(doc, ref)
			continue
		}
		if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
			s = all[0].(obj)
			continue
		}
		return s
	}
}

// checkAgainstDoc reports how a recorded response disagrees with the
// document: an undocumented status or media type, or a JSON body that
// does not match its schema.
func checkAgainstDoc(doc obj, x exchange) []string {
	if x.status == 0 {
		return nil // the client went away before anything was written
	}
	mt, _, _ := mime.ParseMediaType(x.ctype)
	if x.pattern == "" { // unrouted: 404/405 in the error format
		if x.status != 404 && x.status != 405 {
			return []string{"unrouted request answered " + strconv.Itoa(x.status)}
		}
		return validateJSON(doc, obj{"$ref": "#/components/schemas/ErrorBody"}, x.body)
	}
	method, path, _ := strings.Cut(x.pattern, " ")
	item, _ := doc["paths"].(obj)[OpenAPIPath(path)].(obj)
	if x.method == "HEAD" {
		method = "GET"
	}
	op, _ := item[strings.ToLower(method)].(obj)
	if op == nil {
		return []string{"operation not documented"}
	}
	resp, _ := op["responses"].(obj)[strconv.Itoa(x.status)].(obj)
	if resp == nil {
		return []string{fmt.Sprintf("status %d not documented", x.status)}
	}
	resp = resolveSchema(doc, resp)
	content, _ := resp["content"].(obj)
	if x.status == 204 || x.method == "HEAD" {
		if x.status == 204 && len(x.body) > 0 {
			return []string{"204 with a body"}
		}
		return nil
	}
	if content == nil {
		return []string{"a body where the document has none"}
	}
	media, _ := content[mt].(obj)
	if media == nil {
		if bin, ok := content["application/octet-stream"].(obj); ok {
			media = bin // artifacts: any stored type
		} else {
			return []string{fmt.Sprintf("media type %q not documented", mt)}
		}
	}
	if mt != "application/json" {
		return nil
	}
	return validateJSON(doc, media["schema"].(obj), x.body)
}

func validateJSON(doc, schema obj, body []byte) []string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	var problems []string
	validate(doc, schema, v, "$", &problems)
	return problems
}

// validate checks a decoded JSON value against a schema (the subset of
// OpenAPI the document uses). Objects may not carry undocumented
// properties.
func validate(doc, s obj, v any, at string, problems *[]string) {
	s = resolveSchema(doc, s)
	bad := func(format string, args ...any) { *problems = append(*problems, at+": "+fmt.Sprintf(format, args...)) }
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		bad("%v not in %v", v, enum)
	}
	switch s["type"] {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return
		}
		props, _ := s["properties"].(obj)
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := m[r.(string)]; !ok {
				bad("required property %s missing", r)
			}
		}
		for k, x := range m {
			if ps, ok := props[k].(obj); ok {
				validate(doc, ps, x, at+"."+k, problems)
			} else if ap, ok := s["additionalProperties"].(obj); ok {
				validate(doc, ap, x, at+"."+k, problems)
			} else if props != nil {
				bad("undocumented property %s", k)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return
		}
		for i, x := range a {
			validate(doc, s["items"].(obj), x, fmt.Sprintf("%s[%d]", at, i), problems)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
			return
		}
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil || !strings.HasSuffix(str, "Z") {
				bad("%q is not an RFC 3339 UTC time", str)
			}
		}
	case "integer":
		if f, ok := v.(float64); !ok || f != math.Trunc(f) {
			bad("want an integer, got %v", v)
		}
	case "number":
		if _, ok := v.(float64); !ok {
			bad("want a number, got %T", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	}
}
