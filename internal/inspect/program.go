package inspect

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/grafana/sobek"
)

// The formatter's JavaScript, in parts numbered in load order.
//
//go:embed js/*.js
var scripts embed.FS

// The parts are concatenated into the body of one function expression: the
// script evaluates to that function, which takes the Go hooks and returns
// the API object. So nothing is declared in the runtime's global scope, and
// the hooks are visible only to the formatter.
const (
	scriptPrologue = "(function (classOf, proxyTarget, proxyHandler, promiseState, promiseResult) {\n'use strict';\n"
	scriptEpilogue = "\nreturn { format: format, formatWithOptions: formatWithOptions, inspect: inspect, inspectFromGo: inspectFromGo };\n})"
)

// The compiled program is shared by all runtimes (a *sobek.Program is
// immutable), so each New only runs it.
var (
	programOnce sync.Once
	program     *sobek.Program
	programErr  error
)

func compiled() (*sobek.Program, error) {
	programOnce.Do(func() {
		src, err := source()
		if err != nil {
			programErr = err
			return
		}
		program, programErr = sobek.Compile("node:internal/util/inspect", src, true)
		if programErr != nil {
			programErr = fmt.Errorf("inspect: compiling the formatter: %w", programErr)
		}
	})
	return program, programErr
}

func source() (string, error) {
	entries, err := fs.ReadDir(scripts, "js") // sorted by name
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(scriptPrologue)
	for _, e := range entries {
		data, err := scripts.ReadFile("js/" + e.Name())
		if err != nil {
			return "", err
		}
		b.Write(data)
		b.WriteString("\n")
	}
	b.WriteString(scriptEpilogue)
	return b.String(), nil
}
