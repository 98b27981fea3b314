package puppeteer

import (
	"context"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// wrapKeyboard returns page.keyboard.
func (m *mapper) wrapKeyboard(p *browser.Page) *sobek.Object {
	if obj, ok := m.keyboards[p]; ok {
		return obj
	}
	k := p.Keyboard
	b := m.object(keyboardAPI)
	keyCall := func(fn func(ctx context.Context, key string, ko browser.KeyOptions) error) func(call sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			key, err := argString(call.Argument(0), "key")
			if err != nil {
				return nil, err
			}
			ko, err := m.keyOptions(call.Argument(1))
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (js.Builder, error) { return nil, fn(ctx, key, ko) }, nil
		}
	}
	b.async("down", keyCall(k.Down))
	b.async("press", keyCall(k.Press))
	b.async("up", keyCall(func(ctx context.Context, key string, _ browser.KeyOptions) error { return k.Up(ctx, key) }))
	b.async("type", func(call sobek.FunctionCall) (work, error) {
		text, err := argString(call.Argument(0), "text")
		if err != nil {
			return nil, err
		}
		delay, err := m.delayOption(call.Argument(1))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, k.Type(ctx, text, delay) }, nil
	})
	b.async("sendCharacter", func(call sobek.FunctionCall) (work, error) {
		text, err := argString(call.Argument(0), "char")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, k.SendCharacter(ctx, text) }, nil
	})
	obj := b.done()
	m.keyboards[p] = obj
	return obj
}

// keyOptions parses the options of keyboard.down/press.
func (m *mapper) keyOptions(v sobek.Value) (browser.KeyOptions, error) {
	var ko browser.KeyOptions
	o, err := m.options(v, "options")
	if err != nil {
		return ko, err
	}
	if t, ok, err := o.str("text"); err != nil {
		return ko, err
	} else if ok {
		ko.Text = &t
	}
	if ko.Delay, _, err = o.millis("delay"); err != nil {
		return ko, err
	}
	ko.Commands, err = o.strs("commands")
	return ko, err
}

// mouseOptions parses Puppeteer's MouseOptions/MouseClickOptions.
func (m *mapper) mouseOptions(v sobek.Value) (browser.MouseOptions, error) {
	var mo browser.MouseOptions
	o, err := m.options(v, "options")
	if err != nil {
		return mo, err
	}
	if mo.Button, _, err = o.str("button"); err != nil {
		return mo, err
	}
	if n, ok, err := o.num("clickCount"); err != nil {
		return mo, err
	} else if ok {
		mo.ClickCount = int(n)
	}
	if n, ok, err := o.num("count"); err != nil {
		return mo, err
	} else if ok {
		mo.Count = int(n)
		if mo.Count < 1 {
			return mo, argErrorf("Click must occur a positive number of times.")
		}
	}
	mo.Delay, _, err = o.millis("delay")
	return mo, err
}

// wrapMouse returns page.mouse.
func (m *mapper) wrapMouse(p *browser.Page) *sobek.Object {
	if obj, ok := m.mice[p]; ok {
		return obj
	}
	ms := p.Mouse
	b := m.object(mouseAPI)
	xy := func(call sobek.FunctionCall) (float64, float64, error) {
		x, err := argNumber(call.Argument(0), "x")
		if err != nil {
			return 0, 0, err
		}
		y, err := argNumber(call.Argument(1), "y")
		return x, y, err
	}
	b.async("move", func(call sobek.FunctionCall) (work, error) {
		x, y, err := xy(call)
		if err != nil {
			return nil, err
		}
		o, err := m.options(call.Argument(2), "options")
		if err != nil {
			return nil, err
		}
		steps, _, err := o.num("steps")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, ms.Move(ctx, x, y, int(steps)) }, nil
	})
	b.async("click", func(call sobek.FunctionCall) (work, error) {
		x, y, err := xy(call)
		if err != nil {
			return nil, err
		}
		mo, err := m.mouseOptions(call.Argument(2))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, ms.Click(ctx, x, y, mo) }, nil
	})
	press := func(down bool) func(call sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			mo, err := m.mouseOptions(call.Argument(0))
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (js.Builder, error) {
				if down {
					return nil, ms.Down(ctx, mo)
				}
				return nil, ms.Up(ctx, mo)
			}, nil
		}
	}
	b.async("down", press(true))
	b.async("up", press(false))
	b.async("wheel", func(call sobek.FunctionCall) (work, error) {
		o, err := m.options(call.Argument(0), "options")
		if err != nil {
			return nil, err
		}
		dx, _, err := o.num("deltaX")
		if err != nil {
			return nil, err
		}
		dy, _, err := o.num("deltaY")
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, ms.Wheel(ctx, dx, dy) }, nil
	})
	b.async("reset", func(sobek.FunctionCall) (work, error) {
		return func(ctx context.Context) (js.Builder, error) { return nil, ms.Reset(ctx) }, nil
	})
	m.mouseDragMethods(b, p)
	obj := b.done()
	m.mice[p] = obj
	return obj
}
