package browser

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// Puppeteer's selector syntax, parsed on the Go side. A selector is either
// prefixed with a query handler name ("xpath/…", "text=…", "aria/…",
// "pierce/…" or a custom handler's name), or a CSS selector that may
// contain P-selectors: the pseudo-elements ::-p-text(…), ::-p-xpath(…),
// ::-p-aria(…), ::-p-<custom>(…) and the shadow-piercing combinators >>>
// (any depth) and >>>> (one shadow root). The tokenizer follows the
// grammar Puppeteer uses (parsel's, with Puppeteer's combinator token), so
// that selectors split into the same pieces and the same inputs fall back
// to plain CSS (where the browser then reports them invalid).

// Query handlers.
const (
	handlerCSS    = "css"
	handlerP      = "p"
	handlerXPath  = "xpath"
	handlerText   = "text"
	handlerPierce = "pierce"
	handlerARIA   = "aria"
	handlerCustom = "custom"
)

// selectorQuery is a parsed selector: which handler runs it, with what.
type selectorQuery struct {
	Handler string
	// Selector is what the handler receives: the text after the prefix,
	// the CSS selector itself, or (for P-selectors) its JSON form, which is
	// also what Puppeteer names in "Waiting for selector `…` failed".
	Selector string
	// PSelector is the parsed P-selector (Handler == handlerP).
	PSelector jsonv2.Value
	// Name is the custom handler's name (Handler == handlerCustom).
	Name string
	// Polling is how waitForSelector polls by default: "raf" for
	// queries whose result can change without a DOM mutation (ARIA,
	// pseudo-classes such as :hover), "mutation" otherwise.
	Polling string
	// aria is set when the query uses the accessibility tree.
	aria bool
}

// needsARIA reports whether running the query needs the ARIA binding.
func (q selectorQuery) needsARIA() bool { return q.Handler == handlerARIA || q.aria }

