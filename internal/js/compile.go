package js

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/grafana/sobek"
	"github.com/grafana/sobek/ast"
	"github.com/grafana/sobek/parser"
)

// Limits are the caps applied to every script before and while it runs.
type Limits struct {
	// MaxSourceBytes refuses larger scripts before parsing (default 1 MiB).
	MaxSourceBytes int
	// MaxNesting refuses scripts whose brackets or arrow chains nest deeper
	// (default 1000): sobek's and esbuild's parsers recurse per level, take
	// quadratic time, and die with a fatal, unrecoverable Go stack overflow
	// at around 300 000 levels.
	MaxNesting int
	// MaxCallStack caps JS call depth (default 10 000) so runaway recursion
	// is a RangeError rather than gigabytes of VM stack.
	MaxCallStack int
}

// WithDefaults fills zero fields with the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxSourceBytes <= 0 {
		l.MaxSourceBytes = 1 << 20
	}
	if l.MaxNesting <= 0 {
		l.MaxNesting = 1000
	}
	if l.MaxCallStack <= 0 {
		l.MaxCallStack = 10_000
	}
	return l
}

// Program is a compiled user script, ready to run in any Runtime.
type Program struct {
	Name   string // the script's file name as shown to the user
	Module bool   // an ES module (import/export or top-level await)
	script *sobek.Program
	module *ast.Program
}

// SyntaxError is a script that does not parse, with the position in the
// user's own file (after mapping back through TypeScript stripping).
type SyntaxError struct {
	File    string
	Line    int
	Column  int
	Message string
}

func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("SyntaxError: %s (%s)", e.Message, e.File)
	}
	return fmt.Sprintf("SyntaxError: %s (%s:%d:%d)", e.Message, e.File, e.Line, e.Column)
}

// LimitError is a script refused before parsing because it exceeds a limit.
type LimitError struct {
	Limit string // "size" or "nesting"
	Msg   string
}

func (e *LimitError) Error() string { return e.Msg }

// Compile checks the limits, strips TypeScript (for .ts/.mts/.cts names),
// decides between a CommonJS-style script and an ES module, and parses.
// Syntax the engine lacks (async generators, for await) is lowered with
// esbuild only when the native parse fails, because lowered functions refer
// to helpers that do not exist in the page if passed to page.evaluate.
func Compile(name string, src []byte, lim Limits) (*Program, error) {
	lim = lim.WithDefaults()
	if len(src) > lim.MaxSourceBytes {
		return nil, &LimitError{Limit: "size", Msg: fmt.Sprintf(
			"script is %d bytes, over the limit of %d bytes (%s)", len(src), lim.MaxSourceBytes, humanBytes(lim.MaxSourceBytes))}
	}
	if d := nestingDepth(src); d > lim.MaxNesting {
		return nil, &LimitError{Limit: "nesting", Msg: fmt.Sprintf(
			"script nests brackets or arrow functions %d levels deep, over the limit of %d levels", d, lim.MaxNesting)}
	}
	code := string(src)
	loader, mapped := api.LoaderJS, false
	if isTypeScript(name) {
		out, err := transform(name, code, api.LoaderTS, api.ESNext)
		if err != nil {
			return nil, err
		}
		code, loader, mapped = out, api.LoaderTS, true
	}
	p, err := parse(name, code, mapped)
	if err == nil {
		return p, nil
	}
	// Perhaps only syntax the engine lacks: lower it and try again, but
	// report the engine's own error if that does not help.
	if out, terr := transform(name, string(src), loader, api.ES2017); terr == nil {
		if p, err2 := parse(name, out, true); err2 == nil {
			return p, nil
		}
	}
	return nil, err
}

// parse tries a sloppy-mode script first (what `node script.js` does for a
// .js file), then an ES module.
func parse(name, code string, mapped bool) (*Program, error) {
	opts := []parser.Option{parser.WithDisableSourceMaps}
	if mapped {
		// Our own esbuild output carries an inline data: source map; refuse
		// every other source (never read a file named by the script).
		opts = []parser.Option{parser.WithSourceMapLoader(func(string) ([]byte, error) {
			return nil, fmt.Errorf("external source maps are not supported")
		})}
	}
	scriptAST, scriptErr := sobek.Parse(name, code, opts...)
	if scriptErr == nil {
		prg, err := sobek.CompileAST(scriptAST, false)
		if err != nil {
			return nil, syntaxError(name, err)
		}
		return &Program{Name: name, script: prg}, nil
	}
	modAST, modErr := sobek.Parse(name, code, append(opts, parser.IsModule)...)
	if modErr == nil {
		return &Program{Name: name, Module: true, module: modAST}, nil
	}
	if looksLikeModule(scriptErr) {
		return nil, syntaxError(name, modErr)
	}
	return nil, syntaxError(name, scriptErr)
}

func looksLikeModule(err error) bool {
	s := err.Error()
	return strings.Contains(s, "import not supported in script") ||
		strings.Contains(s, "export not supported in script")
}

var (
	parseErrRe   = regexp.MustCompile(`^(?:SyntaxError: )?(.*?): Line (\d+):(\d+) (.*?)(?: \(and \d+ more errors\))?$`)
	compileErrRe = regexp.MustCompile(`^(?:SyntaxError: )?(.*) at (.*):(\d+):(\d+)$`)
)

// syntaxError turns sobek's two error shapes into a SyntaxError.
func syntaxError(name string, err error) error {
	msg := err.Error()
	if m := parseErrRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		return &SyntaxError{File: name, Line: line, Column: col, Message: m[4]}
	}
	if m := compileErrRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[3])
		col, _ := strconv.Atoi(m[4])
		return &SyntaxError{File: name, Line: line, Column: col, Message: m[1]}
	}
	return &SyntaxError{File: name, Message: strings.TrimPrefix(msg, "SyntaxError: ")}
}

func isTypeScript(name string) bool {
	for _, ext := range []string{".ts", ".mts", ".cts"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// transform runs esbuild on one file (no bundling, no file access) and
// returns code with an inline source map back to the original.
func transform(name, code string, loader api.Loader, target api.Target) (string, error) {
	res := api.Transform(code, api.TransformOptions{
		Loader:     loader,
		Target:     target,
		Supported:  map[string]bool{"top-level-await": true},
		Sourcemap:  api.SourceMapInline,
		Sourcefile: name,
		Format:     api.FormatDefault,
		LogLevel:   api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		e := res.Errors[0]
		se := &SyntaxError{File: name, Message: e.Text}
		if e.Location != nil {
			se.Line, se.Column = e.Location.Line, e.Location.Column+1
		}
		return "", se
	}
	return string(res.Code), nil
}

func humanBytes(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
