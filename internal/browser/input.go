package browser

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Keyboard sends key events to a page, as Puppeteer's Keyboard.
type Keyboard struct {
	page *Page

	mu        sync.Mutex
	modifiers int
	pressed   map[string]bool // by code
}

// KeyOptions are the options of down and press.
type KeyOptions struct {
	Text     *string // overrides the text the key produces
	Delay    time.Duration
	Commands []string
}

// Down presses a key (Puppeteer's keyboard.down).
func (k *Keyboard) Down(ctx context.Context, key string, opts KeyOptions) error {
	k.mu.Lock()
	d, err := describeKey(key, k.modifiers)
	if err != nil {
		k.mu.Unlock()
		return err
	}
	autoRepeat := k.pressed[d.Code]
	k.pressed[d.Code] = true
	k.modifiers |= modifierBit(d.Key)
	mods := k.modifiers
	k.mu.Unlock()
	text := d.Text
	if opts.Text != nil {
		text = *opts.Text
	}
	typ := "rawKeyDown"
	if text != "" {
		typ = "keyDown"
	}
	params := map[string]any{
		"type": typ, "modifiers": mods, "windowsVirtualKeyCode": d.KeyCode, "code": d.Code, "key": d.Key,
		"text": text, "unmodifiedText": text, "autoRepeat": autoRepeat, "location": d.Location, "isKeypad": d.Location == 3,
	}
	if len(opts.Commands) > 0 {
		params["commands"] = opts.Commands
	}
	return k.page.wrapErr(ctx, k.page.session.Call(ctx, "Input.dispatchKeyEvent", params, nil))
}

// Up releases a key.
func (k *Keyboard) Up(ctx context.Context, key string) error {
	k.mu.Lock()
	d, err := describeKey(key, k.modifiers)
	if err != nil {
		k.mu.Unlock()
		return err
	}
	k.modifiers &^= modifierBit(d.Key)
	delete(k.pressed, d.Code)
	mods := k.modifiers
	k.mu.Unlock()
	return k.page.wrapErr(ctx, k.page.session.Call(ctx, "Input.dispatchKeyEvent", map[string]any{
		"type": "keyUp", "modifiers": mods, "key": d.Key, "windowsVirtualKeyCode": d.KeyCode, "code": d.Code, "location": d.Location,
	}, nil))
}

// Press is Down, an optional delay, then Up.
func (k *Keyboard) Press(ctx context.Context, key string, opts KeyOptions) error {
	if err := k.Down(ctx, key, opts); err != nil {
		return err
	}
	if err := sleep(ctx, opts.Delay); err != nil {
		return err
	}
	return k.Up(ctx, key)
}

// SendCharacter inserts text without key events.
func (k *Keyboard) SendCharacter(ctx context.Context, text string) error {
	return k.page.wrapErr(ctx, k.page.session.Call(ctx, "Input.insertText", map[string]string{"text": text}, nil))
}

// Type types text character by character: keys of the layout are pressed,
// other characters are inserted, as Puppeteer does.
func (k *Keyboard) Type(ctx context.Context, text string, delay time.Duration) error {
	for _, r := range text {
		ch := string(r)
		if _, ok := usKeyboardLayout[ch]; ok {
			if err := k.Press(ctx, ch, KeyOptions{Delay: delay}); err != nil {
				return err
			}
			continue
		}
		if err := sleep(ctx, delay); err != nil {
			return err
		}
		if err := k.SendCharacter(ctx, ch); err != nil {
			return err
		}
	}
	return nil
}

func (k *Keyboard) currentModifiers() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.modifiers
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Mouse buttons as Puppeteer names them, with CDP's button flags.
var mouseButtons = map[string]int{"left": 1, "right": 2, "middle": 4, "back": 8, "forward": 16}

// Mouse sends mouse events to a page, as Puppeteer's Mouse.
type Mouse struct {
	page     *Page
	keyboard *Keyboard

	mu      sync.Mutex
	x, y    float64
	buttons int
}

// MouseOptions are the options of down, up and click.
type MouseOptions struct {
	Button     string // "left" (default), "right", "middle", "back", "forward"
	ClickCount int    // default 1
	Delay      time.Duration
	Count      int // click: how many clicks (default 1)
}

func buttonName(buttons int) string {
	for _, b := range []string{"left", "right", "middle", "back", "forward"} {
		if buttons&mouseButtons[b] != 0 {
			return b
		}
	}
	return "none"
}

