// Package dashboard serves Skriptable's web UI: a single page (plain
// JavaScript modules and CSS embedded in the binary, no build step) that
// talks to the REST API of package api with a session cookie.
//
// Everything is served from this origin under a strict
// Content-Security-Policy: scripts and styles only from /assets (no
// inline script or style, no eval), images from this origin (artifacts)
// and data: URLs, connections only to this origin, no framing. The
// scripts never assign innerHTML: every text from scripts, runs and users
// is put into the page as text nodes, so a log line "<script>" shows as
// those characters.
package dashboard

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed assets
var assets embed.FS

// CSP is the dashboard's Content-Security-Policy.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Handler serves the dashboard: the page at "/" and its files under
// "/assets/". Mount it for exactly those two patterns ("GET /{$}" and
// "GET /assets/"); it answers 404 for anything else.
func Handler() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setHeaders(w.Header())
		switch {
		case r.URL.Path == "/":
			serveIndex(w, r, sub)
		case strings.HasPrefix(r.URL.Path, "/assets/") && !strings.HasSuffix(r.URL.Path, "/"):
			name := strings.TrimPrefix(path.Clean(r.URL.Path), "/assets/")
			if _, err := fs.Stat(sub, name); err != nil || name == "index.html" {
				http.NotFound(w, r)
				return
			}
			// Revalidate on every load: the files change with the binary,
			// and they are small.
			w.Header().Set("Cache-Control", "no-cache")
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + name
			files.ServeHTTP(w, r2)
		default:
			http.NotFound(w, r)
		}
	})
}

// serveIndex sends the page itself.
func serveIndex(w http.ResponseWriter, r *http.Request, sub fs.FS) {
	b, err := fs.ReadFile(sub, "index.html")
	if err != nil {
		http.Error(w, "dashboard missing from this build", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b)
}

// setHeaders applies the security headers to every dashboard response.
func setHeaders(h http.Header) {
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
}
