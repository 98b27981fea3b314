package api

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

// The JSON views below are what the API sends. They are exported (with
// their New… constructors) so the dashboard renders the same shapes.
// Times are UTC (RFC 3339 in JSON); optional fields are omitted when
// unset.

// ScriptView is a script without its source.
type ScriptView struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	LatestVersion int       `json:"latest_version"`
	Retries       int       `json:"retries"`
	TimeoutMS     int64     `json:"timeout_ms"`
	MemoryMB      int64     `json:"memory_mb" doc:"0: the operator's default"`
	CPUs          float64   `json:"cpus" doc:"0: the operator's default"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// NewScriptView renders a script.
func NewScriptView(s store.Script) ScriptView {
	return ScriptView{ID: s.ID, Name: s.Name, LatestVersion: s.LatestVersion, Retries: s.Retries,
		TimeoutMS: s.TimeoutMS, MemoryMB: s.MemoryBytes >> 20, CPUs: s.CPUs, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

// VersionView is one version of a script; Source is present only when a
// single version is fetched.
type VersionView struct {
	ScriptID  string    `json:"script_id"`
	Version   int       `json:"version"`
	Filename  string    `json:"filename"`
	SHA256    string    `json:"sha256"`
	Size      *int      `json:"size,omitempty"` // source bytes, with Source
	Source    *string   `json:"source,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// NewVersionView renders a version; withSource includes its source.
func NewVersionView(v store.ScriptVersion, withSource bool) VersionView {
	out := VersionView{ScriptID: v.ScriptID, Version: v.Version, Filename: v.Filename, SHA256: v.SHA256,
		CreatedAt: v.CreatedAt.UTC()}
	if withSource {
		src, n := v.Source, len(v.Source)
		out.Source, out.Size = &src, &n
	}
	return out
}

// RunView is a run.
type RunView struct {
	ID              string            `json:"id"`
	ScriptID        string            `json:"script_id"`
	ScriptName      string            `json:"script_name"`
	ScriptVersion   int               `json:"script_version"`
	Trigger         string            `json:"trigger"`
	ScheduleID      string            `json:"schedule_id,omitempty"`
	Params          map[string]string `json:"params"`
	Status          string            `json:"status"`
	Attempt         int               `json:"attempt"`
	MaxAttempts     int               `json:"max_attempts"`
	QueuedAt        time.Time         `json:"queued_at"`
	StartedAt       *time.Time        `json:"started_at,omitempty"`
	FinishedAt      *time.Time        `json:"finished_at,omitempty"`
	DurationMS      *int64            `json:"duration_ms,omitempty"` // once finished
	Error           string            `json:"error,omitempty"`
	Limit           string            `json:"limit,omitempty"`
	ExitCode        *int              `json:"exit_code,omitempty"`
	CancelRequested bool              `json:"cancel_requested"`
}

// NewRunView renders a run.
func NewRunView(x store.Run) RunView {
	v := RunView{ID: x.ID, ScriptID: x.ScriptID, ScriptName: x.ScriptName, ScriptVersion: x.ScriptVersion,
		Trigger: x.Trigger, ScheduleID: x.ScheduleID, Params: x.Params, Status: x.Status, Attempt: x.Attempt,
		MaxAttempts: x.MaxAttempts, QueuedAt: x.QueuedAt.UTC(), StartedAt: optTime(x.StartedAt),
		FinishedAt: optTime(x.FinishedAt), Error: x.Error, Limit: x.Limit, ExitCode: x.ExitCode,
		CancelRequested: x.CancelRequested}
	if v.Params == nil {
		v.Params = map[string]string{}
	}
	if !x.FinishedAt.IsZero() {
		d := x.DurationMS
		v.DurationMS = &d
	}
	return v
}

// EventView is one entry of a run's timeline. Level is set for logs;
// Step for step events.
type EventView struct {
	Seq   int64           `json:"seq"`
	Time  time.Time       `json:"time"`
	Kind  string          `json:"kind"` // log, step, system
	Level string          `json:"level,omitempty"`
	Text  string          `json:"text"`
	Step  *store.StepInfo `json:"step,omitempty"`
}

