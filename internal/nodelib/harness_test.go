package nodelib

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/js"
)

// testCwd is process.cwd() (the output directory) in the tests.
const testCwd = "/tmp/skriptable-golden"

// memFS is an in-memory FS with the runner's path rules: relative paths,
// or absolute ones inside testCwd; anything escaping is refused.
type memFS struct {
	mu    sync.Mutex
	files map[string][]byte
	dirs  map[string]bool
	calls []string
}

func newMemFS() *memFS {
	return &memFS{files: map[string][]byte{}, dirs: map[string]bool{}}
}

func (m *memFS) clean(p string) (string, error) {
	if p == "" || strings.ContainsRune(p, 0) {
		return "", fmt.Errorf("invalid file name %q", p)
	}
	if path.IsAbs(p) {
		rel, ok := strings.CutPrefix(path.Clean(p), testCwd+"/")
		if !ok {
			return "", fmt.Errorf("path %s is outside the output directory", p)
		}
		p = rel
	}
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("path %s escapes the output directory", p)
	}
	return c, nil
}

func (m *memFS) note(op, p string) {
	m.calls = append(m.calls, op+" "+p)
}

func (m *memFS) WriteFile(p string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note("write", p)
	c, err := m.clean(p)
	if err != nil {
		return err
	}
	if m.dirs[c] {
		return fmt.Errorf("%s is a directory", p)
	}
	m.files[c] = append([]byte(nil), data...)
	return nil
}

func (m *memFS) AppendFile(p string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note("append", p)
	c, err := m.clean(p)
	if err != nil {
		return err
	}
	m.files[c] = append(m.files[c], data...)
	return nil
}

func (m *memFS) ReadFile(p string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note("read", p)
	c, err := m.clean(p)
	if err != nil {
		return nil, err
	}
	data, ok := m.files[c]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return data, nil
}

func (m *memFS) isDir(c string) bool {
	if c == "." || m.dirs[c] {
		return true
	}
	for f := range m.files {
		if strings.HasPrefix(f, c+"/") {
			return true
		}
	}
	return false
}

func (m *memFS) Exists(p string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.clean(p)
	if err != nil {
		return false
	}
	_, ok := m.files[c]
	return ok || m.isDir(c)
}

func (m *memFS) ReadDir(p string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.clean(p)
	if err != nil {
		return nil, err
	}
	if !m.isDir(c) {
		if _, ok := m.files[c]; ok {
			return nil, errors.New("not a directory")
		}
		return nil, fs.ErrNotExist
	}
	seen := map[string]bool{}
	prefix := c + "/"
	if c == "." {
		prefix = ""
	}
	add := func(name string) {
		if rest, ok := strings.CutPrefix(name, prefix); ok && rest != "" {
			seen[strings.SplitN(rest, "/", 2)[0]] = true
		}
	}
	for f := range m.files {
		add(f)
	}
	for d := range m.dirs {
		add(d)
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func (m *memFS) Remove(p string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note("remove", p)
	c, err := m.clean(p)
	if err != nil {
		return err
	}
	if _, ok := m.files[c]; ok {
		delete(m.files, c)
		return nil
	}
	if m.isDir(c) {
		delete(m.dirs, c)
		for f := range m.files {
			if strings.HasPrefix(f, c+"/") {
				delete(m.files, f)
			}
		}
		return nil
	}
	return fs.ErrNotExist
}

func (m *memFS) Mkdir(p string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note("mkdir", p)
	c, err := m.clean(p)
	if err != nil {
		return err
	}
	m.dirs[c] = true
	return nil
}

// result is what one script run produced.
type result struct {
	out   string
	steps []Step
	err   error
	rt    *js.Runtime
	fs    *memFS
}

type runOpts struct {
	name    string
	timeout time.Duration
	fs      *memFS
	noFS    bool
	source  bool // pass the script as Config.Source
}

// runScript runs src in a runtime with the library's modules and globals.
func runScript(t testing.TB, src string, o runOpts) result {
	t.Helper()
	if o.name == "" {
		o.name = "script.js"
	}
	if o.timeout == 0 {
		o.timeout = 2 * time.Minute // generous: -race on a loaded two-core machine
	}
	if o.fs == nil {
		o.fs = newMemFS()
	}
	res := result{fs: o.fs}
	var mu sync.Mutex
	var out strings.Builder
	cfg := Config{OnStep: func(s Step) { res.steps = append(res.steps, s) }}
	if !o.noFS {
		cfg.FS = o.fs
	}
	if o.source {
		cfg.Source = []byte(src)
	}
	rt, err := js.New(js.Options{
		Filename: o.name,
		Dirname:  testCwd,
		Log: func(l js.Log) {
			mu.Lock()
			out.WriteString(l.Text + "\n")
			mu.Unlock()
		},
		Modules: Modules(cfg),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := InstallGlobals(rt, cfg); err != nil {
		t.Fatal(err)
	}
	prog, err := js.Compile(o.name, []byte(src), js.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	res.err = rt.Run(ctx, prog)
	rt.Close()
	mu.Lock()
	res.out = out.String()
	mu.Unlock()
	res.rt = rt
	return res
}
