package storetest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/skriptable/skriptable/internal/store"
)

func testRunEvents(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	r := h.run(ten.ID, h.script(ten.ID, "s").ID)
	evs := []store.RunEvent{
		{Kind: store.EventSystem, Text: "attempt 1"},
		{Kind: store.EventLog, Level: "warn", Text: "slow", TimeMS: 1234},
		{Kind: store.EventStep, Step: &store.StepInfo{Name: "login", Status: "failed", DurationMS: 12, Error: "no button"}},
	}
	last, err := h.s.AppendRunEvents(h.ctx, ten.ID, r.ID, evs)
	must(t, err)
	eq(t, "last", last, int64(3))
	eq(t, "seq set in place", evs[2].Seq, int64(3))
	last, err = h.s.AppendRunEvents(h.ctx, ten.ID, r.ID, []store.RunEvent{{Kind: store.EventLog, Text: "more"}})
	must(t, err)
	eq(t, "last after second append", last, int64(4))

	got, err := h.s.ListRunEvents(h.ctx, ten.ID, r.ID, 0, 0)
	must(t, err)
	eq(t, "events", len(got), 4)
	eq(t, "time kept", got[1].TimeMS, int64(1234))
	eq(t, "level", got[1].Level, "warn")
	if got[0].TimeMS == 0 || got[0].RunID != r.ID {
		t.Fatalf("event 1 = %+v", got[0])
	}
	if got[2].Step == nil || *got[2].Step != *evs[2].Step || got[0].Step != nil {
		t.Fatalf("step round trip: %+v", got[2].Step)
	}
	tail, err := h.s.ListRunEvents(h.ctx, ten.ID, r.ID, 2, 1)
	must(t, err)
	if len(tail) != 1 || tail[0].Seq != 3 {
		t.Fatalf("after 2, limit 1 = %+v", tail)
	}
	none, err := h.s.ListRunEvents(h.ctx, ten.ID, r.ID, 4, 10)
	must(t, err)
	eq(t, "nothing new", len(none), 0)
	_, err = h.s.AppendRunEvents(h.ctx, ten.ID, r.ID, []store.RunEvent{{Kind: "debug"}})
	wantErr(t, err, store.ErrInvalid, "kind")
	_, err = h.s.AppendRunEvents(h.ctx, ten.ID, "01ARZ3NDEKTSV4RRFFQ69G5FAV", []store.RunEvent{{Kind: "log"}})
	wantErr(t, err, store.ErrNotFound, "")

	// A batch larger than one INSERT statement.
	big := make([]store.RunEvent, 450)
	for i := range big {
		big[i] = store.RunEvent{Kind: store.EventLog, Text: fmt.Sprint(i)}
	}
	last, err = h.s.AppendRunEvents(h.ctx, ten.ID, r.ID, big)
	must(t, err)
	eq(t, "last after big batch", last, int64(454))
	page, err := h.s.ListRunEvents(h.ctx, ten.ID, r.ID, 400, 1000)
	must(t, err)
	eq(t, "page", len(page), 54)
	eq(t, "text order", page[53].Text, "449")
}

// testRunEventsConcurrent appends from 10 goroutines at once: the seqs
// are exactly 1..N, and each goroutine's batch stays contiguous.
func testRunEventsConcurrent(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	r := h.run(ten.ID, h.script(ten.ID, "s").ID)
	const writers, batches, perBatch = 10, 5, 3
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				evs := make([]store.RunEvent, perBatch)
				for i := range evs {
					evs[i] = store.RunEvent{Kind: store.EventLog, Text: fmt.Sprintf("w%d b%d i%d", w, b, i)}
				}
				if _, err := h.s.AppendRunEvents(h.ctx, ten.ID, r.ID, evs); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		must(t, err)
	}
	got, err := h.s.ListRunEvents(h.ctx, ten.ID, r.ID, 0, store.MaxPageSize)
	must(t, err)
	eq(t, "events", len(got), writers*batches*perBatch)
	for i, e := range got {
		eq(t, "seq", e.Seq, int64(i+1))
		if i%perBatch != 0 { // batches do not interleave
			prev := got[i-1].Text
			eq(t, "batch of "+e.Text, e.Text[:len(e.Text)-1], prev[:len(prev)-1])
		}
	}
}

