package browser

import (
	"testing"
)

// TestParseSelectorMatchesPuppeteer checks the selector parser against
// what Puppeteer 24's getQueryHandlerAndSelector returns for the same
// inputs (recorded from puppeteer-core 24.43.1).
func TestParseSelectorMatchesPuppeteer(t *testing.T) {
	t.Parallel()
	cases := []struct{ selector, handler, updated, polling string }{
		{"div", handlerCSS, "div", "mutation"},
		{"##bad", handlerCSS, "##bad", "mutation"},
		{"div >>> >>> span", handlerP, "[[[\"div\"],\">>>\",[],\">>>\",[\"span\"]]]", "mutation"},
		{"::-p-foo(x)", handlerP, "[[[{\"name\":\"foo\",\"value\":\"x\"}]]]", "mutation"},
		{"aria/[foo=\"x\"]", handlerARIA, "[foo=\"x\"]", "raf"},
		{"xpath/!!", handlerXPath, "!!", "mutation"},
		{"text/", handlerText, "", "mutation"},
		{"", handlerCSS, "", "mutation"},
		{">>> span", handlerP, "[[[],\">>>\",[\"span\"]]]", "mutation"},
		{"div >>>", handlerP, "[[[\"div\"],\">>>\",[]]]", "mutation"},
		{"div,", handlerCSS, "div,", "mutation"},
		{"\"abc\"", handlerCSS, "\"abc\"", "mutation"},
		{"div::-p-text(", handlerCSS, "div::-p-text(", "mutation"},
		{"xpath=//a", handlerXPath, "//a", "mutation"},
		{"pierce/#x", handlerPierce, "#x", "mutation"},
		{":scope", handlerCSS, ":scope", "raf"},
		{"div:hover", handlerCSS, "div:hover", "raf"},
		{"::-p-aria([role=\"button\"])", handlerP, "[[[{\"name\":\"aria\",\"value\":\"[role=\\\"button\\\"]\"}]]]", "raf"},
		{"button::-p-text(Sign)", handlerP, "[[[\"button\",{\"name\":\"text\",\"value\":\"Sign\"}]]]", "mutation"},
		{"div ::-p-text(Sign in)", handlerP, "[[[\"div \",{\"name\":\"text\",\"value\":\"Sign in\"}]]]", "mutation"},
		{"#form >>> button", handlerP, "[[[\"#form\"],\">>>\",[\"button\"]]]", "mutation"},
		{"a >>>> b", handlerP, "[[[\"a\"],\">>>>\",[\"b\"]]]", "mutation"},
		{"div > span::-p-text(\"quoted )\")", handlerP, "[[[\"div>span\",{\"name\":\"text\",\"value\":\"quoted )\"}]]]", "mutation"},
		{"::-p-text('a\\'b')", handlerP, "[[[{\"name\":\"text\",\"value\":\"a'b\"}]]]", "mutation"},
		{"p::-p-xpath(//b[@x=\"1\"])", handlerP, "[[[\"p\",{\"name\":\"xpath\",\"value\":\"//b[@x=\\\"1\\\"]\"}]]]", "mutation"},
		{".a\\:b", handlerCSS, ".a\\:b", "mutation"},
		{"[data-x=\"a,b\"] , span", handlerCSS, "[data-x=\"a,b\"] , span", "mutation"},
		{"x::-p-text(a\\)b)", handlerP, "[[[\"x\",{\"name\":\"text\",\"value\":\"a)b\"}]]]", "mutation"},
		{"x::-p-text((nested))", handlerP, "[[[\"x\",{\"name\":\"text\",\"value\":\"(nested)\"}]]]", "mutation"},
		{"div:has(> span) ::-p-text(x)", handlerP, "[[[\"div:has(> span) \",{\"name\":\"text\",\"value\":\"x\"}]]]", "mutation"},
		{":scope >>> .item", handlerP, "[[[\":scope\"],\">>>\",[\".item\"]]]", "mutation"},
		{"  div   >   span  ", handlerCSS, "  div   >   span  ", "mutation"},
		{"a::-p-text()", handlerP, "[[[\"a\",{\"name\":\"text\",\"value\":\"\"}]]]", "mutation"},
		{"a::-p-text", handlerP, "[[[\"a\",{\"name\":\"text\",\"value\":\"\"}]]]", "mutation"},
		{"div::before", handlerCSS, "div::before", "mutation"},
		{"ul li:nth-child(2n+1)::-p-text(x), p", handlerP, "[[[\"ul li:nth-child(2n+1)\",{\"name\":\"text\",\"value\":\"x\"}]],[[\"p\"]]]", "mutation"},
		{"*::-p-text(x)", handlerP, "[[[\"*\",{\"name\":\"text\",\"value\":\"x\"}]]]", "mutation"},
		{"ns|div", handlerCSS, "ns|div", "mutation"},
		{"a + b ~ c::-p-aria(Name)", handlerP, "[[[\"a+b~c\",{\"name\":\"aria\",\"value\":\"Name\"}]]]", "raf"},
		{"div::-p-text(a\nb)", handlerP, "[[[\"div\",{\"name\":\"text\",\"value\":\"\"}]]]", "mutation"},
		{"div#id.c1[title=x i]::-p-text(y)", handlerP, "[[[\"div#id.c1[title=x i]\",{\"name\":\"text\",\"value\":\"y\"}]]]", "mutation"},
		{"text=hello", handlerText, "hello", "mutation"},
		{"aria=Submit[role=\"button\"]", handlerARIA, "Submit[role=\"button\"]", "raf"},
		{"a >>> ", handlerP, "[[[\"a\"],\">>>\",[]]]", "mutation"},
		{">>>> x", handlerP, "[[[],\">>>>\",[\"x\"]]]", "mutation"},
		{"é::-p-text(ü)", handlerP, "[[[\"é\",{\"name\":\"text\",\"value\":\"ü\"}]]]", "mutation"},
		{"div&::-p-text(x)", handlerP, "[[[\"div&\",{\"name\":\"text\",\"value\":\"x\"}]]]", "mutation"},
		{"p:not(.x)::-p-xpath(.)", handlerP, "[[[\"p:not(.x)\",{\"name\":\"xpath\",\"value\":\".\"}]]]", "mutation"},
		{"[a=\"]\"]::-p-text(t)", handlerP, "[[[\"[a=\\\"]\\\"]\",{\"name\":\"text\",\"value\":\"t\"}]]]", "mutation"},
		{"a,,b::-p-text(x)", handlerP, "[[[\"a\"]],[[]],[[\"b\",{\"name\":\"text\",\"value\":\"x\"}]]]", "mutation"},
		{"a(b)::-p-text(x)", handlerCSS, "a(b)::-p-text(x)", "mutation"},
		{"div ::-p-text(  spaced  )", handlerP, "[[[\"div \",{\"name\":\"text\",\"value\":\"  spaced  \"}]]]", "mutation"},
	}
	for _, c := range cases {
		q := parseSelector(c.selector, nil)
		if q.Handler != c.handler || q.Selector != c.updated || q.Polling != c.polling {
			t.Errorf("parseSelector(%q) = %s %q %s, want %s %q %s", c.selector, q.Handler, q.Selector, q.Polling, c.handler, c.updated, c.polling)
		}
	}
}

