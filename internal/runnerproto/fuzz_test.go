package runnerproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
)

// fuzzLimits are small so that the fuzzer reaches every limit.
var fuzzLimits = Limits{MaxFrame: 4096, MaxLogBytes: 256, MaxArtifacts: 4, MaxArtifactBytes: 64 << 10, MaxFrames: 200}

func validStream(tb testing.TB) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, err := range []error{
		w.Log(Log{Level: "info", Text: "hello\n\"wörld\" \u2028", TimeMS: 1}),
		w.Step(Step{Name: "open", Status: "passed", DurationMS: 3}),
		w.Artifact("shots/a.png", "image/png", bytes.Repeat([]byte{0x89, 'P'}, 300)),
		w.Artifact("empty", "", nil),
		w.Log(Log{Level: "system", Text: "egress: denied 10.0.0.1", TimeMS: 2}),
		w.Result(Result{Status: "failed", Error: "boom", Limit: "timeout", ExitCode: 1, DurationMS: 9}),
	} {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return buf.Bytes()
}

func FuzzReader(f *testing.F) {
	valid := validStream(f)
	f.Add(valid)
	for _, cut := range []int{0, 3, 5, 20, len(valid) / 2, len(valid) - 1} {
		f.Add(valid[:cut])
	}
	flipped := bytes.Clone(valid)
	flipped[4] = 'X'
	f.Add(flipped)
	f.Add(append(bytes.Clone(valid), valid...))
	f.Add(cat(rawFrame('A', `{"name":"a","size":3}`), rawFrame('C', "ab"), rawFrame('E', ""), rawFrame('R', okResult)))
	f.Add(cat(rawFrame('L', `{"level":"log","text":"`+string(bytes.Repeat([]byte("é"), 200))+`","time_ms":1}`), rawFrame('R', okResult)))
	f.Add(cat(header('L', 1<<31), rawFrame('R', okResult)))
	f.Add(cat(rawFrame('S', `{"name":"a","status":"passed","duration_ms":1,"name":"b"}`), rawFrame('R', okResult)))

	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), fuzzLimits)
		var evs []Event
		var err error
		open, declared, got := false, int64(0), int64(0)
		logText := 0
		for {
			var ev Event
			ev, err = r.Next()
			// Allocation is bounded by the limits, not by the header.
			if cap(r.buf) > fuzzLimits.MaxFrame {
				t.Fatalf("payload buffer of %d bytes", cap(r.buf))
			}
			if err != nil {
				break
			}
			if n := set(ev); n != 1 {
				t.Fatalf("event with %d fields set: %+v", n, ev)
			}
			if len(evs) > 0 && evs[len(evs)-1].Result != nil {
				t.Fatal("event after a result")
			}
			switch {
			case ev.Log != nil:
				logText += len(ev.Log.Text)
			case ev.Begin != nil:
				open, declared, got = true, ev.Begin.Size, 0
			case ev.Chunk != nil:
				if !open || len(ev.Chunk) > ChunkSize || cap(ev.Chunk) != len(ev.Chunk) {
					t.Fatalf("bad chunk of %d bytes (open %v)", len(ev.Chunk), open)
				}
				got += int64(len(ev.Chunk))
			case ev.End:
				if !open || got != declared {
					t.Fatalf("end after %d of %d bytes (open %v)", got, declared, open)
				}
				open = false
			}
			evs = append(evs, ev)
		}
		if len(evs) > fuzzLimits.MaxFrames {
			t.Fatalf("%d events", len(evs))
		}
		if logText > int(fuzzLimits.MaxLogBytes)+64 {
			t.Fatalf("%d bytes of log text", logText)
		}
		if _, again := r.Next(); again != err {
			t.Fatalf("error not sticky: %v then %v", err, again)
		}
		if err != io.EOF {
			var v *Violation
			if !errors.As(err, &v) {
				t.Fatalf("stream ended with %T %v, want io.EOF or a violation", err, err)
			}
			return
		}
		if len(evs) == 0 || evs[len(evs)-1].Result == nil {
			t.Fatal("io.EOF without a result")
		}
		// Whatever the Reader accepts, the Writer can send again, and
		// it decodes to the same events (logs within the budget).
		if r.LogTruncated() {
			return
		}
		var buf bytes.Buffer
		w := NewWriter(&buf)
		var art *ArtifactBegin
		var content []byte
		for _, ev := range evs {
			var err error
			switch {
			case ev.Log != nil:
				err = w.Log(*ev.Log)
			case ev.Step != nil:
				err = w.Step(*ev.Step)
			case ev.Begin != nil:
				art, content = ev.Begin, []byte{}
			case ev.Chunk != nil:
				content = append(content, ev.Chunk...)
			case ev.End:
				err = w.Artifact(art.Name, art.ContentType, content)
			case ev.Result != nil:
				err = w.Result(*ev.Result)
			}
			if err != nil {
				t.Fatalf("Writer refuses what Reader accepted: %v", err)
			}
		}
		again, _, err := readAll(buf.Bytes(), Limits{MaxLogBytes: fuzzLimits.MaxLogBytes})
		if err != io.EOF {
			t.Fatalf("re-encoded stream: %v", err)
		}
		if !reflect.DeepEqual(normalize(again), normalize(evs)) {
			t.Fatalf("re-encoded stream differs:\n%+v\n%+v", again, evs)
		}
	})
}

