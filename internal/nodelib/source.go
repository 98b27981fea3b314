package nodelib

import (
	"strings"

	"github.com/skriptable/skriptable/internal/js"
)

// callSiteExpression returns the source text of the call expression in the
// script that called into the library (assert(x) / assert.ok(x)), as Node
// quotes it in "The expression evaluated to a falsy value" messages.
func (l *lib) callSiteExpression() (string, bool) {
	if len(l.cfg.Source) == 0 {
		return "", false
	}
	for _, f := range l.rt.CallSite() {
		pos := f.Position()
		if pos.Filename == "" || strings.HasPrefix(pos.Filename, js.InternalPrefix) {
			continue
		}
		if pos.Filename != l.rt.Filename() {
			return "", false
		}
		return callExpressionAt(string(l.cfg.Source), pos.Line, pos.Column)
	}
	return "", false
}

// maxExpression bounds the text scanned for one call expression.
const maxExpression = 16 << 10

// callExpressionAt finds the call whose argument list opens at line:column
// (1-based; sobek reports a call at its opening parenthesis) and returns
// its text from the start of the callee to the closing parenthesis,
// re-indented as Node does for multi-line expressions.
func callExpressionAt(src string, line, column int) (string, bool) {
	if line < 1 || column < 1 {
		return "", false
	}
	lineStart := 0
	for i := 1; i < line; i++ {
		nl := strings.IndexByte(src[lineStart:], '\n')
		if nl < 0 {
			return "", false
		}
		lineStart += nl + 1
	}
	text := src[lineStart:]
	if nl := strings.IndexByte(text, '\n'); nl >= 0 {
		text = text[:nl]
	}
	open := columnOffset(text, column)
	if open < 0 {
		return "", false
	}
	start := calleeStart(text, open)
	end, ok := closingParen(src, lineStart+open)
	if !ok || start == open {
		return "", false
	}
	expr := src[lineStart+start : end+1]
	lines := strings.Split(strings.ReplaceAll(expr, "\r\n", "\n"), "\n")
	var b strings.Builder
	b.WriteString(lines[0])
	for _, ln := range lines[1:] {
		p := 0
		for p < start && p < len(ln) && (ln[p] == ' ' || ln[p] == '\t') {
			p++
		}
		b.WriteString("\n  ")
		b.WriteString(ln[p:])
	}
	return escapeControls(b.String()), true
}

// columnOffset maps sobek's 1-based column to a byte offset in text where a
// '(' is; columns count UTF-16 units, which differ from bytes only on lines
// with non-ASCII text.
func columnOffset(text string, column int) int {
	if column-1 < len(text) && text[column-1] == '(' {
		return column - 1
	}
	units := 0
	for i, r := range text {
		if units == column-1 {
			if r == '(' {
				return i
			}
			return -1
		}
		units++
		if r >= 0x10000 {
			units++
		}
	}
	return -1
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// calleeStart walks back from the '(' at open over a member chain
// (identifiers, '.', '?.', and bracketed or parenthesised groups) and
// returns where the callee starts.
func calleeStart(text string, open int) int {
	i := open - 1
	for i >= 0 && (text[i] == ' ' || text[i] == '\t') {
		i--
	}
	start := open
	for i >= 0 {
		switch c := text[i]; {
		case isIdentByte(c):
			for i >= 0 && isIdentByte(text[i]) {
				i--
			}
			start = i + 1
		case c == ')' || c == ']':
			j := matchBack(text, i)
			if j < 0 {
				return start
			}
			i = j - 1
			start = j
			continue
		default:
			return start
		}
		// After an operand: continue only across '.' or '?.'.
		k := i
		for k >= 0 && (text[k] == ' ' || text[k] == '\t') {
			k--
		}
		if k >= 0 && text[k] == '.' {
			k--
			if k >= 0 && text[k] == '?' {
				k--
			}
			for k >= 0 && (text[k] == ' ' || text[k] == '\t') {
				k--
			}
			i = k
			continue
		}
		return start
	}
	return start
}

// matchBack returns the index of the bracket opening the one at close, on
// the same line, or -1.
func matchBack(text string, close int) int {
	depth := 0
	for i := close; i >= 0; i-- {
		switch text[i] {
		case ')', ']', '}':
			depth++
		case '(', '[', '{':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// closingParen returns the index in src of the ')' closing the '(' at
// open, skipping strings, template literals and comments.
func closingParen(src string, open int) (int, bool) {
	depth := 0
	limit := min(len(src), open+maxExpression)
	for i := open; i < limit; i++ {
		switch c := src[i]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return i, c == ')'
			}
		case '\'', '"', '`':
			for i++; i < limit && src[i] != c; i++ {
				if src[i] == '\\' {
					i++
				} else if src[i] == '\n' && c != '`' {
					return 0, false
				}
			}
		case '/':
			if i+1 < limit && src[i+1] == '/' {
				for i < limit && src[i] != '\n' {
					i++
				}
			} else if i+1 < limit && src[i+1] == '*' {
				end := strings.Index(src[i+2:limit], "*/")
				if end < 0 {
					return 0, false
				}
				i += end + 3
			}
		}
	}
	return 0, false
}

var controlEscapes = map[byte]string{8: `\b`, 11: `\u000b`, 12: `\f`}

// escapeControls shows control characters other than tab and line breaks
// as escapes, like Node's message.
func escapeControls(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			if e, ok := controlEscapes[c]; ok {
				b.WriteString(e)
			} else {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