// NewEventView renders a run event.
func NewEventView(e store.RunEvent) EventView {
	return EventView{Seq: e.Seq, Time: time.UnixMilli(e.TimeMS).UTC(), Kind: e.Kind, Level: e.Level,
		Text: e.Text, Step: e.Step}
}

// ArtifactView is an artifact's metadata and where to download it.
type ArtifactView struct {
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	DownloadURL string    `json:"download_url"` // absolute path on this server
}

// NewArtifactView renders an artifact.
func NewArtifactView(a store.Artifact) ArtifactView {
	return ArtifactView{Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
		CreatedAt: a.CreatedAt.UTC(), DownloadURL: ArtifactPath(a.RunID, a.Name)}
}

// ArtifactPath is the API path downloading artifact name of a run, each
// element of the name escaped and its slashes kept.
func ArtifactPath(runID, name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/api/v1/runs/" + url.PathEscape(runID) + "/artifacts/" + strings.Join(parts, "/")
}

// ScheduleView is a schedule with two computed fields: Description (the
// cron expression in words) and NextRuns (its next three slots, without
// jitter; empty when the expression no longer parses).
type ScheduleView struct {
	ID            string            `json:"id"`
	ScriptID      string            `json:"script_id"`
	Cron          string            `json:"cron"`
	Timezone      string            `json:"timezone"`
	JitterSeconds int               `json:"jitter_seconds"`
	Enabled       bool              `json:"enabled"`
	Params        map[string]string `json:"params"`
	Description   string            `json:"description"`
	NextRuns      []time.Time       `json:"next_runs"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
}

// ParamView is a script parameter.
type ParamView struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// NewParamViews renders a params map as a list sorted by name.
func NewParamViews(m map[string]string) []ParamView {
	out := make([]ParamView, 0, len(m))
	for k, v := range m {
		out = append(out, ParamView{Name: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SecretView describes a secret. It has no value field, by design.
type SecretView struct {
	Name      string    `json:"name"`
	UpdatedAt time.Time `json:"updated_at"`
}

// KeyView is an API key without its plaintext.
type KeyView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// NewKeyView renders an API key.
func NewKeyView(k store.APIKey) KeyView {
	return KeyView{ID: k.ID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt.UTC(),
		LastUsedAt: optTime(k.LastUsedAt), RevokedAt: optTime(k.RevokedAt)}
}

// NewKeyResponse is a freshly minted key: the only time its plaintext
// (Key) is shown.
type NewKeyResponse struct {
	KeyView
	Key string `json:"key"`
}

// TenantView is a tenant.
type TenantView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Admin     bool      `json:"admin"`
	CreatedAt time.Time `json:"created_at"`
}

// NewTenantView renders a tenant.
func NewTenantView(t store.Tenant) TenantView {
	return TenantView{ID: t.ID, Name: t.Name, Admin: t.Admin, CreatedAt: t.CreatedAt.UTC()}
}

// NewTenantResponse is a created tenant and the plaintext of its first
// API key (shown once).
type NewTenantResponse struct {
	Tenant TenantView `json:"tenant"`
	Key    string     `json:"key"`
}

// Page is one page of a cursor-paginated list. NextCursor is "" on the
// last page; otherwise pass it as ?cursor= to get the next one.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// List is a complete (unpaginated) list.
type List[T any] struct {
	Items []T `json:"items"`
}

// LogsView is a slice of a run's events; pass NextAfter as ?after= to
// continue.
type LogsView struct {
	Events    []EventView `json:"events"`
	NextAfter int64       `json:"next_after"`
}

// optTime is nil for the zero time, else the time in UTC.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// mapItems renders a slice, never returning nil (so JSON has []).
func mapItems[S, T any](in []S, f func(S) T) []T {
	out := make([]T, 0, len(in))
	for _, s := range in {
		out = append(out, f(s))
	}
	return out
}
