package api

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Browser sessions.
//
// The dashboard signs in by exchanging an API key for a session cookie
// (POST /api/v1/session). The cookie is stateless: it holds the API key
// itself, with a CSRF token and an expiry, sealed with AES-256-GCM under
// a key derived from the server's secret key. Every request made with the
// cookie authenticates that API key again, exactly like a Bearer header,
// so revoking the key ends its sessions at once, and any API node that
// shares the secret key accepts the cookie (no session table to
// replicate or clean up). The price of statelessness: signing out clears
// the cookie in this browser, but a copy stolen before sign-out stays
// valid until it expires (SessionTTL) or its key is revoked.
//
// CSRF: the cookie is SameSite=Strict, and every state-changing request
// (any method but GET, HEAD and OPTIONS) made with the cookie must also
// send the session's CSRF token in the X-CSRF-Token header, and, when the
// browser sends Origin, come from this server's own origin. Requests that
// authenticate with "Authorization: Bearer" are unaffected: a browser
// never adds that header on its own.

// Session cookie and header names.
const (
	SessionCookie = "skriptable_session"
	CSRFHeader    = "X-CSRF-Token"
	// SessionTTL is how long a session lasts after sign-in.
	SessionTTL = 12 * time.Hour
)

// sessionAAD binds sealed cookies to their purpose and format version.
var sessionAAD = []byte("skriptable session v1")

// SessionKey derives the 32-byte key sealing session cookies from the
// server's secret key (which encrypts secrets at rest), so the two uses
// never share a key.
func SessionKey(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("skriptable: session cookie key"))
	return m.Sum(nil)
}

// sessionPayload is what a session cookie carries, sealed.
type sessionPayload struct {
	Key     string `json:"k"` // the API key's plaintext
	CSRF    string `json:"c"` // hex, 32 bytes
	Expires int64  `json:"e"` // Unix seconds
}

// sessionRequest is the body of POST /session.
type sessionRequest struct {
	Key *string `json:"key" api:"required" doc:"an API key (sk_…); it becomes the session's identity"`
}

// SessionView describes the caller: its tenant and key and, for a
// cookie session, the CSRF token to send in X-CSRF-Token.
type SessionView struct {
	Tenant    TenantView `json:"tenant"`
	Key       KeyView    `json:"key"`
	CSRFToken string     `json:"csrf_token,omitempty" doc:"send it as X-CSRF-Token on every state-changing request made with the cookie"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"when the cookie session ends"`
}

// newSealer builds the AEAD for session cookies.
func newSealer(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("session key must be 32 bytes, got %d", len(key))
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// sealSession encodes p as a cookie value.
func (a *API) sealSession(p sessionPayload) (string, error) {
	plain, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, a.sealer.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(a.sealer.Seal(nonce, nonce, plain, sessionAAD)), nil
}

// errSession is the 401 for a cookie that is malformed, forged, sealed
// under another key or expired.
func errSession() *Error {
	return unauthorized("session expired or invalid: sign in again", nil)
}

// openSession decodes and checks a cookie value.
func (a *API) openSession(v string) (sessionPayload, error) {
	raw, err := base64.RawURLEncoding.DecodeString(v)
	ns := a.sealer.NonceSize()
	if err != nil || len(raw) < ns {
		return sessionPayload{}, errSession()
	}
	plain, err := a.sealer.Open(nil, raw[:ns], raw[ns:], sessionAAD)
	if err != nil {
		return sessionPayload{}, errSession()
	}
	var p sessionPayload
	if err := json.Unmarshal(plain, &p); err != nil || p.Key == "" || p.CSRF == "" {
		return sessionPayload{}, errSession()
	}
	if a.now().Unix() >= p.Expires {
		return sessionPayload{}, errSession()
	}
	return p, nil
}

// authenticateSession authenticates a request that carries the session
// cookie (and no Authorization header): the sealed key must still be
// valid, and unsafe methods must pass the CSRF checks.
func (a *API) authenticateSession(r *http.Request, c *http.Cookie) (principal, error) {
	p, err := a.openSession(c.Value)
	if err != nil {
		return principal{}, err
	}
	if !safeMethod(r.Method) {
		if err := checkCSRF(r, p.CSRF); err != nil {
			return principal{}, err
		}
	}
	t, k, err := a.authenticatePlain(r, p.Key)
	if err != nil {
		return principal{}, err
	}
	return principal{tenant: t, key: k, session: &p}, nil
}

// safeMethod reports whether a method must not change state.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkCSRF enforces the token header and, when present, a same-origin
// Origin header.
func checkCSRF(r *http.Request, token string) error {
	got := r.Header.Get(CSRFHeader)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
		return &Error{Status: http.StatusForbidden, Code: "csrf_failed",
			Message: "missing or wrong " + CSRFHeader + " header: state-changing requests made with the session cookie must send the session's CSRF token"}
	}
	return checkOrigin(r)
}

// checkOrigin refuses a request whose Origin header names another host.
func checkOrigin(r *http.Request) error {
	o := r.Header.Get("Origin")
	if o == "" {
		return nil
	}
	u, err := url.Parse(o)
	if err != nil || !strings.EqualFold(u.Host, r.Host) {
		return &Error{Status: http.StatusForbidden, Code: "csrf_failed",
			Message: "cross-origin request refused: Origin " + o + " is not this server"}
	}
	return nil
}

// createSession handles POST /session: it checks the key and answers
// with the session (and its CSRF token), setting the cookie.
func (a *API) createSession(w http.ResponseWriter, r *http.Request) error {
	if err := checkOrigin(r); err != nil {
		return err
	}
	var req sessionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Key == nil || strings.TrimSpace(*req.Key) == "" {
		return invalid("key", "is required")
	}
	t, k, err := a.authenticatePlain(r, strings.TrimSpace(*req.Key))
	if err != nil {
		return err
	}
	var tok [32]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return err
	}
	exp := a.now().Add(SessionTTL).Truncate(time.Second)
	p := sessionPayload{Key: strings.TrimSpace(*req.Key), CSRF: hex.EncodeToString(tok[:]), Expires: exp.Unix()}
	v, err := a.sealSession(p)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: v, Path: "/", MaxAge: int(SessionTTL / time.Second),
		HttpOnly: true, Secure: a.secureRequest(r), SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusCreated, newSessionView(principal{tenant: t, key: k, session: &p}))
	return nil
}

// getSession handles GET /session: who the caller is (cookie or key).
func (a *API) getSession(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, newSessionView(caller(r)))
	return nil
}

// deleteSession handles DELETE /session (sign-out): it clears the
// cookie. A request carrying a still-valid cookie must pass the CSRF
// checks, so another site cannot sign the user out.
func (a *API) deleteSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if p, err := a.openSession(c.Value); err == nil {
			if err := checkCSRF(r, p.CSRF); err != nil {
				return err
			}
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.secureRequest(r), SameSite: http.SameSiteStrictMode})
	noContent(w)
	return nil
}

// secureRequest reports whether the client reached us over TLS (directly
// or, with TrustProxy, through a proxy that says so).
func (a *API) secureRequest(r *http.Request) bool {
	return r.TLS != nil || (a.trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// newSessionView renders the caller.
func newSessionView(p principal) SessionView {
	v := SessionView{Tenant: NewTenantView(p.tenant), Key: NewKeyView(p.key)}
	if p.session != nil {
		v.CSRFToken = p.session.CSRF
		v.ExpiresAt = optTime(time.Unix(p.session.Expires, 0))
	}
	return v
}
