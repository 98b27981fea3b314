package browser

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"

	"github.com/skriptable/skriptable/internal/cdp"
)

// ARIA queries (aria/…, ::-p-aria(…)) match against the accessibility
// tree, which only the protocol can read (Accessibility.queryAXTree). The
// page-side engine calls the binding __skriptable_aria with a sequence
// number; the request (root node and selector) waits in a page-side map
// until the handler here reads it, queries the tree and resolves the
// page's promise with the matching elements. This keeps ARIA usable
// inside P-selectors and in-page waitForSelector polling, as Puppeteer's
// own __ariaQuerySelector binding does.

const ariaBindingName = "__skriptable_aria"

// ariaBindings records the sessions (one per out-of-process frame tree)
// where the binding is installed.
type ariaBindings struct {
	// install serialises enableARIA; it is held across a CDP call, so the
	// event handler must never take it (its response would queue behind
	// the handler on the dispatcher).
	install sync.Mutex

	mu        sync.Mutex
	installed map[*cdp.Session]bool
	pending   int           // binding calls accepted and not yet answered
	limit     int           // cap on pending; 0 means defaultARIAPending
	dropped   int           // calls refused because pending was at the cap
	slots     chan struct{} // bounds the calls answered at once
}

// The binding is visible to the page, which could call it in a loop: at
// most ariaAnswering calls are answered at once and at most
// defaultARIAPending wait; further calls are dropped (their page-side
// promise never settles, which only a page calling the binding itself can
// cause: Skriptable's own queries wait for each answer).
const (
	ariaAnswering      = 16
	defaultARIAPending = 4096
)

// enableARIA installs the binding on session s once; it then exists in
// every execution context of s, present and future.
func (p *Page) enableARIA(ctx context.Context, s *cdp.Session) error {
	p.aria.install.Lock()
	defer p.aria.install.Unlock()
	p.aria.mu.Lock()
	done := p.aria.installed[s]
	p.aria.mu.Unlock()
	if done {
		return nil
	}
	off := s.On("Runtime.bindingCalled", func(raw jsonv2.Value) {
		var ev struct {
			Name      string `json:"name"`
			Payload   string `json:"payload"`
			ContextID int64  `json:"executionContextId"`
		}
		if jsonv2.Unmarshal(raw, &ev) != nil || ev.Name != ariaBindingName {
			return
		}
		seq, err := strconv.Atoi(ev.Payload)
		if err != nil || seq <= 0 {
			return // not ours: the page itself called the binding
		}
		p.aria.mu.Lock()
		limit := p.aria.limit
		if limit == 0 {
			limit = defaultARIAPending
		}
		busy := p.aria.pending >= limit
		if busy {
			p.aria.dropped++
		} else {
			p.aria.pending++
		}
		if p.aria.slots == nil {
			p.aria.slots = make(chan struct{}, ariaAnswering)
		}
		slots := p.aria.slots
		p.aria.mu.Unlock()
		if busy {
			return
		}
		go func() {
			defer func() {
				p.aria.mu.Lock()
				p.aria.pending--
				p.aria.mu.Unlock()
			}()
			select {
			case slots <- struct{}{}:
			case <-s.Done():
				return
			}
			defer func() { <-slots }()
			p.answerARIA(s, ev.ContextID, seq)
		}()
	})
	if err := s.Call(ctx, "Runtime.addBinding", map[string]string{"name": ariaBindingName}, nil); err != nil {
		off()
		return err
	}
	p.aria.mu.Lock()
	if p.aria.installed == nil {
		p.aria.installed = map[*cdp.Session]bool{}
	}
	p.aria.installed[s] = true
	p.aria.mu.Unlock()
	return nil
}

// worldForContext finds the main world of session s whose current
// execution context is id.
func (p *Page) worldForContext(s *cdp.Session, id int64) *world {
	for _, f := range p.frames.all() {
		if f.main.sess() != s {
			continue
		}
		if cur, _ := f.main.current(); cur == id {
			return f.main
		}
	}
	return nil
}

// Page-side halves of the exchange. The state map is created by the
// engine (jsSelectorEngine's ariaAll).
const (
	jsARIARequest = `function(seq, field) {
  const state = globalThis.__skriptable_aria_state;
  const request = state && state.pending.get(seq);
  return request ? request[field] : null;
}`
	jsARIAResolve = `function(seq, ...elements) {
  const state = globalThis.__skriptable_aria_state;
  const request = state && state.pending.get(seq);
  if (!request) return;
  state.pending.delete(seq);
  request.resolve(elements);
}`
	jsARIAReject = `function(seq, message) {
  const state = globalThis.__skriptable_aria_state;
  const request = state && state.pending.get(seq);
  if (!request) return;
  state.pending.delete(seq);
  request.reject(new Error(message));
}`
)

// ariaAnswerTimeout bounds one binding call; the page-side query waits for
// it, so a stuck answer must not hold a poller forever.
const ariaAnswerTimeout = 30 * time.Second

