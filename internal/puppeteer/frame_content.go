package puppeteer

import (
	"context"

	"github.com/grafana/sobek"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/js"
)

// contentMethods defines setContent, addScriptTag and addStyleTag, which
// Page (on its main frame) and Frame share; p supplies the navigation
// timeout, frame the target frame at call time.
func (m *mapper) contentMethods(b *builder, p *browser.Page, frame func() *browser.Frame) {
	b.async("setContent", func(call sobek.FunctionCall) (work, error) {
		html, err := argString(call.Argument(0), "html")
		if err != nil {
			return nil, err
		}
		o, err := m.options(call.Argument(1), "options")
		if err != nil {
			return nil, err
		}
		no := browser.NavigateOptions{Timeout: p.NavigationTimeout()}
		if no.WaitUntil, err = o.strs("waitUntil"); err != nil {
			return nil, err
		}
		if _, err := browser.ParseWaitUntil(no.WaitUntil); err != nil {
			return nil, err
		}
		if d, ok, err := o.millis("timeout"); err != nil {
			return nil, err
		} else if ok {
			no.Timeout = d
		}
		return func(ctx context.Context) (js.Builder, error) { return nil, frame().SetContent(ctx, html, no) }, nil
	})
	tag := func(style bool) func(call sobek.FunctionCall) (work, error) {
		return func(call sobek.FunctionCall) (work, error) {
			to, path, err := m.tagOptions(call.Argument(0), style)
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) (js.Builder, error) {
				if path != "" {
					content, err := m.readRunFile(path, style)
					if err != nil {
						return nil, err
					}
					to.Content = content
				}
				var h *browser.Handle
				if style {
					h, err = frame().AddStyleTag(ctx, to)
				} else {
					h, err = frame().AddScriptTag(ctx, to)
				}
				return m.handleResult(h), err
			}, nil
		}
	}
	b.async("addScriptTag", tag(false))
	b.async("addStyleTag", tag(true))
}
