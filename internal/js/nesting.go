package js

// nestingDepth estimates how deeply the parser will recurse on src, without
// parsing it. It runs before any parser because both sobek's and esbuild's
// parsers die with a fatal (unrecoverable) Go stack overflow on inputs such
// as 300 000 nested array literals, and take quadratic time long before.
//
// It counts bracket depth ( [ { and template `${`, plus chains of arrows
// (a=>b=>c), prefix operators (!!!!x, - - -x) and conditional chains
// (a?b:c?d:…) at one bracket level, which recurse without brackets. It
// skips strings, template text and comments, and the character after a
// backslash (which covers escaped brackets in regular expressions). It is
// an estimate that errs towards counting too much; real scripts are far
// below any sensible limit.
func nestingDepth(src []byte) int {
	type level struct {
		chain    int  // arrows, prefix operators and ?: at this bracket level
		template bool // opened by ${ inside a template literal
	}
	stack := []level{{}}
	maxDepth := 0
	note := func() {
		d := len(stack) - 1 + stack[len(stack)-1].chain
		if d > maxDepth {
			maxDepth = d
		}
	}
	n := len(src)
	lastSig := byte(0) // last significant (non-space) character outside literals
	for i := 0; i < n; i++ {
		c := src[i]
		switch {
		case c == '\\':
			i++
			continue
		case c == '/' && i+1 < n && src[i+1] == '/':
			for i < n && src[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < n && src[i+1] == '*':
			i += 2
			for i+1 < n && (src[i] != '*' || src[i+1] != '/') {
				i++
			}
			i++
			continue
		case c == '\'' || c == '"':
			i = skipString(src, i)
			lastSig = c
			continue
		case c == '`':
			i = skipTemplate(src, i+1)
			if i < n && src[i] == '$' { // stopped at ${
				stack = append(stack, level{template: true})
				i++ // skip '{'
				note()
			}
			lastSig = '`'
			continue
		case c == '(' || c == '[' || c == '{':
			stack = append(stack, level{})
			note()
		case c == ')' || c == ']' || c == '}':
			if len(stack) > 1 {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if c == '}' && top.template {
					i = skipTemplate(src, i+1)
					if i < n && src[i] == '$' {
						stack = append(stack, level{template: true})
						i++
						note()
					}
					lastSig = '`'
					continue
				}
			}
		case c == ',' || c == ';':
			stack[len(stack)-1].chain = 0
		case c == '\n' && !continuesExpression(lastSig):
			// ASI-style scripts end statements at line ends; an expression
			// that visibly continues on the next line keeps counting.
			stack[len(stack)-1].chain = 0
		case c == '=' && i+1 < n && src[i+1] == '>':
			stack[len(stack)-1].chain++
			note()
			i++
		case c == '?' && (i+1 >= n || (src[i+1] != '.' && src[i+1] != '?')):
			stack[len(stack)-1].chain++
			note()
		case (c == '!' || c == '~' || c == '-' || c == '+') && isPrefixPosition(lastSig):
			stack[len(stack)-1].chain++
			note()
		case c == '=' && (i+1 >= n || src[i+1] != '=') && !isComparisonPrefix(lastSig):
			stack[len(stack)-1].chain++ // a=b=c=… is right-recursive
			note()
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			lastSig = c
		}
	}
	return maxDepth
}

// isPrefixPosition reports whether an operator after prev is a prefix
// (unary) operator rather than a binary one.
func isPrefixPosition(prev byte) bool {
	switch prev {
	case 0, '(', '[', '{', ',', ';', '=', '!', '~', '-', '+', '*', '/', '%', '<', '>', '&', '|', '^', '?', ':':
		return true
	}
	return false
}

// continuesExpression reports whether a line ending after prev cannot end
// the expression (so the parser keeps recursing into the next line).
func continuesExpression(prev byte) bool {
	switch prev {
	case '>', '?', ':', '=', '!', '~', '-', '+', '(', '[', '{', ',':
		return true
	}
	return false
}

// isComparisonPrefix reports whether '=' after prev belongs to an operator
// such as == != <= >= (not an assignment).
func isComparisonPrefix(prev byte) bool {
	return prev == '=' || prev == '!' || prev == '<' || prev == '>'
}

// skipString returns the index of the closing quote of the string at i.
func skipString(src []byte, i int) int {
	q := src[i]
	for i++; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case q, '\n':
			return i
		}
	}
	return i
}

// skipTemplate scans template text from i and returns the index of the
// closing backquote, or of the '$' of a "${" substitution.
func skipTemplate(src []byte, i int) int {
	for ; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '`':
			return i
		case '$':
			if i+1 < len(src) && src[i+1] == '{' {
				return i
			}
		}
	}
	return i
}
