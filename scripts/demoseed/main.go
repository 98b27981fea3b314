// Command demoseed is the README demo's second half: against a running
// `skriptable serve`, it uploads examples/login-check.js, points it at the
// example site, schedules it every 5 minutes, runs it once now, prints the
// run's log, and saves its screenshot.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	base := flag.String("api", "http://127.0.0.1:8080", "skriptable serve's URL")
	keyFile := flag.String("key-file", "skriptable-data/admin-key", "admin key file")
	site := flag.String("site", "", "the example site's URL")
	out := flag.String("out", "out", "where to save the screenshot")
	flag.Parse()
	key, err := os.ReadFile(*keyFile)
	check(err)
	c := client{base: strings.TrimRight(*base, "/") + "/api/v1", key: strings.TrimSpace(string(key))}
	src, err := os.ReadFile("examples/login-check.js")
	check(err)

	var sc struct{ ID string }
	var list struct{ Items []struct{ ID, Name string } }
	c.call("GET", "/scripts", nil, &list)
	for _, s := range list.Items {
		if s.Name == "login check (example)" {
			sc.ID = s.ID
		}
	}
	if sc.ID == "" {
		c.call("POST", "/scripts", map[string]any{"name": "login check (example)", "filename": "login-check.js", "source": string(src)}, &sc)
		c.call("POST", "/scripts/"+sc.ID+"/schedules", map[string]any{"cron": "@every 5m"}, nil)
	}
	c.call("PUT", "/scripts/"+sc.ID+"/params/BASE_URL", map[string]string{"value": *site}, nil)
	var run struct{ ID, Status, Error string }
	c.call("POST", "/scripts/"+sc.ID+"/runs", map[string]any{}, &run)
	fmt.Printf("Started run %s of \"login check (example)\" (also scheduled every 5 minutes)\n", run.ID)
	for run.Status == "queued" || run.Status == "running" {
		time.Sleep(300 * time.Millisecond)
		c.call("GET", "/runs/"+run.ID, nil, &run)
	}
	var logs struct{ Events []struct{ Kind, Text string } }
	c.call("GET", "/runs/"+run.ID+"/logs", nil, &logs)
	for _, e := range logs.Events {
		fmt.Printf("  %-6s %s\n", e.Kind, e.Text)
	}
	fmt.Printf("Result: %s %s\n", run.Status, run.Error)
	if run.Status == "passed" {
		img := c.raw("/runs/" + run.ID + "/artifacts/login.png")
		check(os.MkdirAll(*out, 0o755))
		p, _ := filepath.Abs(filepath.Join(*out, "login.png"))
		check(os.WriteFile(p, img, 0o644))
		fmt.Printf("Screenshot: %s\n", p)
	} else {
		os.Exit(1)
	}
}

type client struct{ base, key string }

func (c client) do(method, path string, body any) []byte {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	req.Header.Set("Authorization", "Bearer "+c.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	check(err)
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		check(fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data))
	}
	return data
}

func (c client) call(method, path string, body, out any) {
	data := c.do(method, path, body)
	if out != nil && len(data) > 0 {
		check(json.Unmarshal(data, out))
	}
}

func (c client) raw(path string) []byte { return c.do("GET", path, nil) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}
