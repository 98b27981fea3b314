package puppeteer

import "github.com/skriptable/skriptable/internal/browser"

// keepAlive holds the event loop open while the script listens for
// browser-fed events (page.on('response'), page.once('popup'), …) and a
// browser it launched is still connected, as Node does: there the pipe to
// Chromium keeps the process alive. Without this a script whose main body
// has returned and that only awaits an event ends early, with its output
// cut short. With no listener, or once every browser is closed or gone,
// the loop ends as soon as nothing else is pending.
//
// All fields are touched on the loop goroutine only.
type keepAlive struct {
	listeners int                  // listeners on emitters fed by the browser
	release   func(f func() error) // non-nil while the loop is held
}

// listening adjusts the count of browser-fed listeners by delta and
// re-evaluates the hold.
func (m *mapper) listening(delta int) {
	m.alive.listeners += delta
	m.recheckAlive()
}

// watchBrowser re-evaluates the hold when br disconnects, for whatever
// reason (closed by the script, crashed, killed).
func (m *mapper) watchBrowser(br *browser.Browser) {
	go func() {
		<-br.Done()
		m.rt.Loop().Post(func() error {
			m.recheckAlive()
			return nil
		})
	}()
}

func (m *mapper) recheckAlive() {
	connected := false
	for br := range m.browsers {
		if br.Connected() {
			connected = true
			break
		}
	}
	hold := connected && m.alive.listeners > 0
	switch {
	case hold && m.alive.release == nil:
		m.alive.release = m.rt.Loop().RegisterCallback()
	case !hold && m.alive.release != nil:
		m.alive.release(func() error { return nil })
		m.alive.release = nil
	}
}
