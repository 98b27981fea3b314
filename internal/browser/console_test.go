package browser

import (
	"testing"

	"github.com/chromedp/cdproto/runtime"
)

// consoleToken renders arguments as Puppeteer's ConsoleMessage.text():
// String() of primitives (undefined and null as ""), the first line of an
// error's description, "[subtype Class]" for other objects.
func TestConsoleTokenMatchesPuppeteer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		o    runtime.RemoteObject
		want string
	}{
		{runtime.RemoteObject{Type: "string", Value: []byte(`"hi"`)}, "hi"},
		{runtime.RemoteObject{Type: "number", Value: []byte(`42`)}, "42"},
		{runtime.RemoteObject{Type: "number", Value: []byte(`1.5`)}, "1.5"},
		{runtime.RemoteObject{Type: "number", Value: []byte(`1e21`)}, "1e+21"},
		{runtime.RemoteObject{Type: "number", Value: []byte(`0.0000001`)}, "1e-7"},
		{runtime.RemoteObject{Type: "number", UnserializableValue: "-0"}, "0"},
		{runtime.RemoteObject{Type: "number", UnserializableValue: "NaN"}, "NaN"},
		{runtime.RemoteObject{Type: "bigint", UnserializableValue: "10n"}, "10"},
		{runtime.RemoteObject{Type: "boolean", Value: []byte(`true`)}, "true"},
		{runtime.RemoteObject{Type: "undefined"}, ""},
		{runtime.RemoteObject{Type: "object", Subtype: "null", Value: []byte(`null`)}, ""},
		{runtime.RemoteObject{Type: "object", ClassName: "Object", ObjectID: "1"}, "[object Object]"},
		{runtime.RemoteObject{Type: "object", Subtype: "array", ClassName: "Array", ObjectID: "1"}, "[array Array]"},
		{runtime.RemoteObject{Type: "object", Subtype: "error", ClassName: "TypeError", ObjectID: "1", Description: "TypeError: bad\n    at f (x.js:1:1)"}, "TypeError: bad"},
		{runtime.RemoteObject{Type: "symbol", ObjectID: "1", Description: "Symbol(s)"}, "[symbol undefined]"},
	}
	for _, c := range cases {
		if got := consoleToken(&c.o); got != c.want {
			t.Errorf("%+v: %q, want %q", c.o, got, c.want)
		}
	}
}

func TestStatusTextFromHeadersText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"HTTP/1.1 404 Not Found\r\nA: b\r\n": "Not Found",
		"HTTP/1.1 200 OK\r\n":                "OK",
		"HTTP/1.1 200\r\n":                   "",
		"":                                   "",
	} {
		if got := statusTextFromHeadersText(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