func testArtifacts(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	r := h.run(ten.ID, h.script(ten.ID, "s").ID)
	data := make([]byte, 3<<20+17) // several copy buffers' worth
	_, _ = rand.Read(data)
	sum := sha256.Sum256(data)

	// Stream through a pipe: the store must not need the size up front.
	pr, pw := io.Pipe()
	go func() {
		for off := 0; off < len(data); off += 100_000 {
			if _, err := pw.Write(data[off:min(off+100_000, len(data))]); err != nil {
				return
			}
		}
		pw.Close()
	}()
	a, err := h.s.PutArtifact(h.ctx, ten.ID, r.ID, "shots/home.png", "image/png", pr)
	must(t, err)
	eq(t, "size", a.Size, int64(len(data)))
	eq(t, "sha256", a.SHA256, hex.EncodeToString(sum[:]))

	// Content-addressed on disk: blobs/ab/cdef…, nothing left in tmp/.
	if _, err := os.Stat(filepath.Join(h.cfg.BlobDir, a.SHA256[:2], a.SHA256[2:])); err != nil {
		t.Fatalf("blob file: %v", err)
	}
	tmp, err := os.ReadDir(filepath.Join(h.cfg.BlobDir, "tmp"))
	must(t, err)
	eq(t, "temp files left", len(tmp), 0)

	rc, meta, err := h.s.OpenArtifact(h.ctx, ten.ID, r.ID, "shots/home.png")
	must(t, err)
	back, err := io.ReadAll(rc)
	rc.Close()
	must(t, err)
	eq(t, "content type", meta.ContentType, "image/png")
	if !bytes.Equal(back, data) {
		t.Fatal("artifact bytes differ")
	}

	_, err = h.s.PutArtifact(h.ctx, ten.ID, r.ID, "shots/home.png", "", bytes.NewReader(nil))
	wantErr(t, err, store.ErrConflict, "")
	log, err := h.s.PutArtifact(h.ctx, ten.ID, r.ID, "a.txt", "", bytes.NewReader(data)) // same bytes
	must(t, err)
	eq(t, "default content type", log.ContentType, "application/octet-stream")
	eq(t, "shared blob", log.SHA256, a.SHA256)
	list, err := h.s.ListArtifacts(h.ctx, ten.ID, r.ID)
	must(t, err)
	if len(list) != 2 || list[0].Name != "a.txt" || list[1].Name != "shots/home.png" {
		t.Fatalf("ListArtifacts = %+v", list)
	}
	_, _, err = h.s.OpenArtifact(h.ctx, ten.ID, r.ID, "missing")
	wantErr(t, err, store.ErrNotFound, "")
}

func testArtifactLimits(h *harness) {
	t := h.t
	small := h.open(func(c *store.Config) { c.MaxArtifactBytes = 1000; c.NoMigrate = true })
	ten := h.tenant("acme")
	r := h.run(ten.ID, h.script(ten.ID, "s").ID)
	_, err := small.PutArtifact(h.ctx, ten.ID, r.ID, "exact", "", bytes.NewReader(make([]byte, 1000)))
	must(t, err)
	_, err = small.PutArtifact(h.ctx, ten.ID, r.ID, "big", "", bytes.NewReader(make([]byte, 1001)))
	wantErr(t, err, store.ErrTooLarge, "1000")
	_, _, err = small.OpenArtifact(h.ctx, ten.ID, r.ID, "big")
	wantErr(t, err, store.ErrNotFound, "")
	tmp, err := os.ReadDir(filepath.Join(h.cfg.BlobDir, "tmp"))
	must(t, err)
	eq(t, "temp files left", len(tmp), 0)

	for _, bad := range []string{"", "../x", "/abs", "a//b", "a/./b", `a\b`, "."} {
		_, err := h.s.PutArtifact(h.ctx, ten.ID, r.ID, bad, "", bytes.NewReader(nil))
		wantErr(t, err, store.ErrInvalid, "artifact name")
	}
	noBlobs := h.open(func(c *store.Config) { c.BlobDir = ""; c.NoMigrate = true })
	_, err = noBlobs.PutArtifact(h.ctx, ten.ID, r.ID, "x", "", bytes.NewReader(nil))
	wantErr(t, err, store.ErrInvalid, "blob")
}
