package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// MaxBodyBytes bounds a request body; larger bodies get 413.
const MaxBodyBytes = 2 << 20

// decodeJSON reads the request body into dst, a pointer to a struct whose
// fields carry json tags, and enforces the API's decoding rules:
//
//   - a body, when present, must be declared JSON (415 otherwise); an
//     empty body is treated as {} whatever its Content-Type;
//   - at most MaxBodyBytes (413 body_too_large);
//   - exactly one JSON object (400 invalid_json);
//   - only the struct's fields, spelled exactly, each at most once
//     (400 unknown_field / duplicate_field, naming it);
//   - values of the fields' types (422 invalid_type, naming the field).
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !isJSONType(ct) {
		return unsupportedType(ct)
	}
	if r.ContentLength > MaxBodyBytes { // refuse before reading anything
		return bodyTooLarge()
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return bodyTooLarge()
	}
	if err != nil {
		return fmt.Errorf("read request body: %w", err)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	} else if ct == "" {
		return unsupportedType("")
	}
	if body[0] != '{' {
		if json.Valid(body) {
			return &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: "body must be a JSON object"}
		}
		var v any
		return jsonError(json.Unmarshal(body, &v))
	}
	if err := checkKeys(body, dst); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(refineTypeError(err, body, dst))
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Error{Status: http.StatusBadRequest, Code: "invalid_json",
			Message: "body is not valid JSON: it must contain exactly one JSON value"}
	}
	return nil
}

func bodyTooLarge() *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
		Message: fmt.Sprintf("request body is larger than %d bytes (2 MiB)", MaxBodyBytes)}
}

// isJSONType reports whether a Content-Type value is application/json or
// a +json type.
func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")))
}

func unsupportedType(ct string) *Error {
	msg := "request body needs \"Content-Type: application/json\""
	if ct != "" {
		msg = fmt.Sprintf("Content-Type %q is not supported; send application/json", ct)
	}
	return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: msg}
}

// jsonError maps an encoding/json error to an API error.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_json",
			Message: fmt.Sprintf("body is not valid JSON: %s (at byte %d)", syn.Error(), syn.Offset)}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: "body is not valid JSON: unexpected end of input"}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: "body must be a JSON object"}
		}
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_type", Field: field,
			Message: fmt.Sprintf("%s: must be %s, not %s", field, jsonKind(typ.Type), typ.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return unknownField(name)
	}
	return &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: "body is not valid JSON: " + err.Error()}
}

func unknownField(name string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "unknown_field", Field: name,
		Message: fmt.Sprintf("unknown field %q", name)}
}

// refineTypeError points a type error inside a map-valued field at the
// map's key: encoding/json reports {"params": {"A": 1}} as field
// "params"; this makes it "params.A".
func refineTypeError(err error, body []byte, dst any) error {
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) || typ.Field == "" {
		return err
	}
	t := reflect.TypeOf(dst).Elem()
	// encoding/json names a promoted field by its Go path
	// ("settingsFields.retries"); clients know only "retries".
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous && f.Tag.Get("json") == "" && strings.HasPrefix(typ.Field, f.Name+".") {
			e := *typ
			e.Field = strings.TrimPrefix(e.Field, f.Name+".")
			typ, err = &e, &e
		}
	}
	if strings.Contains(typ.Field, ".") {
		return err
	}
	var mapType reflect.Type
	for _, f := range reflect.VisibleFields(t) {
		if jsonName(f) == typ.Field && f.Type.Kind() == reflect.Map {
			mapType = f.Type
		}
	}
	var top map[string]json.RawMessage
	var inner map[string]json.RawMessage
	if mapType == nil || json.Unmarshal(body, &top) != nil || json.Unmarshal(top[typ.Field], &inner) != nil {
		return err
	}
	keys := make([]string, 0, len(inner))
	for k := range inner {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if kerr := json.Unmarshal(inner[k], reflect.New(mapType.Elem()).Interface()); kerr != nil {
			var ktyp *json.UnmarshalTypeError
			if errors.As(kerr, &ktyp) {
				return &json.UnmarshalTypeError{Value: ktyp.Value, Type: ktyp.Type, Offset: ktyp.Offset,
					Field: typ.Field + "." + k}
			}
		}
	}
	return err
}

// jsonKind names the JSON type a Go type decodes from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "a " + t.String()
}

// checkKeys rejects top-level keys of the object in body that are not a
// json-tagged field of dst's struct type, compared exactly (encoding/json
// would accept "NAME" for "name"), and keys given twice.
func checkKeys(body []byte, dst any) error {
	allowed := fieldNames(reflect.TypeOf(dst).Elem())
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil { // '{'
		return jsonError(err)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonError(err)
		}
		key, _ := tok.(string)
		if !allowed[key] {
			return unknownField(key)
		}
		if seen[key] {
			return &Error{Status: http.StatusBadRequest, Code: "duplicate_field", Field: key,
				Message: fmt.Sprintf("field %q appears more than once", key)}
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return jsonError(err)
		}
	}
	return nil
}

var fieldCache sync.Map // reflect.Type → map[string]bool

// fieldNames returns the JSON names of a struct type's fields, including
// those promoted from embedded structs (as encoding/json does).
func fieldNames(t reflect.Type) map[string]bool {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous && f.Tag.Get("json") == "" {
			continue // its fields are listed themselves
		}
		if name := jsonName(f); name != "" {
			m[name] = true
		}
	}
	fieldCache.Store(t, m)
	return m
}

// jsonName is a struct field's JSON name, "" for unexported or "-" fields.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}

// queryInt parses an optional integer query parameter in [lo, hi]; def
// when absent.
func queryInt(r *http.Request, name string, def, lo, hi int64) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, badQuery(name, "must be an integer from %d to %d", lo, hi)
	}
	return n, nil
}

// Page sizes of the cursor-paginated lists (?limit=).
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 200
)

// pageLimit parses ?limit= of a paginated list.
func pageLimit(r *http.Request) (int, error) {
	n, err := queryInt(r, "limit", DefaultPageLimit, 1, MaxPageLimit)
	return int(n), err
}
