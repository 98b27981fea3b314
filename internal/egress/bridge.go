package egress

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// Bridge runs inside the sandbox, where Chromium needs a TCP proxy but the
// only way out is the unix socket at socketPath. It listens on listenAddr
// (e.g. "127.0.0.1:3128") and copies each accepted connection to a new
// connection to socketPath, both ways, until ctx ends; then it closes the
// listener and every bridged connection. It returns the listening address
// once listening; errors after that end only the connection concerned.
func Bridge(ctx context.Context, listenAddr, socketPath string) (net.Addr, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", listenAddr)
	if err != nil {
		return nil, err
	}
	b := &bridge{socket: socketPath, conns: map[net.Conn]struct{}{}}
	go func() {
		<-ctx.Done()
		l.Close()
		b.closeAll()
	}()
	go b.accept(ctx, l)
	return l.Addr(), nil
}

// bridge tracks the connections of one Bridge so ctx can end them all.
type bridge struct {
	socket string
	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
}

func (b *bridge) accept(ctx context.Context, l net.Listener) {
	defer l.Close()
	backoff := 5 * time.Millisecond
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) || !temporaryAcceptError(err) {
				return
			}
			time.Sleep(backoff)
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		go b.serve(ctx, c)
	}
}

func (b *bridge) serve(ctx context.Context, c net.Conn) {
	if !b.track(c) {
		return
	}
	defer b.untrack(c)
	var d net.Dialer
	u, err := d.DialContext(ctx, "unix", b.socket)
	if err != nil {
		return
	}
	if !b.track(u) {
		return
	}
	defer b.untrack(u)
	splice(c, c, u)
}

func (b *bridge) track(c net.Conn) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		c.Close()
		return false
	}
	b.conns[c] = struct{}{}
	return true
}

func (b *bridge) untrack(c net.Conn) {
	b.mu.Lock()
	delete(b.conns, c)
	b.mu.Unlock()
	c.Close()
}

func (b *bridge) closeAll() {
	b.mu.Lock()
	b.closed = true
	cs := b.conns
	b.conns = nil
	b.mu.Unlock()
	for c := range cs {
		c.Close()
	}
}
