package browser

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// UploadFile is one file for an <input type=file>: its name (the last
// path element) and content. Skriptable uploads only files the run wrote,
// which live in memory, so files are handed to the page as File objects
// instead of paths on the browser's disk.
type UploadFile struct {
	Name string
	Data []byte
}

// jsSetFiles sets input.files and fires input and change, as
// DOM.setFileInputFiles does for files on disk.
const jsSetFiles = `function(el, files) {
  if (!(el instanceof HTMLInputElement) || el.type !== 'file') throw new Error('Node is not a file input element');
  const dt = new DataTransfer();
  for (const f of files) {
    const bin = atob(f.data);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    dt.items.add(new File([bytes], f.name, {type: f.type}));
  }
  el.files = dt.files;
  el.dispatchEvent(new Event('input', {bubbles: true, composed: true}));
  el.dispatchEvent(new Event('change', {bubbles: true}));
}`

// maxUploadBytes bounds what one uploadFile call sends into the page.
const maxUploadBytes = 32 << 20

// UploadFiles is Puppeteer's elementHandle.uploadFile with the files'
// contents: several files need <input multiple>; none clears the input.
func (h *Handle) UploadFiles(ctx context.Context, files []UploadFile) error {
	multiple, err := h.Evaluate(ctx, `el => el.multiple`, nil)
	if err != nil {
		return err
	}
	if len(files) > 1 && string(multiple.JSON) != "true" {
		return errors.New("Multiple file uploads only work with <input type=file multiple>")
	}
	var b strings.Builder
	total := 0
	b.WriteByte('[')
	for i, f := range files {
		total += len(f.Data)
		if total > maxUploadBytes {
			return fmt.Errorf("uploadFile: the files exceed %d bytes", maxUploadBytes)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		entry, _ := jsonv2.Marshal(map[string]string{
			"name": f.Name, "type": uploadType(f.Name), "data": base64.StdEncoding.EncodeToString(f.Data),
		})
		b.Write(entry)
	}
	b.WriteByte(']')
	_, err = h.Evaluate(ctx, jsSetFiles, []Arg{{JSON: []byte(b.String())}})
	return err
}

// uploadType is the MIME type Chromium gives a picked file, from its
// extension ("" when unknown).
func uploadType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".txt":
		return "text/plain"
	case ".json":
		return "application/json"
	case ".csv":
		return "text/csv"
	case ".html", ".htm":
		return "text/html"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".pdf":
		return "application/pdf"
	case "":
		return ""
	}
	t := mime.TypeByExtension(ext)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return t
}

// FileChooser is a file picker the page opened (Puppeteer's FileChooser).
type FileChooser struct {
	Element  *Handle
	Multiple bool

	handled bool
}

// Accept picks files, like elementHandle.uploadFile on the input.
func (c *FileChooser) Accept(ctx context.Context, files []UploadFile) error {
	if c.handled {
		return errors.New("Cannot accept FileChooser which is already handled!")
	}
	c.handled = true
	return c.Element.UploadFiles(ctx, files)
}

// Cancel closes the picker without files (the input gets a cancel event).
func (c *FileChooser) Cancel(ctx context.Context) error {
	if c.handled {
		return errors.New("Cannot cancel FileChooser which is already handled!")
	}
	c.handled = true
	_, err := c.Element.Evaluate(ctx, `el => { el.dispatchEvent(new Event('cancel', {bubbles: true})); }`, nil)
	return err
}

// enableFileChooser listens for pickers; they are intercepted only while
// someone waits (WaitForFileChooser turns interception on).
func (p *Page) enableFileChooser(context.Context) error {
	p.session.On("Page.fileChooserOpened", func(raw jsonv2.Value) {
		var ev struct {
			FrameID       string `json:"frameId"`
			BackendNodeID int64  `json:"backendNodeId"`
			Mode          string `json:"mode"`
		}
		if jsonv2.Unmarshal(raw, &ev) != nil {
			return
		}
		p.tools.mu.Lock()
		waiters := p.tools.choosers
		p.tools.choosers = nil
		p.tools.mu.Unlock()
		if len(waiters) == 0 {
			return
		}
		go func() {
			f := p.frames.frame(ev.FrameID)
			if f == nil {
				f = p.MainFrame()
			}
			h, err := f.adoptBackendNode(context.Background(), ev.BackendNodeID)
			if err != nil || h == nil {
				return
			}
			fc := &FileChooser{Element: h, Multiple: ev.Mode != "selectSingle"}
			for _, w := range waiters {
				w <- fc
			}
		}()
	})
	return nil
}

// WaitForFileChooser waits until the page opens a file picker. The picker
// is intercepted: the page sees no dialog, and the script answers through
// the FileChooser.
func (p *Page) WaitForFileChooser(ctx context.Context, timeout int64) (*FileChooser, error) {
	ch := make(chan *FileChooser, 1)
	p.tools.mu.Lock()
	p.tools.choosers = append(p.tools.choosers, ch)
	enable := !p.tools.intercept
	p.tools.intercept = true
	p.tools.mu.Unlock()
	drop := func() {
		p.tools.mu.Lock()
		for i, c := range p.tools.choosers {
			if c == ch {
				p.tools.choosers = append(p.tools.choosers[:i:i], p.tools.choosers[i+1:]...)
				break
			}
		}
		p.tools.mu.Unlock()
	}
	if enable {
		err := p.session.Call(ctx, "Page.setInterceptFileChooserDialog", map[string]bool{"enabled": true}, nil)
		if err != nil {
			drop()
			p.tools.mu.Lock()
			p.tools.intercept = false
			p.tools.mu.Unlock()
			return nil, p.wrapErr(ctx, err)
		}
	}
	select {
	case fc := <-ch:
		return fc, nil
	case <-ctx.Done():
		drop()
		return nil, p.wrapErr(ctx, context.Cause(ctx))
	case <-p.session.Done():
		drop()
		return nil, p.closedErr()
	}
}