// spec is the query's page-side form: {h, s, p, n}.
func (q selectorQuery) spec() []byte {
	var b strings.Builder
	b.WriteString(`{"h":`)
	b.Write(jsonString(q.Handler))
	b.WriteString(`,"s":`)
	b.Write(jsonString(q.Selector))
	if q.PSelector != nil {
		b.WriteString(`,"p":`)
		b.Write(q.PSelector)
	}
	if q.Name != "" {
		b.WriteString(`,"n":`)
		b.Write(jsonString(q.Name))
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// builtinHandlers are the prefixed handlers, in Puppeteer's lookup order.
var builtinHandlers = []string{handlerARIA, handlerPierce, handlerXPath, handlerText}

// parseSelector maps a selector to its query handler as Puppeteer's
// getQueryHandlerAndSelector does. custom lists the registered custom
// handler names, which take precedence over the built-in ones.
func parseSelector(selector string, custom []string) selectorQuery {
	for i, names := range [][]string{custom, builtinHandlers} {
		for _, name := range names {
			for _, sep := range []string{"=", "/"} {
				rest, ok := strings.CutPrefix(selector, name+sep)
				if !ok {
					continue
				}
				q := selectorQuery{Handler: name, Selector: rest, Polling: "mutation"}
				if name == handlerARIA {
					q.Polling = "raf"
				}
				if i == 0 {
					q.Handler, q.Name = handlerCustom, name
				}
				return q
			}
		}
	}
	p, err := parsePSelectors(selector)
	if err != nil {
		return selectorQuery{Handler: handlerCSS, Selector: selector, Polling: "mutation"}
	}
	if p.pureCSS {
		q := selectorQuery{Handler: handlerCSS, Selector: selector, Polling: "mutation"}
		if p.pseudoClasses {
			q.Polling = "raf"
		}
		return q
	}
	q := selectorQuery{Handler: handlerP, Selector: string(p.json), PSelector: p.json, Polling: "mutation", aria: p.aria}
	if p.aria {
		q.Polling = "raf"
	}
	return q
}

// pToken is one token of a CSS selector.
type pToken struct {
	typ      string
	content  string
	start    int // rune offsets in the trimmed selector
	end      int
	name     string
	argument *string
}

// Character classes of the grammar, as JavaScript (with the u flag)
// defines them: \s, ".", and the identifier characters [-\w\P{ASCII}].
const (
	reWS    = `[\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]`
	reDot   = `[^\n\r\x{2028}\x{2029}]`
	reIdent = `[-0-9A-Za-z_\x{80}-\x{10ffff}]`
)

// tokenGrammar lists the token types in the order they are matched.
var tokenGrammar = []struct {
	typ string
	re  *regexp.Regexp
	// arg re-parses a token whose text had parentheses restored.
	arg *regexp.Regexp
}{
	{typ: "attribute", re: regexp.MustCompile(`\[` + reWS + `*(?:(?P<namespace>\*|` + reIdent + `*)\|)?(?P<name>` + reIdent + `+)` + reWS + `*(?:(?P<operator>\W?=)` + reWS + `*(?P<value>` + reDot + `+?)` + reWS + `*(` + reWS + `(?P<caseSensitive>[iIsS]))?` + reWS + `*)?\]`)},
	{typ: "id", re: regexp.MustCompile(`#(?P<name>` + reIdent + `+)`)},
	{typ: "class", re: regexp.MustCompile(`\.(?P<name>` + reIdent + `+)`)},
	{typ: "comma", re: regexp.MustCompile(reWS + `*,` + reWS + `*`)},
	{typ: "combinator", re: regexp.MustCompile(reWS + `*(>>>>?|` + strings.TrimSuffix(reWS, "]") + `>+~])` + reWS + `*`)},
	{typ: "pseudo-element", re: regexp.MustCompile(`::(?P<name>` + reIdent + `+)(?:\((?P<argument>¶*)\))?`),
		arg: regexp.MustCompile(`::(?P<name>` + reIdent + `+)(?:\((?P<argument>` + reDot + `*)\))?`)},
	{typ: "pseudo-class", re: regexp.MustCompile(`:(?P<name>` + reIdent + `+)(?:\((?P<argument>¶*)\))?`),
		arg: regexp.MustCompile(`:(?P<name>` + reIdent + `+)(?:\((?P<argument>` + reDot + `*)\))?`)},
	{typ: "universal", re: regexp.MustCompile(`(?:(?P<namespace>\*|` + reIdent + `*)\|)?\*`)},
	{typ: "type", re: regexp.MustCompile(`(?:(?P<namespace>\*|` + reIdent + `*)\|)?(?P<name>` + reIdent + `+)`)},
	{typ: "nesting", re: regexp.MustCompile(`&`)},
}

var errSelectorSyntax = errors.New("selector does not tokenize")

// isJSSpace is JavaScript's String.prototype.trim set.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

func isLineTerminator(r rune) bool { return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 }

type replacement struct {
	offset int
	value  []rune
}

// tokenize splits a selector into tokens. Escapes, quoted strings and
// parenthesised arguments are masked first so that their contents never
// split a token, then restored into the tokens that hold them.
func tokenize(selector string) ([]*pToken, error) {
	selector = strings.TrimFunc(selector, isJSSpace)
	if selector == "" {
		return nil, nil
	}
	s := []rune(selector)
	var reps []replacement
	// Escapes: a backslash and the character after it.
	for i := 0; i+1 < len(s); {
		if s[i] == '\\' && !isLineTerminator(s[i+1]) {
			reps = append(reps, replacement{offset: i, value: append([]rune(nil), s[i:i+2]...)})
			s[i], s[i+1] = 0xE000, 0xE000
			i += 2
			continue
		}
		i++
	}
	// Quoted strings without backslashes or newlines inside.
	for i := 0; i < len(s); i++ {
		q := s[i]
		if q != '"' && q != '\'' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != q && s[j] != '\\' && s[j] != '\n' {
			j++
		}
		if j >= len(s) || s[j] != q {
			continue
		}
		reps = append(reps, replacement{offset: i, value: append([]rune(nil), s[i:j+1]...)})
		for k := i + 1; k < j; k++ {
			s[k] = 0xE001
		}
		i = j
	}
	// Parenthesised arguments, nesting included.
	for pos := 0; ; {
		offset := -1
		for k := pos; k < len(s); k++ {
			if s[k] == '(' {
				offset = k
				break
			}
		}
		if offset < 0 {
			break
		}
		end, depth := offset, 0
		for ; end < len(s); end++ {
			if s[end] == '(' {
				depth++
			} else if s[end] == ')' {
				depth--
			}
			if depth == 0 {
				break
			}
		}
		if end == len(s) {
			end--
		}
		value := append([]rune(nil), s[offset:end+1]...)
		if len(value) < 2 { // Puppeteer's "¶".repeat(-1) throws
			return nil, errSelectorSyntax
		}
		reps = append(reps, replacement{offset: offset, value: value})
		s[offset] = '('
		for k := offset + 1; k < offset+len(value)-1; k++ {
			s[k] = '¶'
		}
		s[offset+len(value)-1] = ')'
		pos = offset + len(value)
	}

	tokens, err := tokenizeBy(string(s))
	if err != nil {
		return nil, err
	}
	changed := map[*pToken]bool{}
	for i := len(reps) - 1; i >= 0; i-- {
		r := reps[i]
		for _, t := range tokens {
			if !(t.start <= r.offset && r.offset+len(r.value) <= t.end) {
				continue
			}
			c := []rune(t.content)
			off := r.offset - t.start
			if off > len(c) {
				continue
			}
			tail := off + len(r.value)
			if tail > len(c) {
				tail = len(c)
			}
			n := string(c[:off]) + string(r.value) + string(c[tail:])
			if n != t.content {
				t.content = n
				changed[t] = true
			}
		}
	}
	for _, t := range tokens {
		if !changed[t] {
			continue
		}
		re := grammarFor(t.typ)
		m := re.FindStringSubmatch(t.content)
		if m == nil {
			return nil, errSelectorSyntax
		}
		setGroups(t, re, m)
	}
	return tokens, nil
}

func grammarFor(typ string) *regexp.Regexp {
	for _, g := range tokenGrammar {
		if g.typ == typ {
			if g.arg != nil {
				return g.arg
			}
			return g.re
		}
	}
	return nil
}

func setGroups(t *pToken, re *regexp.Regexp, m []string) {
	t.name, t.argument = "", nil
	idx := re.FindStringSubmatchIndex(t.content)
	for i, n := range re.SubexpNames() {
		switch {
		case n == "name" && idx[2*i] >= 0:
			t.name = m[i]
		case n == "argument" && idx[2*i] >= 0:
			a := m[i]
			t.argument = &a
		}
	}
}

// tokenizeBy splits text by each token type in grammar order; any text
// left over makes the selector invalid.
func tokenizeBy(text string) ([]*pToken, error) {
	type piece struct {
		text string
		tok  *pToken
	}
	pieces := []piece{{text: text}}
	for _, g := range tokenGrammar {
		var next []piece
		for _, p := range pieces {
			if p.tok != nil {
				next = append(next, p)
				continue
			}
			rest := p.text
			for rest != "" {
				loc := g.re.FindStringSubmatchIndex(rest)
				if loc == nil {
					break
				}
				if loc[0] > 0 {
					next = append(next, piece{text: rest[:loc[0]]})
				}
				t := &pToken{typ: g.typ, content: rest[loc[0]:loc[1]]}
				setGroups(t, g.re, subMatches(rest, loc))
				next = append(next, piece{tok: t})
				rest = rest[loc[1]:]
			}
			if rest != "" {
				next = append(next, piece{text: rest})
			}
		}
		pieces = next
	}
	tokens := make([]*pToken, 0, len(pieces))
	offset := 0
	for _, p := range pieces {
		if p.tok == nil {
			return nil, fmt.Errorf("%w: unexpected sequence %s found at index %d", errSelectorSyntax, p.text, offset)
		}
		t := p.tok
		n := utf8.RuneCountInString(t.content)
		t.start, t.end = offset, offset+n
		offset += n
		if t.typ == "combinator" || t.typ == "comma" {
			if t.content = strings.TrimFunc(t.content, isJSSpace); t.content == "" {
				t.content = " "
			}
		}
		tokens = append(tokens, t)
	}
	return tokens, nil
}

func subMatches(s string, loc []int) []string {
	out := make([]string, len(loc)/2)
	for i := range out {
		if loc[2*i] >= 0 {
			out[i] = s[loc[2*i]:loc[2*i+1]]
		}
	}
	return out
}

// pSelectors is the result of parsePSelectors.
type pSelectors struct {
	json          jsonv2.Value // [[compound, combinator, compound…], …]
	pureCSS       bool
	pseudoClasses bool
	aria          bool
}

// parsePSelectors splits a selector into complex selectors (by comma),
// each a list of compound selectors joined by >>> or >>>>; a compound is
// a list of CSS strings and {name, value} P-selectors.
func parsePSelectors(selector string) (pSelectors, error) {
	out := pSelectors{pureCSS: true}
	tokens, err := tokenize(selector)
	if err != nil {
		return out, err
	}
	if len(tokens) == 0 {
		out.json = jsonv2.Value("[]")
		return out, nil
	}
	type part = any // string combinator, or []any compound
	compound := []any{}
	complexSel := []part{}
	var selectors [][]part
	var storage []string
	flush := func() {
		if len(storage) > 0 {
			compound = append(compound, strings.Join(storage, ""))
			storage = storage[:0]
		}
	}
	finishCompound := func() { complexSel = append(complexSel, compound) }
	for _, t := range tokens {
		switch t.typ {
		case "combinator":
			if t.content == ">>>" || t.content == ">>>>" {
				out.pureCSS = false
				flush()
				finishCompound()
				complexSel = append(complexSel, t.content)
				compound = []any{}
				continue
			}
		case "pseudo-element":
			if !strings.HasPrefix(t.name, "-p-") {
				break
			}
			out.pureCSS = false
			flush()
			name := t.name[3:]
			if name == "aria" {
				out.aria = true
			}
			arg := ""
			if t.argument != nil {
				arg = *t.argument
			}
			compound = append(compound, map[string]string{"name": name, "value": unquote(arg)})
			continue
		case "pseudo-class":
			out.pseudoClasses = true
		case "comma":
			flush()
			finishCompound()
			selectors = append(selectors, complexSel)
			compound = []any{}
			complexSel = []part{}
			continue
		}
		storage = append(storage, t.content)
	}
	flush()
	finishCompound()
	selectors = append(selectors, complexSel)
	b, err := marshalPSelectors(selectors)
	if err != nil {
		return out, err
	}
	out.json = b
	return out, nil
}

// marshalPSelectors encodes the structure with {name, value} objects in
// that key order, as JSON.stringify writes Puppeteer's.
func marshalPSelectors(selectors [][]any) (jsonv2.Value, error) {
	var b strings.Builder
	b.WriteByte('[')
	for i, cx := range selectors {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j, part := range cx {
			if j > 0 {
				b.WriteByte(',')
			}
			switch p := part.(type) {
			case string:
				b.Write(jsonString(p))
			case []any:
				b.WriteByte('[')
				for k, x := range p {
					if k > 0 {
						b.WriteByte(',')
					}
					switch v := x.(type) {
					case string:
						b.Write(jsonString(v))
					case map[string]string:
						b.WriteString(`{"name":`)
						b.Write(jsonString(v["name"]))
						b.WriteString(`,"value":`)
						b.Write(jsonString(v["value"]))
						b.WriteByte('}')
					}
				}
				b.WriteByte(']')
			}
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return jsonv2.Value(b.String()), nil
}

// unquote strips matching quotes and resolves backslash escapes in a
// P-selector's argument.
func unquote(text string) string {
	r := []rune(text)
	if len(r) <= 1 {
		return text
	}
	if (r[0] == '"' || r[0] == '\'') && r[len(r)-1] == r[0] {
		r = r[1 : len(r)-1]
	}
	out := make([]rune, 0, len(r))
	for i := 0; i < len(r); i++ {
		if r[i] == '\\' && i+1 < len(r) {
			i++
		}
		out = append(out, r[i])
	}
	return string(out)
}
