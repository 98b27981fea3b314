package worker

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/skriptable/skriptable/internal/runnerproto"
	"github.com/skriptable/skriptable/internal/store"
)

// sink stores what a run reports: events in small batches (so that live
// readers see them within FlushEvery), artifacts at the end of the attempt
// (a script may rewrite a file; the last version is the one kept).
type sink struct {
	w       *Worker
	run     store.Run
	attempt int

	mu        sync.Mutex
	pending   []store.RunEvent
	artifacts map[string]artifact
	order     []string
	done      chan struct{}
	flushed   chan struct{}
}

type artifact struct {
	contentType string
	data        []byte
}

func newSink(w *Worker, run store.Run, attempt int) *sink {
	s := &sink{w: w, run: run, attempt: attempt, artifacts: map[string]artifact{}, done: make(chan struct{}), flushed: make(chan struct{})}
	go s.loop()
	return s
}

func (s *sink) loop() {
	defer close(s.flushed)
	t := time.NewTicker(s.w.cfg.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = s.flush(context.Background())
		case <-s.done:
			// The last flush: nothing retries after it, so it outlasts a
			// database restart.
			_ = retryStore(context.Background(), storeRetryFor, s.flush)
			return
		}
	}
}

func (s *sink) add(e store.RunEvent) {
	s.mu.Lock()
	s.pending = append(s.pending, e)
	s.mu.Unlock()
}

// flush stores the pending events. A failed batch goes back in front of
// the pending ones, in order, for the next flush (the launcher bounds a
// run's log, so this cannot grow without limit).
func (s *sink) flush(ctx context.Context) error {
	s.mu.Lock()
	batch := s.pending
	s.pending = nil
	s.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if _, err := s.w.cfg.Store.AppendRunEvents(ctx, s.run.TenantID, s.run.ID, batch); err != nil {
		s.w.cfg.Logger.Warn("store run events (will retry)", "run", s.run.ID, "err", err)
		s.mu.Lock()
		s.pending = append(batch, s.pending...)
		s.mu.Unlock()
		return err
	}
	s.w.cfg.Notify(s.run.ID)
	return nil
}

// Log implements launcher.Sink.
func (s *sink) Log(l runnerproto.Log) {
	kind := store.EventLog
	if l.Level == "system" {
		kind = store.EventSystem
	}
	s.add(store.RunEvent{TimeMS: l.TimeMS, Kind: kind, Level: l.Level, Text: l.Text})
}

// Step implements launcher.Sink.
func (s *sink) Step(st runnerproto.Step) {
	s.add(store.RunEvent{Kind: store.EventStep, Text: st.Name, Step: &store.StepInfo{
		Name: st.Name, Status: st.Status, DurationMS: st.DurationMS, Error: st.Error,
	}})
}

// Artifact implements launcher.Sink.
func (s *sink) Artifact(name, contentType string, data []byte) error {
	if s.attempt > 1 {
		name = fmt.Sprintf("attempt-%d/%s", s.attempt, name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.artifacts[name]; !ok {
		s.order = append(s.order, name)
	}
	s.artifacts[name] = artifact{contentType: contentType, data: data}
	return nil
}

// systemNow records a notice after the sink was closed.
func (s *sink) systemNow(ctx context.Context, text string) {
	_, _ = s.w.cfg.Store.AppendRunEvents(ctx, s.run.TenantID, s.run.ID, []store.RunEvent{{Kind: store.EventSystem, Level: "system", Text: text}})
	s.w.cfg.Notify(s.run.ID)
}

// close flushes events and stores the artifacts.
func (s *sink) close(ctx context.Context) {
	close(s.done)
	<-s.flushed
	ctx = context.WithoutCancel(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, name := range s.order {
		a := s.artifacts[name]
		err := retryStore(ctx, storeRetryFor, func(ctx context.Context) error {
			_, err := s.w.cfg.Store.PutArtifact(ctx, s.run.TenantID, s.run.ID, name, a.contentType, bytes.NewReader(a.data))
			return err
		})
		if err != nil {
			s.w.cfg.Logger.Error("store artifact", "run", s.run.ID, "artifact", name, "err", err)
		}
	}
}