// TestParseARIASelector checks ARIA selectors against Puppeteer's
// parseARIASelector (outputs recorded from its regular expression).
func TestParseARIASelector(t *testing.T) {
	t.Parallel()
	cases := []struct {
		selector string
		want     ariaSelector
		err      string
	}{
		{"Submit", ariaSelector{Name: "Submit", HasName: true}, ""},
		{`Submit[role="button"]`, ariaSelector{Name: "Submit", HasName: true, Role: "button", HasRole: true}, ""},
		{`[role="heading"]`, ariaSelector{Role: "heading", HasRole: true}, ""},
		{`[name=""][role="button"]`, ariaSelector{HasName: true, Role: "button", HasRole: true}, ""},
		{`[name='x'][role='link']`, ariaSelector{Name: "x", HasName: true, Role: "link", HasRole: true}, ""},
		{`[name="a"b"]`, ariaSelector{Name: `a"b`, HasName: true}, ""},
		{`[name="\""]`, ariaSelector{Name: `\"`, HasName: true}, ""},
		{`Foo[role="button"] bar`, ariaSelector{Name: "Foo bar", HasName: true, Role: "button", HasRole: true}, ""},
		{`[foo="x"]`, ariaSelector{}, `Unknown aria attribute "foo" in selector`},
		{`[ name = "spaced" ]`, ariaSelector{Name: "spaced", HasName: true}, ""},
		{`x[name="y"]`, ariaSelector{Name: "y", HasName: true}, ""},
		{`[role="button"][role="link"]`, ariaSelector{Role: "link", HasRole: true}, ""},
		{`[name="a]"]`, ariaSelector{Name: "a]", HasName: true}, ""},
		{"[name=\"a\nb\"]x", ariaSelector{Name: "[name=\"a\nb\"]x", HasName: true}, ""},
	}
	for _, c := range cases {
		got, err := parseARIASelector(c.selector)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if msg != c.err || (err == nil && got != c.want) {
			t.Errorf("parseARIASelector(%q) = %+v, %q; want %+v, %q", c.selector, got, msg, c.want, c.err)
		}
	}
}

func TestParseSelectorCustomHandlersComeFirst(t *testing.T) {
	t.Parallel()
	q := parseSelector("text/abc", []string{"text"})
	if q.Handler != handlerCustom || q.Name != "text" || q.Selector != "abc" {
		t.Errorf("custom handler named text: got %+v", q)
	}
	q = parseSelector("lit=x", []string{"lit"})
	if q.Handler != handlerCustom || q.Name != "lit" || q.Selector != "x" || q.Polling != "mutation" {
		t.Errorf("custom handler with '=': got %+v", q)
	}
}
