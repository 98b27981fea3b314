package puppeteer

import (
	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
)

// moduleStateValues defines puppeteer.KnownDevices and
// PredefinedNetworkConditions, plus their pre-22 names devices and
// networkConditions (the same objects) for old scripts.
func (m *mapper) moduleStateValues(b *builder) {
	devices := m.knownDevices()
	b.value("KnownDevices", devices)
	b.value("devices", devices)
	nc := m.networkConditions()
	b.value("PredefinedNetworkConditions", nc)
	b.value("networkConditions", nc)
}

// freeze is Object.freeze as the module found it.
func (m *mapper) freeze(o *sobek.Object) {
	if f, ok := sobek.AssertFunction(m.vm.Get("Object").ToObject(m.vm).Get("freeze")); ok {
		_, _ = f(sobek.Undefined(), o)
	}
}

// knownDevices builds Puppeteer's frozen KnownDevices object: device name
// → {name, userAgent, viewport}, in Puppeteer's order.
func (m *mapper) knownDevices() *sobek.Object {
	all := m.vm.NewObject()
	for _, d := range browser.KnownDevices() {
		o := m.vm.NewObject()
		_ = o.Set("name", d.Name)
		_ = o.Set("userAgent", d.UserAgent)
		v := m.vm.NewObject()
		_ = v.Set("width", d.Viewport.Width)
		_ = v.Set("height", d.Viewport.Height)
		_ = v.Set("deviceScaleFactor", d.Viewport.DeviceScaleFactor)
		_ = v.Set("isMobile", d.Viewport.IsMobile)
		_ = v.Set("hasTouch", d.Viewport.HasTouch)
		_ = v.Set("isLandscape", d.Viewport.IsLandscape)
		_ = o.Set("viewport", v)
		_ = all.Set(d.Name, o)
	}
	m.freeze(all)
	return all
}

// networkConditions builds Puppeteer's frozen PredefinedNetworkConditions.
// The numbers are computed at run time in the order Puppeteer's source
// computes them, so float rounding matches (Go constants would fold
// exactly).
func (m *mapper) networkConditions() *sobek.Object {
	k, mb := 1000.0, 1000.0*1000.0
	eight := 8.0
	fast3G := [3]float64{1.6 * mb / eight * 0.9, 750 * k / eight * 0.9, 150 * 3.75}
	rows := []struct {
		name string
		v    [3]float64 // download, upload, latency
	}{
		{"Slow 3G", [3]float64{500 * k / eight * 0.8, 500 * k / eight * 0.8, 400 * 5}},
		{"Fast 3G", fast3G},
		{"Slow 4G", fast3G},
		{"Fast 4G", [3]float64{9 * mb / eight * 0.9, 1.5 * mb / eight * 0.9, 60 * 2.75}},
	}
	all := m.vm.NewObject()
	for _, r := range rows {
		o := m.vm.NewObject()
		_ = o.Set("download", r.v[0])
		_ = o.Set("upload", r.v[1])
		_ = o.Set("latency", r.v[2])
		_ = all.Set(r.name, o)
	}
	m.freeze(all)
	return all
}