// answerARIA serves one binding call. Failures reject the page's promise
// with the error's message, as Puppeteer's binding does.
func (p *Page) answerARIA(s *cdp.Session, ctxID int64, seq int) {
	ctx, cancel := context.WithTimeout(context.Background(), ariaAnswerTimeout)
	defer cancel()
	w := p.worldForContext(s, ctxID)
	if w == nil {
		return
	}
	seqArg := Arg{JSON: []byte(strconv.Itoa(seq))}
	reject := func(err error) {
		_, _ = w.call(ctx, jsARIAReject, []Arg{seqArg, {JSON: jsonString(err.Error())}}, true)
	}
	so, err := w.call(ctx, jsARIARequest, []Arg{seqArg, {JSON: jsonString("selector")}}, true)
	if err != nil {
		return
	}
	selector := decodeString(valueOf(so))
	q, err := parseARIASelector(selector)
	if err != nil {
		reject(err)
		return
	}
	ro, err := w.call(ctx, jsARIARequest, []Arg{seqArg, {JSON: jsonString("root")}}, false)
	if err != nil {
		return
	}
	if ro.ObjectID == "" {
		return // answered already, or the page called the binding itself
	}
	defer releaseObject(ctx, s, string(ro.ObjectID))
	ids, err := queryAXTree(ctx, s, string(ro.ObjectID), q)
	if err != nil {
		reject(err)
		return
	}
	args := []Arg{seqArg}
	var objects []string
	defer func() {
		for _, id := range objects {
			releaseObject(ctx, s, id)
		}
	}()
	for _, backendID := range ids {
		var res struct {
			Object struct {
				ObjectID string `json:"objectId"`
			} `json:"object"`
		}
		if err := s.Call(ctx, "DOM.resolveNode", map[string]any{"backendNodeId": backendID, "executionContextId": ctxID}, &res); err != nil {
			reject(err)
			return
		}
		objects = append(objects, res.Object.ObjectID)
		args = append(args, Arg{Handle: &Handle{world: w, page: p, id: res.Object.ObjectID}})
	}
	if _, err := w.call(ctx, jsARIAResolve, args, true); err != nil {
		reject(err)
	}
}

// queryAXTree returns the backend node ids of the elements under the node
// objectID whose accessible name and role match q, skipping ignored and
// text nodes as Puppeteer does.
func queryAXTree(ctx context.Context, s *cdp.Session, objectID string, q ariaSelector) ([]int64, error) {
	params := map[string]any{"objectId": objectID}
	if q.HasName {
		params["accessibleName"] = q.Name
	}
	if q.HasRole {
		params["role"] = q.Role
	}
	var res struct {
		Nodes []struct {
			Ignored bool `json:"ignored"`
			Role    *struct {
				Value jsonv2.Value `json:"value"`
			} `json:"role"`
			BackendDOMNodeID int64 `json:"backendDOMNodeId"`
		} `json:"nodes"`
	}
	if err := s.Call(ctx, "Accessibility.queryAXTree", params, &res); err != nil {
		return nil, err
	}
	var ids []int64
	for _, n := range res.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		var role string
		_ = jsonv2.Unmarshal(n.Role.Value, &role)
		if role == "StaticText" || role == "InlineTextBox" {
			continue
		}
		ids = append(ids, n.BackendDOMNodeID)
	}
	return ids, nil
}

// ariaSelector is a parsed ARIA query: an accessible name and role, each
// optional.
type ariaSelector struct {
	Name, Role       string
	HasName, HasRole bool
}

// parseARIASelector reads "Name[role=\"button\"]"-style selectors as
// Puppeteer's ARIA handler does: each [attribute="value"] (or single
// quotes) is taken out, only name and role are known attributes, and the
// remaining text is the name unless a non-empty name attribute was given.
func parseARIASelector(selector string) (ariaSelector, error) {
	var q ariaSelector
	if len(selector) > 10_000 {
		return q, fmt.Errorf("Selector %s is too long", selector)
	}
	s := []rune(selector)
	var rest []rune
	for i := 0; i < len(s); {
		if s[i] == '[' {
			if end, attr, value, ok := ariaAttributeAt(s, i); ok {
				switch attr {
				case "name":
					q.Name, q.HasName = value, true
				case "role":
					q.Role, q.HasRole = value, true
				default:
					return q, fmt.Errorf("Unknown aria attribute \"%s\" in selector", attr)
				}
				i = end
				continue
			}
		}
		rest = append(rest, s[i])
		i++
	}
	if len(rest) > 0 && (!q.HasName || q.Name == "") {
		q.Name, q.HasName = string(rest), true
	}
	return q, nil
}

// ariaAttributeAt matches [\s*attr\s*=\s*"value"\s*] at s[i], with
// Puppeteer's rules: the value is an escaped character, or the shortest
// text (without line breaks) up to a matching quote followed by "]".
func ariaAttributeAt(s []rune, i int) (end int, attr, value string, ok bool) {
	isWord := func(r rune) bool {
		return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
	}
	skip := func(j int) int {
		for j < len(s) && isJSSpace(s[j]) {
			j++
		}
		return j
	}
	// closes reports where "\s*]" after position j ends, or -1.
	closes := func(j int) int {
		j = skip(j)
		if j < len(s) && s[j] == ']' {
			return j + 1
		}
		return -1
	}
	j := skip(i + 1)
	a := j
	for j < len(s) && isWord(s[j]) {
		j++
	}
	if j == a {
		return 0, "", "", false
	}
	attr = string(s[a:j])
	j = skip(j)
	if j >= len(s) || s[j] != '=' {
		return 0, "", "", false
	}
	j = skip(j + 1)
	if j >= len(s) || (s[j] != '"' && s[j] != '\'') {
		return 0, "", "", false
	}
	quote, k := s[j], j+1
	if k+2 < len(s) && s[k] == '\\' && !isLineTerminator(s[k+1]) && s[k+2] == quote {
		if e := closes(k + 3); e >= 0 {
			return e, attr, string(s[k : k+2]), true
		}
	}
	for m := k; m < len(s) && !isLineTerminator(s[m]); m++ {
		if s[m] == quote {
			if e := closes(m + 1); e >= 0 {
				return e, attr, string(s[k:m]), true
			}
		}
	}
	return 0, "", "", false
}
