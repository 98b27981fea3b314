package runnerproto

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// ErrClosed is returned by a Writer's methods once the result was
// written, or attempted.
var ErrClosed = errors.New("runnerproto: stream closed: the result was already written")

// Writer encodes the runner's event stream. It is safe for concurrent
// use: each call writes its frames whole and uninterrupted (an artifact's
// begin, chunks and end included), so frames never interleave.
//
// A Writer validates what it sends the way the launcher's Reader will, so
// a mistake in the runner is an error here rather than a protocol
// violation there, and it keeps every JSON frame within DefaultMaxFrame:
// long log texts are split over several Log frames, long step and result
// texts are cut. Invalid UTF-8 in texts is replaced with U+FFFD.
//
// After a write to the underlying writer fails, the stream may hold a
// partial frame, so every later call returns that error.
type Writer struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	err    error // sticky write error
	closed bool
}

// NewWriter returns a Writer that writes frames to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w}
}

// Log writes l, as several Log frames of the same level and time if its
// text is too long for one frame.
func (w *Writer) Log(l Log) error {
	if err := l.validate(); err != nil {
		return fmt.Errorf("runnerproto: invalid log: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return err
	}
	text := l.Text
	for {
		// JSON escaping grows text at most sixfold ("\u001f" for one
		// byte), so pieces of this size always fit.
		l.Text = cutUTF8(text, (DefaultMaxFrame-512)/6)
		if err := w.json(TypeLog, &l); err != nil {
			return err
		}
		text = text[len(l.Text):]
		if text == "" {
			return nil
		}
	}
}

// Step writes s; an over-long name or error is cut to fit a frame.
func (w *Writer) Step(s Step) error {
	if err := s.validate(); err != nil {
		return fmt.Errorf("runnerproto: invalid step: %w", err)
	}
	s.Name = cutText(s.Name)
	s.Error = cutText(s.Error)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return err
	}
	return w.json(TypeStep, &s)
}

// Artifact writes a file the script produced: a begin frame, data in
// chunks of at most ChunkSize bytes, and an end frame, all in one piece.
// name must be a clean relative path and contentType a MIME type or "".
func (w *Writer) Artifact(name, contentType string, data []byte) error {
	b := ArtifactBegin{Name: name, Size: int64(len(data)), ContentType: contentType}
	if err := b.validate(); err != nil {
		return fmt.Errorf("runnerproto: invalid artifact: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return err
	}
	if err := w.json(TypeArtifactBegin, &b); err != nil {
		return err
	}
	for len(data) > 0 {
		n := min(len(data), ChunkSize)
		if err := w.frame(TypeArtifactChunk, data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return w.frame(TypeArtifactEnd, nil)
}

// Result writes the last frame. Every later call returns ErrClosed. An
// over-long error is cut to fit a frame.
func (w *Writer) Result(r Result) error {
	if err := r.validate(); err != nil {
		return fmt.Errorf("runnerproto: invalid result: %w", err)
	}
	r.Error = cutText(r.Error)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return err
	}
	w.closed = true
	return w.json(TypeResult, &r)
}

// cutText bounds a step's or result's text so that, with JSON escaping
// growing it at most sixfold, two of them fit one frame.
func cutText(s string) string {
	const max = (DefaultMaxFrame - 1024) / 12
	const note = "… [truncated]"
	if len(s) <= max {
		return s
	}
	return cutUTF8(s, max-len(note)) + note
}

func (w *Writer) usable() error {
	if w.closed {
		return ErrClosed
	}
	return w.err
}

// json writes one JSON frame; w.mu is held.
func (w *Writer) json(t byte, v any) error {
	frame, err := encodeFrame(w.buf[:0], t, v)
	if err != nil {
		return fmt.Errorf("runnerproto: encode frame: %w", err)
	}
	if cap(frame) <= 64<<10 {
		w.buf = frame // reuse small buffers only
	}
	return w.write(frame)
}

// frame writes a frame with a raw payload; w.mu is held.
func (w *Writer) frame(t byte, payload []byte) error {
	var hdr [HeaderSize]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(payload)))
	hdr[4] = t
	if err := w.write(hdr[:]); err != nil {
		return err
	}
	if len(payload) == 0 {
		return nil
	}
	return w.write(payload)
}

func (w *Writer) write(p []byte) error {
	if _, err := w.w.Write(p); err != nil {
		w.err = fmt.Errorf("runnerproto: write: %w", err)
		return w.err
	}
	return nil
}
