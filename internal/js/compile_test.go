package js

import (
	"errors"
	"strings"
	"testing"
)

func TestSyntaxErrorsNameLineAndColumn(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, src, want string }{
		{"script.js", "const a = 1;\nconst b = 2;\nconst c = a +* b;\n", "SyntaxError: Unexpected token * (script.js:3:14)"},
		{"s.js", "let x = 1;\nlet x = 2;\n", "SyntaxError: Identifier 'x' has already been declared (s.js:2:5)"},
		{"m.mjs", "import p from 'puppeteer';\nconst = 3;\n", "SyntaxError: Unexpected token = (m.mjs:2:7)"},
		{"t.ts", "const a: number = 1;\nconst b: = 2;\n", "SyntaxError: Unexpected \"=\" (t.ts:2:10)"},
	}
	for _, c := range cases {
		_, err := Compile(c.name, []byte(c.src), Limits{})
		var se *SyntaxError
		if !errors.As(err, &se) || err.Error() != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
}

func TestModuleDetection(t *testing.T) {
	t.Parallel()
	for src, module := range map[string]bool{
		"const p = require('puppeteer'); (async () => {})()": false,
		"import p from 'puppeteer'":                          true,
		"const b = await Promise.resolve(1)":                 true,
		"export const x = 1":                                 true,
		"x = 1 // sloppy assignment":                         false,
	} {
		p, err := Compile("s.js", []byte(src), Limits{})
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if p.Module != module {
			t.Errorf("%q: module = %v, want %v", src, p.Module, module)
		}
	}
}

func TestSourceSizeLimit(t *testing.T) {
	t.Parallel()
	src := []byte("// " + strings.Repeat("x", 1<<20))
	_, err := Compile("big.js", src, Limits{})
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != "size" || !strings.Contains(err.Error(), "over the limit of 1048576 bytes (1 MiB)") {
		t.Fatalf("err = %v", err)
	}
}

func TestNestingLimitStopsParserBombs(t *testing.T) {
	t.Parallel()
	const n = 300_000
	bombs := map[string]string{
		"arrays":      strings.Repeat("[", n) + strings.Repeat("]", n),
		"objects":     "x=" + strings.Repeat("{a:", n) + "1" + strings.Repeat("}", n),
		"parens":      strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"arrows":      "f=" + strings.Repeat("a=>", n) + "1",
		"arrow lines": "f=" + strings.Repeat("a=>\n", n) + "1",
		"not":         "x=" + strings.Repeat("!", n) + "1",
		"minus":       "x=" + strings.Repeat("- ", n) + "1",
		"ternary":     "x=" + strings.Repeat("a?b:", n) + "c",
		"assign":      strings.Repeat("a=", n) + "1",
		"template":    "x=" + strings.Repeat("`${", n) + "1" + strings.Repeat("}`", n),
	}
	for name, src := range bombs {
		_, err := Compile(name+".js", []byte(src), Limits{MaxSourceBytes: 4 << 20})
		var le *LimitError
		if !errors.As(err, &le) || le.Limit != "nesting" {
			t.Errorf("%s: err = %v, want a nesting limit error", name, err)
		}
	}
}

func TestNestingLimitAcceptsRealScripts(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("const puppeteer = require('puppeteer')\n")
	for range 2000 { // long ASI-style script with arrows, ternaries and negation
		b.WriteString("{\nconst f = (a, b) => a ? !b : -b\nlet s = `v${f(1, 2)} ${[1, 2].map(x => x * 2)}`\nif (s !== '') { s = s + '!' }\n}\n")
	}
	b.WriteString("const re = /\\(\\[\\{/; const str = '((((((((' + \"[[[[[[\"\n")
	if _, err := Compile("long.js", []byte(b.String()), Limits{}); err != nil {
		t.Fatal(err)
	}
	if d := nestingDepth([]byte(b.String())); d > 20 {
		t.Fatalf("depth estimate %d for a flat script", d)
	}
}

func TestTypeScriptAndLoweredSyntax(t *testing.T) {
	t.Parallel()
	out, err := run(t, "check.ts", `
interface Product { name: string; price: number }
const items: Product[] = [{ name: 'a', price: 1 }];
async function* gen(): AsyncGenerator<number> { yield 1; yield 2 }
(async () => {
  let total: number = 0;
  for await (const v of gen()) total += v;
  console.log(items[0].name, total);
})();
`)
	if err != nil || out != "a 3\n" {
		t.Fatalf("ts: %v %q", err, out)
	}
	// An error in a .ts file points at the .ts line, not esbuild's output.
	_, err = run(t, "fail.ts", "type A = { x: number }\n\n\nconst a: A = { x: 1 }\nthrow new Error('at line 5: ' + a.x)\n")
	var se *ScriptError
	if !errors.As(err, &se) || !strings.Contains(se.Text, "fail.ts:5:") {
		t.Fatalf("ts error position: %v", err)
	}
	out, err = run(t, "gen.js", "(async () => { async function* g() { yield 'x' } for await (const v of g()) console.log(v) })()")
	if err != nil || out != "x\n" {
		t.Fatalf("lowered: %v %q", err, out)
	}
}
