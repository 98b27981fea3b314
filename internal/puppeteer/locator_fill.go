package puppeteer

import (
	"context"
	"errors"
	"unicode/utf16"

	"github.com/go-json-experiment/json"
	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
)

// Locator.fill: how Puppeteer fills each kind of form field.

// filler is one locator.fill call.
type filler struct {
	value     browser.Arg
	isString  bool
	str       string
	truthy    bool
	threshold int
}

func (m *mapper) fillValue(v, optArg sobek.Value) (*filler, error) {
	o, err := m.options(optArg, "options")
	if err != nil {
		return nil, err
	}
	f := &filler{threshold: 100, truthy: v != nil && v.ToBoolean()}
	if n, ok, err := o.num("typingThreshold"); err != nil {
		return nil, err
	} else if ok {
		f.threshold = int(n)
	}
	if f.value, err = m.toArg(v); err != nil {
		return nil, err
	}
	if v != nil && sobek.IsString(v) {
		f.isString, f.str = true, v.String()
	}
	return f, nil
}

const (
	jsFillKind = `function(el) {
  if (el instanceof HTMLSelectElement) return 'select';
  if (el instanceof HTMLTextAreaElement) return 'typeable-input';
  if (el instanceof HTMLInputElement) {
    switch (el.type) {
      case 'checkbox': case 'radio': return 'checkable-input';
      case 'text': case 'url': case 'tel': case 'search': case 'password': case 'number': case 'email': return 'typeable-input';
      default: return 'other-input';
    }
  }
  switch (el.getAttribute('role')) {
    case 'checkbox': case 'radio': case 'switch': return 'checkable-input';
  }
  if (el.isContentEditable) return 'contenteditable';
  return 'unknown';
}`
	jsFillChecked = `function(el) {
  if (el.indeterminate || el.getAttribute('aria-checked') === 'mixed') return 'mixed';
  return el.checked || el.getAttribute('aria-checked') === 'true';
}`
	// jsFillPrepare keeps the common prefix of the current and new value
	// (clearing the field otherwise) and returns what is left to type.
	jsFillPrepare = `function(el, newValue) {
  const value = String(newValue);
  const current = el.isContentEditable ? el.innerText : el.value;
  if (current === value) return '';
  if (!value.startsWith(current) || !current) {
    if (el.isContentEditable) el.innerText = ''; else el.value = '';
    return value;
  }
  if (el.isContentEditable) { el.innerText = ''; el.innerText = current; } else { el.value = ''; el.value = current; }
  return value.substring(current.length);
}`
	jsFillDirectly = `function(el, newValue) {
  const value = String(newValue);
  const current = el.isContentEditable ? el.innerText : el.value;
  if (current === value) return;
  if (el.isContentEditable) el.innerText = value; else el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}`
)

// fill is Puppeteer's fill for one located element: toggle checkboxes,
// select options, type short text (keeping a common prefix), set long
// text or other inputs directly.
func (f *filler) fill(ctx context.Context, h *browser.Handle) error {
	kind, err := h.Evaluate(ctx, jsFillKind, nil)
	if err != nil {
		return err
	}
	direct := func() error {
		if err := h.Focus(ctx); err != nil {
			return err
		}
		_, err := h.Evaluate(ctx, jsFillDirectly, []browser.Arg{f.value})
		return err
	}
	switch string(kind.JSON) {
	case `"checkable-input"`:
		state, err := h.Evaluate(ctx, jsFillChecked, nil)
		if err != nil {
			return err
		}
		if s := string(state.JSON); s == `"mixed"` || (s == "true") != f.truthy {
			return h.Click(ctx, browser.ClickOptions{})
		}
		return nil
	case `"select"`:
		if !f.isString {
			return errors.New("Values must be strings")
		}
		_, err := h.Select(ctx, []string{f.str})
		return err
	case `"contenteditable"`, `"typeable-input"`:
		if f.isString && len(utf16.Encode([]rune(f.str))) < f.threshold {
			rest, err := h.Evaluate(ctx, jsFillPrepare, []browser.Arg{f.value})
			if err != nil {
				return err
			}
			var text string
			if s := rest.JSON; s != nil {
				text = decodeJSONString(s)
			}
			if text == "" {
				return nil
			}
			return h.Type(ctx, text, 0)
		}
		return direct()
	case `"other-input"`:
		return direct()
	}
	return errors.New("Element cannot be filled out.")
}

// decodeJSONString reads a JSON string ("" for anything else).
func decodeJSONString(b []byte) string {
	var s string
	if json.Unmarshal(b, &s) != nil {
		return ""
	}
	return s
}
