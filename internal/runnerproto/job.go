package runnerproto

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/netip"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Job is what the runner needs for one run.
type Job struct {
	// Filename is the script's display name ("login-check.js"): required,
	// at most MaxNameBytes bytes, no NUL.
	Filename string `json:"filename"`
	// Source is the script, at most MaxSource bytes of UTF-8.
	Source string `json:"source"`
	// Params become process.env: names are letters, digits and '_', at
	// most MaxParams entries.
	Params map[string]string `json:"params"`
	// Args become process.argv beyond the script (at most MaxArgs).
	Args []string `json:"args"`
	// TimeoutMS is the whole run's time limit in milliseconds (> 0, and
	// small enough for a time.Duration).
	TimeoutMS int64     `json:"timeout_ms"`
	Limits    JobLimits `json:"limits"`
	// Viewport of new pages; nil: Puppeteer's 800×600.
	Viewport *Viewport `json:"viewport,omitempty"`
	// ProxyAddr is where the runner's egress bridge listens, a loopback
	// IP and port ("127.0.0.1:3128"); empty: no proxy (the none sandbox).
	ProxyAddr string `json:"proxy_addr,omitempty"`
	// ProxySocket is the absolute path of the unix socket the bridge
	// connects to; set exactly when ProxyAddr is.
	ProxySocket string `json:"proxy_socket,omitempty"`
}

// JobLimits bound what one run may produce; zero means the runner's
// default.
type JobLimits struct {
	ArtifactCount int   `json:"artifact_count"` // files written
	ArtifactBytes int64 `json:"artifact_bytes"` // total bytes of files
	LogBytes      int64 `json:"log_bytes"`      // total bytes of log text
}

// Viewport is the size and kind of a page's screen, as in Puppeteer's
// page.setViewport.
type Viewport struct {
	Width             int     `json:"width"`                         // CSS pixels, 1 … 10,000,000
	Height            int     `json:"height"`                        // CSS pixels, 1 … 10,000,000
	DeviceScaleFactor float64 `json:"device_scale_factor,omitempty"` // 0 means 1
	IsMobile          bool    `json:"is_mobile,omitempty"`
	HasTouch          bool    `json:"has_touch,omitempty"`
	IsLandscape       bool    `json:"is_landscape,omitempty"`
}

func (v *Viewport) validate() error {
	const maxSide = 10_000_000
	if v.Width <= 0 || v.Width > maxSide || v.Height <= 0 || v.Height > maxSide {
		return fmt.Errorf("viewport %d×%d is outside 1…%d", v.Width, v.Height, maxSide)
	}
	if math.IsNaN(v.DeviceScaleFactor) || math.IsInf(v.DeviceScaleFactor, 0) || v.DeviceScaleFactor < 0 {
		return fmt.Errorf("viewport device_scale_factor %v is not a finite number ≥ 0", v.DeviceScaleFactor)
	}
	return nil
}

