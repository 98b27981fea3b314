// Package ratelimit rate-limits API clients with one token bucket per key
// (an API key's id, a client IP, ...) and bounded memory.
//
// Buckets are golang.org/x/time/rate limiters held in a map and an LRU list
// under one mutex. Memory is bounded without any background goroutine:
// every Allow call evicts a few buckets that have been idle (untouched for
// IdleTTL and therefore full, so forgetting them changes nothing), and when
// MaxKeys buckets are held the least recently used one is evicted to make
// room for a new key, so a flood of distinct keys cannot exhaust memory.
// Prune evicts every idle bucket at once for callers that want to return
// memory after a burst of traffic.
//
// Middleware wraps an http.Handler and answers 429 Too Many Requests with
// a Retry-After header and a JSON error body; ClientIP extracts a key from
// the request's peer address (or X-Forwarded-For behind a trusted proxy).
package ratelimit

import (
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults applied by New to zero (or negative) Config fields.
const (
	DefaultIdleTTL = 10 * time.Minute
	DefaultMaxKeys = 100_000
)

// sweepPerCall bounds how many idle buckets one Allow call evicts, so that
// a call never pays for a large backlog at once. It is more than one so
// that idle buckets drain faster than Allow can create new ones.
const sweepPerCall = 8

// Limit is a sustained rate and a burst: a client may make Burst requests
// at once, and then PerMinute requests per minute on average. A PerMinute
// of +Inf means unlimited.
type Limit struct {
	PerMinute float64
	Burst     int
}

// Config configures a Limiter.
type Config struct {
	// Limit applies to every key. PerMinute must be positive (or +Inf)
	// and Burst at least 1.
	Limit Limit
	// IdleTTL is how long a bucket must go unused before it may be
	// evicted; default 10 minutes. It is stretched, if needed, to the time
	// an empty bucket takes to refill, so only full buckets are evicted.
	IdleTTL time.Duration
	// MaxKeys caps the number of buckets held; default 100 000. Beyond
	// it the least recently used bucket is evicted.
	MaxKeys int
	// Now is the clock; default time.Now. It must be safe for concurrent
	// use.
	Now func() time.Time
}

// Limiter holds one token bucket per key. Idle buckets (full and unused
// for IdleTTL) are evicted; the number of buckets is capped (MaxKeys,
// default 100 000): beyond it the least recently used bucket is evicted
// first, so a flood of distinct keys cannot exhaust memory. A Limiter is
// safe for concurrent use.
type Limiter struct {
	limit     Limit
	every     rate.Limit // tokens per second
	unlimited bool
	idleTTL   time.Duration // effective: at least the full-refill time
	maxKeys   int
	now       func() time.Time

	mu   sync.Mutex
	keys map[string]*entry
	// head is the sentinel of a circular doubly linked list of entries,
	// most recently used first: head.next is the newest, head.prev the
	// oldest.
	head entry
}

// entry is one key's bucket and its place in the LRU list.
type entry struct {
	key        string
	bucket     *rate.Limiter
	last       time.Time // last Allow for this key
	prev, next *entry
}

// New returns a Limiter for cfg. It panics if cfg.Limit is invalid
// (PerMinute not positive, or Burst below 1), as that is a programming
// error.
func New(cfg Config) *Limiter {
	lim := cfg.Limit
	if math.IsNaN(lim.PerMinute) || lim.PerMinute <= 0 {
		panic(fmt.Sprintf("ratelimit: PerMinute must be positive, got %v", lim.PerMinute))
	}
	if lim.Burst < 1 {
		panic(fmt.Sprintf("ratelimit: Burst must be at least 1, got %d", lim.Burst))
	}
	l := &Limiter{
		limit:     lim,
		unlimited: math.IsInf(lim.PerMinute, 1),
		idleTTL:   cfg.IdleTTL,
		maxKeys:   cfg.MaxKeys,
		now:       cfg.Now,
		keys:      make(map[string]*entry),
	}
	l.every = rate.Limit(lim.PerMinute / 60)
	if l.unlimited {
		l.every = rate.Inf
	}
	if l.idleTTL <= 0 {
		l.idleTTL = DefaultIdleTTL
	}
	if !l.unlimited {
		// A bucket untouched for this long has refilled completely
		// (Allow never drives tokens below zero), so evicting it is
		// indistinguishable from keeping it.
		refill := math.Ceil(float64(lim.Burst) / float64(l.every) * float64(time.Second))
		switch {
		case refill >= float64(math.MaxInt64):
			l.idleTTL = time.Duration(math.MaxInt64)
		case time.Duration(refill) > l.idleTTL:
			l.idleTTL = time.Duration(refill)
		}
	}
	if l.maxKeys <= 0 {
		l.maxKeys = DefaultMaxKeys
	}
	if l.now == nil {
		l.now = time.Now
	}
	l.head.next, l.head.prev = &l.head, &l.head
	return l
}

// Limit returns the limit every key is held to.
func (l *Limiter) Limit() Limit { return l.limit }

// Allow takes one token for key; when none is left it returns false and
// how long until one is available (for Retry-After). Refused calls take
// nothing but still count as use of the key.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l.unlimited {
		return true, 0
	}
	now := l.now()

	l.mu.Lock()
	defer l.mu.Unlock()

	e := l.keys[key]
	if e != nil {
		l.unlink(e)
	} else {
		e = l.newEntry(key)
	}
	l.pushFront(e)
	e.last = now
	l.sweep(now, sweepPerCall)

	if e.bucket.AllowN(now, 1) {
		return true, 0
	}
	return false, l.wait(e.bucket, now)
}

