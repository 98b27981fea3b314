package api

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/skriptable/skriptable/internal/js"
	"github.com/skriptable/skriptable/internal/store"
)

// Script settings bounds.
const (
	maxNameChars     = 100
	maxFilenameBytes = 200
	minTimeoutMS     = 1_000
	maxTimeoutMS     = 600_000
	minMemoryMB      = 128
	minCPUs          = 0.1
	defaultFilename  = "script.js"
)

// createScriptRequest is the body of POST /scripts.
type createScriptRequest struct {
	Name     *string `json:"name" api:"required" doc:"1 to 100 characters, unique within the tenant"`
	Source   *string `json:"source" api:"required" doc:"JavaScript or TypeScript source, at most 1 MiB; it must compile"`
	Filename *string `json:"filename" doc:"the file name shown in errors and stack traces; .ts/.mts/.cts means TypeScript (default script.js)"`
	settingsFields
}

// settingsFields are the optional run settings of a script, shared by the
// create, replace and patch bodies.
type settingsFields struct {
	Retries   *int     `json:"retries" doc:"extra attempts after a failed run, 0 to 3 (default 0)"`
	TimeoutMS *int64   `json:"timeout_ms" doc:"run time limit, 1000 to 600000 ms (default 60000)"`
	MemoryMB  *int64   `json:"memory_mb" doc:"sandbox memory in MiB, 128 up to the operator's maximum (default 0: the operator's default)"`
	CPUs      *float64 `json:"cpus" doc:"sandbox CPU cores, 0.1 up to the operator's maximum (default 0: the operator's default)"`
}

// any reports whether any setting is present.
func (f settingsFields) any() bool {
	return f.Retries != nil || f.TimeoutMS != nil || f.MemoryMB != nil || f.CPUs != nil
}

// putScriptRequest is the body of PUT /scripts/{id}: a new version and,
// optionally, new settings.
type putScriptRequest struct {
	Source   *string `json:"source" api:"required" doc:"the new version's source; it must compile"`
	Filename *string `json:"filename" doc:"default: the previous version's file name"`
	Name     *string `json:"name" doc:"names are immutable: when given it must equal the current name"`
	settingsFields
}

// patchScriptRequest is the body of PATCH /scripts/{id}: settings only.
type patchScriptRequest struct {
	Name *string `json:"name" doc:"names are immutable: when given it must equal the current name"`
	settingsFields
}

// createScript handles POST /scripts: it compiles the source, then
// creates the script and its version 1 in one transaction.
func (a *API) createScript(w http.ResponseWriter, r *http.Request) error {
	var req createScriptRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return invalid("name", "is required")
	}
	if err := checkDisplayName("name", *req.Name); err != nil {
		return err
	}
	if req.Source == nil {
		return invalid("source", "is required")
	}
	filename, err := checkFilename(req.Filename, defaultFilename)
	if err != nil {
		return err
	}
	set := store.ScriptSettings{TimeoutMS: store.DefaultTimeoutMS}
	if err := a.applySettings(&set, req.settingsFields); err != nil {
		return err
	}
	if err := compileSource(filename, *req.Source); err != nil {
		return err
	}
	sc, err := a.store.CreateScript(r.Context(), tenantID(r), *req.Name, filename, *req.Source, set)
	if errors.Is(err, store.ErrConflict) {
		return conflict("name", "name: a script named %q already exists", *req.Name)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/scripts/"+sc.ID)
	writeJSON(w, http.StatusCreated, NewScriptView(sc))
	return nil
}

// listScripts handles GET /scripts: scripts by name, cursor-paginated.
func (a *API) listScripts(w http.ResponseWriter, r *http.Request) error {
	limit, err := pageLimit(r)
	if err != nil {
		return err
	}
	list, next, err := a.store.ListScripts(r.Context(), tenantID(r), r.URL.Query().Get("cursor"), limit)
	if errors.Is(err, store.ErrInvalid) {
		return badQuery("cursor", "malformed cursor")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Page[ScriptView]{Items: mapItems(list, NewScriptView), NextCursor: next})
	return nil
}

