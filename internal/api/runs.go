package api

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/skriptable/skriptable/internal/store"
)

// Log page sizes of GET /runs/{id}/logs.
const (
	defaultLogLimit = 500
	maxLogLimit     = store.MaxPageSize
)

// Param bounds (as the store enforces them).
const (
	maxParamName  = 128
	maxParamValue = 64 << 10
	maxParams     = 100
)

// enqueueRequest is the body of POST /scripts/{id}/runs.
type enqueueRequest struct {
	Params map[string]string `json:"params" doc:"overrides of the script's parameters for this run only"`
}

// enqueueRun handles POST /scripts/{id}/runs: it queues a run of the
// script's latest version (trigger "api", or "manual" from a dashboard
// session) and answers 202 with it.
func (a *API) enqueueRun(w http.ResponseWriter, r *http.Request) error {
	var req enqueueRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := checkParams("params", req.Params); err != nil {
		return err
	}
	trigger := store.TriggerAPI
	if caller(r).session != nil {
		trigger = store.TriggerManual // "Run now" in the dashboard
	}
	run, err := a.runs.Enqueue(r.Context(), tenantID(r), r.PathValue("id"), trigger, req.Params)
	if err != nil {
		return orNotFound(err, "script")
	}
	w.Header().Set("Location", "/api/v1/runs/"+run.ID)
	writeJSON(w, http.StatusAccepted, NewRunView(run))
	return nil
}

// listRuns handles GET /runs: newest first, filtered by ?script=,
// ?status=, ?since= and ?until= (RFC 3339, on the queue time),
// cursor-paginated.
func (a *API) listRuns(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := pageLimit(r)
	if err != nil {
		return err
	}
	f := store.RunFilter{ScriptID: q.Get("script"), Status: q.Get("status")}
	if f.Status != "" && f.Status != store.StatusQueued && f.Status != store.StatusRunning && !store.IsTerminal(f.Status) {
		return badQuery("status", "must be one of queued, running, %s", strings.Join(store.TerminalStatuses, ", "))
	}
	if f.Since, err = queryTime(r, "since"); err != nil {
		return err
	}
	if f.Until, err = queryTime(r, "until"); err != nil {
		return err
	}
	runs, next, err := a.store.ListRuns(r.Context(), tenantID(r), f, q.Get("cursor"), limit)
	if errors.Is(err, store.ErrInvalid) {
		return badQuery("cursor", "malformed cursor")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Page[RunView]{Items: mapItems(runs, NewRunView), NextCursor: next})
	return nil
}

// queryTime parses an optional RFC 3339 query parameter.
func queryTime(r *http.Request, name string) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, badQuery(name, "must be an RFC 3339 time such as 2025-01-31T12:00:00Z")
	}
	return t, nil
}

// getRun handles GET /runs/{id}.
func (a *API) getRun(w http.ResponseWriter, r *http.Request) error {
	run, err := a.store.GetRun(r.Context(), tenantID(r), r.PathValue("id"))
	if err != nil {
		return orNotFound(err, "run")
	}
	writeJSON(w, http.StatusOK, NewRunView(run))
	return nil
}

// cancelRun handles POST /runs/{id}/cancel: 202 with the run as it is
// after the request; 409 when it had already finished.
func (a *API) cancelRun(w http.ResponseWriter, r *http.Request) error {
	var req struct{} // no fields; an empty body or {}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	run, err := a.runs.Cancel(r.Context(), tenantID(r), r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrConflict):
		return conflict("", "run already finished")
	case err != nil:
		return orNotFound(err, "run")
	}
	writeJSON(w, http.StatusAccepted, NewRunView(run))
	return nil
}

