package nodelib

import "testing"

func TestCallExpressionAt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		src  string
		col  int    // 1-based column of the call's '(' (in UTF-16 units), as sobek reports it
		want string // "" for no expression
	}{
		{"assert.ok(false)", 10, "assert.ok(false)"},
		{"  await assert(x === ')' /* ) */, 'm(')", 15, "assert(x === ')' /* ) */, 'm(')"},
		{"require('assert').ok(a[0](1))", 21, "require('assert').ok(a[0](1))"},
		{"x = obj?.check(1)", 15, "obj?.check(1)"},
		{"    assert.ok(a ===\n      2);", 14, "assert.ok(a ===\n    2)"},
		{"é = 1; assert(é)", 14, "assert(é)"},
		{"assert(`tpl ${1}`)", 7, "assert(`tpl ${1}`)"},
		{"assert(\x0b)", 7, `assert(\u000b)`},
		{"assert(unclosed", 7, ""},
		{"assert.ok(false)", 3, ""}, // not at a '('
	} {
		got, ok := callExpressionAt(c.src, 1, c.col)
		if !ok {
			got = ""
		}
		if got != c.want {
			t.Errorf("%q at column %d: got %q, want %q", c.src, c.col, got, c.want)
		}
	}
	if _, ok := callExpressionAt("a\nb", 5, 1); ok {
		t.Error("a line past the end gave an expression")
	}
}
