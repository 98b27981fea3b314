package runnerproto

import (
	"errors"
	"fmt"
	"math"
	"mime"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// Log is one console message of the script, or one of Skriptable's own
// notices.
type Log struct {
	// Level is the console method: "log", "info", "debug", "warn",
	// "error" or "trace"; "system" marks Skriptable's own notices such as
	// egress decisions.
	Level  string `json:"level"`
	Text   string `json:"text"`    // formatted like Node's util.format
	TimeMS int64  `json:"time_ms"` // when it was logged, Unix milliseconds (≥ 0)
}

// Step is one named step of a script and how it went.
type Step struct {
	Name       string `json:"name"`            // non-empty
	Status     string `json:"status"`          // "passed", "failed" or "skipped"
	DurationMS int64  `json:"duration_ms"`     // 0 … what a time.Duration holds
	Error      string `json:"error,omitempty"` // why it failed, if it did
}

// ArtifactBegin opens an artifact, a file the script wrote. Its bytes
// follow in chunk frames and an end frame closes it.
type ArtifactBegin struct {
	// Name is a clean relative path ("shots/login.png"): no "..", no
	// leading "/", no NUL, at most MaxNameBytes bytes.
	Name string `json:"name"`
	// Size is the exact number of bytes the chunks carry (≥ 0).
	Size int64 `json:"size"`
	// ContentType is a MIME type ("image/png"), or empty when unknown.
	ContentType string `json:"content_type,omitempty"`
}

// Result is how the run ended; it is the last frame of the stream.
type Result struct {
	// Status is "passed", "failed", "timed_out", "invalid" or "errored".
	Status string `json:"status"`
	Error  string `json:"error,omitempty"` // what the user should see; empty when passed
	// Limit names the limit that ended the run ("timeout"), if any:
	// lower-case letters, digits and '_', at most 64 bytes.
	Limit      string `json:"limit,omitempty"`
	ExitCode   int    `json:"exit_code"`   // process.exit code, if the script called it
	DurationMS int64  `json:"duration_ms"` // 0 … what a time.Duration holds
}

var (
	logLevels    = []string{"log", "info", "debug", "warn", "error", "trace", "system"}
	stepStatuses = []string{"passed", "failed", "skipped"}
	resStatuses  = []string{"passed", "failed", "timed_out", "invalid", "errored"}
)

func oneOf(what, v string, set []string) error {
	for _, s := range set {
		if v == s {
			return nil
		}
	}
	return fmt.Errorf("%s %.64q is not one of %s", what, v, strings.Join(set, ", "))
}

func nonNegative(what string, n int64) error {
	if n < 0 {
		return fmt.Errorf("%s is negative (%d)", what, n)
	}
	return nil
}

// maxMS is the most milliseconds a time.Duration holds.
const maxMS = int64(math.MaxInt64 / time.Millisecond)

func duration(what string, ms int64) error {
	if ms < 0 || ms > maxMS {
		return fmt.Errorf("%s %d is outside 0…%d", what, ms, maxMS)
	}
	return nil
}

func (l *Log) validate() error {
	if err := oneOf("level", l.Level, logLevels); err != nil {
		return err
	}
	return nonNegative("time_ms", l.TimeMS)
}

func (s *Step) validate() error {
	if s.Name == "" {
		return errors.New("step name is empty")
	}
	if err := oneOf("status", s.Status, stepStatuses); err != nil {
		return err
	}
	return duration("duration_ms", s.DurationMS)
}

func (b *ArtifactBegin) validate() error {
	if err := checkArtifactName(b.Name); err != nil {
		return err
	}
	if err := nonNegative("size", b.Size); err != nil {
		return err
	}
	return checkContentType(b.ContentType)
}

func (r *Result) validate() error {
	if err := oneOf("status", r.Status, resStatuses); err != nil {
		return err
	}
	if len(r.Limit) > 64 {
		return fmt.Errorf("limit is %d bytes, over 64", len(r.Limit))
	}
	for _, c := range []byte(r.Limit) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return fmt.Errorf("limit %q may only hold a-z, 0-9 and _", r.Limit)
		}
	}
	return duration("duration_ms", r.DurationMS)
}

// Field lists of the event payloads.

func logFields(l *Log) []field {
	return []field{
		{"level", true, str(&l.Level)},
		{"text", true, str(&l.Text)},
		{"time_ms", true, integer(&l.TimeMS)},
	}
}

func stepFields(s *Step) []field {
	return []field{
		{"name", true, str(&s.Name)},
		{"status", true, str(&s.Status)},
		{"duration_ms", true, integer(&s.DurationMS)},
		{"error", false, str(&s.Error)},
	}
}

func beginFields(b *ArtifactBegin) []field {
	return []field{
		{"name", true, str(&b.Name)},
		{"size", true, integer(&b.Size)},
		{"content_type", false, str(&b.ContentType)},
	}
}

func resultFields(r *Result) []field {
	return []field{
		{"status", true, str(&r.Status)},
		{"error", false, str(&r.Error)},
		{"limit", false, str(&r.Limit)},
		{"exit_code", true, intField(&r.ExitCode)},
		{"duration_ms", true, integer(&r.DurationMS)},
	}
}

// checkArtifactName accepts clean relative paths such as "shots/a.png".
func checkArtifactName(name string) error {
	switch {
	case name == "":
		return errors.New("artifact name is empty")
	case len(name) > MaxNameBytes:
		return fmt.Errorf("artifact name is %d bytes, over %d", len(name), MaxNameBytes)
	case !utf8.ValidString(name):
		return fmt.Errorf("artifact name %q is not valid UTF-8", name)
	case strings.IndexByte(name, 0) >= 0:
		return fmt.Errorf("artifact name %q contains NUL", name)
	case strings.HasPrefix(name, "/"):
		return fmt.Errorf("artifact name %q is absolute", name)
	case name == ".." || strings.HasPrefix(name, "../"):
		return fmt.Errorf("artifact name %q climbs out with ..", name)
	case path.Clean(name) != name || name == ".":
		return fmt.Errorf("artifact name %q is not a clean relative path", name)
	}
	return nil
}

// checkContentType accepts "" and well-formed MIME types of at most 255
// bytes (the launcher may serve them as a Content-Type header).
func checkContentType(ct string) error {
	if ct == "" {
		return nil
	}
	if len(ct) > 255 {
		return fmt.Errorf("content_type is %d bytes, over 255", len(ct))
	}
	for i := 0; i < len(ct); i++ {
		if ct[i] < 0x20 || ct[i] >= 0x7f {
			return fmt.Errorf("content_type %q has a byte outside printable ASCII", ct)
		}
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		return fmt.Errorf("content_type %q: %v", ct, err)
	}
	return nil
}

// cutUTF8 returns s cut to at most n bytes without splitting a UTF-8
// sequence.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	i := n
	for j := 0; j < utf8.UTFMax && i > 0 && !utf8.RuneStart(s[i]); j++ {
		i--
	}
	if !utf8.RuneStart(s[i]) {
		i = n // not valid UTF-8 here anyway: cut where asked
	}
	return s[:i]
}
