package ratelimit

import (
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newLimiter(t testing.TB, c *clock, perMinute float64, burst int, mod func(*Config)) *Limiter {
	t.Helper()
	cfg := Config{Limit: Limit{PerMinute: perMinute, Burst: burst}, Now: c.Now}
	if mod != nil {
		mod(&cfg)
	}
	return New(cfg)
}

func mustAllow(t *testing.T, l *Limiter, key string) {
	t.Helper()
	if ok, ra := l.Allow(key); !ok {
		t.Fatalf("Allow(%q) refused, retry after %v; want allowed", key, ra)
	}
}

func mustRefuse(t *testing.T, l *Limiter, key string, wantRetry time.Duration) {
	t.Helper()
	ok, ra := l.Allow(key)
	if ok {
		t.Fatalf("Allow(%q) allowed; want refused", key)
	}
	if ra != wantRetry {
		t.Fatalf("Allow(%q) retryAfter = %v; want %v", key, ra, wantRetry)
	}
}

func TestBurstThenRefusalThenRefill(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := newLimiter(t, c, 60, 3, nil) // one token per second

	for range 3 {
		mustAllow(t, l, "k")
	}
	mustRefuse(t, l, "k", time.Second)
	mustRefuse(t, l, "k", time.Second) // refusals take nothing

	c.Advance(999 * time.Millisecond)
	mustRefuse(t, l, "k", time.Millisecond)
	c.Advance(time.Millisecond)
	mustAllow(t, l, "k")
	mustRefuse(t, l, "k", time.Second)

	// A long pause refills the bucket to its burst, no more.
	c.Advance(time.Hour)
	for range 3 {
		mustAllow(t, l, "k")
	}
	mustRefuse(t, l, "k", time.Second)

	// Partial refill: 2.5 s later two tokens are back, the third is 0.5 s away.
	c.Advance(2500 * time.Millisecond)
	mustAllow(t, l, "k")
	mustAllow(t, l, "k")
	mustRefuse(t, l, "k", 500*time.Millisecond)
}

func TestRetryAfterValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		perMinute float64
		want      time.Duration
	}{
		{60, time.Second},
		{1, time.Minute},
		{120, 500 * time.Millisecond},
		{0.5, 2 * time.Minute},
		{6000, 10 * time.Millisecond},
	} {
		c := newClock()
		l := newLimiter(t, c, tc.perMinute, 1, nil)
		mustAllow(t, l, "k")
		mustRefuse(t, l, "k", tc.want)
		c.Advance(tc.want / 4)
		mustRefuse(t, l, "k", tc.want-tc.want/4)
		c.Advance(tc.want - tc.want/4)
		mustAllow(t, l, "k")
	}
}

// TestRetryAfterIsExact checks, over awkward rates, that Allow succeeds
// after exactly retryAfter and not appreciably (1%) before.
func TestRetryAfterIsExact(t *testing.T) {
	t.Parallel()
	for _, perMinute := range []float64{7, 13, 0.3, 1e-3, 59.9, 61, 1000, 1e6, 3e7} {
		for _, burst := range []int{1, 3} {
			c := newClock()
			l := newLimiter(t, c, perMinute, burst, nil)
			for i := range 50 {
				ok, ra := l.Allow("k")
				if ok {
					continue
				}
				if ra <= 0 {
					t.Fatalf("perMinute %v: refused with retryAfter %v", perMinute, ra)
				}
				// Allow does not consume when refused, so peeking is safe.
				early := ra / 100
				c.Advance(ra - early)
				if ok, _ := l.Allow("k"); ok {
					t.Fatalf("perMinute %v step %d: allowed %v before retryAfter %v", perMinute, i, early, ra)
				}
				c.Advance(early)
				if ok, _ := l.Allow("k"); !ok {
					t.Fatalf("perMinute %v step %d: refused at retryAfter %v", perMinute, i, ra)
				}
				// Stagger the clock off the token boundaries.
				c.Advance(time.Duration(float64(time.Minute) / perMinute / 3))
			}
		}
	}
}

