package browser

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Clip is a rectangle of the page in CSS pixels.
type Clip struct {
	X, Y, Width, Height float64
	Scale               float64 // 0 means 1
}

// ScreenshotOptions are Puppeteer's screenshot options that matter to the
// browser (path and encoding are handled by the caller).
type ScreenshotOptions struct {
	Type           string // "png" (default), "jpeg", "webp"
	Quality        *int
	FullPage       bool
	Clip           *Clip
	OmitBackground bool
	// CaptureBeyondViewport defaults to true, as in Puppeteer.
	CaptureBeyondViewport *bool
	OptimizeForSpeed      bool
	FromSurface           *bool
}

// ValidateScreenshot checks options the way Puppeteer does, with its
// messages, before anything is sent to the browser.
func ValidateScreenshot(o *ScreenshotOptions) error {
	if o.Type == "" {
		o.Type = "png"
	}
	switch o.Type {
	case "png", "jpeg", "webp":
	default:
		return fmt.Errorf("Unknown options.type value: %s", o.Type)
	}
	if o.Quality != nil {
		if *o.Quality < 0 || *o.Quality > 100 {
			return fmt.Errorf("Expected 'quality' (%d) to be between 0 and 100, inclusive.", *o.Quality)
		}
		if o.Type != "jpeg" && o.Type != "webp" {
			return fmt.Errorf("%s screenshots do not support 'quality'.", o.Type)
		}
	}
	if c := o.Clip; c != nil {
		if c.Width <= 0 {
			return errors.New("'width' in 'clip' must be positive.")
		}
		if c.Height <= 0 {
			return errors.New("'height' in 'clip' must be positive.")
		}
		if o.FullPage {
			return errors.New("'clip' and 'fullPage' are mutually exclusive")
		}
	}
	return nil
}

// Screenshot captures the page (Puppeteer's page.screenshot) and returns
// the encoded image.
func (p *Page) Screenshot(ctx context.Context, o ScreenshotOptions) ([]byte, error) {
	if err := ValidateScreenshot(&o); err != nil {
		return nil, err
	}
	beyond := true
	if o.CaptureBeyondViewport != nil {
		beyond = *o.CaptureBeyondViewport
	}
	if o.Clip == nil && !o.FullPage {
		beyond = false
	}
	params := map[string]any{
		"format":                o.Type,
		"captureBeyondViewport": beyond,
		"optimizeForSpeed":      o.OptimizeForSpeed,
		"fromSurface":           o.FromSurface == nil || *o.FromSurface,
	}
	if o.Quality != nil {
		params["quality"] = *o.Quality
	}
	if c := o.Clip; c != nil {
		x, y := math.Round(c.X), math.Round(c.Y)
		clip := map[string]any{
			"x": x, "y": y,
			"width":  math.Round(c.Width + c.X - x),
			"height": math.Round(c.Height + c.Y - y),
			"scale":  1.0,
		}
		if c.Scale != 0 {
			clip["scale"] = c.Scale
		}
		params["clip"] = clip
	}
	if o.OmitBackground && (o.Type == "png" || o.Type == "webp") {
		if err := p.session.Call(ctx, "Emulation.setDefaultBackgroundColorOverride",
			map[string]any{"color": map[string]int{"r": 0, "g": 0, "b": 0, "a": 0}}, nil); err != nil {
			return nil, p.wrapErr(ctx, err)
		}
		defer func() {
			_ = p.session.Call(context.WithoutCancel(ctx), "Emulation.setDefaultBackgroundColorOverride", map[string]any{}, nil)
		}()
	}
	var res struct {
		Data string `json:"data"`
	}
	if err := p.session.Call(ctx, "Page.captureScreenshot", params, &res); err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	return base64.StdEncoding.DecodeString(res.Data)
}

// PDFOptions are Puppeteer's page.pdf options.
type PDFOptions struct {
	Scale               float64 // 0 means 1
	DisplayHeaderFooter bool
	HeaderTemplate      string
	FooterTemplate      string
	PrintBackground     bool
	Landscape           bool
	PageRanges          string
	Format              string    // "letter" (default), "a4", …
	Width, Height       string    // CSS lengths ("8.5in", "210mm", "800px" or "800"), used without Format
	Margin              [4]string // top, right, bottom, left
	PreferCSSPageSize   bool
	OmitBackground      bool
	Outline             bool
	Tagged              *bool // default true
	Timeout             time.Duration
}

// paperSizes are inches, as in Puppeteer's paperFormats.
var paperSizes = map[string][2]float64{
	"letter": {8.5, 11}, "legal": {8.5, 14}, "tabloid": {11, 17}, "ledger": {17, 11},
	"a0": {33.1102, 46.811}, "a1": {23.3858, 33.1102}, "a2": {16.5354, 23.3858}, "a3": {11.6929, 16.5354},
	"a4": {8.2677, 11.6929}, "a5": {5.8268, 8.2677}, "a6": {4.1339, 5.8268},
}

