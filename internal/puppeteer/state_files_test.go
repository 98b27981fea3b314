package puppeteer

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

type writeOnlyFiles struct{}

func (writeOnlyFiles) WriteFile(string, []byte) error { return nil }

type runFiles map[string]string

func (runFiles) WriteFile(string, []byte) error { return nil }
func (f runFiles) ReadFile(p string) ([]byte, error) {
	if strings.HasPrefix(p, "/") {
		return nil, fs.ErrPermission
	}
	s, ok := f[p]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return []byte(s), nil
}

// addScriptTag/addStyleTag `path:` reads only the run's own files, with
// Puppeteer's sourceURL comment appended.
func TestReadRunFile(t *testing.T) {
	m := &mapper{mod: New(Config{Files: runFiles{"a.js": "x = 1;", "a.css": "p {}"}})}
	if got, err := m.readRunFile("a.js", false); err != nil || got != "x = 1;//# sourceURL=a.js" {
		t.Errorf("script: %q %v", got, err)
	}
	if got, err := m.readRunFile("a.css", true); err != nil || got != "p {}/*# sourceURL=a.css*/" {
		t.Errorf("style: %q %v", got, err)
	}
	if _, err := m.readRunFile("missing.js", false); err == nil || !strings.Contains(err.Error(), "ENOENT") || !strings.Contains(err.Error(), "only files this run wrote") {
		t.Errorf("missing: %v", err)
	}
	if _, err := m.readRunFile("/etc/passwd", false); err == nil || !strings.Contains(err.Error(), "only files this run wrote") || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("outside: %v", err)
	}
	wo := &mapper{mod: New(Config{Files: writeOnlyFiles{}})}
	if _, err := wo.readRunFile("a.js", false); err == nil || !strings.Contains(err.Error(), "no files") {
		t.Errorf("write-only files: %v", err)
	}
}
