package api

import (
	"reflect"
	"strings"
	"time"
)

// obj is a JSON object of the OpenAPI document.
type obj = map[string]any

// schemaGen derives OpenAPI 3.0 schemas from Go types by reflection, so
// the document describes exactly what encoding/json sends and accepts.
// Named struct types become components (#/components/schemas/Name);
// generic and anonymous structs are inlined.
//
// A property is required when it carries the tag api:"required"
// (request types) or, in types whose name does not end in "Request",
// when it is always present (no omitempty). Request objects forbid other
// properties (the API decodes strictly). A doc:"…" tag becomes the
// property's description.
type schemaGen struct {
	components obj
}

var timeType = reflect.TypeFor[time.Time]()

// ref returns a schema for v's type.
func (g *schemaGen) ref(v any) obj { return g.schema(reflect.TypeOf(v)) }

func (g *schemaGen) schema(t reflect.Type) obj {
	if t == timeType {
		return obj{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem())
	case reflect.String:
		return obj{"type": "string"}
	case reflect.Bool:
		return obj{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int16, reflect.Int8:
		return obj{"type": "integer", "format": "int32"}
	case reflect.Int64:
		return obj{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return obj{"type": "number"}
	case reflect.Map:
		return obj{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Slice, reflect.Array:
		return obj{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Struct:
		name := t.Name()
		if name == "" || strings.Contains(name, "[") {
			return g.object(t)
		}
		name = strings.ToUpper(name[:1]) + name[1:]
		if _, ok := g.components[name]; !ok {
			g.components[name] = obj{} // placeholder against recursion
			g.components[name] = g.object(t)
		}
		return obj{"$ref": "#/components/schemas/" + name}
	}
	return obj{}
}

// object renders a struct type's JSON fields (embedded structs
// flattened).
func (g *schemaGen) object(t reflect.Type) obj {
	props := obj{}
	var required []string
	request := strings.HasSuffix(t.Name(), "Request")
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
				walk(f.Type)
				continue
			}
			name := jsonName(f)
			if name == "" {
				continue
			}
			s := g.schema(f.Type)
			if d := f.Tag.Get("doc"); d != "" {
				if _, isRef := s["$ref"]; isRef {
					s = obj{"allOf": []any{s}, "description": d}
				} else {
					s["description"] = d
				}
			}
			props[name] = s
			omit := strings.Contains(f.Tag.Get("json"), ",omitempty")
			if f.Tag.Get("api") == "required" || (!request && !omit) {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	if request {
		out["additionalProperties"] = false
	}
	return out
}
