package runnerproto

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	logs := []Log{
		{Level: "log", Text: "hello <b>&</b> ünïcödé 🙂", TimeMS: 1700000000000},
		{Level: "system", Text: "egress: allowed example.com:443", TimeMS: 1},
		{Level: "error", Text: "", TimeMS: 0},
	}
	for _, l := range logs {
		if err := w.Log(l); err != nil {
			t.Fatal(err)
		}
	}
	step := Step{Name: "log in", Status: "failed", DurationMS: 12, Error: "timeout"}
	if err := w.Step(step); err != nil {
		t.Fatal(err)
	}
	if err := w.Artifact("shots/big.bin", "application/octet-stream", big); err != nil {
		t.Fatal(err)
	}
	if err := w.Artifact("empty.txt", "", nil); err != nil {
		t.Fatal(err)
	}
	res := Result{Status: "timed_out", Error: "run timed out", Limit: "timeout", ExitCode: 3, DurationMS: 60000}
	if err := w.Result(res); err != nil {
		t.Fatal(err)
	}

	evs, r, err := readAll(buf.Bytes(), Limits{})
	mustClean(t, evs, err)
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next after EOF: %v", err)
	}
	for i, ev := range evs {
		if set(ev) != 1 {
			t.Fatalf("event %d has %d fields set", i, set(ev))
		}
	}
	for i, l := range logs {
		if *evs[i].Log != l {
			t.Errorf("log %d = %+v, want %+v", i, *evs[i].Log, l)
		}
	}
	if *evs[3].Step != step {
		t.Errorf("step = %+v", *evs[3].Step)
	}
	if b := evs[4].Begin; b == nil || *b != (ArtifactBegin{"shots/big.bin", 1 << 20, "application/octet-stream"}) {
		t.Fatalf("begin = %+v", b)
	}
	var got []byte
	i := 5
	for ; evs[i].Chunk != nil; i++ {
		if len(evs[i].Chunk) > ChunkSize {
			t.Fatalf("chunk of %d bytes", len(evs[i].Chunk))
		}
		got = append(got, evs[i].Chunk...)
	}
	if i-5 != 4 || !bytes.Equal(got, big) {
		t.Fatalf("artifact came in %d chunks, equal=%v", i-5, bytes.Equal(got, big))
	}
	if !evs[i].End || evs[i+1].Begin.Name != "empty.txt" || !evs[i+2].End {
		t.Fatalf("events %d…: %+v %+v %+v", i, evs[i], evs[i+1], evs[i+2])
	}
	if *evs[i+3].Result != res {
		t.Fatalf("result = %+v", *evs[i+3].Result)
	}
	if r.LogTruncated() {
		t.Error("LogTruncated")
	}
}

func TestWriterClosedAfterResult(t *testing.T) {
	t.Parallel()
	w := NewWriter(io.Discard)
	if err := w.Result(Result{Status: "passed"}); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"Log":      w.Log(Log{Level: "log"}),
		"Step":     w.Step(Step{Name: "x", Status: "passed"}),
		"Artifact": w.Artifact("a", "", nil),
		"Result":   w.Result(Result{Status: "passed"}),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Result: %v, want ErrClosed", name, err)
		}
	}
}

