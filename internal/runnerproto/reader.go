package runnerproto

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// Limits bound what a Reader accepts from a runner. Zero or negative
// fields take their defaults (the Default… constants).
type Limits struct {
	// MaxFrame is the largest JSON payload (default 1 MiB). Chunk
	// payloads may be up to ChunkSize whatever MaxFrame is. A Writer's
	// JSON frames fit DefaultMaxFrame, so a smaller MaxFrame may refuse
	// frames a Writer sends.
	MaxFrame int
	// MaxLogBytes is the budget of Log.Text bytes (default 10 MiB). It is
	// not enforced as a violation: the log that crosses it is cut and
	// marked, later logs are dropped (see Reader.LogTruncated).
	MaxLogBytes int64
	// MaxArtifacts is the number of artifacts (default 50).
	MaxArtifacts int
	// MaxArtifactBytes is the total declared size of artifacts (default
	// 100 MiB).
	MaxArtifactBytes int64
	// MaxFrames is the number of frames, dropped logs included (default
	// 1,000,000).
	MaxFrames int
}

func (l Limits) withDefaults() Limits {
	if l.MaxFrame <= 0 {
		l.MaxFrame = DefaultMaxFrame
	}
	if l.MaxLogBytes <= 0 {
		l.MaxLogBytes = DefaultMaxLogBytes
	}
	if l.MaxArtifacts <= 0 {
		l.MaxArtifacts = DefaultMaxArtifacts
	}
	if l.MaxArtifactBytes <= 0 {
		l.MaxArtifactBytes = DefaultMaxArtifactBytes
	}
	if l.MaxFrames <= 0 {
		l.MaxFrames = DefaultMaxFrames
	}
	return l
}

// Event is one decoded frame: exactly one field is set.
type Event struct {
	Log    *Log
	Step   *Step
	Begin  *ArtifactBegin // an artifact opens; Chunk events and an End follow
	Chunk  []byte         // the next bytes of the open artifact (never empty; the caller owns it)
	End    bool           // the open artifact is complete: exactly Begin.Size bytes arrived
	Result *Result        // the run ended; the next call must return io.EOF
}

// Violation is a runner that broke the protocol. The launcher kills its
// sandbox.
type Violation struct {
	Reason string
}

func (v *Violation) Error() string { return "runner protocol violation: " + v.Reason }

func violation(format string, args ...any) error {
	return &Violation{Reason: fmt.Sprintf(format, args...)}
}

// Reader decodes and checks a runner's event stream. It is not safe for
// concurrent use.
type Reader struct {
	r   *bufio.Reader
	lim Limits
	buf []byte // payload of JSON frames, reused

	err    error // sticky: a *Violation, an I/O error, or io.EOF after the result
	frames int
	done   bool // the result was returned

	open          bool // an artifact is open
	art           ArtifactBegin
	got           int64 // bytes of the open artifact so far
	artifacts     int
	artifactBytes int64 // declared sizes so far

	logBytes  int64
	truncated bool
}

// NewReader returns a Reader of the stream r under the limits l.
func NewReader(r io.Reader, l Limits) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), lim: l.withDefaults()}
}

// LogTruncated reports whether log text reached Limits.MaxLogBytes, so
// that logs were cut or dropped.
func (r *Reader) LogTruncated() bool { return r.truncated }

// Next returns the next event. Its errors are final: a *Violation when the
// runner broke the protocol, an error of the underlying reader, or io.EOF
// once the stream ended cleanly after a Result.
//
// The Result event is returned as soon as it is decoded, but the protocol
// requires the stream to end right after it: a caller should take the
// result as final only once the following call returned io.EOF (that call
// waits for the runner to close its end, so bound it with the sandbox's
// deadline).
func (r *Reader) Next() (Event, error) {
	for r.err == nil {
		ev, ok, err := r.next()
		if err != nil {
			r.err = err
			break
		}
		if ok {
			return ev, nil
		}
	}
	return Event{}, r.err
}

