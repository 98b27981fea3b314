package runnerproto

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

func TestViolations(t *testing.T) {
	t.Parallel()
	res := rawFrame('R', okResult)
	log := rawFrame('L', `{"level":"log","text":"hi","time_ms":1}`)
	begin := func(name string, size int) []byte {
		return rawFrame('A', `{"name":"`+name+`","size":`+itoa(size)+`}`)
	}
	chunk := func(n int) []byte { return rawFrame('C', strings.Repeat("x", n)) }
	end := rawFrame('E', "")
	small := Limits{MaxFrame: 100, MaxArtifacts: 2, MaxArtifactBytes: 10, MaxFrames: 5}

	for _, tc := range []struct {
		name   string
		data   []byte
		limits Limits
		reason string
	}{
		{"empty stream", nil, Limits{}, "stream ended without a result"},
		{"no result", log, Limits{}, "stream ended without a result"},
		{"ends inside artifact", cat(begin("a", 2), chunk(1)), Limits{}, `stream ended without a result, inside artifact "a"`},
		{"unknown type", cat(rawFrame('X', "{}"), res), Limits{}, "unknown frame type 'X'"},
		{"job from runner", cat(rawFrame('J', "{}"), res), Limits{}, "unknown frame type 'J'"},
		{"binary type", cat(rawFrame(0, ""), res), Limits{}, "unknown frame type 0x00"},
		{"frame over MaxFrame", cat(header('L', 101)), small, "'L' frame of 101 bytes is over the limit of 100"},
		{"huge header", header('R', 1<<32-1), Limits{}, "'R' frame of 4294967295 bytes is over the limit of 1048576"},
		{"truncated header", res[:3], Limits{}, "truncated frame header (3 of 5 bytes)"},
		{"truncated payload", res[:10], Limits{}, "truncated 'R' frame (5 of"},
		{"truncated chunk", cat(begin("a", 5), chunk(5)[:7]), Limits{}, "truncated 'C' frame (2 of 5 payload bytes)"},
		{"frame after result", cat(res, log), Limits{}, "data after the result frame"},
		{"byte after result", cat(res, []byte{0}), Limits{}, "data after the result frame"},
		{"two results", cat(res, res), Limits{}, "data after the result frame"},
		{"invalid JSON", cat(rawFrame('L', `{"level":"log",`), res), Limits{}, "invalid log frame: invalid JSON"},
		{"empty payload", cat(rawFrame('S', ``), res), Limits{}, "invalid step frame: invalid JSON"},
		{"not an object", cat(rawFrame('L', `["log"]`), res), Limits{}, "invalid log frame: want a JSON object, got an array"},
		{"trailing data", cat(rawFrame('R', okResult+`{}`), res), Limits{}, "invalid result frame: invalid JSON"},
		{"long unknown field", cat(rawFrame('L', `{"`+strings.Repeat("k", 1000)+`":1}`), res), Limits{}, `unknown field "kkkk`},
		{"unknown field", cat(rawFrame('L', `{"level":"log","text":"","time_ms":1,"pid":1}`), res), Limits{}, `invalid log frame: unknown field "pid"`},
		{"duplicate field", cat(rawFrame('R', `{"status":"failed","status":"passed","exit_code":0,"duration_ms":1}`)), Limits{}, `invalid result frame: duplicate field "status"`},
		{"missing field", cat(rawFrame('L', `{"level":"log","time_ms":1}`), res), Limits{}, `invalid log frame: missing required field "text"`},
		{"null field", cat(rawFrame('L', `{"level":"log","text":null,"time_ms":1}`), res), Limits{}, `invalid log frame: field "text" is null`},
		{"wrong type string", cat(rawFrame('L', `{"level":"log","text":5,"time_ms":1}`), res), Limits{}, `field "text": want a string, got a number`},
		{"wrong type int", cat(rawFrame('L', `{"level":"log","text":"","time_ms":"1"}`), res), Limits{}, `field "time_ms": want an integer, got a string`},
		{"fraction", cat(rawFrame('S', `{"name":"a","status":"passed","duration_ms":1.5}`), res), Limits{}, `field "duration_ms": want an integer of at most 64 bits, got 1.5`},
		{"overflow", cat(rawFrame('R', `{"status":"passed","exit_code":99999999999999999999,"duration_ms":1}`)), Limits{}, `field "exit_code": want an integer`},
		{"invalid UTF-8", cat(rawFrame('L', "{\"level\":\"log\",\"text\":\"\xff\",\"time_ms\":1}"), res), Limits{}, "invalid log frame: payload is not valid UTF-8"},
		{"bad level", cat(rawFrame('L', `{"level":"shout","text":"","time_ms":1}`), res), Limits{}, `invalid log frame: level "shout" is not one of log, info`},
		{"negative time", cat(rawFrame('L', `{"level":"log","text":"","time_ms":-1}`), res), Limits{}, "time_ms is negative"},
		{"overflowing duration", rawFrame('R', `{"status":"passed","exit_code":0,"duration_ms":9223372036854775807}`), Limits{}, "duration_ms 9223372036854775807 is outside 0…9223372036854"},
		{"bad step status", cat(rawFrame('S', `{"name":"a","status":"ok","duration_ms":1}`), res), Limits{}, `invalid step frame: status "ok"`},
		{"empty step name", cat(rawFrame('S', `{"name":"","status":"passed","duration_ms":1}`), res), Limits{}, "step name is empty"},
		{"bad result status", rawFrame('R', `{"status":"won","exit_code":0,"duration_ms":1}`), Limits{}, `invalid result frame: status "won"`},
		{"bad result limit", rawFrame('R', `{"status":"failed","limit":"Time\nOut","exit_code":0,"duration_ms":1}`), Limits{}, "may only hold a-z"},
		{"name climbs", cat(begin("../x", 0), end, res), Limits{}, `artifact name "../x" climbs out with ..`},
		{"name is ..", cat(begin("..", 0), end, res), Limits{}, `climbs out`},
		{"name absolute", cat(begin("/etc/x", 0), end, res), Limits{}, `artifact name "/etc/x" is absolute`},
		{"name unclean", cat(begin("a/../../b", 0), end, res), Limits{}, "is not a clean relative path"},
		{"name dot", cat(begin(".", 0), end, res), Limits{}, "is not a clean relative path"},
		{"name trailing slash", cat(begin("a/", 0), end, res), Limits{}, "is not a clean relative path"},
		{"name NUL", cat(begin(`a\u0000b`, 0), end, res), Limits{}, "contains NUL"},
		{"name empty", cat(begin("", 0), end, res), Limits{}, "artifact name is empty"},
		{"name long", cat(begin(strings.Repeat("a", 256), 0), end, res), Limits{}, "artifact name is 256 bytes, over 255"},
		{"negative size", cat(begin("a", -1), end, res), Limits{}, "size is negative"},
		{"bad content type", cat(rawFrame('A', `{"name":"a","size":0,"content_type":"text/html\r\nX: y"}`), end, res), Limits{}, "content_type"},
		{"chunk outside", cat(chunk(1), res), Limits{}, "artifact chunk outside an artifact"},
		{"chunk after end", cat(begin("a", 1), chunk(1), end, chunk(1), res), Limits{}, "artifact chunk outside an artifact"},
		{"empty chunk", cat(begin("a", 1), rawFrame('C', ""), chunk(1), end, res), Limits{}, `empty artifact chunk in artifact "a"`},
		{"chunk over ChunkSize", cat(begin("a", 1<<20), header('C', ChunkSize+1)), Limits{}, "artifact chunk of 262145 bytes is over the chunk size of 262144"},
		{"nested begin", cat(begin("a", 1), begin("b", 1)), Limits{}, `nested artifact begin: artifact "a" is open`},
		{"end without begin", cat(end, res), Limits{}, "artifact end without a begin"},
		{"end with payload", cat(begin("a", 0), rawFrame('E', "x"), res), Limits{}, "artifact end frame has a 1-byte payload"},
		{"chunk over size", cat(begin("a", 3), chunk(2), chunk(2), end, res), Limits{}, `artifact "a": chunk of 2 bytes exceeds the declared size of 3 (1 bytes left)`},
		{"early end", cat(begin("a", 3), chunk(2), end, res), Limits{}, `artifact "a" ended after 2 of its declared 3 bytes`},
		{"too many artifacts", cat(begin("a", 0), end, begin("b", 0), end, begin("c", 0)), small, "more than 2 artifacts"},
		{"too many artifact bytes", cat(begin("a", 6), chunk(6), end, begin("b", 5)), small, `artifact "b" of 5 bytes takes artifacts over the limit of 10 bytes (6 used)`},
		{"one huge artifact", begin("a", 1<<62), Limits{}, "over the limit of 104857600 bytes"},
		{"result in artifact", cat(begin("a", 1), res), Limits{}, `result while artifact "a" is open`},
		{"log in artifact", cat(begin("a", 1), log), Limits{}, `'L' frame inside artifact "a"`},
		{"too many frames", cat(log, log, log, log, log, res), small, "more than 5 frames"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, r, err := readAll(tc.data, tc.limits)
			v, ok := asViolation(err)
			if !ok {
				t.Fatalf("got %v, want a violation", err)
			}
			if !strings.Contains(v.Reason, tc.reason) {
				t.Fatalf("reason %q\nwant it to contain %q", v.Reason, tc.reason)
			}
			if len(v.Reason) > 400 {
				t.Fatalf("reason of %d bytes: the runner controls its length", len(v.Reason))
			}
			if !strings.HasPrefix(err.Error(), "runner protocol violation: ") {
				t.Fatalf("Error() = %q", err)
			}
			if _, again := r.Next(); again != err {
				t.Fatalf("error not sticky: %v", again)
			}
			if cap(r.buf) > r.lim.MaxFrame {
				t.Fatalf("payload buffer of %d bytes", cap(r.buf))
			}
		})
	}
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// A header claiming a huge frame is refused before anything is allocated
// for it.
func TestHugeHeaderAllocatesNothing(t *testing.T) {
	stream := cat(header('L', 1<<32-1), bytes.Repeat([]byte("x"), 64))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 100 {
		r := NewReader(bytes.NewReader(stream), Limits{})
		if _, err := r.Next(); err == nil {
			t.Fatal("no error")
		}
	}
	runtime.ReadMemStats(&after)
	// 100 readers with a 64 KiB bufio buffer each, and no 4 GiB payload.
	if d := after.TotalAlloc - before.TotalAlloc; d > 100*(80<<10) {
		t.Fatalf("allocated %d bytes", d)
	}
}

// A read error that is not the runner's fault is not a violation.
func TestReadErrorIsNotAViolation(t *testing.T) {
	t.Parallel()
	r := NewReader(iotest.ErrReader(io.ErrClosedPipe), Limits{})
	_, err := r.Next()
	if _, ok := asViolation(err); ok || err == nil || !strings.Contains(err.Error(), "closed pipe") {
		t.Fatalf("got %v", err)
	}
}

// A one-byte-at-a-time reader yields the same events.
func TestSlowReader(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	_ = w.Log(Log{Level: "log", Text: "a"})
	_ = w.Artifact("x", "image/png", []byte("png"))
	_ = w.Result(Result{Status: "passed"})
	r := NewReader(iotest.OneByteReader(bytes.NewReader(buf.Bytes())), Limits{})
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 5 {
		t.Fatalf("%d events", n)
	}
}
