package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// CookieParam is a cookie to set or delete, in CDP's names (Puppeteer's
// CookieParam / CookieData after its conversions). Empty fields are left
// out of the protocol call.
type CookieParam struct {
	Name         string        `json:"name"`
	Value        string        `json:"value,omitzero"`
	URL          string        `json:"url,omitzero"`
	Domain       string        `json:"domain,omitzero"`
	Path         string        `json:"path,omitzero"`
	Secure       *bool         `json:"secure,omitzero"`
	HTTPOnly     *bool         `json:"httpOnly,omitzero"`
	SameSite     string        `json:"sameSite,omitzero"` // Strict, Lax or None; anything else is dropped
	Expires      *float64      `json:"expires,omitzero"`
	Priority     string        `json:"priority,omitzero"`
	SourceScheme string        `json:"sourceScheme,omitzero"`
	SourcePort   *int          `json:"sourcePort,omitzero"`
	PartitionKey *PartitionKey `json:"partitionKey,omitzero"`
}

// PartitionKey is CDP's cookie partition key.
type PartitionKey struct {
	TopLevelSite         string `json:"topLevelSite"`
	HasCrossSiteAncestor bool   `json:"hasCrossSiteAncestor"`
}

// cdp returns the cookie as Puppeteer sends it: only the SameSite values
// the protocol knows.
func (c CookieParam) cdp() CookieParam {
	switch c.SameSite {
	case "Strict", "Lax", "None":
	default:
		c.SameSite = ""
	}
	return c
}

// Cookies are cookies as the browser reports them: one JSON object each,
// in the protocol's key order (the puppeteer package turns them into the
// objects Puppeteer prints).
type Cookies [][]byte

func decodeCookies(raw struct {
	Cookies []jsonv2.Value `json:"cookies"`
}) Cookies {
	out := make(Cookies, len(raw.Cookies))
	for i, c := range raw.Cookies {
		out[i] = append([]byte(nil), c...)
	}
	return out
}

// Cookies lists the cookies visible to urls, or to the page's URL when
// urls is empty (Puppeteer's page.cookies).
func (p *Page) Cookies(ctx context.Context, urls []string) (Cookies, error) {
	if len(urls) == 0 {
		urls = []string{p.MainFrame().URL()}
	}
	var res struct {
		Cookies []jsonv2.Value `json:"cookies"`
	}
	if err := p.session.Call(ctx, "Network.getCookies", map[string]any{"urls": urls}, &res); err != nil {
		return nil, p.wrapErr(ctx, err)
	}
	return decodeCookies(res), nil
}

// DeleteCookies deletes cookies as Puppeteer's page.deleteCookie does: a
// cookie without url gets the page's (if it is http[s]), and cookies of
// the page's own partition go too.
func (p *Page) DeleteCookies(ctx context.Context, cookies []CookieParam) error {
	pageURL := p.MainFrame().URL()
	for _, c := range cookies {
		item := map[string]any{"name": c.Name}
		if c.URL != "" {
			item["url"] = c.URL
		} else if strings.HasPrefix(pageURL, "http") {
			item["url"] = pageURL
		}
		if c.Domain != "" {
			item["domain"] = c.Domain
		}
		if c.Path != "" {
			item["path"] = c.Path
		}
		if c.PartitionKey != nil {
			item["partitionKey"] = c.PartitionKey
		}
		if err := p.session.Call(ctx, "Network.deleteCookies", item, nil); err != nil {
			return p.wrapErr(ctx, err)
		}
		if strings.HasPrefix(pageURL, "http") && c.PartitionKey == nil {
			u, err := url.Parse(pageURL)
			if err != nil {
				continue
			}
			item["partitionKey"] = PartitionKey{TopLevelSite: u.Scheme + "://" + u.Hostname()}
			if err := p.session.Call(ctx, "Network.deleteCookies", item, nil); err != nil {
				return p.wrapErr(ctx, err)
			}
		}
	}
	return nil
}

// SetCookies sets cookies as Puppeteer's page.setCookie does: a cookie
// without url belongs to the page's URL, which must not be about:blank or
// a data: URL; an existing cookie of the same name is deleted first.
func (p *Page) SetCookies(ctx context.Context, cookies []CookieParam) error {
	pageURL := p.MainFrame().URL()
	items := make([]CookieParam, len(cookies))
	for i, c := range cookies {
		if c.URL == "" && strings.HasPrefix(pageURL, "http") {
			c.URL = pageURL
		}
		if c.URL == "about:blank" {
			return fmt.Errorf("Blank page can not have cookie %q", c.Name)
		}
		if strings.HasPrefix(c.URL, "data:") {
			return fmt.Errorf("Data URL page can not have cookie %q", c.Name)
		}
		items[i] = c.cdp()
	}
	if err := p.DeleteCookies(ctx, items); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	return p.wrapErr(ctx, p.session.Call(ctx, "Network.setCookies", map[string]any{"cookies": items}, nil))
}

// Cookies lists every cookie of the browser context (Storage.getCookies).
func (c *Context) Cookies(ctx context.Context) (Cookies, error) {
	params := map[string]any{}
	if c.id != "" {
		params["browserContextId"] = c.id
	}
	var res struct {
		Cookies []jsonv2.Value `json:"cookies"`
	}
	if err := c.browser.conn.Root().Call(ctx, "Storage.getCookies", params, &res); err != nil {
		return nil, err
	}
	return decodeCookies(res), nil
}

// SetCookies sets cookies in the browser context (Storage.setCookies).
func (c *Context) SetCookies(ctx context.Context, cookies []CookieParam) error {
	items := make([]CookieParam, len(cookies))
	for i, ck := range cookies {
		items[i] = ck.cdp()
	}
	params := map[string]any{"cookies": items}
	if c.id != "" {
		params["browserContextId"] = c.id
	}
	return c.browser.conn.Root().Call(ctx, "Storage.setCookies", params, nil)
}

// DeleteCookies deletes cookies from the context the way Puppeteer does:
// by setting them again, expired.
func (c *Context) DeleteCookies(ctx context.Context, cookies []CookieParam) error {
	expired := 1.0
	items := make([]CookieParam, len(cookies))
	for i, ck := range cookies {
		ck.Expires = &expired
		items[i] = ck
	}
	return c.SetCookies(ctx, items)
}

// DeleteMatchingCookies deletes the context's cookies whose name one of
// names is. Puppeteer's deleteMatchingCookies accepts domain, path, url
// and partitionKey filters but deletes every cookie with a matching name
// whatever they say; this keeps that behaviour.
func (c *Context) DeleteMatchingCookies(ctx context.Context, names []string) error {
	all, err := c.Cookies(ctx)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var del []CookieParam
	for _, raw := range all {
		var ck CookieParam
		if err := jsonv2.Unmarshal(raw, &ck); err != nil {
			return errors.New("read cookie: " + err.Error())
		}
		if want[ck.Name] {
			del = append(del, ck)
		}
	}
	if len(del) == 0 {
		return nil
	}
	return c.DeleteCookies(ctx, del)
}