func TestPerKeyIsolation(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := newLimiter(t, c, 60, 2, nil)
	mustAllow(t, l, "a")
	mustAllow(t, l, "a")
	mustRefuse(t, l, "a", time.Second)
	mustAllow(t, l, "b")
	mustAllow(t, l, "b")
	mustRefuse(t, l, "b", time.Second)
	mustAllow(t, l, "c")
	mustRefuse(t, l, "a", time.Second)
	if n := l.Len(); n != 3 {
		t.Fatalf("Len = %d, want 3", n)
	}
}

func TestUnlimited(t *testing.T) {
	t.Parallel()
	l := newLimiter(t, newClock(), math.Inf(1), 1, nil)
	for i := range 1000 {
		mustAllow(t, l, strconv.Itoa(i%3))
	}
	if n := l.Len(); n != 0 {
		t.Fatalf("Len = %d, want 0: an unlimited limiter keeps no buckets", n)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	l := New(Config{Limit: Limit{PerMinute: 60, Burst: 10}})
	if l.idleTTL != DefaultIdleTTL || l.maxKeys != DefaultMaxKeys {
		t.Fatalf("idleTTL %v maxKeys %d; want %v and %d", l.idleTTL, l.maxKeys, DefaultIdleTTL, DefaultMaxKeys)
	}
	if ok, _ := l.Allow("real-clock"); !ok {
		t.Fatal("first Allow on the real clock refused")
	}
	if got := l.Limit(); got != (Limit{PerMinute: 60, Burst: 10}) {
		t.Fatalf("Limit() = %+v", got)
	}
}

func TestNewPanicsOnInvalidLimit(t *testing.T) {
	t.Parallel()
	for _, lim := range []Limit{{}, {PerMinute: 60}, {PerMinute: 0, Burst: 1}, {PerMinute: -1, Burst: 1}, {PerMinute: math.NaN(), Burst: 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%+v) did not panic", lim)
				}
			}()
			New(Config{Limit: lim})
		}()
	}
}

func TestIdleEviction(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := newLimiter(t, c, 60, 2, func(cfg *Config) { cfg.IdleTTL = time.Minute })

	mustAllow(t, l, "old1")
	mustAllow(t, l, "old2")
	c.Advance(30 * time.Second)
	mustAllow(t, l, "recent")
	if n := l.Len(); n != 3 {
		t.Fatalf("Len = %d, want 3", n)
	}

	// Just short of the TTL for old1/old2: nothing goes.
	c.Advance(30*time.Second - time.Nanosecond)
	mustAllow(t, l, "recent")
	if n := l.Len(); n != 3 {
		t.Fatalf("Len = %d before the TTL, want 3", n)
	}
	// At the TTL, any Allow evicts them lazily; "recent" was used since.
	c.Advance(time.Nanosecond)
	mustAllow(t, l, "new")
	if n := l.Len(); n != 2 {
		t.Fatalf("Len = %d after the TTL, want 2 (recent, new)", n)
	}
	l.mu.Lock()
	_, has1 := l.keys["old1"]
	_, has2 := l.keys["old2"]
	l.mu.Unlock()
	if has1 || has2 {
		t.Fatal("idle buckets old1/old2 still held")
	}

	// Prune evicts everything idle at once, without any Allow.
	c.Advance(time.Hour)
	if n := l.Prune(); n != 2 {
		t.Fatalf("Prune evicted %d, want 2", n)
	}
	if n := l.Len(); n != 0 {
		t.Fatalf("Len = %d after Prune, want 0", n)
	}
}

