package api

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

// sessionCookie signs in with key and returns the Set-Cookie header and
// the session.
func (e *env) signIn(key string, hdr ...string) (http.Header, SessionView) {
	e.t.Helper()
	var sv SessionView
	r := e.must(201, &sv, "POST", "/api/v1/session", "", obj{"key": key}, hdr...)
	return r.header, sv
}

// cookieOf extracts the session cookie's "name=value" from a response.
func cookieOf(t *testing.T, h http.Header) string {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == SessionCookie {
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("no %s cookie in %v", SessionCookie, h.Values("Set-Cookie"))
	return ""
}

func testSession(t *testing.T, newConfig func(*testing.T) store.Config) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, newConfig(t), withConfig(func(c *Config) { c.Now = clock; c.TrustProxy = true }))

	// Sign-in sets a HttpOnly, SameSite=Strict cookie; Secure only over TLS.
	h, sv := e.signIn(e.alice.key)
	sc := h.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Errorf("Set-Cookie %q is Secure over plain HTTP", sc)
	}
	if strings.Contains(sc, e.alice.key) {
		t.Errorf("the cookie carries the API key in clear: %q", sc)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(sv.CSRFToken) || sv.Tenant.Name != "alice" ||
		sv.Key.ID != e.alice.keyID || sv.ExpiresAt == nil {
		t.Fatalf("session = %+v", sv)
	}
	tlsH, _ := e.signIn(e.alice.key, "X-Forwarded-Proto", "https")
	if !strings.Contains(tlsH.Get("Set-Cookie"), "Secure") {
		t.Errorf("over TLS the cookie is not Secure: %q", tlsH.Get("Set-Cookie"))
	}
	cookie := cookieOf(t, h)

	// The cookie authenticates reads; GET /session returns the same token.
	var got SessionView
	e.must(200, &got, "GET", "/api/v1/session", "", nil, "Cookie", cookie)
	if got.CSRFToken != sv.CSRFToken || got.Tenant.ID != e.alice.tenant.ID {
		t.Errorf("GET /session = %+v", got)
	}
	e.must(200, nil, "GET", "/api/v1/scripts", "", nil, "Cookie", cookie)

	// Writes need the CSRF token, and a same-origin Origin when sent.
	body := obj{"name": "from-browser", "source": "console.log(1)"}
	e.wantErr(403, "csrf_failed", "POST", "/api/v1/scripts", "", body, "Cookie", cookie)
	e.wantErr(403, "csrf_failed", "POST", "/api/v1/scripts", "", body, "Cookie", cookie, CSRFHeader, strings.Repeat("0", 64))
	e.wantErr(403, "csrf_failed", "POST", "/api/v1/scripts", "", body, "Cookie", cookie, CSRFHeader, sv.CSRFToken,
		"Origin", "http://evil.example")
	// Another session's token does not fit this cookie.
	_, other := e.signIn(e.alice.key)
	e.wantErr(403, "csrf_failed", "POST", "/api/v1/scripts", "", body, "Cookie", cookie, CSRFHeader, other.CSRFToken)
	var created ScriptView
	e.must(201, &created, "POST", "/api/v1/scripts", "", body, "Cookie", cookie, CSRFHeader, sv.CSRFToken,
		"Origin", e.srv.URL)

	// A run started from a session is "manual"; through a key it is "api".
	var run RunView
	e.must(202, &run, "POST", "/api/v1/scripts/"+created.ID+"/runs", "", nil, "Cookie", cookie, CSRFHeader, sv.CSRFToken)
	if run.Trigger != store.TriggerManual {
		t.Errorf("session run trigger = %q", run.Trigger)
	}
	if r := e.mkRun(e.alice.key, created.ID); r.Trigger != store.TriggerAPI {
		t.Errorf("key run trigger = %q", r.Trigger)
	}

	// An Authorization header wins over the cookie, and needs no token.
	var bobs Page[ScriptView]
	e.must(200, &bobs, "GET", "/api/v1/scripts", e.bob.key, nil, "Cookie", cookie)
	if len(bobs.Items) != 0 {
		t.Errorf("bob's key with alice's cookie saw %d scripts", len(bobs.Items))
	}
	e.mkScript(e.bob.key, "bob-script") // POST with key (and no cookie) unaffected

	// Bad sign-ins.
	e.wantErr(401, "unauthorized", "POST", "/api/v1/session", "", obj{"key": "sk_nope"})
	e.wantErr(422, "invalid", "POST", "/api/v1/session", "", obj{})
	e.wantErr(403, "csrf_failed", "POST", "/api/v1/session", "", obj{"key": e.alice.key}, "Origin", "http://evil.example")

	// A tampered or foreign cookie is a 401.
	val := strings.TrimPrefix(cookie, SessionCookie+"=")
	flipped := []byte(val)
	flipped[len(flipped)/2] ^= 1
	for _, bad := range []string{"x", string(flipped), val[:len(val)-4]} {
		e.wantErr(401, "unauthorized", "GET", "/api/v1/scripts", "", nil, "Cookie", SessionCookie+"="+bad)
	}

	// Sign-out needs the token while the cookie is valid, then clears it.
	e.wantErr(403, "csrf_failed", "DELETE", "/api/v1/session", "", nil, "Cookie", cookie)
	r := e.must(204, nil, "DELETE", "/api/v1/session", "", nil, "Cookie", cookie, CSRFHeader, sv.CSRFToken)
	if c := r.header.Get("Set-Cookie"); !strings.Contains(c, SessionCookie+"=;") || !strings.Contains(c, "Max-Age=0") {
		t.Errorf("sign-out Set-Cookie = %q", c)
	}
	e.must(204, nil, "DELETE", "/api/v1/session", "", nil) // without a cookie: nothing to do

	// Sessions expire after SessionTTL.
	mu.Lock()
	now = now.Add(SessionTTL + time.Second)
	mu.Unlock()
	e.wantErr(401, "unauthorized", "GET", "/api/v1/session", "", nil, "Cookie", cookie)

	// Revoking the key ends its sessions at once.
	h2, sv2 := e.signIn(e.bob.key)
	c2 := cookieOf(t, h2)
	e.must(200, nil, "GET", "/api/v1/session", "", nil, "Cookie", c2)
	var bobKeys List[KeyView]
	e.must(200, &bobKeys, "GET", "/api/v1/keys", "", nil, "Cookie", c2)
	e.must(204, nil, "DELETE", "/api/v1/keys/"+e.bob.keyID, "", nil, "Cookie", c2, CSRFHeader, sv2.CSRFToken)
	e.wantErr(401, "unauthorized", "GET", "/api/v1/session", "", nil, "Cookie", c2)
	e.wantErr(401, "unauthorized", "POST", "/api/v1/session", "", obj{"key": e.bob.key})

	// With a key, GET /session describes the key and has no token.
	var viaKey SessionView
	e.must(200, &viaKey, "GET", "/api/v1/session", e.alice.key, nil)
	if viaKey.CSRFToken != "" || viaKey.ExpiresAt != nil || viaKey.Key.ID != e.alice.keyID {
		t.Errorf("GET /session with a key = %+v", viaKey)
	}
}

// TestSessionCookieFromAnotherServerIsRefused: cookies sealed under one
// session key do not open under another.
func TestSessionCookieFromAnotherServerIsRefused(t *testing.T) {
	t.Parallel()
	a, b := newBareAPI(t), newBareAPI(t)
	v, err := a.sealSession(sessionPayload{Key: "sk_x", CSRF: "00", Expires: time.Now().Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.openSession(v); err != nil {
		t.Fatalf("own cookie: %v", err)
	}
	if _, err := b.openSession(v); err == nil {
		t.Fatal("another server's cookie opened")
	}
	if k1, k2 := SessionKey([]byte("one")), SessionKey([]byte("one")); string(k1) != string(k2) || len(k1) != 32 {
		t.Error("SessionKey is not a deterministic 32-byte key")
	}
}
