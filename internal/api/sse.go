package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

// runEvents handles GET /runs/{id}/events, a Server-Sent Events stream of
// the run's timeline:
//
//   - first the stored events after the Last-Event-ID header (or ?after=,
//     default 0), each as "id: <seq>\nevent: log|step|system\ndata:
//     <EventView JSON>";
//   - "event: status" with the RunView (no id) when the stream starts and
//     whenever the run's status changes;
//   - then new events as they are stored: the stream wakes on
//     Notifier.Watch and, as a fallback, every second (or the
//     notifier's FallbackPoll);
//   - once the run is terminal and every event stored before that has
//     been sent, "event: end" with the final RunView, and the stream
//     closes;
//   - a ": heartbeat" comment every 15 s keeps proxies from timing out.
//
// The handler returns as soon as the client disconnects.
func (a *API) runEvents(w http.ResponseWriter, r *http.Request) error {
	ctx, tid, id := r.Context(), tenantID(r), r.PathValue("id")
	after, err := sseAfter(r)
	if err != nil {
		return err
	}
	var wake <-chan struct{}
	if a.notifier != nil { // before the first read, so no news is missed
		var stop func()
		wake, stop = a.notifier.Watch(id)
		defer stop()
	}
	run, err := a.store.GetRun(ctx, tid, id)
	if err != nil {
		return orNotFound(err, "run")
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's WriteTimeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	s := &sseWriter{bw: bufio.NewWriter(w), rc: rc}
	s.printf("retry: 2000\n\n")

	poll := time.NewTicker(a.ssePollEvery())
	defer poll.Stop()
	heartbeat := time.NewTicker(a.sseHeartbeat)
	defer heartbeat.Stop()
	lastStatus := ""
	for {
		// Events first, then the status; when the status is terminal,
		// drain once more: every event stored before the run ended is
		// then sent before "end".
		if after, err = a.sendEvents(s, r, id, after); err != nil {
			return a.endStream(r, err)
		}
		if run, err = a.store.GetRun(ctx, tid, id); err != nil {
			return a.endStream(r, err)
		}
		terminal := store.IsTerminal(run.Status)
		if terminal {
			if after, err = a.sendEvents(s, r, id, after); err != nil {
				return a.endStream(r, err)
			}
		}
		if run.Status != lastStatus {
			s.event("", "status", NewRunView(run))
			lastStatus = run.Status
		}
		if terminal {
			s.event("", "end", NewRunView(run))
			return a.endStream(r, s.flush())
		}
		if err := s.flush(); err != nil {
			return a.endStream(r, err)
		}
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return nil
			case _, ok := <-wake:
				if !ok {
					wake = nil // the notifier gave up on us: poll only
				}
				waiting = false
			case <-poll.C:
				waiting = false
			case <-heartbeat.C:
				s.printf(": heartbeat\n\n")
				if err := s.flush(); err != nil {
					return a.endStream(r, err)
				}
			}
		}
	}
}

// ssePollEvery is the fallback poll interval: the API's own, unless the
// notifier says how often its wake-ups can be missed (FallbackPoller).
func (a *API) ssePollEvery() time.Duration {
	if fp, ok := a.notifier.(FallbackPoller); ok && fp.FallbackPoll() > 0 {
		return fp.FallbackPoll()
	}
	return a.ssePoll
}

// sendEvents writes all stored events after seq `after` and returns the
// last seq written.
func (a *API) sendEvents(s *sseWriter, r *http.Request, id string, after int64) (int64, error) {
	for {
		evs, err := a.store.ListRunEvents(r.Context(), tenantID(r), id, after, store.MaxPageSize)
		if err != nil {
			return after, err
		}
		for _, e := range evs {
			s.event(strconv.FormatInt(e.Seq, 10), e.Kind, NewEventView(e))
			after = e.Seq
		}
		if s.err != nil {
			return after, s.err
		}
		if len(evs) < store.MaxPageSize {
			return after, nil
		}
	}
}

// endStream ends a stream whose headers were sent: errors can no longer
// become responses, so a client that went away ends it quietly and
// anything else is logged.
func (a *API) endStream(r *http.Request, err error) error {
	if err != nil && r.Context().Err() == nil {
		a.log.Warn("api: event stream ended", "path", r.URL.Path, "err", err)
	}
	return nil
}

// sseAfter is the seq the stream resumes after: Last-Event-ID (sent by
// reconnecting EventSource clients) wins over ?after=.
func sseAfter(r *http.Request) (int64, error) {
	if s := strings.TrimSpace(r.Header.Get("Last-Event-ID")); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return 0, &Error{Status: http.StatusBadRequest, Code: "invalid_query", Field: "Last-Event-ID",
				Message: "Last-Event-ID: must be an event seq (a non-negative integer)"}
		}
		return n, nil
	}
	return queryInt(r, "after", 0, 0, math.MaxInt64)
}

// sseWriter writes Server-Sent Events; the first write error sticks and
// turns later writes into no-ops.
type sseWriter struct {
	bw  *bufio.Writer
	rc  *http.ResponseController
	err error
}

func (s *sseWriter) printf(format string, args ...any) {
	if s.err == nil {
		_, s.err = fmt.Fprintf(s.bw, format, args...)
	}
}

// event writes one event; id "" writes none (the client keeps its last
// event id).
func (s *sseWriter) event(id, name string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		if s.err == nil {
			s.err = err
		}
		return
	}
	if id != "" {
		s.printf("id: %s\n", id)
	}
	s.printf("event: %s\ndata: %s\n\n", name, b)
}

func (s *sseWriter) flush() error {
	if s.err == nil {
		s.err = s.bw.Flush()
	}
	if s.err == nil {
		s.err = s.rc.Flush()
	}
	return s.err
}
