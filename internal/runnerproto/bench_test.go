package runnerproto

import (
	"bytes"
	"strings"
	"testing"
)

// BenchmarkLogRoundTrip encodes and decodes one 100-byte console line.
func BenchmarkLogRoundTrip(b *testing.B) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	r := NewReader(&buf, Limits{MaxLogBytes: 1 << 62, MaxFrames: 1 << 62})
	l := Log{Level: "log", Text: strings.Repeat("lorem ipsum ", 8) + "dolor", TimeMS: 1700000000000}
	b.SetBytes(int64(len(l.Text)))
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Log(l); err != nil {
			b.Fatal(err)
		}
		ev, err := r.Next()
		if err != nil || ev.Log == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArtifactRoundTrip encodes and decodes a 1 MiB artifact.
func BenchmarkArtifactRoundTrip(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	var buf bytes.Buffer
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := NewWriter(&buf).Artifact("shot.png", "image/png", data); err != nil {
			b.Fatal(err)
		}
		r := NewReader(&buf, Limits{})
		n := 0
		for n < len(data) {
			ev, err := r.Next()
			if err != nil {
				b.Fatal(err)
			}
			n += len(ev.Chunk)
		}
		if ev, err := r.Next(); err != nil || !ev.End {
			b.Fatal(err)
		}
	}
}
