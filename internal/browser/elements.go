package browser

import (
	"context"
	"errors"
	"fmt"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// Element members of Puppeteer's ElementHandle beyond clicking and typing:
// select, toElement, backendNodeId, boxModel, isIntersectingViewport.

// jsSelectOptions is Puppeteer's select: in a single select the first
// option whose value is listed is chosen, in a multiple select every
// listed one; input and change events follow; the selected values are
// returned.
const jsSelectOptions = `function(element, vals) {
  const values = new Set(vals);
  if (!(element instanceof HTMLSelectElement)) {
    throw new Error('Element is not a <select> element.');
  }
  const selectedValues = new Set();
  if (!element.multiple) {
    for (const option of element.options) option.selected = false;
    for (const option of element.options) {
      if (values.has(option.value)) {
        option.selected = true;
        selectedValues.add(option.value);
        break;
      }
    }
  } else {
    for (const option of element.options) {
      option.selected = values.has(option.value);
      if (option.selected) selectedValues.add(option.value);
    }
  }
  element.dispatchEvent(new Event('input', { bubbles: true }));
  element.dispatchEvent(new Event('change', { bubbles: true }));
  return [...selectedValues.values()];
}`

// Select selects the options with the given values and returns the values
// that ended up selected.
func (h *Handle) Select(ctx context.Context, values []string) ([]string, error) {
	arr := make([]jsonv2.Value, len(values))
	for i, v := range values {
		arr[i] = jsonString(v)
	}
	list, err := jsonv2.Marshal(arr)
	if err != nil {
		return nil, err
	}
	v, err := h.Evaluate(ctx, jsSelectOptions, []Arg{{JSON: list}})
	if err != nil {
		return nil, h.page.wrapErr(ctx, err)
	}
	var out []string
	if v.JSON != nil {
		if err := jsonv2.Unmarshal(v.JSON, &out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MustQuerySelector is frame.$ that fails with Puppeteer's "No element
// found for selector: …" when nothing matches.
func (f *Frame) MustQuerySelector(ctx context.Context, selector string) (*Handle, error) {
	return f.mustQuery(ctx, selector)
}

// Select is frame.select: the first element matching selector, then
// Handle.Select.
func (f *Frame) Select(ctx context.Context, selector string, values []string) ([]string, error) {
	var out []string
	err := f.withElement(ctx, selector, func(h *Handle) error {
		var err error
		out, err = h.Select(ctx, values)
		return err
	})
	return out, err
}

// ToElement checks that the element's tag is tagName (Puppeteer's
// toElement), with its error message when not.
func (h *Handle) ToElement(ctx context.Context, tagName string) error {
	v, err := h.Evaluate(ctx, `function(node, tagName) { return node.nodeName === tagName.toUpperCase(); }`, []Arg{{JSON: jsonString(tagName)}})
	if err != nil {
		return h.page.wrapErr(ctx, err)
	}
	if string(v.JSON) != "true" {
		return fmt.Errorf("Element is not a(n) `%s` element", tagName)
	}
	return nil
}

// BackendNodeID is the DevTools backend id of the node.
func (h *Handle) BackendNodeID(ctx context.Context) (int64, error) {
	if err := h.usable(); err != nil {
		return 0, err
	}
	var res struct {
		Node struct {
			BackendNodeID int64 `json:"backendNodeId"`
		} `json:"node"`
	}
	if err := h.world.sess().Call(ctx, "DOM.describeNode", map[string]string{"objectId": h.id}, &res); err != nil {
		return 0, h.page.wrapErr(ctx, err)
	}
	return res.Node.BackendNodeID, nil
}

// Quad is four points, clockwise from the top left.
type Quad [4]Point

// BoxModel is Puppeteer's BoxModel: the element's content, padding,
// border and margin quads in main-frame viewport coordinates.
type BoxModel struct {
	Content, Padding, Border, Margin Quad
	Width, Height                    float64
}

const jsBoxModel = `function(element) {
  if (!(element instanceof Element)) return null;
  if (element.getClientRects().length === 0) return null;
  const rect = element.getBoundingClientRect();
  const style = window.getComputedStyle(element);
  const offsets = {
    padding: { left: parseInt(style.paddingLeft, 10), top: parseInt(style.paddingTop, 10), right: parseInt(style.paddingRight, 10), bottom: parseInt(style.paddingBottom, 10) },
    margin: { left: -parseInt(style.marginLeft, 10), top: -parseInt(style.marginTop, 10), right: -parseInt(style.marginRight, 10), bottom: -parseInt(style.marginBottom, 10) },
    border: { left: parseInt(style.borderLeft, 10), top: parseInt(style.borderTop, 10), right: parseInt(style.borderRight, 10), bottom: parseInt(style.borderBottom, 10) },
  };
  const inset = (quad, o) => [
    { x: quad[0].x + o.left, y: quad[0].y + o.top },
    { x: quad[1].x - o.right, y: quad[1].y + o.top },
    { x: quad[2].x - o.right, y: quad[2].y - o.bottom },
    { x: quad[3].x + o.left, y: quad[3].y - o.bottom },
  ];
  const border = [
    { x: rect.left, y: rect.top },
    { x: rect.left + rect.width, y: rect.top },
    { x: rect.left + rect.width, y: rect.top + rect.height },
    { x: rect.left, y: rect.top + rect.height },
  ];
  const padding = inset(border, offsets.border);
  const content = inset(padding, offsets.padding);
  const margin = inset(border, offsets.margin);
  return { content, padding, border, margin, width: rect.width, height: rect.height };
}`

// BoxModel returns the element's box model, or nil when it is not part of
// the layout (display: none).
func (h *Handle) BoxModel(ctx context.Context) (*BoxModel, error) {
	v, err := h.Evaluate(ctx, jsBoxModel, nil)
	if err != nil {
		return nil, h.page.wrapErr(ctx, err)
	}
	if v.JSON == nil || string(v.JSON) == "null" {
		return nil, nil
	}
	var raw struct {
		Content []Point `json:"content"`
		Padding []Point `json:"padding"`
		Border  []Point `json:"border"`
		Margin  []Point `json:"margin"`
		Width   float64 `json:"width"`
		Height  float64 `json:"height"`
	}
	if err := jsonv2.Unmarshal(v.JSON, &raw); err != nil {
		return nil, err
	}
	off, err := h.world.frame.toMainFrame(ctx, &Point{})
	if err != nil {
		return nil, err
	}
	box := &BoxModel{Width: raw.Width, Height: raw.Height}
	for _, q := range []struct {
		src []Point
		dst *Quad
	}{{raw.Content, &box.Content}, {raw.Padding, &box.Padding}, {raw.Border, &box.Border}, {raw.Margin, &box.Margin}} {
		if len(q.src) != 4 {
			return nil, errors.New("malformed box model")
		}
		for i, p := range q.src {
			q.dst[i] = Point{X: p.X + off.X, Y: p.Y + off.Y}
		}
	}
	return box, nil
}

// IsIntersectingViewport reports whether the element is in the viewport:
// with threshold 1, entirely; otherwise by more than threshold (Puppeteer's
// default is 0: any part). An SVG element is judged by its owner <svg>.
func (h *Handle) IsIntersectingViewport(ctx context.Context, threshold float64) (bool, error) {
	v, err := h.Evaluate(ctx, `async function(node, threshold) {
  if (!node.isConnected) throw new Error('Node is detached from document');
  if (node.nodeType !== Node.ELEMENT_NODE) throw new Error('Node is not of type HTMLElement');
  const element = node instanceof SVGElement && !(node instanceof SVGSVGElement) && node.ownerSVGElement ? node.ownerSVGElement : node;
  const ratio = await new Promise(resolve => {
    const observer = new IntersectionObserver(entries => {
      resolve(entries[0].intersectionRatio);
      observer.disconnect();
    });
    observer.observe(element);
  });
  return threshold === 1 ? ratio === 1 : ratio > threshold;
}`, []Arg{{JSON: floatJSON(threshold)}})
	if err != nil {
		return false, h.page.wrapErr(ctx, err)
	}
	return string(v.JSON) == "true", nil
}

// Autofill fills the form field with Chrome's autofill (Autofill.trigger),
// from a credit card and/or an address given as Autofill.CreditCard and
// Autofill.Address JSON (nil to omit).
func (h *Handle) Autofill(ctx context.Context, card, address jsonv2.Value) error {
	id, err := h.BackendNodeID(ctx)
	if err != nil {
		return err
	}
	params := map[string]any{"fieldId": id, "frameId": h.world.frame.id}
	if card != nil {
		params["card"] = card
	}
	if address != nil {
		params["address"] = address
	}
	return h.page.wrapErr(ctx, h.world.sess().Call(ctx, "Autofill.trigger", params, nil))
}