// TestIdleEvictionOnlyForgetsFullBuckets: with a rate so slow that an
// emptied bucket is not full again by IdleTTL, the bucket is kept until it
// is, so eviction never hands a client a fresh burst early.
func TestIdleEvictionOnlyForgetsFullBuckets(t *testing.T) {
	t.Parallel()
	c := newClock()
	// 1 per minute, burst 5: an empty bucket takes 5 minutes to refill.
	l := newLimiter(t, c, 1, 5, func(cfg *Config) { cfg.IdleTTL = time.Minute })
	for range 5 {
		mustAllow(t, l, "slow")
	}
	mustRefuse(t, l, "slow", time.Minute)

	c.Advance(2 * time.Minute) // past IdleTTL, but only 2 tokens back
	mustAllow(t, l, "other")
	if n := l.Len(); n != 2 {
		t.Fatalf("Len = %d, want 2: a partly empty bucket was evicted", n)
	}
	mustAllow(t, l, "slow")
	mustAllow(t, l, "slow")
	mustRefuse(t, l, "slow", time.Minute)

	c.Advance(5 * time.Minute) // full again: may go
	if n := l.Prune(); n != 2 {
		t.Fatalf("Prune evicted %d, want 2", n)
	}
}

// TestSweepIsBounded: one Allow evicts at most sweepPerCall idle buckets,
// so no call pays for a large backlog; repeated calls drain it.
func TestSweepIsBounded(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := newLimiter(t, c, 60, 1, func(cfg *Config) { cfg.IdleTTL = time.Minute })
	const n = 100
	for i := range n {
		mustAllow(t, l, strconv.Itoa(i))
	}
	c.Advance(time.Minute)
	mustAllow(t, l, "x")
	if got, want := l.Len(), n+1-sweepPerCall; got != want {
		t.Fatalf("Len = %d after one Allow, want %d", got, want)
	}
	for range n {
		l.Allow("x")
	}
	if got := l.Len(); got != 1 {
		t.Fatalf("Len = %d after draining, want 1", got)
	}
}

func TestMaxKeysEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := newLimiter(t, c, 60, 1, func(cfg *Config) { cfg.MaxKeys = 3 })
	mustAllow(t, l, "a")
	mustAllow(t, l, "b")
	mustAllow(t, l, "c")
	mustRefuse(t, l, "a", time.Second) // a is now the most recently used
	mustAllow(t, l, "d")               // evicts b, the least recently used
	if n := l.Len(); n != 3 {
		t.Fatalf("Len = %d, want 3", n)
	}
	mustRefuse(t, l, "a", time.Second) // a kept its (empty) bucket
	mustRefuse(t, l, "c", time.Second) // and so did c
	mustAllow(t, l, "b")               // b starts afresh: it was forgotten
}

func TestMaxKeysUnderFlood(t *testing.T) {
	t.Parallel()
	const (
		maxKeys = 10_000
		flood   = 1_000_000
	)
	c := newClock()
	l := newLimiter(t, c, 60, 1, func(cfg *Config) { cfg.MaxKeys = maxKeys })

	// A client that keeps using its key while the flood goes on keeps its
	// bucket (it is never the least recently used): it stays limited.
	mustAllow(t, l, "victim")
	for i := range flood {
		if ok, _ := l.Allow("flood-" + strconv.Itoa(i)); !ok {
			t.Fatalf("fresh key %d refused", i)
		}
		if i%1000 == 0 {
			if ok, _ := l.Allow("victim"); ok {
				t.Fatalf("victim's bucket was reset by the flood at key %d", i)
			}
			if n := l.Len(); n > maxKeys {
				t.Fatalf("Len = %d > MaxKeys %d after %d keys", n, maxKeys, i)
			}
		}
	}
	if n := l.Len(); n != maxKeys {
		t.Fatalf("Len = %d after the flood, want %d", n, maxKeys)
	}
	// The list and the map agree and the newest keys are the ones held.
	l.mu.Lock()
	defer l.mu.Unlock()
	count := 0
	for e := l.head.next; e != &l.head; e = e.next {
		if l.keys[e.key] != e {
			t.Fatalf("list entry %q not in the map", e.key)
		}
		count++
	}
	if count != len(l.keys) {
		t.Fatalf("list holds %d entries, map %d", count, len(l.keys))
	}
	if _, ok := l.keys["flood-"+strconv.Itoa(flood-1)]; !ok {
		t.Fatal("newest key not held")
	}
	if _, ok := l.keys["flood-0"]; ok {
		t.Fatal("oldest key still held")
	}
}

