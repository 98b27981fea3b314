package browser

import (
	"context"
	"strings"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/runtime"
)

// AXNode is one node of page.accessibility.snapshot(): Puppeteer's
// SerializedAXNode. Props holds the optional properties in Puppeteer's
// order, each with its JSON value.
type AXNode struct {
	Role          string
	Props         []AXProp
	BackendNodeID int64
	LoaderID      string
	Children      []*AXNode
	frame         *Frame
}

// AXProp is one property of an AXNode.
type AXProp struct {
	Name  string
	Value Value
}

// ElementHandle is the node's element (for a text node, its parent
// element), or nil when it has none.
func (n *AXNode) ElementHandle(ctx context.Context) (*Handle, error) {
	if n.BackendNodeID == 0 || n.frame == nil {
		return nil, nil
	}
	h, err := n.frame.adoptBackendNode(ctx, n.BackendNodeID)
	if err != nil || h == nil {
		return nil, err
	}
	defer h.Dispose(context.WithoutCancel(ctx))
	return h.EvaluateHandle(ctx, `node => node.nodeType === Node.TEXT_NODE ? node.parentElement : node`, nil)
}

// SnapshotOptions are accessibility.snapshot's options.
type SnapshotOptions struct {
	InterestingOnly bool // Puppeteer's default is true
	Root            *Handle
	IncludeIframes  bool // add each iframe's snapshot under its Iframe node
}

type axValue struct {
	Value jsonv2.Value `json:"value"`
}

type axPayload struct {
	NodeID           string   `json:"nodeId"`
	Ignored          bool     `json:"ignored"`
	Role             *axValue `json:"role"`
	Name             *axValue `json:"name"`
	Description      *axValue `json:"description"`
	Value            *axValue `json:"value"`
	ChildIDs         []string `json:"childIds"`
	BackendDOMNodeID int64    `json:"backendDOMNodeId"`
	Properties       []struct {
		Name  string  `json:"name"`
		Value axValue `json:"value"`
	} `json:"properties"`
}

// axNode mirrors Puppeteer's AXNode: the payload plus the derived flags
// its interest rules use.
type axNode struct {
	p                                                                 *axPayload
	children                                                          []*axNode
	role                                                              string
	name                                                              string
	desc                                                              string
	richly, editable, focusable, hidden, busy, modal, errmsg, details bool
	live, roledesc                                                    string
	focusChild                                                        *bool
	iframe                                                            *AXNode // the frame's own snapshot (IncludeIframes)
}

func axString(v jsonv2.Value) string {
	var s string
	if jsonv2.Unmarshal(v, &s) == nil {
		return s
	}
	return ""
}

func jsonTruthy(v jsonv2.Value) bool {
	switch strings.TrimSpace(string(v)) {
	case "", "false", "null", "0", `""`:
		return false
	}
	return true
}

func newAXNode(p *axPayload) *axNode {
	n := &axNode{p: p, role: "Unknown"}
	if p.Role != nil {
		n.role = axString(p.Role.Value)
	}
	if p.Name != nil {
		n.name = axString(p.Name.Value)
	}
	if p.Description != nil {
		n.desc = axString(p.Description.Value)
	}
	for _, pr := range p.Properties {
		v := pr.Value.Value
		switch pr.Name {
		case "editable":
			n.richly = axString(v) == "richtext"
			n.editable = true
		case "focusable":
			n.focusable = jsonTruthy(v)
		case "hidden":
			n.hidden = jsonTruthy(v)
		case "busy":
			n.busy = jsonTruthy(v)
		case "live":
			n.live = axString(v)
		case "modal":
			n.modal = jsonTruthy(v)
		case "roledescription":
			n.roledesc = axString(v)
		case "errormessage":
			n.errmsg = true
		case "details":
			n.details = true
		}
	}
	return n
}

func (n *axNode) plainTextField() bool {
	if n.richly {
		return false
	}
	return n.editable || n.role == "textbox" || n.role == "searchbox"
}

func (n *axNode) textOnly() bool {
	switch n.role {
	case "LineBreak", "text", "InlineTextBox", "StaticText":
		return true
	}
	return false
}

func (n *axNode) hasFocusableChild() bool {
	if n.focusChild == nil {
		v := false
		for _, c := range n.children {
			if c.focusable || c.hasFocusableChild() {
				v = true
				break
			}
		}
		n.focusChild = &v
	}
	return *n.focusChild
}

