package js

import (
	_ "embed"
	"fmt"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/grafana/sobek"
)

//go:embed url.js
var urlSource string

var (
	urlOnce sync.Once
	urlProg *sobek.Program
	urlErr  error
)

// defaultPorts are the WHATWG special schemes' default ports.
var defaultPorts = map[string]string{"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21", "file": ""}

// installURL defines the URL and URLSearchParams globals. Parsing and
// resolution use net/url through one host function that returns plain
// component strings; the classes themselves are JS (url.js).
func (r *Runtime) installURL() error {
	urlOnce.Do(func() { urlProg, urlErr = sobek.Compile(InternalPrefix+"url.js", urlSource, true) })
	if urlErr != nil {
		return urlErr
	}
	factory, err := r.vm.RunProgram(urlProg)
	if err != nil {
		return err
	}
	fn, ok := sobek.AssertFunction(factory)
	if !ok {
		return fmt.Errorf("url.js did not evaluate to a function")
	}
	parse := r.Func("URL", func(call sobek.FunctionCall) sobek.Value {
		input := call.Argument(0).String()
		var base *string
		if b := call.Argument(1); !sobek.IsUndefined(b) {
			s := b.String()
			base = &s
		}
		parts, err := parseURL(input, base)
		if err != nil {
			return sobek.Null()
		}
		o := r.vm.NewObject()
		for _, kv := range parts {
			_ = o.Set(kv[0], kv[1])
		}
		return o
	})
	classes, err := fn(sobek.Undefined(), parse)
	if err != nil {
		return err
	}
	obj := classes.ToObject(r.vm)
	g := r.vm.GlobalObject()
	if err := g.Set("URL", obj.Get("URL")); err != nil {
		return err
	}
	return g.Set("URLSearchParams", obj.Get("URLSearchParams"))
}

// parseURL parses input (against base, if given) into WHATWG components,
// as ordered [name, value] pairs.
func parseURL(input string, base *string) ([][2]string, error) {
	input = strings.TrimSpace(input)
	u, err := url.Parse(input)
	if err != nil {
		return nil, err
	}
	if base != nil {
		b, err := url.Parse(strings.TrimSpace(*base))
		if err != nil || b.Scheme == "" {
			return nil, fmt.Errorf("invalid base URL")
		}
		u = b.ResolveReference(u)
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("invalid URL")
	}
	scheme := strings.ToLower(u.Scheme)
	_, special := defaultPorts[scheme]
	if special && scheme != "file" && u.Host == "" {
		return nil, fmt.Errorf("invalid URL: missing host")
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	port := u.Port()
	if port == defaultPorts[scheme] {
		port = ""
	}
	p := u.EscapedPath()
	if special {
		if p == "" {
			p = "/"
		}
		p = cleanDots(p)
	}
	user, pass := "", ""
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	search, hash := "", ""
	if u.RawQuery != "" {
		search = "?" + u.RawQuery
	}
	if f := u.EscapedFragment(); f != "" {
		hash = "#" + f
	}
	return [][2]string{
		{"protocol", scheme + ":"}, {"username", user}, {"password", pass},
		{"hostname", host}, {"port", port}, {"pathname", p}, {"search", search}, {"hash", hash},
		{"special", map[bool]string{true: "1", false: ""}[special]},
		{"opaque", u.Opaque},
	}, nil
}

// cleanDots removes "." and ".." segments like the WHATWG parser,
// keeping a trailing slash.
func cleanDots(p string) string {
	if !strings.Contains(p, "/.") {
		return p
	}
	trailing := strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
	c := path.Clean(p)
	if trailing && c != "/" {
		c += "/"
	}
	return c
}
