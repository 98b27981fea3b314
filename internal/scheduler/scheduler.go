// Package scheduler turns schedules into runs. Every tick it reads the
// enabled schedules, computes their due slots, and asks for one run per
// slot. It keeps no state that matters: the store's unique (schedule, slot)
// index makes each slot produce exactly one run however many scheduler
// processes share the database, and editing or disabling a schedule takes
// effect at the next tick because schedules are re-read every time.
package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/skriptable/skriptable/internal/cron"
	"github.com/skriptable/skriptable/internal/store"
)

// EnqueueFunc creates the run of one schedule slot. It returns an error
// wrapping store.ErrConflict when the slot already has its run.
type EnqueueFunc func(ctx context.Context, s store.Schedule, slot time.Time) error

// Config configures a scheduler.
type Config struct {
	Store   *store.Store
	Enqueue EnqueueFunc
	Logger  *slog.Logger
	Now     func() time.Time // injectable clock (tests)
	// Interval between ticks (default 1 s).
	Interval time.Duration
	// CatchUp is how old a missed slot may be and still run, e.g. after a
	// restart (default 2 min). Older missed slots are skipped.
	CatchUp time.Duration
}

// Scheduler fires schedule slots.
type Scheduler struct {
	cfg Config

	mu     sync.Mutex
	parsed map[string]*cron.Schedule // by "tz\x00expr"
	fired  map[slotKey]time.Time     // slots this process handled, pruned after CatchUp
	stop   context.CancelFunc
	done   chan struct{}
}

type slotKey struct {
	schedule string
	slot     int64
}

// New builds a scheduler.
func New(cfg Config) *Scheduler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.CatchUp <= 0 {
		cfg.CatchUp = 2 * time.Minute
	}
	return &Scheduler{cfg: cfg, parsed: map[string]*cron.Schedule{}, fired: map[slotKey]time.Time{}}
}

// Start ticks in the background until Stop.
func (s *Scheduler) Start(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	s.stop = cancel
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.cfg.Interval)
		defer t.Stop()
		for {
			if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Error("scheduler tick", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop stops ticking and waits for the current tick. Safe before Start.
func (s *Scheduler) Stop() {
	if s.stop == nil {
		return
	}
	s.stop()
	<-s.done
}

// Tick fires every slot that is due now and has not been fired.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := s.cfg.Now()
	scheds, err := s.cfg.Store.ListEnabledSchedules(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, sc := range scheds {
		if err := s.tickOne(ctx, sc, now); err != nil {
			errs = append(errs, err)
		}
	}
	s.prune(now)
	return errors.Join(errs...)
}

func (s *Scheduler) tickOne(ctx context.Context, sc store.Schedule, now time.Time) error {
	p, err := s.parse(sc.Cron, sc.Timezone)
	if err != nil {
		return nil // the API validates; a bad row is skipped, not retried forever
	}
	jitterMax := time.Duration(sc.JitterSeconds) * time.Second
	from := now.Add(-s.cfg.CatchUp - jitterMax)
	if changed := sc.UpdatedAt; changed.After(from) {
		from = changed // slots before the schedule (or its last edit) do not count
	}
	for _, slot := range p.Slots(from, now, 100) {
		due := slot.Add(cron.Jitter(sc.ID, slot, jitterMax))
		if due.After(now) {
			continue
		}
		key := slotKey{sc.ID, slot.UnixMilli()}
		s.mu.Lock()
		_, done := s.fired[key]
		s.mu.Unlock()
		if done {
			continue
		}
		err := s.cfg.Enqueue(ctx, sc, slot)
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
		s.mu.Lock()
		s.fired[key] = slot
		s.mu.Unlock()
	}
	return nil
}

func (s *Scheduler) parse(expr, tz string) (*cron.Schedule, error) {
	k := tz + "\x00" + expr
	s.mu.Lock()
	p, ok := s.parsed[k]
	s.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := cron.Parse(expr, tz)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.parsed[k] = p
	s.mu.Unlock()
	return p, nil
}

// prune forgets fired slots older than any window a tick looks at.
func (s *Scheduler) prune(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, slot := range s.fired {
		if now.Sub(slot) > s.cfg.CatchUp+time.Hour+time.Minute { // jitter is at most 1 h
			delete(s.fired, k)
		}
	}
}
