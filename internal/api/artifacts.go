package api

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// listArtifacts handles GET /runs/{id}/artifacts: the run's artifacts by
// name.
func (a *API) listArtifacts(w http.ResponseWriter, r *http.Request) error {
	as, err := a.store.ListArtifacts(r.Context(), tenantID(r), r.PathValue("id"))
	if err != nil {
		return orNotFound(err, "run")
	}
	writeJSON(w, http.StatusOK, List[ArtifactView]{Items: mapItems(as, NewArtifactView)})
	return nil
}

// getArtifact handles GET /runs/{id}/artifacts/{name...}: it downloads
// one artifact (names may contain slashes) with its stored Content-Type,
// its Content-Length, "Content-Disposition: attachment" and headers that
// keep browsers from rendering it in the API's origin.
func (a *API) getArtifact(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	rc, art, err := a.store.OpenArtifact(r.Context(), tenantID(r), r.PathValue("id"), name)
	if err != nil {
		return orNotFound(err, "artifact")
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", art.ContentType)
	h.Set("Content-Length", strconv.FormatInt(art.Size, 10))
	h.Set("Content-Disposition", ContentDisposition(path.Base(art.Name)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=86400, immutable") // artifacts never change
	h.Set("ETag", `"`+art.SHA256+`"`)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	if _, err := io.Copy(w, rc); err != nil && r.Context().Err() == nil {
		// Headers are gone; the short body tells the client (its length
		// does not match Content-Length).
		a.log.Error("api: sending artifact", "run", art.RunID, "name", art.Name, "err", err)
	}
	return nil
}

// ContentDisposition renders `attachment; filename="…"` for a file name:
// a quoted ASCII fallback (other characters, quotes and backslashes
// become '_') plus, for non-ASCII names, the RFC 5987 filename* form.
func ContentDisposition(filename string) string {
	var fallback strings.Builder
	ascii := true
	for _, c := range filename {
		switch {
		case c < 0x20 || c >= 0x7f:
			ascii = false
			fallback.WriteByte('_')
		case c == '"' || c == '\\':
			fallback.WriteByte('_')
		default:
			fallback.WriteRune(c)
		}
	}
	out := `attachment; filename="` + fallback.String() + `"`
	if !ascii {
		out += "; filename*=UTF-8''" + rfc5987(filename)
	}
	return out
}

// rfc5987 percent-encodes s as an RFC 5987 value: attr-chars stay, every
// other byte of the UTF-8 encoding becomes %XX.
func rfc5987(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte(attr, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