// getScript handles GET /scripts/{id}.
func (a *API) getScript(w http.ResponseWriter, r *http.Request) error {
	sc, err := a.store.GetScript(r.Context(), tenantID(r), r.PathValue("id"))
	if err != nil {
		return orNotFound(err, "script")
	}
	writeJSON(w, http.StatusOK, NewScriptView(sc))
	return nil
}

// putScript handles PUT /scripts/{id}: it compiles the source, then adds
// the version and applies any settings in one transaction. It answers
// 201 with the new version (without its source).
func (a *API) putScript(w http.ResponseWriter, r *http.Request) error {
	var req putScriptRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Source == nil {
		return invalid("source", "is required")
	}
	var filename string
	if req.Filename != nil {
		var err error
		if filename, err = checkFilename(req.Filename, ""); err != nil {
			return err
		}
	}
	var probe store.ScriptSettings
	if err := a.applySettings(&probe, req.settingsFields); err != nil {
		return err
	}
	ctx, tid, id := r.Context(), tenantID(r), r.PathValue("id")
	if filename == "" { // keep the previous version's name
		prev, err := a.store.GetVersion(ctx, tid, id, 0)
		if err != nil {
			return orNotFound(err, "script")
		}
		filename = prev.Filename
	}
	if err := compileSource(filename, *req.Source); err != nil {
		return err
	}
	var v store.ScriptVersion
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		sc, err := tx.GetScript(ctx, tid, id)
		if err != nil {
			return orNotFound(err, "script")
		}
		if err := checkSameName(sc, req.Name); err != nil {
			return err
		}
		if v, err = tx.AddVersion(ctx, tid, id, filename, *req.Source); err != nil {
			return orNotFound(err, "script")
		}
		if !req.any() {
			return nil
		}
		set := sc.Settings()
		if err := a.applySettings(&set, req.settingsFields); err != nil {
			return err
		}
		_, err = tx.UpdateScriptSettings(ctx, tid, id, set)
		return orNotFound(err, "script")
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/scripts/"+id+"/versions/"+strconv.Itoa(v.Version))
	writeJSON(w, http.StatusCreated, NewVersionView(v, false))
	return nil
}

// patchScript handles PATCH /scripts/{id}: settings only.
func (a *API) patchScript(w http.ResponseWriter, r *http.Request) error {
	var req patchScriptRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	var probe store.ScriptSettings
	if err := a.applySettings(&probe, req.settingsFields); err != nil {
		return err
	}
	ctx, tid, id := r.Context(), tenantID(r), r.PathValue("id")
	var out store.Script
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		sc, err := tx.GetScript(ctx, tid, id)
		if err != nil {
			return orNotFound(err, "script")
		}
		if err := checkSameName(sc, req.Name); err != nil {
			return err
		}
		out = sc
		if !req.any() {
			return nil
		}
		set := sc.Settings()
		if err := a.applySettings(&set, req.settingsFields); err != nil {
			return err
		}
		out, err = tx.UpdateScriptSettings(ctx, tid, id, set)
		return orNotFound(err, "script")
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NewScriptView(out))
	return nil
}

// deleteScript handles DELETE /scripts/{id}. The script's versions,
// params, secrets and schedules go with it; its runs stay.
func (a *API) deleteScript(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteScript(r.Context(), tenantID(r), r.PathValue("id")); err != nil {
		return orNotFound(err, "script")
	}
	noContent(w)
	return nil
}

// listVersions handles GET /scripts/{id}/versions (without sources).
func (a *API) listVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := a.store.ListVersions(r.Context(), tenantID(r), r.PathValue("id"))
	if err != nil {
		return orNotFound(err, "script")
	}
	writeJSON(w, http.StatusOK, List[VersionView]{Items: mapItems(vs, func(v store.ScriptVersion) VersionView {
		return NewVersionView(v, false)
	})})
	return nil
}