var unitPixels = map[string]float64{"px": 1, "in": 96, "cm": 37.8, "mm": 3.78}

// lengthInches converts a Puppeteer print length ("10mm", "1in", "96").
func lengthInches(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	unit := "px"
	num := s
	if len(s) > 2 {
		if _, ok := unitPixels[strings.ToLower(s[len(s)-2:])]; ok {
			unit, num = strings.ToLower(s[len(s)-2:]), s[:len(s)-2]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil {
		return 0, fmt.Errorf("Failed to parse parameter value: %s", s)
	}
	return v * unitPixels[unit] / 96, nil
}

// PDF prints the page (Puppeteer's page.pdf).
func (p *Page) PDF(ctx context.Context, o PDFOptions) ([]byte, error) {
	w, h := 8.5, 11.0
	if o.Format != "" {
		size, ok := paperSizes[strings.ToLower(o.Format)]
		if !ok {
			return nil, fmt.Errorf("Unknown paper format: %s", o.Format)
		}
		w, h = size[0], size[1]
	} else {
		if o.Width != "" {
			v, err := lengthInches(o.Width)
			if err != nil {
				return nil, err
			}
			w = v
		}
		if o.Height != "" {
			v, err := lengthInches(o.Height)
			if err != nil {
				return nil, err
			}
			h = v
		}
	}
	var margins [4]float64
	for i, m := range o.Margin {
		v, err := lengthInches(m)
		if err != nil {
			return nil, err
		}
		margins[i] = v
	}
	scale := o.Scale
	if scale == 0 {
		scale = 1
	}
	tagged := o.Tagged == nil || *o.Tagged || o.Outline
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, &TimeoutError{Msg: fmt.Sprintf("Timed out after waiting %dms", o.Timeout.Milliseconds())})
		defer cancel()
	}
	if o.OmitBackground {
		_ = p.session.Call(ctx, "Emulation.setDefaultBackgroundColorOverride",
			map[string]any{"color": map[string]int{"r": 0, "g": 0, "b": 0, "a": 0}}, nil)
		defer func() {
			_ = p.session.Call(context.WithoutCancel(ctx), "Emulation.setDefaultBackgroundColorOverride", map[string]any{}, nil)
		}()
	}
	// Wait for web fonts like Puppeteer (waitForFonts defaults to true).
	_, _ = p.MainFrame().EvaluateExpression(ctx, "document.fonts.ready.then(() => true)")
	var res struct {
		Stream string `json:"stream"`
	}
	err := p.session.Call(ctx, "Page.printToPDF", map[string]any{
		"transferMode": "ReturnAsStream", "landscape": o.Landscape, "displayHeaderFooter": o.DisplayHeaderFooter,
		"headerTemplate": o.HeaderTemplate, "footerTemplate": o.FooterTemplate, "printBackground": o.PrintBackground,
		"scale": scale, "paperWidth": w, "paperHeight": h,
		"marginTop": margins[0], "marginRight": margins[1], "marginBottom": margins[2], "marginLeft": margins[3],
		"pageRanges": o.PageRanges, "preferCSSPageSize": o.PreferCSSPageSize,
		"generateTaggedPDF": tagged, "generateDocumentOutline": o.Outline,
	}, &res)
	if err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	return p.readStream(ctx, res.Stream)
}

// maxStreamBytes bounds what one IO stream may hand us (a PDF or trace).
const maxStreamBytes = 512 << 20

func (p *Page) readStream(ctx context.Context, handle string) ([]byte, error) {
	defer func() {
		_ = p.session.Call(context.WithoutCancel(ctx), "IO.close", map[string]string{"handle": handle}, nil)
	}()
	var out []byte
	for {
		var chunk struct {
			Data          string `json:"data"`
			EOF           bool   `json:"eof"`
			Base64Encoded bool   `json:"base64Encoded"`
		}
		if err := p.session.Call(ctx, "IO.read", map[string]any{"handle": handle, "size": 1 << 20}, &chunk); err != nil {
			return nil, p.wrapErr(ctx, err)
		}
		data := []byte(chunk.Data)
		if chunk.Base64Encoded {
			d, err := base64.StdEncoding.DecodeString(chunk.Data)
			if err != nil {
				return nil, fmt.Errorf("read stream: %w", err)
			}
			data = d
		}
		out = append(out, data...)
		if len(out) > maxStreamBytes {
			return nil, fmt.Errorf("stream larger than %d bytes", maxStreamBytes)
		}
		if chunk.EOF {
			return out, nil
		}
	}
}
