package runnerproto

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func validJob() Job {
	return Job{
		Filename:    "login-check.js",
		Source:      "console.log(process.env.USER, 1 < 2 && 3 > 2)\n",
		Params:      map[string]string{"USER": "ada", "API_KEY_2": "s3cr3t"},
		Args:        []string{"--fast", ""},
		TimeoutMS:   60_000,
		Limits:      JobLimits{ArtifactCount: 50, ArtifactBytes: 100 << 20, LogBytes: 10 << 20},
		Viewport:    &Viewport{Width: 1280, Height: 720, DeviceScaleFactor: 2, IsMobile: true},
		ProxyAddr:   "127.0.0.1:3128",
		ProxySocket: "/run/skriptable/egress.sock",
	}
}

func TestJobRoundTrip(t *testing.T) {
	t.Parallel()
	for name, j := range map[string]Job{
		"full":    validJob(),
		"minimal": {Filename: "a.js", TimeoutMS: 1},
	} {
		var buf bytes.Buffer
		if err := WriteJob(&buf, j); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bytes.Contains(buf.Bytes(), []byte(`\u003c`)) || bytes.Contains(buf.Bytes(), []byte("null")) {
			t.Errorf("%s: encoding escapes HTML or sends null: %s", name, buf.Bytes())
		}
		got, err := ReadJob(&buf, 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if j.Params == nil {
			j.Params, j.Args = map[string]string{}, []string{}
		}
		if !reflect.DeepEqual(got, j) {
			t.Errorf("%s: got %+v\nwant %+v", name, got, j)
		}
	}
}

func TestWriteJobRefusesInvalidJobs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		edit   func(*Job)
		reason string
	}{
		{"missing filename", func(j *Job) { j.Filename = "" }, "filename is empty"},
		{"long filename", func(j *Job) { j.Filename = strings.Repeat("a", 256) }, "filename is 256 bytes, over 255"},
		{"NUL filename", func(j *Job) { j.Filename = "a\x00.js" }, "contains NUL"},
		{"huge source", func(j *Job) { j.Source = strings.Repeat("x", MaxSource+1) }, "source is 1048577 bytes, over the limit of 1048576"},
		{"invalid UTF-8", func(j *Job) { j.Source = "\xff" }, "not valid UTF-8"},
		{"bad param name", func(j *Job) { j.Params = map[string]string{"API-KEY": "x"} }, `param name "API-KEY"`},
		{"empty param name", func(j *Job) { j.Params = map[string]string{"": "x"} }, `param name ""`},
		{"too many params", func(j *Job) {
			j.Params = map[string]string{}
			for i := range MaxParams + 1 {
				j.Params["P"+itoa(i)] = ""
			}
		}, "1001 params, over 1000"},
		{"zero timeout", func(j *Job) { j.TimeoutMS = 0 }, "timeout_ms is 0; want 1…"},
		{"overflowing timeout", func(j *Job) { j.TimeoutMS = 1 << 62 }, "timeout_ms is 4611686018427387904; want 1…9223372036854"},
		{"negative limit", func(j *Job) { j.Limits.LogBytes = -1 }, "negative"},
		{"viewport", func(j *Job) { j.Viewport = &Viewport{Width: 0, Height: 10} }, "viewport 0×10"},
		{"proxy half", func(j *Job) { j.ProxySocket = "" }, "must be set together"},
		{"proxy not loopback", func(j *Job) { j.ProxyAddr = "10.0.0.1:3128" }, "loopback IP"},
		{"proxy hostname", func(j *Job) { j.ProxyAddr = "localhost:3128" }, "loopback IP"},
		{"proxy port", func(j *Job) { j.ProxyAddr = "127.0.0.1:99999" }, "port must be"},
		{"proxy socket", func(j *Job) { j.ProxySocket = "run/x.sock" }, "proxy_socket"},
	} {
		j := validJob()
		tc.edit(&j)
		var buf bytes.Buffer
		err := WriteJob(&buf, j)
		if err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.reason)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes", tc.name, buf.Len())
		}
	}
}

