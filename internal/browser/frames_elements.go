package browser

import (
	"context"
	"errors"
)

// ContentFrame is the frame an <iframe>/<frame> element shows, or nil
// for other elements (Puppeteer's elementHandle.contentFrame).
func (h *Handle) ContentFrame(ctx context.Context) (*Frame, error) {
	var res struct {
		Node struct {
			FrameID string `json:"frameId"`
		} `json:"node"`
	}
	if err := h.usable(); err != nil {
		return nil, err
	}
	if err := h.world.sess().Call(ctx, "DOM.describeNode", map[string]string{"objectId": h.id}, &res); err != nil {
		return nil, h.page.wrapErr(ctx, err)
	}
	if res.Node.FrameID == "" {
		return nil, nil
	}
	return h.page.frames.frame(res.Node.FrameID), nil
}

// FrameElement is the <iframe> element holding the frame, in its parent
// frame, or nil for the main frame (Puppeteer's frame.frameElement).
func (f *Frame) FrameElement(ctx context.Context) (*Handle, error) {
	parent := f.ParentFrame()
	if parent == nil {
		return nil, nil
	}
	var owner struct {
		BackendNodeID int64 `json:"backendNodeId"`
	}
	if err := parent.main.sess().Call(ctx, "DOM.getFrameOwner", map[string]string{"frameId": f.id}, &owner); err != nil {
		return nil, f.page.wrapErr(ctx, err)
	}
	if owner.BackendNodeID == 0 {
		return nil, errors.New("frame owner not found")
	}
	return parent.adoptBackendNode(ctx, owner.BackendNodeID)
}