// getVersion handles GET /scripts/{id}/versions/{n} (with the source);
// n may be "latest".
func (a *API) getVersion(w http.ResponseWriter, r *http.Request) error {
	n := 0
	if s := r.PathValue("n"); s != "latest" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			return notFound("version")
		}
	}
	v, err := a.store.GetVersion(r.Context(), tenantID(r), r.PathValue("id"), n)
	if err != nil {
		return orNotFound(err, "script or version")
	}
	writeJSON(w, http.StatusOK, NewVersionView(v, true))
	return nil
}

// compileSource checks that a script compiles (and is within the size
// and nesting limits) before it is stored.
func compileSource(filename, source string) error {
	_, err := js.Compile(filename, []byte(source), js.Limits{})
	if err == nil {
		return nil
	}
	var se *js.SyntaxError
	var le *js.LimitError
	switch {
	case errors.As(err, &se):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "syntax_error", Field: "source",
			Message: se.Error(), Line: se.Line, Column: se.Column, cause: err}
	case errors.As(err, &le):
		code := "script_too_large"
		if le.Limit == "nesting" {
			code = "script_too_deep"
		}
		return &Error{Status: http.StatusUnprocessableEntity, Code: code, Field: "source", Message: "source: " + le.Msg, cause: err}
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Field: "source", Message: "source: " + err.Error(), cause: err}
}

// applySettings validates the settings present in f and sets them.
func (a *API) applySettings(set *store.ScriptSettings, f settingsFields) error {
	if f.Retries != nil {
		if *f.Retries < 0 || *f.Retries > store.MaxRetries {
			return invalid("retries", "must be from 0 to %d", store.MaxRetries)
		}
		set.Retries = *f.Retries
	}
	if f.TimeoutMS != nil {
		if *f.TimeoutMS < minTimeoutMS || *f.TimeoutMS > maxTimeoutMS {
			return invalid("timeout_ms", "must be from %d to %d", minTimeoutMS, maxTimeoutMS)
		}
		set.TimeoutMS = *f.TimeoutMS
	}
	if f.MemoryMB != nil {
		maxMB := a.maxMemory >> 20
		if m := *f.MemoryMB; m != 0 && (m < minMemoryMB || m > maxMB) {
			return invalid("memory_mb", "must be 0 (the default) or from %d to %d (the operator's maximum)", minMemoryMB, maxMB)
		}
		set.MemoryBytes = *f.MemoryMB << 20
	}
	if f.CPUs != nil {
		if c := *f.CPUs; c != 0 && (c < minCPUs || c > a.maxCPUs || math.IsNaN(c)) {
			return invalid("cpus", "must be 0 (the default) or from %g to %g (the operator's maximum)", minCPUs, a.maxCPUs)
		}
		set.CPUs = *f.CPUs
	}
	return nil
}

// checkSameName enforces that script names are immutable.
func checkSameName(sc store.Script, name *string) error {
	if name != nil && *name != sc.Name {
		return invalid("name", "cannot be changed (it is %q); names are immutable", sc.Name)
	}
	return nil
}

// checkDisplayName validates a script, key or tenant name: 1 to 100
// characters of valid UTF-8 without control characters or surrounding
// spaces.
func checkDisplayName(field, s string) error {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		return invalid(field, "must be valid UTF-8")
	case n < 1 || n > maxNameChars:
		return invalid(field, "must be 1 to %d characters", maxNameChars)
	case strings.TrimSpace(s) != s:
		return invalid(field, "must not start or end with white space")
	case hasControl(s):
		return invalid(field, "must not contain control characters")
	}
	return nil
}

// checkFilename validates an optional file name, returning def when absent.
func checkFilename(p *string, def string) (string, error) {
	if p == nil {
		return def, nil
	}
	s := *p
	switch {
	case s == "" || len(s) > maxFilenameBytes:
		return "", invalid("filename", "must be 1 to %d bytes", maxFilenameBytes)
	case !utf8.ValidString(s) || hasControl(s):
		return "", invalid("filename", "must be valid UTF-8 without control characters")
	case strings.ContainsAny(s, `/\`):
		return "", invalid("filename", "must be a plain file name without slashes")
	}
	return s, nil
}

// hasControl reports whether s contains a control character.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) })
}