// normalize joins each artifact's chunks, which may be split differently.
func normalize(evs []Event) []Event {
	var out []Event
	for _, ev := range evs {
		if ev.Chunk != nil && len(out) > 0 && out[len(out)-1].Chunk != nil {
			out[len(out)-1].Chunk = append(out[len(out)-1].Chunk, ev.Chunk...)
			continue
		}
		if ev.Chunk != nil {
			ev.Chunk = bytes.Clone(ev.Chunk)
		}
		out = append(out, ev)
	}
	return out
}

func FuzzReadJob(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteJob(&buf, validJob()); err != nil {
		f.Fatal(err)
	}
	full := buf.Bytes()
	f.Add(full)
	f.Add(full[:len(full)-1])
	f.Add(append(bytes.Clone(full), 0))
	buf.Reset()
	_ = WriteJob(&buf, Job{Filename: "a.js", TimeoutMS: 1})
	f.Add(buf.Bytes())
	f.Add(rawFrame('J', `{"filename":"a.js","source":"","timeout_ms":1,"limits":{"artifact_count":0,"artifact_bytes":0,"log_bytes":0},"params":{"A":"1","A":"2"}}`))
	f.Add(header('J', 1<<31))

	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := ReadJob(bytes.NewReader(data), 1<<16)
		if err != nil {
			return
		}
		// An accepted job is valid, and survives another round trip.
		var out bytes.Buffer
		if err := WriteJob(&out, j); err != nil {
			t.Fatalf("WriteJob refuses what ReadJob accepted: %v", err)
		}
		again, err := ReadJob(&out, 0)
		if err != nil {
			t.Fatalf("re-encoded job: %v", err)
		}
		if j.Params == nil {
			j.Params = map[string]string{}
		}
		if j.Args == nil {
			j.Args = []string{}
		}
		if !reflect.DeepEqual(again, j) {
			t.Fatalf("round trip changed the job:\n%+v\n%+v", again, j)
		}
	})
}

// FuzzPayload checks the strict decoder against encoding/json: whatever a
// frame's JSON decodes to, encoding/json (told to refuse unknown fields)
// agrees on.
func FuzzPayload(f *testing.F) {
	f.Add(byte('L'), []byte(`{"level":"log","text":"a\n\u00e9\"","time_ms":1}`))
	f.Add(byte('S'), []byte(` { "name" : "a" , "status":"skipped","duration_ms":0,"error":""} `))
	f.Add(byte('A'), []byte(`{"name":"a/b","size":3,"content_type":"text/plain; charset=utf-8"}`))
	f.Add(byte('R'), []byte(`{"status":"failed","exit_code":-1,"duration_ms":0,"limit":"timeout","error":"x"}`))
	f.Add(byte('L'), []byte(`{"\u006cevel":"log","text":"","time_ms":1,"level":"log"}`))
	f.Fuzz(func(t *testing.T, typ byte, payload []byte) {
		var got, want any
		var fields []field
		switch typ {
		case 'L':
			got, want = new(Log), new(Log)
			fields = logFields(got.(*Log))
		case 'S':
			got, want = new(Step), new(Step)
			fields = stepFields(got.(*Step))
		case 'A':
			got, want = new(ArtifactBegin), new(ArtifactBegin)
			fields = beginFields(got.(*ArtifactBegin))
		case 'R':
			got, want = new(Result), new(Result)
			fields = resultFields(got.(*Result))
		default:
			return
		}
		if decodeObject(payload, fields) != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(payload))
		dec.DisallowUnknownFields()
		if err := dec.Decode(want); err != nil {
			t.Fatalf("accepted %q, which encoding/json refuses: %v", payload, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q decodes to %+v; encoding/json says %+v", payload, got, want)
		}
	})
}