func (n *axNode) leaf() bool {
	if len(n.children) == 0 || n.plainTextField() || n.textOnly() {
		return true
	}
	switch n.role {
	case "doc-cover", "graphics-symbol", "img", "image", "Meter", "scrollbar", "slider", "separator", "progressbar":
		return true
	}
	if n.hasFocusableChild() {
		return false
	}
	return n.role == "heading" && n.name != ""
}

func (n *axNode) control() bool {
	switch n.role {
	case "button", "checkbox", "ColorWell", "combobox", "DisclosureTriangle", "listbox", "menu", "menubar",
		"menuitem", "menuitemcheckbox", "menuitemradio", "radio", "scrollbar", "searchbox", "slider",
		"spinbutton", "switch", "tab", "textbox", "tree", "treeitem":
		return true
	}
	return false
}

func (n *axNode) landmark() bool {
	switch n.role {
	case "banner", "complementary", "contentinfo", "form", "main", "navigation", "region", "search":
		return true
	}
	return false
}

func (n *axNode) interesting(insideControl bool) bool {
	if n.role == "Ignored" || n.hidden || n.p.Ignored {
		return false
	}
	if n.landmark() {
		return true
	}
	if n.focusable || n.richly || n.busy || (n.live != "" && n.live != "off") || n.modal || n.errmsg || n.details || n.roledesc != "" {
		return true
	}
	if n.control() {
		return true
	}
	if insideControl {
		return false
	}
	return n.leaf() && (n.name != "" || n.desc != "")
}

func collectInteresting(set map[*axNode]bool, n *axNode, insideControl bool) {
	if n.interesting(insideControl) || n.iframe != nil {
		set[n] = true
	}
	if n.leaf() {
		return
	}
	insideControl = insideControl || n.control()
	for _, c := range n.children {
		collectInteresting(set, c, insideControl)
	}
}

// Property groups of Puppeteer's AXNode.serialize, in its order.
var (
	axStringProps = []string{"name", "value", "description", "keyshortcuts", "roledescription", "valuetext", "url"}
	axBoolProps   = []string{"disabled", "expanded", "focused", "modal", "multiline", "multiselectable", "readonly", "required", "selected", "busy", "atomic"}
	axTriProps    = []string{"checked", "pressed"}
	axNumberProps = []string{"level", "valuemax", "valuemin"}
	axTokenProps  = []string{"autocomplete", "haspopup", "invalid", "orientation", "live", "relevant", "errormessage", "details"}
	jsonTrue      = Value{JSON: []byte("true")}
	jsonFalse     = Value{JSON: []byte("false")}
)

func (n *axNode) serialize(f *Frame, loaderID string) *AXNode {
	props := map[string]jsonv2.Value{}
	for _, pr := range n.p.Properties {
		props[strings.ToLower(pr.Name)] = pr.Value.Value
	}
	if n.p.Name != nil {
		props["name"] = n.p.Name.Value
	}
	if n.p.Value != nil {
		props["value"] = n.p.Value.Value
	}
	if n.p.Description != nil {
		props["description"] = n.p.Description.Value
	}
	out := &AXNode{Role: n.role, BackendNodeID: n.p.BackendDOMNodeID, LoaderID: loaderID, frame: f}
	add := func(name string, v Value) { out.Props = append(out.Props, AXProp{Name: name, Value: v}) }
	for _, k := range axStringProps {
		if v, ok := props[k]; ok {
			add(k, Value{JSON: []byte(v)})
		}
	}
	for _, k := range axBoolProps {
		if k == "focused" && n.role == "RootWebArea" {
			continue
		}
		if v, ok := props[k]; ok {
			if jsonTruthy(v) {
				add(k, jsonTrue)
			} else {
				add(k, jsonFalse)
			}
		}
	}
	for _, k := range axTriProps {
		if v, ok := props[k]; ok {
			switch axString(v) {
			case "mixed":
				add(k, Value{JSON: []byte(`"mixed"`)})
			case "true":
				add(k, jsonTrue)
			default:
				add(k, jsonFalse)
			}
		}
	}
	for _, k := range axNumberProps {
		if v, ok := props[k]; ok {
			add(k, Value{JSON: []byte(v)})
		}
	}
	for _, k := range axTokenProps {
		v, ok := props[k]
		if !ok || !jsonTruthy(v) || axString(v) == "false" {
			continue
		}
		add(k, Value{JSON: []byte(v)})
	}
	return out
}

