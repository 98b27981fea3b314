package puppeteer

import (
	"fmt"
	"strings"
)

// PendingInterceptions describes the intercepted requests that the run's
// pages still hold because the script never continued, aborted or answered
// them ("" if none). Puppeteer leaves such a request, and whatever waits
// on it, hanging; a run that times out names them so the cause is clear.
func (mod *Module) PendingInterceptions() string {
	mod.mu.Lock()
	bs := append(mod.browsers[:0:0], mod.browsers...)
	mod.mu.Unlock()
	var pending []string
	for _, b := range bs {
		for _, p := range b.Pages() {
			pending = append(pending, p.PendingInterceptions()...)
		}
	}
	if len(pending) == 0 {
		return ""
	}
	const show = 3
	list := strings.Join(pending[:min(show, len(pending))], ", ")
	if len(pending) > show {
		list += fmt.Sprintf(" and %d more", len(pending)-show)
	}
	return "request interception is on and the script never called continue(), abort() or respond() for: " + list
}
