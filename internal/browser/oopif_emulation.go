package browser

import (
	"context"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"

	"github.com/skriptable/skriptable/internal/cdp"
)

// The page's emulation and script state reaches its out-of-process
// frames, as Puppeteer's EmulationManager and FrameManager do for every
// session of a page: setters apply to the page's session and then to the
// live OOPIF sessions, and a newly attached OOPIF gets the state set so
// far while it is still paused (applyEmulation).

// emulation is what a new OOPIF session must be told. nil fields were
// never set, so nothing is sent for them.
type emulation struct {
	timezone      *string
	mediaType     *string
	mediaFeatures []MediaFeature
	featuresSet   bool
	geolocation   map[string]any
	scripts       []newDocScript                     // page script ids, in order added
	others        map[string]emuCmd                  // the last command per setting: vision, cpu, idle, focus
	childScripts  map[*cdp.Session]map[string]string // page script id → the child session's id
}

type newDocScript struct{ id, source string }

// emuCmd is a recorded command, replayed as it was sent.
type emuCmd struct {
	method string
	params map[string]any
}

// emuSetting sends a setting whose last command is all a new OOPIF needs
// (key names the setting: a clear and a set command share one key).
func (p *Page) emuSetting(ctx context.Context, key, method string, params map[string]any) error {
	return p.emuCall(ctx, method, params, func(st *pageState) any {
		if st.emu.others == nil {
			st.emu.others = map[string]emuCmd{}
		}
		st.emu.others[key] = emuCmd{method, params}
		return params
	})
}

// childSessions are the page's live OOPIF sessions (the network manager
// follows exactly those besides the page's own).
func (p *Page) childSessions() []*cdp.Session {
	var out []*cdp.Session
	for _, s := range p.network.live() {
		if s != p.session {
			out = append(out, s)
		}
	}
	return out
}

// emuCall sends an emulation command to the page's session (its error is
// the result), then records the new state (record, under state.mu, returns
// the params for OOPIFs) and sends it, best effort, to every OOPIF
// session: a frame that is going away may fail without failing the
// script's call. Recording before listing the sessions means a frame
// attaching meanwhile gets the state either here or from applyEmulation.
func (p *Page) emuCall(ctx context.Context, method string, params any, record func(e *pageState) any) error {
	if err := p.session.Call(ctx, method, params, nil); err != nil {
		return err
	}
	p.state.mu.Lock()
	childParams := record(&p.state)
	p.state.mu.Unlock()
	for _, s := range p.childSessions() {
		_ = s.Call(ctx, method, childParams, nil)
	}
	return nil
}

// mediaParams is one Emulation.setEmulatedMedia call carrying both the
// media type and the features set so far (the caller holds state.mu).
func (e *emulation) mediaParams() map[string]any {
	params := map[string]any{}
	if e.mediaType != nil {
		params["media"] = *e.mediaType
	}
	if e.featuresSet && e.mediaFeatures != nil {
		params["features"] = e.mediaFeatures
	}
	return params
}

// applyEmulation replays the emulation and script state on a new OOPIF
// session; the target is paused, so its first document sees it all.
// Failures are ignored like the rest of a child's set-up (initChildFrame).
func (p *Page) applyEmulation(ctx context.Context, s *cdp.Session) {
	s.On("Runtime.bindingCalled", func(raw jsonv2.Value) { p.onBindingCalled(s, raw) })
	st := &p.state
	st.mu.Lock()
	e := st.emu
	media := e.mediaParams()
	scripts := append([]newDocScript(nil), e.scripts...)
	jsDisabled := st.jsDisabled
	var others []emuCmd
	for _, c := range e.others {
		others = append(others, c)
	}
	var bindings []string
	for name := range st.bindings {
		bindings = append(bindings, name)
	}
	st.mu.Unlock()
	if e.timezone != nil {
		_ = s.Call(ctx, "Emulation.setTimezoneOverride", map[string]any{"timezoneId": *e.timezone}, nil)
	}
	if len(media) > 0 {
		_ = s.Call(ctx, "Emulation.setEmulatedMedia", media, nil)
	}
	if e.geolocation != nil {
		_ = s.Call(ctx, "Emulation.setGeolocationOverride", e.geolocation, nil)
	}
	if jsDisabled {
		_ = s.Call(ctx, "Emulation.setScriptExecutionDisabled", map[string]any{"value": true}, nil)
	}
	for _, c := range others {
		_ = s.Call(ctx, c.method, c.params, nil)
	}
	for _, name := range bindings {
		_ = s.Call(ctx, "Runtime.addBinding", map[string]any{"name": bindingPrefix + name}, nil)
	}
	for _, sc := range scripts {
		p.addChildScript(ctx, s, sc)
	}
}

// addChildScript adds one new-document script to an OOPIF session and
// remembers its id there, for RemoveScriptToEvaluateOnNewDocument.
func (p *Page) addChildScript(ctx context.Context, s *cdp.Session, sc newDocScript) {
	var res struct {
		Identifier string `json:"identifier"`
	}
	if s.Call(ctx, "Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": sc.source}, &res) != nil {
		return
	}
	st := &p.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.emu.childScripts == nil {
		st.emu.childScripts = map[*cdp.Session]map[string]string{}
	}
	m := st.emu.childScripts[s]
	if m == nil {
		m = map[string]string{}
		st.emu.childScripts[s] = m
	}
	m[sc.id] = res.Identifier
}

// removeChildScripts removes a page script from every OOPIF session.
func (p *Page) removeChildScripts(ctx context.Context, id string) {
	st := &p.state
	st.mu.Lock()
	for i, sc := range st.emu.scripts {
		if sc.id == id {
			st.emu.scripts = append(st.emu.scripts[:i:i], st.emu.scripts[i+1:]...)
			break
		}
	}
	type pending struct {
		s  *cdp.Session
		id string
	}
	var todo []pending
	for s, m := range st.emu.childScripts {
		if s.Err() != nil {
			delete(st.emu.childScripts, s)
			continue
		}
		if cid, ok := m[id]; ok {
			todo = append(todo, pending{s, cid})
			delete(m, id)
		}
	}
	st.mu.Unlock()
	for _, t := range todo {
		_ = t.s.Call(ctx, "Page.removeScriptToEvaluateOnNewDocument", map[string]any{"identifier": t.id}, nil)
	}
}
