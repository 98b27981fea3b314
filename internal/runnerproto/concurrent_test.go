package runnerproto

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"
)

// Many goroutines share one Writer; the Reader must see a valid stream in
// which every artifact's chunks are contiguous and intact.
func TestConcurrentWritersNeverInterleave(t *testing.T) {
	t.Parallel()
	const writers, perWriter = 8, 6
	pr, pw := io.Pipe()
	w := NewWriter(pw)
	content := func(g, i int) []byte {
		// Sizes from 0 to over two chunks; bytes identify the writer.
		return bytes.Repeat([]byte{byte(g), byte(i)}, (g*perWriter+i)*17_000)
	}

	type result struct {
		logs      int
		artifacts map[string][]byte
		err       error
	}
	done := make(chan result)
	go func() {
		res := result{artifacts: map[string][]byte{}}
		r := NewReader(pr, Limits{})
		var name string
		for {
			ev, err := r.Next()
			if err != nil {
				if err != io.EOF {
					res.err = err
				}
				pr.CloseWithError(err) // unblock writers after a violation
				done <- res
				return
			}
			switch {
			case ev.Log != nil:
				res.logs++
			case ev.Begin != nil:
				name = ev.Begin.Name
				res.artifacts[name] = []byte{}
			case ev.Chunk != nil:
				res.artifacts[name] = append(res.artifacts[name], ev.Chunk...)
			}
		}
	}()

	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range perWriter {
				if err := w.Log(Log{Level: "log", Text: fmt.Sprintf("writer %d says %d", g, i)}); err != nil {
					t.Error(err)
				}
				if err := w.Step(Step{Name: fmt.Sprintf("step %d.%d", g, i), Status: "passed"}); err != nil {
					t.Error(err)
				}
				if err := w.Artifact(fmt.Sprintf("w%d/a%d.bin", g, i), "", content(g, i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := w.Result(Result{Status: "passed"}); err != nil {
		t.Fatal(err)
	}
	pw.Close()

	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.logs != writers*perWriter || len(res.artifacts) != writers*perWriter {
		t.Fatalf("%d logs, %d artifacts", res.logs, len(res.artifacts))
	}
	for g := range writers {
		for i := range perWriter {
			if got := res.artifacts[fmt.Sprintf("w%d/a%d.bin", g, i)]; !bytes.Equal(got, content(g, i)) {
				t.Fatalf("artifact w%d/a%d.bin is corrupt (%d bytes)", g, i, len(got))
			}
		}
	}
}