func TestWriterRefusesWhatReaderWould(t *testing.T) {
	t.Parallel()
	w := NewWriter(io.Discard)
	for name, err := range map[string]error{
		"level":        w.Log(Log{Level: "shout"}),
		"time":         w.Log(Log{Level: "log", TimeMS: -1}),
		"step name":    w.Step(Step{Status: "passed"}),
		"step status":  w.Step(Step{Name: "a", Status: "ok"}),
		"climb":        w.Artifact("../etc/passwd", "", nil),
		"absolute":     w.Artifact("/etc/passwd", "", nil),
		"content type": w.Artifact("a.txt", "text/plain\r\nX-Evil: 1", nil),
		"status":       w.Result(Result{Status: "great"}),
		"limit":        w.Result(Result{Status: "failed", Limit: "Time Out"}),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Refusals write nothing and do not close the stream.
	if err := w.Result(Result{Status: "passed"}); err != nil {
		t.Fatal(err)
	}
}

func TestWriterSplitsAndCutsToFitFrames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("\x01é<", 1<<20) // escapes grow it up to sixfold
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Log(Log{Level: "info", Text: long, TimeMS: 9}); err != nil {
		t.Fatal(err)
	}
	if err := w.Step(Step{Name: long, Status: "failed", Error: long}); err != nil {
		t.Fatal(err)
	}
	if err := w.Result(Result{Status: "failed", Error: long}); err != nil {
		t.Fatal(err)
	}
	evs, _, err := readAll(buf.Bytes(), Limits{MaxLogBytes: 1 << 30})
	mustClean(t, evs, err)
	var text strings.Builder
	for _, ev := range evs {
		if ev.Log != nil {
			if ev.Log.Level != "info" || ev.Log.TimeMS != 9 {
				t.Fatalf("piece %+v", ev.Log)
			}
			text.WriteString(ev.Log.Text)
		}
	}
	if len(evs) < 4 || text.String() != long {
		t.Fatalf("%d events; text intact: %v", len(evs), text.String() == long)
	}
	s, res := evs[len(evs)-2].Step, evs[len(evs)-1].Result
	if !strings.HasSuffix(s.Name, "… [truncated]") || !strings.HasSuffix(s.Error, "… [truncated]") ||
		!strings.HasSuffix(res.Error, "… [truncated]") {
		t.Fatal("long step or result texts were not cut")
	}
}

func TestWriterCoercesInvalidUTF8(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Log(Log{Level: "log", Text: "a\xffb"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Result(Result{Status: "passed"}); err != nil {
		t.Fatal(err)
	}
	evs, _, err := readAll(buf.Bytes(), Limits{})
	mustClean(t, evs, err)
	if evs[0].Log.Text != "a\uFFFDb" {
		t.Fatalf("text %q", evs[0].Log.Text)
	}
	if err := w.Artifact("bad\xff", "", nil); err == nil {
		t.Fatal("artifact name with invalid UTF-8 accepted")
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("broken pipe")
	}
	f.n--
	return len(p), nil
}

func TestWriterErrorIsSticky(t *testing.T) {
	t.Parallel()
	w := NewWriter(&failWriter{n: 2}) // begin, first chunk header; then fail
	if err := w.Artifact("a", "", make([]byte, 10)); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Fatalf("Artifact: %v", err)
	}
	if err := w.Log(Log{Level: "log"}); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Fatalf("Log after a failed write: %v", err)
	}
}

func TestLogTruncation(t *testing.T) {
	t.Parallel()
	log := func(text string) []byte {
		return rawFrame('L', `{"level":"log","text":"`+text+`","time_ms":1}`)
	}
	data := cat(log("12345"), log("67é90"), log("dropped"), log("dropped too"),
		rawFrame('S', `{"name":"s","status":"passed","duration_ms":0}`), rawFrame('R', okResult))
	evs, r, err := readAll(data, Limits{MaxLogBytes: 8})
	mustClean(t, evs, err)
	if !r.LogTruncated() {
		t.Fatal("LogTruncated is false")
	}
	if len(evs) != 4 || evs[0].Log.Text != "12345" || evs[2].Step == nil {
		t.Fatalf("events %+v", evs)
	}
	// 3 bytes left: "67" fits, "é" would be cut in half, so it goes.
	want := "67\n[log output truncated: limit of 8 bytes reached]"
	if evs[1].Log.Text != want {
		t.Fatalf("cut log %q, want %q", evs[1].Log.Text, want)
	}

	// Dropped logs are still checked.
	data = cat(log("123456789"), rawFrame('L', `{"level":"shout","text":"","time_ms":1}`), rawFrame('R', okResult))
	_, _, err = readAll(data, Limits{MaxLogBytes: 8})
	if v, ok := asViolation(err); !ok || !strings.Contains(v.Reason, `level "shout"`) {
		t.Fatalf("invalid dropped log: %v", err)
	}
}