// Move moves the pointer in steps (default 1).
func (m *Mouse) Move(ctx context.Context, x, y float64, steps int) error {
	if steps < 1 {
		steps = 1
	}
	m.mu.Lock()
	fromX, fromY := m.x, m.y
	m.mu.Unlock()
	for i := 1; i <= steps; i++ {
		px := fromX + (x-fromX)*float64(i)/float64(steps)
		py := fromY + (y-fromY)*float64(i)/float64(steps)
		m.mu.Lock()
		buttons := m.buttons
		m.mu.Unlock()
		err := m.page.session.Call(ctx, "Input.dispatchMouseEvent", map[string]any{
			"type": "mouseMoved", "modifiers": m.keyboard.currentModifiers(), "buttons": buttons,
			"button": buttonName(buttons), "x": px, "y": py,
		}, nil)
		if err != nil {
			return m.page.wrapErr(ctx, err)
		}
		m.mu.Lock()
		m.x, m.y = px, py
		m.mu.Unlock()
	}
	return nil
}

func (m *Mouse) press(ctx context.Context, down bool, opts MouseOptions) error {
	button := opts.Button
	if button == "" {
		button = "left"
	}
	flag, ok := mouseButtons[button]
	if !ok {
		return fmt.Errorf("Unsupported mouse button: %s", button)
	}
	clicks := opts.ClickCount
	if clicks == 0 {
		clicks = 1
	}
	m.mu.Lock()
	switch {
	case down && m.buttons&flag != 0:
		m.mu.Unlock()
		return fmt.Errorf("'%s' is already pressed.", button)
	case !down && m.buttons&flag == 0:
		m.mu.Unlock()
		return fmt.Errorf("'%s' is not pressed.", button)
	}
	buttons := m.buttons | flag
	typ := "mousePressed"
	if !down {
		buttons = m.buttons &^ flag
		typ = "mouseReleased"
	}
	x, y := m.x, m.y
	m.mu.Unlock()
	err := m.page.session.Call(ctx, "Input.dispatchMouseEvent", map[string]any{
		"type": typ, "modifiers": m.keyboard.currentModifiers(), "clickCount": clicks,
		"buttons": buttons, "button": button, "x": x, "y": y,
	}, nil)
	if err != nil {
		return m.page.wrapErr(ctx, err)
	}
	m.mu.Lock()
	m.buttons = buttons
	m.mu.Unlock()
	return nil
}

// Down presses a mouse button.
func (m *Mouse) Down(ctx context.Context, opts MouseOptions) error { return m.press(ctx, true, opts) }

// Up releases a mouse button.
func (m *Mouse) Up(ctx context.Context, opts MouseOptions) error { return m.press(ctx, false, opts) }

// Click moves to (x, y) and clicks, like Puppeteer's mouse.click.
func (m *Mouse) Click(ctx context.Context, x, y float64, opts MouseOptions) error {
	count := opts.Count
	if count == 0 {
		count = 1
	}
	if count < 1 {
		return errors.New("Click must occur a positive number of times.")
	}
	if err := m.Move(ctx, x, y, 1); err != nil {
		return err
	}
	clicks := opts.ClickCount
	if clicks == 0 {
		clicks = count
	}
	if clicks == count {
		for i := 1; i < count; i++ {
			o := opts
			o.ClickCount = i
			if err := m.Down(ctx, o); err != nil {
				return err
			}
			if err := m.Up(ctx, o); err != nil {
				return err
			}
		}
	}
	o := opts
	o.ClickCount = clicks
	if err := m.Down(ctx, o); err != nil {
		return err
	}
	if err := sleep(ctx, opts.Delay); err != nil {
		return err
	}
	return m.Up(ctx, o)
}

// Wheel scrolls by the deltas at the pointer's position.
func (m *Mouse) Wheel(ctx context.Context, dx, dy float64) error {
	m.mu.Lock()
	x, y := m.x, m.y
	m.mu.Unlock()
	return m.page.wrapErr(ctx, m.page.session.Call(ctx, "Input.dispatchMouseEvent", map[string]any{
		"type": "mouseWheel", "x": x, "y": y, "deltaX": dx, "deltaY": dy,
		"modifiers": m.keyboard.currentModifiers(), "pointerType": "mouse",
	}, nil))
}

// Reset releases pressed buttons and moves the pointer back to (0, 0).
func (m *Mouse) Reset(ctx context.Context) error {
	m.mu.Lock()
	buttons := m.buttons
	x, y := m.x, m.y
	m.mu.Unlock()
	for _, b := range []string{"left", "middle", "right", "forward", "back"} {
		if buttons&mouseButtons[b] != 0 {
			if err := m.Up(ctx, MouseOptions{Button: b}); err != nil {
				return err
			}
		}
	}
	if x != 0 || y != 0 {
		return m.Move(ctx, 0, 0, 1)
	}
	return nil
}
