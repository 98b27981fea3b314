package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompatJSON(t *testing.T) {
	stdout, stderr, code := runCLI(t, "compat", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []struct {
		Member string `json:"member"`
		Status string `json:"status"`
		Note   string `json:"note"`
	}
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	for _, r := range rows {
		switch r.Status {
		case "supported", "partial", "unsupported":
		default:
			t.Errorf("%s: status %q", r.Member, r.Status)
		}
		if c, m, ok := strings.Cut(r.Member, "."); !ok || c == "" || m == "" {
			t.Errorf("member %q is not Class.member", r.Member)
		}
		byName[r.Member] = r.Status
	}
	// Members the issue names explicitly, in Puppeteer's docs spelling.
	for _, m := range []string{"puppeteer.launch", "Page.keyboard", "HTTPRequest.continue", "Browser.createIncognitoBrowserContext", "Page.$eval", "Page.waitForXPath"} {
		if _, ok := byName[m]; !ok {
			t.Errorf("%s is missing from the list", m)
		}
	}
	if byName["puppeteer.launch"] != "supported" || byName["Page.$eval"] != "supported" {
		t.Errorf("launch %q, $eval %q", byName["puppeteer.launch"], byName["Page.$eval"])
	}
}

func TestCompatText(t *testing.T) {
	stdout, _, code := runCLI(t, "compat")
	if code != ExitOK || !strings.Contains(stdout, "Puppeteer members:") || !strings.Contains(stdout, "Page.goto") {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
	if _, _, code := runCLI(t, "compat", "--json", "--markdown"); code != ExitUsage {
		t.Errorf("two formats: exit %d", code)
	}
}

// TestCompatibilityDocInSync keeps docs/compatibility.md equal to
// `skriptable compat --markdown`; regenerate it with `make docs`.
func TestCompatibilityDocInSync(t *testing.T) {
	stdout, _, code := runCLI(t, "compat", "--markdown")
	if code != ExitOK {
		t.Fatal(code)
	}
	path := filepath.Join("..", "..", "docs", "compatibility.md")
	if os.Getenv("SKRIPTABLE_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != stdout {
		t.Fatal("docs/compatibility.md is out of date: run `make docs`")
	}
}
