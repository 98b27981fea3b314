package browser

import (
	"context"
	"errors"
	"fmt"
)

// MaxContexts caps the browser contexts a script may have open at once
// (besides the default one): each costs a profile partition, and every
// page in one its own renderer.
const MaxContexts = 32

// CreateContext creates a browser context (an isolated profile partition:
// its own cookies, storage and permissions), Puppeteer's
// browser.createBrowserContext. The context uses the browser's proxy: a
// script can never give a context its own (that would bypass the run's
// egress proxy).
func (b *Browser) CreateContext(ctx context.Context) (*Context, error) {
	b.mu.Lock()
	open := len(b.contexts) - 1
	b.mu.Unlock()
	if open >= MaxContexts {
		return nil, fmt.Errorf("browser.createBrowserContext: at most %d browser contexts may be open at once; close one first", MaxContexts)
	}
	var res struct {
		ID string `json:"browserContextId"`
	}
	if err := b.conn.Root().Call(ctx, "Target.createBrowserContext", map[string]any{"disposeOnDetach": true}, &res); err != nil {
		return nil, err
	}
	if res.ID == "" {
		return nil, errors.New("the browser returned no browser context id")
	}
	c := &Context{browser: b, id: res.ID}
	b.mu.Lock()
	b.contexts[res.ID] = c
	b.created = append(b.created, c)
	b.mu.Unlock()
	return c, nil
}

// Contexts lists the open browser contexts: the default one first, then
// the created ones in creation order.
func (b *Browser) Contexts() []*Context {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []*Context{b.def}
	for _, c := range b.created {
		if _, open := b.contexts[c.id]; open {
			out = append(out, c)
		}
	}
	return out
}

// IsDefault reports whether c is the browser's default context.
func (c *Context) IsDefault() bool { return c.id == "" }

// Browser is the browser the context belongs to.
func (c *Context) Browser() *Browser { return c.browser }

// Closed reports whether the context was closed (or its browser).
func (c *Context) Closed() bool {
	b := c.browser
	if !b.Connected() {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	_, open := b.contexts[c.id]
	return !open
}

// Pages lists the context's open pages.
func (c *Context) Pages() []*Page {
	var out []*Page
	for _, p := range c.browser.Pages() {
		if p.bctx == c {
			out = append(out, p)
		}
	}
	return out
}

// Close closes a created context and every page in it. The default
// context cannot be closed (Puppeteer's message).
func (c *Context) Close(ctx context.Context) error {
	if c.id == "" {
		return errors.New("Default BrowserContext cannot be closed!")
	}
	b := c.browser
	if err := b.conn.Root().Call(ctx, "Target.disposeBrowserContext", map[string]any{"browserContextId": c.id}, nil); err != nil {
		return err
	}
	b.mu.Lock()
	delete(b.contexts, c.id)
	b.mu.Unlock()
	for _, p := range c.Pages() {
		b.dropPage(p.targetID)
	}
	return nil
}

// webPermissions maps Puppeteer's permission names to CDP's
// (Puppeteer's WEB_PERMISSION_TO_PROTOCOL_PERMISSION).
var webPermissions = map[string]string{
	"accelerometer":             "sensors",
	"ambient-light-sensor":      "sensors",
	"background-sync":           "backgroundSync",
	"camera":                    "videoCapture",
	"clipboard-read":            "clipboardReadWrite",
	"clipboard-sanitized-write": "clipboardSanitizedWrite",
	"clipboard-write":           "clipboardReadWrite",
	"geolocation":               "geolocation",
	"gyroscope":                 "sensors",
	"idle-detection":            "idleDetection",
	"keyboard-lock":             "keyboardLock",
	"magnetometer":              "sensors",
	"microphone":                "audioCapture",
	"midi":                      "midi",
	"notifications":             "notifications",
	"payment-handler":           "paymentHandler",
	"persistent-storage":        "durableStorage",
	"pointer-lock":              "pointerLock",
	"midi-sysex":                "midiSysex",
}

// CheckPermissions maps Puppeteer permission names to the protocol's, or
// fails with Puppeteer's error for the first unknown one.
func CheckPermissions(perms []string) ([]string, error) {
	out := make([]string, len(perms))
	for i, p := range perms {
		cp, ok := webPermissions[p]
		if !ok {
			return nil, fmt.Errorf("Unknown permission: %s", p)
		}
		out[i] = cp
	}
	return out, nil
}

// OverridePermissions grants exactly perms (Puppeteer names) to origin in
// this context; the rest are denied.
func (c *Context) OverridePermissions(ctx context.Context, origin string, perms []string) error {
	cps, err := CheckPermissions(perms)
	if err != nil {
		return err
	}
	params := map[string]any{"origin": origin, "permissions": cps}
	if c.id != "" {
		params["browserContextId"] = c.id
	}
	return c.browser.conn.Root().Call(ctx, "Browser.grantPermissions", params, nil)
}

// ClearPermissionOverrides undoes OverridePermissions for every origin.
func (c *Context) ClearPermissionOverrides(ctx context.Context) error {
	params := map[string]any{}
	if c.id != "" {
		params["browserContextId"] = c.id
	}
	return c.browser.conn.Root().Call(ctx, "Browser.resetPermissions", params, nil)
}

// PermissionSetting is one permission state to set (Puppeteer's
// {permission: PermissionDescriptor, state}); nil options are left out.
type PermissionSetting struct {
	Name                     string
	UserVisibleOnly          *bool
	Sysex                    *bool
	AllowWithoutSanitization *bool
	PanTiltZoom              *bool
	State                    string // granted, denied or prompt
}

// SetPermission sets permission states for origin ("*" means every
// origin) in this context (Browser.setPermission).
func (c *Context) SetPermission(ctx context.Context, origin string, perms []PermissionSetting) error {
	for _, ps := range perms {
		desc := map[string]any{"name": ps.Name}
		for k, v := range map[string]*bool{"userVisibleOnly": ps.UserVisibleOnly, "sysex": ps.Sysex,
			"allowWithoutSanitization": ps.AllowWithoutSanitization, "panTiltZoom": ps.PanTiltZoom} {
			if v != nil {
				desc[k] = *v
			}
		}
		params := map[string]any{"permission": desc, "setting": ps.State}
		if origin != "*" {
			params["origin"] = origin
		}
		if c.id != "" {
			params["browserContextId"] = c.id
		}
		if err := c.browser.conn.Root().Call(ctx, "Browser.setPermission", params, nil); err != nil {
			return err
		}
	}
	return nil
}
