package browser

// Device is one entry of Puppeteer's KnownDevices: a name, a user agent
// and a viewport, for page.emulate.
type Device struct {
	Name      string
	UserAgent string
	Viewport  Viewport
}

// KnownDevices returns Puppeteer's device table in its order (a copy: the
// table itself is never handed out).
func KnownDevices() []Device {
	out := make([]Device, len(knownDevices))
	copy(out, knownDevices)
	return out
}
