package inspect

import (
	"strings"
	"testing"

	"github.com/grafana/sobek"
)

type hostThing struct {
	Name  string
	Count int
	Inner *hostThing
}

func (h *hostThing) Hello() string { return "hi" }

type hostDynamic struct{}

func (hostDynamic) Get(key string) sobek.Value {
	if key == "a" {
		return sobek.Undefined()
	}
	return nil
}
func (hostDynamic) Set(string, sobek.Value) bool { return false }
func (hostDynamic) Has(key string) bool          { return key == "a" }
func (hostDynamic) Delete(string) bool           { return false }
func (hostDynamic) Keys() []string               { return []string{"a"} }

// TestHostValues formats Go values wrapped by the runtime, which the
// embedding code may hand to console.log.
func TestHostValues(t *testing.T) {
	vm, insp := newInspector(t)
	tests := []struct {
		v    any
		want string // exact, or a required substring if prefixed with "~"
	}{
		{&hostThing{Name: "x", Count: 2, Inner: &hostThing{Name: "y"}}, "~Name: 'x',\n  Count: 2,\n  Inner: {\n    Name: 'y',"},
		{map[string]any{"k": 1}, "{ k: 1 }"},
		{[]string{"a", "b"}, "[ 'a', 'b' ]"},
		{func(a int) int { return a }, "~[Function: "},
		{vm.NewDynamicObject(hostDynamic{}), "{ a: undefined }"},
	}
	for _, tc := range tests {
		got, err := insp.TryFormat([]sobek.Value{vm.ToValue(tc.v)})
		if err != nil {
			t.Errorf("%T: %v", tc.v, err)
			continue
		}
		if want, ok := strings.CutPrefix(tc.want, "~"); ok {
			if !strings.Contains(got, want) {
				t.Errorf("%T: got %q, want it to contain %q", tc.v, got, want)
			}
		} else if got != tc.want {
			t.Errorf("%T: got %q, want %q", tc.v, got, tc.want)
		}
	}
}
