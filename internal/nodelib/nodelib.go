// Package nodelib provides the Node.js built-in modules and globals that
// pasted Puppeteer scripts use beside Puppeteer itself: assert, path, util,
// fs (confined to the run's output directory), events, timers/promises,
// os, url, dotenv; the Buffer, TextEncoder/TextDecoder, atob/btoa and
// structuredClone globals; and mocha/jest-style describe/it/expect whose
// test cases become the run's steps.
//
// Behaviour and error messages follow Node 20; golden tests (testdata/)
// compare the same snippets run here and under node.
//
// Most of the library is JavaScript (js/, embedded), loaded once per
// runtime as one function that receives a small set of Go host functions
// (byte encodings, the FS bridge, the test runner's scheduling and step
// reports). Threat model as in package js: the script is hostile. Host
// functions take and return only primitives, ArrayBuffers and objects
// built with the runtime's constructors, read their arguments strictly,
// and the file system is reached only through Config.FS.
package nodelib

import (
	"time"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/js"
)

// FS is the run's output directory as scripts may see it. Paths are
// exactly what the script passed (relative to process.cwd(), or absolute
// inside it); the implementation validates them and refuses anything
// outside the directory or any symlink trickery.
type FS interface {
	WriteFile(path string, data []byte) error // creates or replaces; becomes a run artifact
	AppendFile(path string, data []byte) error
	ReadFile(path string) ([]byte, error) // only files this run wrote
	Exists(path string) bool
	ReadDir(path string) ([]string, error) // names written by this run under path
	Remove(path string) error
	Mkdir(path string) error // no-op bookkeeping is fine
}

// Step is one test case of describe/it/test, reported as a named step of
// the run.
type Step struct {
	Name     string // the full title: suite titles and the test's, joined by spaces
	Status   string // "passed", "failed", "skipped"
	Duration time.Duration
	Error    string // for "failed": the error as Node prints it (header and script frames)
}

// Config connects the library to one run.
type Config struct {
	FS     FS         // the run's output directory; nil makes every fs call fail
	OnStep func(Step) // called on the loop goroutine as each test case finishes

	// Source is the script's source text (optional). With it, a failing
	// assert(expr) / assert.ok(expr) quotes the expression the way Node
	// does ("The expression evaluated to a falsy value: …"); without it
	// the message is Node's fallback ("false == true").
	Source []byte
}

// moduleNames are the modules Modules provides, as scripts name them.
var moduleNames = []string{
	"assert", "assert/strict", "path", "path/posix", "util", "fs", "fs/promises",
	"events", "timers/promises", "dotenv", "dotenv/config", "os", "url", "buffer", "timers",
	"string_decoder", "crypto",
}

// Modules returns the Node built-in modules Skriptable provides, keyed by
// the names scripts require or import ("node:" prefixes are handled by
// package js). Each runtime gets its own exports objects; modules that
// Node shares (require('assert/strict') === require('assert').strict,
// require('fs/promises') === require('fs').promises) are shared here too.
func Modules(cfg Config) map[string]js.ModuleFunc {
	m := make(map[string]js.ModuleFunc, len(moduleNames))
	for _, name := range moduleNames {
		m[name] = func(rt *js.Runtime) (*sobek.Object, error) {
			l, err := libFor(rt, cfg)
			if err != nil {
				return nil, err
			}
			return l.module(name)
		}
	}
	return m
}

// InstallGlobals adds Node's globals (Buffer, TextEncoder, TextDecoder,
// atob, btoa, structuredClone, DOMException, performance, process.nextTick)
// and the test framework (describe/context/it/test with .skip and .only,
// before/beforeAll, after/afterAll, beforeEach, afterEach, expect). Call it
// before the script runs, on the goroutine that set the runtime up.
//
// Test cases registered while the script's top level runs are run in
// order once that top level (and its microtasks) has finished; each one is
// reported through cfg.OnStep. If any failed, the runner's promise rejects
// with Error("N of M tests failed"), which fails the run.
func InstallGlobals(rt *js.Runtime, cfg Config) error {
	l, err := libFor(rt, cfg)
	if err != nil {
		return err
	}
	return l.installGlobals()
}
