package runnerproto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// rawFrame builds a frame by hand, valid or not.
func rawFrame(t byte, payload string) []byte {
	return append(header(t, uint32(len(payload))), payload...)
}

func header(t byte, n uint32) []byte {
	h := make([]byte, HeaderSize)
	binary.BigEndian.PutUint32(h, n)
	h[4] = t
	return h
}

func cat(frames ...[]byte) []byte { return bytes.Join(frames, nil) }

const okResult = `{"status":"passed","exit_code":0,"duration_ms":5}`

// readAll decodes a whole stream: the events before the final error.
func readAll(data []byte, l Limits) ([]Event, *Reader, error) {
	r := NewReader(bytes.NewReader(data), l)
	var evs []Event
	for {
		ev, err := r.Next()
		if err != nil {
			return evs, r, err
		}
		evs = append(evs, ev)
	}
}

// mustClean asserts a stream ended cleanly after its result.
func mustClean(t *testing.T, evs []Event, err error) {
	t.Helper()
	if err != io.EOF {
		t.Fatalf("stream ended with %v, want io.EOF", err)
	}
	if len(evs) == 0 || evs[len(evs)-1].Result == nil {
		t.Fatalf("stream did not end with a result: %+v", evs)
	}
}

// set counts the fields of ev that are set.
func set(ev Event) int {
	n := 0
	for _, b := range []bool{ev.Log != nil, ev.Step != nil, ev.Begin != nil, ev.Chunk != nil, ev.End, ev.Result != nil} {
		if b {
			n++
		}
	}
	return n
}

func asViolation(err error) (*Violation, bool) {
	var v *Violation
	ok := errors.As(err, &v)
	return v, ok
}
