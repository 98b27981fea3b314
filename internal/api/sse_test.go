package api

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

// sseEvent is one parsed Server-Sent Event, or a comment line.
type sseEvent struct {
	id, event, data string
	comment         string
}

// sseClient reads a stream in the background.
type sseClient struct {
	t      *testing.T
	res    *http.Response
	events chan sseEvent
	done   chan struct{} // closed at EOF or read error
	cancel context.CancelFunc
}

// openSSE opens a stream and fails unless it answers 200 text/event-stream.
func (e *env) openSSE(path, key string, hdr ...string) *sseClient {
	e.t.Helper()
	ctx, cancel := context.WithCancel(e.ctx)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", "text/event-stream")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		cancel()
		e.t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		e.t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	c := &sseClient{t: e.t, res: res, events: make(chan sseEvent, 100), done: make(chan struct{}), cancel: cancel}
	e.t.Cleanup(c.close)
	go c.read()
	return c
}

func (c *sseClient) read() {
	defer close(c.done)
	sc := bufio.NewScanner(c.res.Body)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.event != "" || ev.data != "" || ev.id != "" {
				c.events <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, ":"):
			c.events <- sseEvent{comment: strings.TrimSpace(line[1:])}
		case strings.HasPrefix(line, "id: "):
			ev.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			ev.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			ev.data = line[6:]
		case strings.HasPrefix(line, "retry: "):
		default:
			c.t.Errorf("unexpected stream line %q", line)
		}
	}
}

func (c *sseClient) close() {
	c.cancel()
	c.res.Body.Close()
}

// next returns the next event, skipping comments.
func (c *sseClient) next() sseEvent {
	c.t.Helper()
	for {
		select {
		case ev := <-c.events:
			if ev.comment != "" {
				continue
			}
			return ev
		case <-c.done:
			select {
			case ev := <-c.events:
				if ev.comment == "" {
					return ev
				}
				continue
			default:
			}
			c.t.Fatalf("stream ended while an event was expected")
		case <-time.After(10 * time.Second):
			c.t.Fatalf("no event within 10 s")
		}
	}
}

// expect reads the next event and checks its name (and id, when not "").
func (c *sseClient) expect(event, id string) sseEvent {
	c.t.Helper()
	ev := c.next()
	if ev.event != event || ev.id != id {
		c.t.Fatalf("got event %q id %q (%s), want %q id %q", ev.event, ev.id, ev.data, event, id)
	}
	return ev
}

// expectRun reads a status or end event and returns its run.
func (c *sseClient) expectRun(event, status string) RunView {
	c.t.Helper()
	ev := c.expect(event, "")
	var run RunView
	if err := json.Unmarshal([]byte(ev.data), &run); err != nil {
		c.t.Fatalf("%s data: %v", event, err)
	}
	if run.Status != status {
		c.t.Fatalf("%s: run status %q, want %q", event, run.Status, status)
	}
	return run
}

// expectEnd waits for the server to close the stream.
func (c *sseClient) expectEnd() {
	c.t.Helper()
	select {
	case <-c.done:
		for {
			select {
			case ev := <-c.events:
				if ev.comment == "" {
					c.t.Errorf("event after end: %+v", ev)
				}
			default:
				return
			}
		}
	case <-time.After(10 * time.Second):
		c.t.Fatalf("stream not closed within 10 s")
	}
}

// logEvent is a log event with text.
func logEvent(text string) store.RunEvent {
	return store.RunEvent{Kind: store.EventLog, Level: "log", Text: text}
}

// testEventsStream: stored events, then live ones after Notifier
// wake-ups (the fallback poll is an hour, so only wake-ups can deliver
// them), status changes, and the end event once the run is over.
func testEventsStream(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t), withSSE(time.Hour, time.Hour))
	a, tid := e.alice.key, e.alice.tenant.ID
	run := e.mkRun(a, e.mkScript(a, "s").ID)
	e.appendEvents(e.alice, run.ID, logEvent("one"),
		store.RunEvent{Kind: store.EventStep, Text: "step", Step: &store.StepInfo{Name: "opens", Status: "passed", DurationMS: 5}},
		store.RunEvent{Kind: store.EventSystem, Text: "attempt 1"})

	c := e.openSSE("/api/v1/runs/"+run.ID+"/events", a)
	if c.res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", c.res.Header.Get("Cache-Control"))
	}
	var ev EventView
	if err := json.Unmarshal([]byte(c.expect("log", "1").data), &ev); err != nil || ev.Text != "one" || ev.Seq != 1 {
		t.Errorf("event 1 = %+v, %v", ev, err)
	}
	if err := json.Unmarshal([]byte(c.expect("step", "2").data), &ev); err != nil || ev.Step == nil || ev.Step.Name != "opens" {
		t.Errorf("event 2 = %+v, %v", ev, err)
	}
	c.expect("system", "3")
	c.expectRun("status", "queued")
	if n := e.notifier.Watching(run.ID); n != 1 {
		t.Fatalf("%d watchers", n)
	}

	e.appendEvents(e.alice, run.ID, logEvent("four"))
	e.notifier.Wake(run.ID)
	c.expect("log", "4")
	if _, err := e.store.MarkRunning(e.ctx, tid, run.ID, 1); err != nil {
		t.Fatal(err)
	}
	e.notifier.Wake(run.ID)
	c.expectRun("status", "running")

	e.appendEvents(e.alice, run.ID, logEvent("five"))
	if _, err := e.store.Finish(e.ctx, tid, run.ID, store.RunResult{Status: store.StatusPassed}); err != nil {
		t.Fatal(err)
	}
	e.notifier.Wake(run.ID)
	c.expect("log", "5")
	c.expectRun("status", "passed")
	end := c.expectRun("end", "passed")
	if end.FinishedAt == nil || end.DurationMS == nil {
		t.Errorf("end run = %+v", end)
	}
	c.expectEnd()
	eventually(t, "the handler to stop watching", func() bool { return e.notifier.Watching(run.ID) == 0 })
}

