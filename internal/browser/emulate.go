package browser

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// pageState is the page's emulation and script state (emulate.go,
// scripts.go), behind its own lock.
type pageState struct {
	mu           sync.Mutex
	jsDisabled   bool
	scripts      map[string]bool     // evaluateOnNewDocument identifiers
	bindings     map[string]*binding // exposed functions by name
	exposedIDs   map[string]string   // exposed function name → its init script id
	bindingsOnce sync.Once           // installs the Runtime.bindingCalled handler
	emu          emulation           // replayed on out-of-process frames (oopif_emulation.go)
}

// Emulate applies a device: its user agent and viewport (page.emulate).
func (p *Page) Emulate(ctx context.Context, userAgent string, v Viewport) error {
	errs := make(chan error, 2)
	go func() {
		errs <- p.wrapErr(ctx, p.session.Call(ctx, "Network.setUserAgentOverride", map[string]any{"userAgent": userAgent}, nil))
	}()
	go func() { errs <- p.SetViewport(ctx, v) }()
	var first error
	for range 2 {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// EmulateMediaType emulates a CSS media type: "screen", "print" or ""
// (none).
func (p *Page) EmulateMediaType(ctx context.Context, media string) error {
	if media != "" && media != "screen" && media != "print" {
		return errors.New("Unsupported media type: " + media)
	}
	return p.wrapErr(ctx, p.emuCall(ctx, "Emulation.setEmulatedMedia", map[string]any{"media": media}, func(st *pageState) any {
		st.emu.mediaType = &media
		return st.emu.mediaParams()
	}))
}

// MediaFeature is one emulated CSS media feature.
type MediaFeature struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

var mediaFeatureName = regexp.MustCompile(`^(?:prefers-(?:color-scheme|reduced-motion)|color-gamut)$`)

// EmulateMediaFeatures emulates CSS media features; nil resets them.
func (p *Page) EmulateMediaFeatures(ctx context.Context, features []MediaFeature) error {
	for _, f := range features {
		if !mediaFeatureName.MatchString(f.Name) {
			return errors.New("Unsupported media feature: " + f.Name)
		}
	}
	params := map[string]any{}
	if features != nil {
		params["features"] = features
	}
	return p.wrapErr(ctx, p.emuCall(ctx, "Emulation.setEmulatedMedia", params, func(st *pageState) any {
		st.emu.mediaFeatures, st.emu.featuresSet = features, true
		return st.emu.mediaParams()
	}))
}

// EmulateTimezone overrides the time zone; "" restores the system's.
func (p *Page) EmulateTimezone(ctx context.Context, id string) error {
	params := map[string]any{"timezoneId": id}
	err := p.emuCall(ctx, "Emulation.setTimezoneOverride", params, func(st *pageState) any {
		st.emu.timezone = &id
		return params
	})
	if err != nil && strings.Contains(err.Error(), "Invalid timezone") {
		return fmt.Errorf("Invalid timezone ID: %s", id)
	}
	return p.wrapErr(ctx, err)
}

var visionDeficiencies = map[string]bool{
	"none": true, "achromatopsia": true, "blurredVision": true, "deuteranopia": true,
	"protanopia": true, "reducedContrast": true, "tritanopia": true,
}

// EmulateVisionDeficiency simulates a vision deficiency; "" or "none"
// turns it off.
func (p *Page) EmulateVisionDeficiency(ctx context.Context, kind string) error {
	if kind != "" && !visionDeficiencies[kind] {
		return errors.New("Unsupported vision deficiency: " + kind)
	}
	if kind == "" {
		kind = "none"
	}
	return p.wrapErr(ctx, p.emuSetting(ctx, "vision", "Emulation.setEmulatedVisionDeficiency", map[string]any{"type": kind}))
}

// EmulateCPUThrottling slows the CPU by factor (≥ 1); 0 means no
// throttling (Puppeteer's null).
func (p *Page) EmulateCPUThrottling(ctx context.Context, factor float64) error {
	if factor == 0 {
		factor = 1
	}
	if factor < 1 {
		return errors.New("Throttling rate should be greater or equal to 1")
	}
	return p.wrapErr(ctx, p.emuSetting(ctx, "cpu", "Emulation.setCPUThrottlingRate", map[string]any{"rate": factor}))
}

// NetworkConditions are emulated network conditions; throughputs are in
// bytes per second, -1 means no limit.
type NetworkConditions struct {
	Offline  bool
	Download float64
	Upload   float64
	Latency  float64 // ms
}

// EmulateNetworkConditions throttles the page's network; nil removes the
// throttling.
func (p *Page) EmulateNetworkConditions(ctx context.Context, nc *NetworkConditions) error {
	c := NetworkConditions{Download: -1, Upload: -1}
	if nc != nil {
		c = *nc
	}
	return p.wrapErr(ctx, p.session.Call(ctx, "Network.emulateNetworkConditions", map[string]any{
		"offline": c.Offline, "latency": c.Latency, "uploadThroughput": c.Upload, "downloadThroughput": c.Download,
	}, nil))
}

// IdleState is an emulated user idle state; nil clears the override.
type IdleState struct {
	IsUserActive     bool
	IsScreenUnlocked bool
}

// EmulateIdleState overrides what the Idle Detection API reports.
func (p *Page) EmulateIdleState(ctx context.Context, s *IdleState) error {
	if s == nil {
		return p.wrapErr(ctx, p.emuSetting(ctx, "idle", "Emulation.clearIdleOverride", map[string]any{}))
	}
	return p.wrapErr(ctx, p.emuSetting(ctx, "idle", "Emulation.setIdleOverride", map[string]any{
		"isUserActive": s.IsUserActive, "isScreenUnlocked": s.IsScreenUnlocked,
	}))
}

// SetGeolocation overrides the position the Geolocation API reports (the
// page also needs the geolocation permission).
func (p *Page) SetGeolocation(ctx context.Context, longitude, latitude, accuracy float64) error {
	if longitude < -180 || longitude > 180 {
		return fmt.Errorf("Invalid longitude %q: precondition -180 <= LONGITUDE <= 180 failed.", jsNumber(longitude))
	}
	if latitude < -90 || latitude > 90 {
		return fmt.Errorf("Invalid latitude %q: precondition -90 <= LATITUDE <= 90 failed.", jsNumber(latitude))
	}
	if accuracy < 0 {
		return fmt.Errorf("Invalid accuracy %q: precondition 0 <= ACCURACY failed.", jsNumber(accuracy))
	}
	params := map[string]any{"longitude": longitude, "latitude": latitude, "accuracy": accuracy}
	return p.wrapErr(ctx, p.emuCall(ctx, "Emulation.setGeolocationOverride", params, func(st *pageState) any {
		st.emu.geolocation = params
		return params
	}))
}

// SetJavaScriptEnabled turns script execution in the page on or off
// (it applies from the next navigation).
func (p *Page) SetJavaScriptEnabled(ctx context.Context, enabled bool) error {
	params := map[string]any{"value": !enabled}
	return p.wrapErr(ctx, p.emuCall(ctx, "Emulation.setScriptExecutionDisabled", params, func(st *pageState) any {
		st.jsDisabled = !enabled
		return params
	}))
}

// JavaScriptEnabled reports the last SetJavaScriptEnabled (true at first).
func (p *Page) JavaScriptEnabled() bool {
	p.state.mu.Lock()
	defer p.state.mu.Unlock()
	return !p.state.jsDisabled
}

// SetBypassCSP makes the page ignore its Content-Security-Policy (applies
// from the next navigation).
func (p *Page) SetBypassCSP(ctx context.Context, enabled bool) error {
	return p.wrapErr(ctx, p.session.Call(ctx, "Page.setBypassCSP", map[string]any{"enabled": enabled}, nil))
}

// EmulateFocusedPage makes the page behave as if focused (or not),
// whatever tab is in front.
func (p *Page) EmulateFocusedPage(ctx context.Context, enabled bool) error {
	return p.wrapErr(ctx, p.emuSetting(ctx, "focus", "Emulation.setFocusEmulationEnabled", map[string]any{"enabled": enabled}))
}
