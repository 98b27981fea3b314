// Package notify wakes the readers of a run's events (the API's
// Server-Sent Event streams) when a worker stored new events or the run's
// status changed — in this process and, on Postgres, on every other node
// through LISTEN/NOTIFY on the same database (no other broker).
//
// A wake-up carries only the run id, never data: readers then read what is
// new from the store. So a lost or duplicated wake-up is harmless, and the
// readers keep a slow fallback poll for the time the listening connection
// is down. After that connection comes back, every local watcher is woken
// once, because notifications sent meanwhile are lost.
package notify

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Channel is the Postgres notification channel; payloads are run ids.
const Channel = "skriptable_run_events"

// maxPending bounds the run ids waiting to be sent with pg_notify; more
// are dropped (the readers' fallback poll still delivers their events).
const maxPending = 10_000

// Hub fans wake-ups out to local watchers and, when it has a Postgres
// pool, to and from the other nodes. The zero value is not usable; use
// [NewLocal] or [NewPostgres].
type Hub struct {
	mu       sync.Mutex
	watchers map[string]map[chan struct{}]struct{}

	// Postgres only.
	pool    *pgxpool.Pool
	log     *slog.Logger
	pending map[string]struct{}
	kick    chan struct{}
	cancel  context.CancelFunc
	done    sync.WaitGroup
	fbPoll  time.Duration

	listening chan struct{} // closed once the first LISTEN succeeded
	listenOne sync.Once
}

// NewLocal returns a Hub for one process (the embedded SQLite mode).
func NewLocal() *Hub {
	return &Hub{watchers: map[string]map[chan struct{}]struct{}{}, listening: closedChan()}
}

// NewPostgres returns a Hub that also sends and receives wake-ups through
// Postgres: Notify runs pg_notify on the pool (asynchronously, coalescing
// repeated ids), and a dedicated connection (not taken from the pool)
// LISTENs, reconnecting with backoff. Close stops both.
func NewPostgres(pool *pgxpool.Pool, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{
		watchers:  map[string]map[chan struct{}]struct{}{},
		pool:      pool,
		log:       log,
		pending:   map[string]struct{}{},
		kick:      make(chan struct{}, 1),
		cancel:    cancel,
		listening: make(chan struct{}),
		fbPoll:    10 * time.Second,
	}
	h.done.Add(2)
	go func() { defer h.done.Done(); h.sendLoop(ctx) }()
	go func() { defer h.done.Done(); h.listenLoop(ctx) }()
	return h
}

func closedChan() chan struct{} { c := make(chan struct{}); close(c); return c }

// Listening is closed once the Hub receives notifications from other
// nodes (at once for a local Hub).
func (h *Hub) Listening() <-chan struct{} { return h.listening }

// FallbackPoll is how often a reader should re-read the store without a
// wake-up: 0 (the reader's default) for a local Hub, where every writer is
// in this process; 10 s on Postgres, where wake-ups cross nodes and the
// poll only covers the time the listening connection is down.
func (h *Hub) FallbackPoll() time.Duration { return h.fbPoll }

// Watch returns a channel that receives (best effort, coalesced) after
// Notify(runID) was called on any node, until stop is called.
func (h *Hub) Watch(runID string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.watchers[runID] == nil {
		h.watchers[runID] = map[chan struct{}]struct{}{}
	}
	h.watchers[runID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.watchers[runID], ch)
		if len(h.watchers[runID]) == 0 {
			delete(h.watchers, runID)
		}
	}
}

// Notify wakes the run's watchers here at once and on other nodes soon.
// It never blocks on the database.
func (h *Hub) Notify(runID string) {
	h.wake(runID)
	if h.pool == nil {
		return
	}
	h.mu.Lock()
	if len(h.pending) < maxPending {
		h.pending[runID] = struct{}{}
	}
	h.mu.Unlock()
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// Close stops the Postgres goroutines (after a last attempt to send what
// is pending). Safe to call on a local Hub and more than once.
func (h *Hub) Close() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.done.Wait()
}

func (h *Hub) wake(runID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.watchers[runID] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// wakeAll wakes every watcher (after a gap in listening).
func (h *Hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.watchers {
		for ch := range set {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

// sendLoop sends pending run ids with pg_notify, one statement per batch.
func (h *Hub) sendLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			h.flush(context.Background())
			return
		case <-h.kick:
		}
		h.flush(ctx)
	}
}

func (h *Hub) flush(ctx context.Context) {
	h.mu.Lock()
	ids := make([]string, 0, len(h.pending))
	for id := range h.pending {
		ids = append(ids, id)
	}
	clear(h.pending)
	h.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := h.pool.Exec(ctx, `SELECT pg_notify($1, id) FROM unnest($2::text[]) AS id`, Channel, ids); err != nil && ctx.Err() == nil {
		// Lost wake-ups only delay readers until their fallback poll.
		h.log.Debug("notify: pg_notify failed", "err", err, "runs", len(ids))
	}
}

// listenLoop keeps one connection LISTENing and wakes local watchers for
// each notification; after every reconnect it wakes all of them.
func (h *Hub) listenLoop(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		listened, err := h.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if listened {
			backoff = 100 * time.Millisecond
		}
		h.log.Warn("notify: listening connection lost; retrying", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// listenOnce listens on one connection until it fails; listened reports
// whether LISTEN succeeded.
func (h *Hub) listenOnce(ctx context.Context) (listened bool, err error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.ConnectConfig(cctx, h.pool.Config().ConnConfig.Copy())
	cancel()
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return false, err
	}
	// Wake whoever watched while nobody listened, before announcing that
	// we listen: a watcher added after Listening() then gets no spurious
	// wake-up from this gap.
	h.wakeAll()
	h.listenOne.Do(func() { close(h.listening) })
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		h.wake(n.Payload)
	}
}