func serializeAX(n *axNode, interesting map[*axNode]bool, f *Frame, loaderID string) []*AXNode {
	var children []*AXNode
	for _, c := range n.children {
		children = append(children, serializeAX(c, interesting, f, loaderID)...)
	}
	if interesting != nil && !interesting[n] {
		return children
	}
	s := n.serialize(f, loaderID)
	s.Children = children
	if n.iframe != nil {
		s.Children = append(s.Children, n.iframe)
	}
	return []*AXNode{s}
}

// AccessibilitySnapshot is page.accessibility.snapshot(): the frame's
// accessibility tree (or the subtree at opts.Root), by default reduced to
// the nodes Puppeteer deems interesting. nil means no tree (Puppeteer's
// null).
func (f *Frame) AccessibilitySnapshot(ctx context.Context, opts SnapshotOptions) (*AXNode, error) {
	p := f.page
	s := f.main.sess()
	params := map[string]any{}
	if f.ParentFrame() != nil {
		params["frameId"] = f.id
	}
	var res struct {
		Nodes []*axPayload `json:"nodes"`
	}
	if err := s.Call(ctx, "Accessibility.getFullAXTree", params, &res); err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	var backendID int64
	if opts.Root != nil {
		var d struct {
			Node struct {
				BackendNodeID int64 `json:"backendNodeId"`
			} `json:"node"`
		}
		if err := opts.Root.world.sess().Call(ctx, "DOM.describeNode", map[string]string{"objectId": opts.Root.id}, &d); err != nil {
			return nil, p.wrapErr(ctx, err)
		}
		backendID = d.Node.BackendNodeID
	}
	if len(res.Nodes) == 0 {
		return nil, nil
	}
	byID := map[string]*axNode{}
	var nodes []*axNode
	for _, pl := range res.Nodes {
		n := newAXNode(pl)
		byID[pl.NodeID] = n
		nodes = append(nodes, n)
	}
	for _, n := range nodes {
		for _, id := range n.p.ChildIDs {
			if c := byID[id]; c != nil {
				n.children = append(n.children, c)
			}
		}
	}
	root := nodes[0]
	if opts.IncludeIframes {
		f.populateIframes(ctx, root, opts)
	}
	needle := root
	if backendID != 0 {
		needle = findAX(root, backendID)
	}
	if needle == nil {
		return nil, nil
	}
	f.mu.Lock()
	loaderID := f.loaderID
	f.mu.Unlock()
	if !opts.InterestingOnly {
		return serializeAX(needle, nil, f, loaderID)[0], nil
	}
	set := map[*axNode]bool{}
	collectInteresting(set, root, false)
	out := serializeAX(needle, set, f, loaderID)
	if len(out) == 0 {
		return nil, nil
	}
	return out[0], nil
}

func findAX(n *axNode, backendID int64) *axNode {
	if n.p.BackendDOMNodeID == backendID {
		return n
	}
	for _, c := range n.children {
		if r := findAX(c, backendID); r != nil {
			return r
		}
	}
	return nil
}

// adoptBackendNode resolves a DOM node of the frame's document into a
// handle in the frame's main world.
func (f *Frame) adoptBackendNode(ctx context.Context, backendID int64) (*Handle, error) {
	ctxID, err := f.main.context(ctx)
	if err != nil {
		return nil, err
	}
	var res struct {
		Object *runtime.RemoteObject `json:"object"`
	}
	if err := f.main.sess().Call(ctx, "DOM.resolveNode", map[string]any{"backendNodeId": backendID, "executionContextId": ctxID}, &res); err != nil {
		return nil, f.page.wrapErr(ctx, err)
	}
	if res.Object == nil {
		return nil, nil
	}
	return newHandle(f.main, f.page, res.Object), nil
}

// populateIframes attaches to every Iframe node the snapshot of the frame
// it shows, with the same options, as Puppeteer does; frames that went
// away meanwhile are skipped.
func (f *Frame) populateIframes(ctx context.Context, n *axNode, opts SnapshotOptions) {
	if n.role == "Iframe" && n.p.BackendDOMNodeID != 0 {
		if h, err := f.adoptBackendNode(ctx, n.p.BackendDOMNodeID); err == nil && h != nil {
			if cf, err := h.ContentFrame(ctx); err == nil && cf != nil {
				if snap, err := cf.AccessibilitySnapshot(ctx, opts); err == nil {
					n.iframe = snap
				}
			}
			h.Dispose(context.WithoutCancel(ctx))
		}
	}
	for _, c := range n.children {
		f.populateIframes(ctx, c, opts)
	}
}
