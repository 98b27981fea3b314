package runnerproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// field is one member of a strictly decoded JSON object.
type field struct {
	name     string
	required bool
	decode   func(raw []byte) error // raw is the member's value, never null
}

// decodeObject decodes the JSON object data strictly: it must be valid
// UTF-8 and valid JSON holding exactly one object, whose keys are all in
// fields (at most 64), each at most once, with every required one present.
// null is refused for every member.
func decodeObject(data []byte, fields []field) error {
	if !utf8.Valid(data) {
		return errors.New("payload is not valid UTF-8")
	}
	if !json.Valid(data) {
		// Let the decoder describe the syntax error.
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("invalid JSON: %v", err)
		}
		return errors.New("invalid JSON")
	}
	return object(data, fields)
}

// object decodes one syntactically valid JSON value as an object.
func object(data []byte, fields []field) error {
	var seen uint64
	err := members(data, func(key string, raw []byte) error {
		i := -1
		for j := range fields {
			if fields[j].name == key {
				i = j
				break
			}
		}
		if i < 0 {
			return fmt.Errorf("unknown field %.64q", key)
		}
		if seen&(1<<i) != 0 {
			return fmt.Errorf("duplicate field %q", key)
		}
		seen |= 1 << i
		if string(raw) == "null" {
			return fmt.Errorf("field %q is null", key)
		}
		if err := fields[i].decode(raw); err != nil {
			return fmt.Errorf("field %q: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, f := range fields {
		if f.required && seen&(1<<i) == 0 {
			return fmt.Errorf("missing required field %q", f.name)
		}
	}
	return nil
}

// The scanners below walk JSON that json.Valid accepted, so they only
// find where things end; they still check bounds, and report
// errBadJSON rather than panic should they ever be handed invalid input.

var errBadJSON = errors.New("invalid JSON")

// members calls fn with each key and raw value of the JSON object data.
func members(data []byte, fn func(key string, raw []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return fmt.Errorf("want a JSON object, got %s", kind(data))
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return trailing(data, i+1)
	}
	for i < len(data) {
		end, err := valueEnd(data, i)
		if err != nil || data[i] != '"' {
			return errBadJSON
		}
		var key string
		if err := unquote(data[i:end], &key); err != nil {
			return err
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return errBadJSON
		}
		i = skipSpace(data, i+1)
		if end, err = valueEnd(data, i); err != nil {
			return err
		}
		if err := fn(key, data[i:end]); err != nil {
			return err
		}
		i = skipSpace(data, end)
		if i < len(data) && data[i] == '}' {
			return trailing(data, i+1)
		}
		if i >= len(data) || data[i] != ',' {
			return errBadJSON
		}
		i = skipSpace(data, i+1)
	}
	return errBadJSON
}

// elements calls fn with each raw element of the JSON array data.
func elements(data []byte, fn func(raw []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return fmt.Errorf("want an array, got %s", kind(data))
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return trailing(data, i+1)
	}
	for i < len(data) {
		end, err := valueEnd(data, i)
		if err != nil {
			return err
		}
		if err := fn(data[i:end]); err != nil {
			return err
		}
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ']' {
			return trailing(data, i+1)
		}
		if i >= len(data) || data[i] != ',' {
			return errBadJSON
		}
		i = skipSpace(data, i+1)
	}
	return errBadJSON
}

func trailing(data []byte, i int) error {
	if skipSpace(data, i) != len(data) {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the index just past the JSON value that starts at i.
func valueEnd(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, errBadJSON
	}
	switch data[i] {
	case '"':
		for j := i + 1; j < len(data); j++ {
			switch data[j] {
			case '\\':
				j++
			case '"':
				return j + 1, nil
			}
		}
		return 0, errBadJSON
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, err := valueEnd(data, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errBadJSON
	}
	j := i
loop:
	for ; j < len(data); j++ {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			break loop
		}
	}
	if j == i {
		return 0, errBadJSON
	}
	return j, nil
}

// unquote decodes the JSON string literal raw.
func unquote(raw []byte, p *string) error {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return fmt.Errorf("want a string, got %s", kind(raw))
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		*p = string(raw[1 : len(raw)-1]) // valid UTF-8, no control characters: json.Valid saw it
		return nil
	}
	return json.Unmarshal(raw, p)
}

// kind names the JSON type of a valid JSON value, for error messages.
func kind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func isNumber(raw []byte) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}

func str(p *string) func([]byte) error {
	return func(raw []byte) error {
		return unquote(raw, p)
	}
}

func integer(p *int64) func([]byte) error {
	return func(raw []byte) error {
		n, err := parseInt(raw, 64)
		*p = n
		return err
	}
}

func intField(p *int) func([]byte) error {
	return func(raw []byte) error {
		n, err := parseInt(raw, strconv.IntSize)
		*p = int(n)
		return err
	}
}

func parseInt(raw []byte, bits int) (int64, error) {
	if !isNumber(raw) {
		return 0, fmt.Errorf("want an integer, got %s", kind(raw))
	}
	n, err := strconv.ParseInt(string(raw), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("want an integer of at most %d bits, got %.40s", bits, raw)
	}
	return n, nil
}

func float(p *float64) func([]byte) error {
	return func(raw []byte) error {
		if !isNumber(raw) {
			return fmt.Errorf("want a number, got %s", kind(raw))
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return fmt.Errorf("number %.40s is out of range", raw)
		}
		*p = f
		return nil
	}
}

func boolean(p *bool) func([]byte) error {
	return func(raw []byte) error {
		switch string(raw) {
		case "true":
			*p = true
		case "false":
			*p = false
		default:
			return fmt.Errorf("want a boolean, got %s", kind(raw))
		}
		return nil
	}
}

// stringMap decodes an object of strings, refusing duplicate keys and
// more than max entries.
func stringMap(p *map[string]string, max int) func([]byte) error {
	return func(raw []byte) error {
		m := map[string]string{}
		err := members(raw, func(key string, v []byte) error {
			if _, dup := m[key]; dup {
				return fmt.Errorf("duplicate key %.64q", key)
			}
			if len(m) == max {
				return fmt.Errorf("more than %d entries", max)
			}
			var s string
			if err := unquote(v, &s); err != nil {
				return fmt.Errorf("key %.64q: %w", key, err)
			}
			m[key] = s
			return nil
		})
		if err != nil {
			return err
		}
		*p = m
		return nil
	}
}

// stringSlice decodes an array of strings of at most max elements.
func stringSlice(p *[]string, max int) func([]byte) error {
	return func(raw []byte) error {
		out := []string{}
		err := elements(raw, func(e []byte) error {
			if len(out) == max {
				return fmt.Errorf("more than %d elements", max)
			}
			var s string
			if err := unquote(e, &s); err != nil {
				return fmt.Errorf("element %d: %w", len(out), err)
			}
			out = append(out, s)
			return nil
		})
		if err != nil {
			return err
		}
		*p = out
		return nil
	}
}