// newEntry returns a detached entry holding a full bucket for key,
// registered in l.keys. At the cap, it recycles the least recently used
// entry. l.mu must be held.
func (l *Limiter) newEntry(key string) *entry {
	var e *entry
	if len(l.keys) >= l.maxKeys && l.head.prev != &l.head {
		e = l.head.prev
		l.unlink(e)
		delete(l.keys, e.key)
	} else {
		e = new(entry)
	}
	e.key = key
	e.bucket = rate.NewLimiter(l.every, l.limit.Burst)
	l.keys[key] = e
	return e
}

// wait returns how long from now until bucket holds one token: a call at
// now+d is certain to be allowed. l.mu must be held.
func (l *Limiter) wait(bucket *rate.Limiter, now time.Time) time.Duration {
	missing := 1 - bucket.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	f := math.Round(missing / float64(l.every) * float64(time.Second))
	if f >= float64(math.MaxInt64) {
		return time.Duration(math.MaxInt64)
	}
	d := max(time.Duration(f), 1)
	// Floating-point rounding may leave the bucket a hair short of a
	// token at now+d; nudge d until a call then is certain to succeed.
	// (The bucket may admit a call a nanosecond or so earlier than d: it
	// truncates sub-nanosecond waits. d is never too short, and round
	// rates give round answers.)
	for i := 0; i < 16 && !l.allowedAt(bucket, now.Add(d)); i++ {
		d++
	}
	return d
}

// allowedAt reports whether Allow would succeed at t, by the same test as
// rate.Limiter.AllowN: the wait for the missing fraction of a token
// truncates to zero nanoseconds. It does not modify bucket.
func (l *Limiter) allowedAt(bucket *rate.Limiter, t time.Time) bool {
	missing := 1 - bucket.TokensAt(t)
	return missing <= 0 || time.Duration(missing/float64(l.every)*float64(time.Second)) <= 0
}

// sweep evicts up to n idle buckets, oldest first. l.mu must be held.
func (l *Limiter) sweep(now time.Time, n int) int {
	evicted := 0
	for ; n > 0; n-- {
		e := l.head.prev
		if e == &l.head || now.Sub(e.last) < l.idleTTL {
			break
		}
		l.unlink(e)
		delete(l.keys, e.key)
		evicted++
	}
	return evicted
}

// Prune evicts every idle bucket now and reports how many it evicted.
// Allow already evicts idle buckets a few at a time, so calling Prune is
// never needed for correctness; it only returns memory sooner (e.g. from
// a caller's own ticker).
func (l *Limiter) Prune() int {
	if l.unlimited {
		return 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sweep(now, math.MaxInt)
}

// Len returns the number of buckets currently held.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// unlink removes e from the LRU list. l.mu must be held.
func (l *Limiter) unlink(e *entry) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
}

// pushFront inserts the detached e as the most recently used entry. l.mu
// must be held.
func (l *Limiter) pushFront(e *entry) {
	e.prev = &l.head
	e.next = l.head.next
	l.head.next.prev = e
	l.head.next = e
}
