package store

import (
	"crypto/rand"
	"sync"
	"time"
)

// crockford is Crockford's base32 alphabet (no I, L, O, U), in ascending
// byte order, so IDs sort as strings the way their bits sort.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// idLen is the length of every generated ID.
const idLen = 26

// idGen generates ULID-style IDs: 48 bits of Unix milliseconds followed by
// 80 random bits, 26 Crockford base32 characters. Within one generator IDs
// strictly increase: an ID made in the same millisecond as the previous
// one (or after the clock stepped back) reuses its time and increments its
// random part, so creation order equals id order even in tight loops.
type idGen struct {
	mu     sync.Mutex
	lastMS int64
	rnd    [10]byte
}

// next returns a new ID for time now.
func (g *idGen) next(now time.Time) string {
	ms := now.UnixMilli()
	g.mu.Lock()
	if ms <= g.lastMS && g.increment() {
		ms = g.lastMS
	} else {
		if ms <= g.lastMS { // the random part overflowed: borrow the next ms
			ms = g.lastMS + 1
		}
		if _, err := rand.Read(g.rnd[:]); err != nil {
			panic("store: crypto/rand failed: " + err.Error()) // never fails on Linux ≥ 3.17
		}
		g.lastMS = ms
	}
	var b [16]byte
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	copy(b[6:], g.rnd[:])
	g.mu.Unlock()
	return encodeID(b)
}

// increment adds one to the random part; it reports false on overflow.
func (g *idGen) increment() bool {
	for i := len(g.rnd) - 1; i >= 0; i-- {
		g.rnd[i]++
		if g.rnd[i] != 0 {
			return true
		}
	}
	return false
}

// encodeID writes the 128-bit big-endian value b as 26 base32 digits; the
// first digit carries only 3 bits (the 2 bits above 128 are zero).
func encodeID(b [16]byte) string {
	var out [idLen]byte
	for j := range idLen {
		v := 0
		for k := range 5 {
			pos := 5*j + k - 2 // bit index from the most significant bit
			v <<= 1
			if pos >= 0 && b[pos/8]>>(7-pos%8)&1 == 1 {
				v |= 1
			}
		}
		out[j] = crockford[v]
	}
	return string(out[:])
}

// validID reports whether s looks like an ID this package generated; it
// guards cursors decoded from user input.
func validID(s string) bool {
	if len(s) != idLen || s[0] > '7' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isCrockford(s[i]) {
			return false
		}
	}
	return true
}

func isCrockford(c byte) bool {
	for i := 0; i < len(crockford); i++ {
		if crockford[i] == c {
			return true
		}
	}
	return false
}
