package puppeteer

import (
	"runtime"
	"sync"
	"weak"

	"github.com/grafana/sobek"
)

// wrapperCache maps a Go object (an HTTPRequest or HTTPResponse of the
// browser package) to the one JS object that stands for it, so identities
// hold (req.response() === res) for as long as the script keeps the JS
// object, without keeping it after the script let it go. A page can make
// any number of requests: a strong map would grow for the whole run.
//
// get and put run on the loop goroutine; the entry is removed from the
// garbage collector's cleanup goroutine, hence the mutex.
type wrapperCache[K comparable] struct {
	mu sync.Mutex
	m  map[K]weak.Pointer[sobek.Object]
}

func newWrapperCache[K comparable]() *wrapperCache[K] {
	return &wrapperCache[K]{m: map[K]weak.Pointer[sobek.Object]{}}
}

// get returns k's JS object, or nil when there is none (any more).
func (c *wrapperCache[K]) get(k K) *sobek.Object {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w, ok := c.m[k]; ok {
		return w.Value()
	}
	return nil
}

// put records obj as k's JS object until obj is collected.
func (c *wrapperCache[K]) put(k K, obj *sobek.Object) {
	w := weak.Make(obj)
	c.mu.Lock()
	c.m[k] = w
	c.mu.Unlock()
	runtime.AddCleanup(obj, func(k K) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if cur, ok := c.m[k]; ok && cur == w {
			delete(c.m, k)
		}
	}, k)
}

// len is the number of entries, for tests.
func (c *wrapperCache[K]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