// runLogs handles GET /runs/{id}/logs: the run's events with seq >
// ?after= (default 0), at most ?limit= (default 500, at most 1000), as
// JSON {events, next_after}; or, when the client prefers text/plain
// (Accept), as "HH:MM:SS.mmm level text" lines (then without ?limit= all
// remaining events are sent).
func (a *API) runLogs(w http.ResponseWriter, r *http.Request) error {
	after, err := queryInt(r, "after", 0, 0, math.MaxInt64)
	if err != nil {
		return err
	}
	text := prefersText(r.Header.Get("Accept"))
	def := int64(defaultLogLimit)
	if text {
		def = 0 // everything
	}
	limit, err := queryInt(r, "limit", def, 1, maxLogLimit)
	if err != nil {
		return err
	}
	ctx, tid, id := r.Context(), tenantID(r), r.PathValue("id")
	if !text {
		evs, err := a.store.ListRunEvents(ctx, tid, id, after, int(limit))
		if err != nil {
			return orNotFound(err, "run")
		}
		next := after
		if len(evs) > 0 {
			next = evs[len(evs)-1].Seq
		}
		writeJSON(w, http.StatusOK, LogsView{Events: mapItems(evs, NewEventView), NextAfter: next})
		return nil
	}
	// Plain text: the first page decides between 404 and 200.
	page := int(limit)
	if limit == 0 {
		page = maxLogLimit
	}
	evs, err := a.store.ListRunEvents(ctx, tid, id, after, page)
	if err != nil {
		return orNotFound(err, "run")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	bw := bufio.NewWriter(w)
	for {
		for _, e := range evs {
			_, _ = bw.WriteString(FormatLogLine(e))
			after = e.Seq
		}
		if limit != 0 || len(evs) < page {
			break
		}
		if evs, err = a.store.ListRunEvents(ctx, tid, id, after, page); err != nil {
			// The status line is sent; end the body early and log.
			if ctx.Err() == nil {
				a.log.Error("api: streaming logs", "run", id, "err", err)
			}
			break
		}
	}
	return bw.Flush()
}

// FormatLogLine renders an event as one plain-text log line,
// "HH:MM:SS.mmm level text\n" (UTC). Steps read "step <status> <name>
// (<n> ms)[: error]" and Skriptable's own notices have level "system".
// Continuation lines of a multi-line text are indented by two spaces.
func FormatLogLine(e store.RunEvent) string {
	level, text := e.Level, e.Text
	switch e.Kind {
	case store.EventSystem:
		level = "system"
	case store.EventStep:
		level = "step"
		if e.Step != nil {
			text = fmt.Sprintf("%s %s (%d ms)", e.Step.Status, e.Step.Name, e.Step.DurationMS)
			if e.Step.Error != "" {
				text += ": " + e.Step.Error
			}
		}
	}
	if level == "" {
		level = "log"
	}
	text = strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n  ")
	return time.UnixMilli(e.TimeMS).UTC().Format("15:04:05.000") + " " + level + " " + text + "\n"
}

// prefersText reports whether an Accept header prefers text/plain over
// JSON: the first of the two listed (ignoring q-values) wins.
func prefersText(accept string) bool {
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "text/plain":
			return true
		case "application/json", "*/*", "application/*":
			return false
		}
	}
	return false
}

// checkParams validates a params object: names like environment
// variables, values of at most 64 KiB. Error messages never quote values
// (a param may be sensitive).
func checkParams(field string, p map[string]string) error {
	if len(p) > maxParams {
		return invalid(field, "at most %d parameters", maxParams)
	}
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if err := checkParamName(field+"."+k, k); err != nil {
			return err
		}
		if err := checkParamValue(field+"."+k, p[k]); err != nil {
			return err
		}
	}
	return nil
}

// checkParamName validates a param or secret name.
func checkParamName(field, s string) error {
	ok := s != "" && len(s) <= maxParamName
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		letter := c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		ok = letter || (i > 0 && c >= '0' && c <= '9')
	}
	if !ok {
		return invalid(field, "name must match [A-Za-z_][A-Za-z0-9_]* and be at most %d characters", maxParamName)
	}
	return nil
}

// checkParamValue validates a param or secret value without quoting it.
func checkParamValue(field, v string) error {
	if len(v) > maxParamValue {
		return invalid(field, "value must be at most %d bytes", maxParamValue)
	}
	if !utf8.ValidString(v) {
		return invalid(field, "value must be valid UTF-8")
	}
	return nil
}