// next reads one frame; ok is false for a dropped log.
func (r *Reader) next() (ev Event, ok bool, err error) {
	if r.done {
		if _, err := r.r.ReadByte(); err != nil {
			return ev, false, ioErr(err)
		}
		return ev, false, violation("data after the result frame")
	}
	var hdr [HeaderSize]byte
	if n, err := io.ReadFull(r.r, hdr[:]); err != nil {
		switch err {
		case io.EOF:
			if r.open {
				return ev, false, violation("stream ended without a result, inside artifact %q", r.art.Name)
			}
			return ev, false, violation("stream ended without a result")
		case io.ErrUnexpectedEOF:
			return ev, false, violation("truncated frame header (%d of %d bytes)", n, HeaderSize)
		}
		return ev, false, ioErr(err)
	}
	r.frames++
	if r.frames > r.lim.MaxFrames {
		return ev, false, violation("more than %d frames", r.lim.MaxFrames)
	}
	t, size := hdr[4], int64(binary.BigEndian.Uint32(hdr[:4]))
	switch t {
	case TypeArtifactChunk:
		return r.chunk(size)
	case TypeArtifactEnd:
		return r.end(size)
	case TypeLog, TypeStep, TypeArtifactBegin, TypeResult:
	default:
		return ev, false, violation("unknown frame type %s", typeName(t))
	}
	if r.open {
		switch t {
		case TypeArtifactBegin:
			return ev, false, violation("nested artifact begin: artifact %q is open", r.art.Name)
		case TypeResult:
			return ev, false, violation("result while artifact %q is open", r.art.Name)
		}
		return ev, false, violation("%s frame inside artifact %q: only chunks and its end may follow a begin", typeName(t), r.art.Name)
	}
	if size > int64(r.lim.MaxFrame) {
		return ev, false, violation("%s frame of %d bytes is over the limit of %d", typeName(t), size, r.lim.MaxFrame)
	}
	if int64(cap(r.buf)) < size {
		r.buf = make([]byte, size)
	}
	payload := r.buf[:size]
	if err := r.read(t, payload); err != nil {
		return ev, false, err
	}
	switch t {
	case TypeLog:
		return r.log(payload)
	case TypeStep:
		s := new(Step)
		if err := decode(payload, "step", stepFields(s), s.validate); err != nil {
			return ev, false, err
		}
		return Event{Step: s}, true, nil
	case TypeArtifactBegin:
		return r.begin(payload)
	}
	res := new(Result)
	if err := decode(payload, "result", resultFields(res), res.validate); err != nil {
		return ev, false, err
	}
	r.done = true
	return Event{Result: res}, true, nil
}

// read fills payload from the stream.
func (r *Reader) read(t byte, payload []byte) error {
	n, err := io.ReadFull(r.r, payload)
	switch err {
	case nil:
		return nil
	case io.EOF, io.ErrUnexpectedEOF:
		return violation("truncated %s frame (%d of %d payload bytes)", typeName(t), n, len(payload))
	}
	return ioErr(err)
}

func ioErr(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	return fmt.Errorf("runnerproto: read runner stream: %w", err)
}

// decode decodes a JSON payload strictly and validates it.
func decode(payload []byte, what string, fields []field, validate func() error) error {
	if err := decodeObject(payload, fields); err != nil {
		return violation("invalid %s frame: %v", what, err)
	}
	if err := validate(); err != nil {
		return violation("invalid %s frame: %v", what, err)
	}
	return nil
}

func (r *Reader) log(payload []byte) (Event, bool, error) {
	l := new(Log)
	if err := decode(payload, "log", logFields(l), l.validate); err != nil {
		return Event{}, false, err
	}
	if r.truncated {
		return Event{}, false, nil
	}
	if left := r.lim.MaxLogBytes - r.logBytes; int64(len(l.Text)) > left {
		l.Text = cutUTF8(l.Text, int(left)) +
			fmt.Sprintf("\n[log output truncated: limit of %d bytes reached]", r.lim.MaxLogBytes)
		r.logBytes = r.lim.MaxLogBytes
		r.truncated = true
		return Event{Log: l}, true, nil
	}
	r.logBytes += int64(len(l.Text))
	return Event{Log: l}, true, nil
}

func (r *Reader) begin(payload []byte) (Event, bool, error) {
	if r.artifacts >= r.lim.MaxArtifacts {
		return Event{}, false, violation("more than %d artifacts", r.lim.MaxArtifacts)
	}
	b := new(ArtifactBegin)
	if err := decode(payload, "artifact begin", beginFields(b), b.validate); err != nil {
		return Event{}, false, err
	}
	if b.Size > r.lim.MaxArtifactBytes-r.artifactBytes {
		return Event{}, false, violation("artifact %q of %d bytes takes artifacts over the limit of %d bytes (%d used)",
			b.Name, b.Size, r.lim.MaxArtifactBytes, r.artifactBytes)
	}
	r.artifacts++
	r.artifactBytes += b.Size
	r.open, r.art, r.got = true, *b, 0
	return Event{Begin: b}, true, nil
}

func (r *Reader) chunk(size int64) (Event, bool, error) {
	switch {
	case !r.open:
		return Event{}, false, violation("artifact chunk outside an artifact")
	case size == 0:
		return Event{}, false, violation("empty artifact chunk in artifact %q", r.art.Name)
	case size > ChunkSize:
		return Event{}, false, violation("artifact chunk of %d bytes is over the chunk size of %d", size, ChunkSize)
	case size > r.art.Size-r.got:
		return Event{}, false, violation("artifact %q: chunk of %d bytes exceeds the declared size of %d (%d bytes left)",
			r.art.Name, size, r.art.Size, r.art.Size-r.got)
	}
	data := make([]byte, size)
	if err := r.read(TypeArtifactChunk, data); err != nil {
		return Event{}, false, err
	}
	r.got += size
	return Event{Chunk: data}, true, nil
}

func (r *Reader) end(size int64) (Event, bool, error) {
	switch {
	case !r.open:
		return Event{}, false, violation("artifact end without a begin")
	case size != 0:
		return Event{}, false, violation("artifact end frame has a %d-byte payload; want none", size)
	case r.got < r.art.Size:
		return Event{}, false, violation("artifact %q ended after %d of its declared %d bytes", r.art.Name, r.got, r.art.Size)
	}
	r.open = false
	return Event{End: true}, true, nil
}