// TestConcurrentExactness hammers a few keys from many goroutines on a
// frozen clock: exactly Burst calls per key may succeed.
func TestConcurrentExactness(t *testing.T) {
	t.Parallel()
	const (
		burst      = 50
		keys       = 4
		goroutines = 16
		calls      = 200
	)
	c := newClock()
	l := newLimiter(t, c, 60, burst, nil)
	var allowed [keys]atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range calls {
				k := (g + i) % keys
				if ok, ra := l.Allow("k" + strconv.Itoa(k)); ok {
					allowed[k].Add(1)
				} else if ra != time.Second {
					t.Errorf("retryAfter = %v, want 1s", ra)
					return
				}
			}
		})
	}
	wg.Wait()
	for k := range allowed {
		if got := allowed[k].Load(); got != burst {
			t.Errorf("key %d: %d allowed, want exactly %d", k, got, burst)
		}
	}
}

// TestConcurrentChurn mixes distinct keys, a small cap, a moving clock,
// Len and Prune across goroutines, for the race detector.
func TestConcurrentChurn(t *testing.T) {
	t.Parallel()
	const maxKeys = 64
	c := newClock()
	l := newLimiter(t, c, 600, 2, func(cfg *Config) {
		cfg.MaxKeys = maxKeys
		cfg.IdleTTL = time.Second
	})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				l.Allow(strconv.Itoa(g*100_000 + i%300))
				switch i % 97 {
				case 0:
					c.Advance(100 * time.Millisecond)
				case 1:
					l.Prune()
				}
				if n := l.Len(); n > maxKeys {
					t.Errorf("Len = %d > %d", n, maxKeys)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkAllow measures Allow on the real clock: one hot key (mostly
// refused, or always allowed), many keys within the cap, a flood of new
// keys past the cap (eviction on every call), and one and many keys from
// parallel goroutines.
func BenchmarkAllow(b *testing.B) {
	const nKeys = 10_000
	keys := make([]string, nKeys)
	for i := range keys {
		keys[i] = "client-" + strconv.Itoa(i)
	}
	limit := Limit{PerMinute: 600, Burst: 20}

	b.Run("single-key", func(b *testing.B) {
		l := New(Config{Limit: limit})
		b.ReportAllocs()
		for b.Loop() {
			l.Allow("client-0")
		}
	})
	b.Run("single-key-always-allowed", func(b *testing.B) {
		l := New(Config{Limit: Limit{PerMinute: 1e12, Burst: 1}})
		b.ReportAllocs()
		for b.Loop() {
			l.Allow("client-0")
		}
	})
	b.Run("many-keys", func(b *testing.B) {
		l := New(Config{Limit: limit})
		for _, k := range keys {
			l.Allow(k)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			l.Allow(keys[i%nKeys])
			i++
		}
	})
	b.Run("flood-past-cap", func(b *testing.B) {
		l := New(Config{Limit: limit, MaxKeys: nKeys / 10})
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			l.Allow(keys[i%nKeys])
			i++
		}
	})
	b.Run("single-key-parallel", func(b *testing.B) {
		l := New(Config{Limit: limit})
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Allow("client-0")
			}
		})
	})
	b.Run("many-keys-parallel", func(b *testing.B) {
		l := New(Config{Limit: limit})
		var seed atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := int(seed.Add(7919))
			for pb.Next() {
				l.Allow(keys[i%nKeys])
				i++
			}
		})
	})
}