// validate checks everything a job's JSON cannot express.
func (j *Job) validate() error {
	switch {
	case j.Filename == "":
		return errors.New("filename is empty")
	case len(j.Filename) > MaxNameBytes:
		return fmt.Errorf("filename is %d bytes, over %d", len(j.Filename), MaxNameBytes)
	case strings.IndexByte(j.Filename, 0) >= 0:
		return fmt.Errorf("filename %q contains NUL", j.Filename)
	case len(j.Source) > MaxSource:
		return fmt.Errorf("source is %d bytes, over the limit of %d", len(j.Source), MaxSource)
	case len(j.Params) > MaxParams:
		return fmt.Errorf("%d params, over %d", len(j.Params), MaxParams)
	case len(j.Args) > MaxArgs:
		return fmt.Errorf("%d args, over %d", len(j.Args), MaxArgs)
	case j.TimeoutMS <= 0 || j.TimeoutMS > maxMS:
		return fmt.Errorf("timeout_ms is %d; want 1…%d", j.TimeoutMS, maxMS)
	case j.Limits.ArtifactCount < 0 || j.Limits.ArtifactBytes < 0 || j.Limits.LogBytes < 0:
		return fmt.Errorf("limits %+v has a negative value", j.Limits)
	}
	strs := []string{j.Filename, j.Source, j.ProxyAddr, j.ProxySocket}
	for name, v := range j.Params {
		if !paramName(name) {
			return fmt.Errorf("param name %.64q: want letters, digits and _", name)
		}
		strs = append(strs, v)
	}
	strs = append(strs, j.Args...)
	for _, s := range strs {
		if !utf8.ValidString(s) {
			return fmt.Errorf("%.40q is not valid UTF-8", s)
		}
	}
	if j.Viewport != nil {
		if err := j.Viewport.validate(); err != nil {
			return err
		}
	}
	if (j.ProxyAddr == "") != (j.ProxySocket == "") {
		return errors.New("proxy_addr and proxy_socket must be set together")
	}
	if j.ProxyAddr != "" {
		host, port, err := net.SplitHostPort(j.ProxyAddr)
		if err != nil {
			return fmt.Errorf("proxy_addr %.64q: %v", j.ProxyAddr, err)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.IsLoopback() || ip.Zone() != "" {
			return fmt.Errorf("proxy_addr %.64q: host must be a loopback IP address", j.ProxyAddr)
		}
		// Port 0 asks the runner to pick a free port (the unisolated
		// driver shares the host's loopback with other runs).
		if p, err := strconv.ParseUint(port, 10, 16); err != nil || strconv.FormatUint(p, 10) != port {
			return fmt.Errorf("proxy_addr %.64q: port must be 0…65535", j.ProxyAddr)
		}
		s := j.ProxySocket
		if !path.IsAbs(s) || path.Clean(s) != s || len(s) > 107 || strings.IndexByte(s, 0) >= 0 {
			return fmt.Errorf("proxy_socket %.64q: want a clean absolute path of at most 107 bytes", s)
		}
	}
	return nil
}

func paramName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func jobFields(j *Job) []field {
	return []field{
		{"filename", true, str(&j.Filename)},
		{"source", true, str(&j.Source)},
		{"params", false, stringMap(&j.Params, MaxParams)},
		{"args", false, stringSlice(&j.Args, MaxArgs)},
		{"timeout_ms", true, integer(&j.TimeoutMS)},
		{"limits", true, func(raw []byte) error {
			l := &j.Limits
			return object(raw, []field{
				{"artifact_count", true, intField(&l.ArtifactCount)},
				{"artifact_bytes", true, integer(&l.ArtifactBytes)},
				{"log_bytes", true, integer(&l.LogBytes)},
			})
		}},
		{"viewport", false, func(raw []byte) error {
			v := new(Viewport)
			j.Viewport = v
			return object(raw, []field{
				{"width", true, intField(&v.Width)},
				{"height", true, intField(&v.Height)},
				{"device_scale_factor", false, float(&v.DeviceScaleFactor)},
				{"is_mobile", false, boolean(&v.IsMobile)},
				{"has_touch", false, boolean(&v.HasTouch)},
				{"is_landscape", false, boolean(&v.IsLandscape)},
			})
		}},
		{"proxy_addr", false, str(&j.ProxyAddr)},
		{"proxy_socket", false, str(&j.ProxySocket)},
	}
}

// WriteJob validates j and writes it to w as the one job frame. Nil Params
// and Args are sent as empty. Jobs whose encoding exceeds DefaultMaxJob
// bytes are refused.
func WriteJob(w io.Writer, j Job) error {
	if err := j.validate(); err != nil {
		return fmt.Errorf("runnerproto: invalid job: %w", err)
	}
	if j.Params == nil {
		j.Params = map[string]string{}
	}
	if j.Args == nil {
		j.Args = []string{}
	}
	frame, err := encodeFrame(nil, TypeJob, &j)
	if err != nil {
		return fmt.Errorf("runnerproto: encode job: %w", err)
	}
	if n := len(frame) - HeaderSize; n > DefaultMaxJob {
		return fmt.Errorf("runnerproto: job is %d bytes encoded, over the limit of %d", n, DefaultMaxJob)
	}
	if _, err := w.Write(frame); err != nil {
		return fmt.Errorf("runnerproto: write job: %w", err)
	}
	return nil
}

// ReadJob reads the one job frame from r, which must then end, and
// validates it. max caps the frame's payload (≤ 0: DefaultMaxJob); the
// length header is checked before the payload is read.
func ReadJob(r io.Reader, max int) (Job, error) {
	if max <= 0 {
		max = DefaultMaxJob
	}
	var hdr [HeaderSize]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return Job{}, fmt.Errorf("runnerproto: read job: truncated frame header (%d of %d bytes)", n, HeaderSize)
		}
		return Job{}, fmt.Errorf("runnerproto: read job: %w", err)
	}
	if hdr[4] != TypeJob {
		return Job{}, fmt.Errorf("runnerproto: read job: frame type %s, want 'J'", typeName(hdr[4]))
	}
	size := binary.BigEndian.Uint32(hdr[:4])
	if uint64(size) > uint64(max) {
		return Job{}, fmt.Errorf("runnerproto: read job: frame of %d bytes is over the limit of %d", size, max)
	}
	payload := make([]byte, size)
	if n, err := io.ReadFull(r, payload); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return Job{}, fmt.Errorf("runnerproto: read job: truncated frame (%d of %d bytes)", n, size)
		}
		return Job{}, fmt.Errorf("runnerproto: read job: %w", err)
	}
	var one [1]byte
	if n, err := io.ReadFull(r, one[:]); n > 0 || err != io.EOF {
		if n > 0 {
			return Job{}, errors.New("runnerproto: read job: data after the job frame")
		}
		return Job{}, fmt.Errorf("runnerproto: read job: %w", err)
	}
	var j Job
	if err := decodeObject(payload, jobFields(&j)); err != nil {
		return Job{}, fmt.Errorf("runnerproto: invalid job: %w", err)
	}
	if err := j.validate(); err != nil {
		return Job{}, fmt.Errorf("runnerproto: invalid job: %w", err)
	}
	return j, nil
}

// encodeFrame appends a frame of type t carrying v as JSON to buf.
// Strings are coerced to valid UTF-8 and HTML characters are not escaped.
func encodeFrame(buf []byte, t byte, v any) ([]byte, error) {
	b := bytes.NewBuffer(append(buf, 0, 0, 0, 0, t))
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return buf, err
	}
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	if len(out)-len(buf)-HeaderSize > math.MaxUint32 {
		return buf, errors.New("payload does not fit a frame")
	}
	binary.BigEndian.PutUint32(out[len(buf):], uint32(len(out)-len(buf)-HeaderSize))
	return out, nil
}

// typeName shows a frame type byte for error messages.
func typeName(t byte) string {
	if t >= 0x20 && t < 0x7f {
		return fmt.Sprintf("%q", rune(t))
	}
	return fmt.Sprintf("0x%02x", t)
}
