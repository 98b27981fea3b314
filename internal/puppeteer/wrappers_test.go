package puppeteer

import (
	"runtime"
	"testing"
	"time"

	"github.com/grafana/sobek"
)

func TestWrapperCacheKeepsIdentityButNotGarbage(t *testing.T) {
	vm := sobek.New()
	c := newWrapperCache[*int]()
	keys := make([]*int, 1000)
	held := vm.NewObject()
	for i := range keys {
		keys[i] = new(int)
		c.put(keys[i], vm.NewObject())
	}
	c.put(keys[0], held)
	if c.get(keys[0]) != held {
		t.Fatal("a held wrapper was not returned")
	}
	deadline := time.Now().Add(10 * time.Second)
	for c.len() > 1 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := c.len(); n != 1 {
		t.Fatalf("%d entries left after their wrappers became garbage, want 1 (the held one)", n)
	}
	if c.get(keys[0]) != held {
		t.Fatal("the held wrapper was dropped")
	}
	runtime.KeepAlive(held)
}