func TestReadJobRefusesInvalidFrames(t *testing.T) {
	t.Parallel()
	const ok = `"source":"","timeout_ms":1,"limits":{"artifact_count":0,"artifact_bytes":0,"log_bytes":0}`
	job := func(body string) []byte { return rawFrame('J', body) }
	for _, tc := range []struct {
		name   string
		data   []byte
		max    int
		reason string
	}{
		{"empty", nil, 0, "truncated frame header (0 of 5 bytes)"},
		{"wrong type", rawFrame('L', "{}"), 0, "frame type 'L', want 'J'"},
		{"over max", header('J', 101), 100, "frame of 101 bytes is over the limit of 100"},
		{"over default", header('J', DefaultMaxJob+1), 0, "over the limit of 8388608"},
		{"truncated", job(`{"filename":"a.js",` + ok + `}`)[:20], 0, "truncated frame (15 of"},
		{"data after", cat(job(`{"filename":"a.js",`+ok+`}`), []byte{0}), 0, "data after the job frame"},
		{"missing filename", job(`{` + ok + `}`), 0, `missing required field "filename"`},
		{"empty filename", job(`{"filename":"",` + ok + `}`), 0, "filename is empty"},
		{"missing limits", job(`{"filename":"a","source":"","timeout_ms":1}`), 0, `missing required field "limits"`},
		{"missing limit", job(`{"filename":"a","source":"","timeout_ms":1,"limits":{"artifact_count":0,"artifact_bytes":0}}`), 0, `field "limits": missing required field "log_bytes"`},
		{"unknown field", job(`{"filename":"a.js","sandbox":"none",` + ok + `}`), 0, `unknown field "sandbox"`},
		{"unknown nested", job(`{"filename":"a.js","viewport":{"width":1,"height":1,"depth":3},` + ok + `}`), 0, `field "viewport": unknown field "depth"`},
		{"bad param name", job(`{"filename":"a.js","params":{"A B":"x"},` + ok + `}`), 0, `param name "A B"`},
		{"duplicate param", job(`{"filename":"a.js","params":{"A":"x","A":"y"},` + ok + `}`), 0, `duplicate key "A"`},
		{"param not string", job(`{"filename":"a.js","params":{"A":1},` + ok + `}`), 0, `key "A": want a string`},
		{"null param", job(`{"filename":"a.js","params":{"A":null},` + ok + `}`), 0, `key "A": want a string, got null`},
		{"null args", job(`{"filename":"a.js","args":null,` + ok + `}`), 0, `field "args" is null`},
		{"arg not string", job(`{"filename":"a.js","args":["a",true],` + ok + `}`), 0, `element 1: want a string, got a boolean`},
		{"huge source", job(`{"filename":"a.js","source":"` + strings.Repeat("x", MaxSource+1) + `","timeout_ms":1,"limits":{"artifact_count":0,"artifact_bytes":0,"log_bytes":0}}`), 0, "source is 1048577 bytes"},
		{"float timeout", job(`{"filename":"a.js","source":"","timeout_ms":1e3,"limits":{"artifact_count":0,"artifact_bytes":0,"log_bytes":0}}`), 0, `field "timeout_ms": want an integer`},
		{"bool as int", job(`{"filename":"a.js","viewport":{"width":true,"height":1},` + ok + `}`), 0, `field "width": want an integer, got a boolean`},
		{"trailing data", job(`{"filename":"a.js",` + ok + `} 1`), 0, "invalid JSON"},
		{"invalid UTF-8", job("{\"filename\":\"\xc3\",\"" + ok[1:] + "}"), 0, "payload is not valid UTF-8"},
	} {
		_, err := ReadJob(bytes.NewReader(tc.data), tc.max)
		if err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: got %v\nwant %q", tc.name, err, tc.reason)
		}
	}
}