// testEventsResume: Last-Event-ID (or ?after=) skips what the client has.
func testEventsResume(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t))
	a := e.alice.key
	run := e.mkRun(a, e.mkScript(a, "s").ID)
	for i := 1; i <= 5; i++ {
		e.appendEvents(e.alice, run.ID, logEvent("event "+strconv.Itoa(i)))
	}
	if _, err := e.store.Finish(e.ctx, e.alice.tenant.ID, run.ID, store.RunResult{Status: store.StatusErrored, Error: "lost"}); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/runs/" + run.ID + "/events"

	c := e.openSSE(path, a, "Last-Event-ID", "3")
	c.expect("log", "4")
	c.expect("log", "5")
	c.expectRun("status", "errored")
	if end := c.expectRun("end", "errored"); end.Error != "lost" {
		t.Errorf("end = %+v", end)
	}
	c.expectEnd()

	c = e.openSSE(path+"?after=4", a)
	c.expect("log", "5")
	c.expectRun("status", "errored")
	c.expectRun("end", "errored")
	c.expectEnd()

	c = e.openSSE(path+"?after=0", a, "Last-Event-ID", "4") // the header wins
	c.expect("log", "5")
	c.expectRun("status", "errored")
	c.expectRun("end", "errored")
	c.expectEnd()

	c = e.openSSE(path, a, "Last-Event-ID", "5")
	c.expectRun("status", "errored")
	c.expectRun("end", "errored")
	c.expectEnd()

	e.wantErr(400, "invalid_query", "GET", path, a, nil, "Last-Event-ID", "x")
	e.wantErr(400, "invalid_query", "GET", path+"?after=x", a, nil)
	e.wantErr(404, "not_found", "GET", "/api/v1/runs/nope/events", a, nil)
}

// testEventsPollAndHeartbeat: without a Notifier the stream still
// delivers (by polling), and it sends heartbeat comments.
func testEventsPollAndHeartbeat(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t), withConfig(func(c *Config) { c.Notifier = nil }),
		withSSE(20*time.Millisecond, 30*time.Millisecond))
	a := e.alice.key
	run := e.mkRun(a, e.mkScript(a, "s").ID)
	c := e.openSSE("/api/v1/runs/"+run.ID+"/events", a)
	c.expectRun("status", "queued")
	// A heartbeat comment arrives.
	deadline := time.After(10 * time.Second)
	for heartbeat := false; !heartbeat; {
		select {
		case ev := <-c.events:
			heartbeat = ev.comment == "heartbeat"
			if ev.comment == "" {
				t.Fatalf("unexpected event %+v", ev)
			}
		case <-deadline:
			t.Fatal("no heartbeat")
		}
	}
	e.appendEvents(e.alice, run.ID, logEvent("polled"))
	c.expect("log", "1")
	if _, err := e.store.Finish(e.ctx, e.alice.tenant.ID, run.ID, store.RunResult{Status: store.StatusTimedOut, Limit: "timeout"}); err != nil {
		t.Fatal(err)
	}
	c.expectRun("status", "timed_out")
	if end := c.expectRun("end", "timed_out"); end.Limit != "timeout" {
		t.Errorf("end = %+v", end)
	}
	c.expectEnd()
}

// testEventsClientDisconnect: when the client goes away, the handler
// returns (it stops watching, and the server records the exchange as
// done) although the run is still going.
func testEventsClientDisconnect(t *testing.T, newConfig func(*testing.T) store.Config) {
	e := newEnv(t, newConfig(t), withSSE(time.Hour, time.Hour))
	a := e.alice.key
	run := e.mkRun(a, e.mkScript(a, "s").ID)
	path := "/api/v1/runs/" + run.ID + "/events"
	finished := func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, x := range e.exchanges {
			if x.path == path {
				return true
			}
		}
		return false
	}
	for range 3 { // several streams at once, closed one by one
		cs := []*sseClient{e.openSSE(path, a), e.openSSE(path, a)}
		for _, c := range cs {
			c.expectRun("status", "queued")
		}
		eventually(t, "two watchers", func() bool { return e.notifier.Watching(run.ID) == 2 })
		cs[0].close()
		eventually(t, "one watcher", func() bool { return e.notifier.Watching(run.ID) == 1 })
		cs[1].close()
		eventually(t, "no watcher", func() bool { return e.notifier.Watching(run.ID) == 0 })
	}
	eventually(t, "the handler to return", finished)
	r, err := e.store.GetRun(e.ctx, e.alice.tenant.ID, run.ID)
	if err != nil || r.Status != store.StatusQueued {
		t.Errorf("run = %+v, %v", r, err)
	}
}
