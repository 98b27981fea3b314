package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"

	"github.com/skriptable/skriptable/internal/store"
)

func testScripts(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	const src = "await page.goto('https://example.com')"
	sc, err := h.s.CreateScript(h.ctx, ten.ID, "home", "home.js", src, store.ScriptSettings{Retries: 2, TimeoutMS: 5000})
	must(t, err)
	eq(t, "latest", sc.LatestVersion, 1)
	eq(t, "retries", sc.Retries, 2)
	eq(t, "timeout", sc.TimeoutMS, int64(5000))

	v1, err := h.s.GetVersion(h.ctx, ten.ID, sc.ID, 1)
	must(t, err)
	sum := sha256.Sum256([]byte(src))
	eq(t, "sha256", v1.SHA256, hex.EncodeToString(sum[:]))
	eq(t, "source", v1.Source, src)
	eq(t, "filename", v1.Filename, "home.js")

	_, err = h.s.CreateScript(h.ctx, ten.ID, "home", "x.js", "", store.ScriptSettings{})
	wantErr(t, err, store.ErrConflict, "home")
	other := h.tenant("other")
	h.script(other.ID, "home") // names are unique per tenant only
	_, err = h.s.CreateScript(h.ctx, ten.ID, "bad", "x.js", "", store.ScriptSettings{Retries: 4})
	wantErr(t, err, store.ErrInvalid, "retries")
	_, err = h.s.CreateScript(h.ctx, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "x", "x.js", "", store.ScriptSettings{})
	wantErr(t, err, store.ErrNotFound, "tenant")

	v2, err := h.s.AddVersion(h.ctx, ten.ID, sc.ID, "home2.js", "v2")
	must(t, err)
	eq(t, "v2", v2.Version, 2)
	eq(t, "v2 source", v2.Source, "v2")
	_, err = h.s.AddVersion(h.ctx, ten.ID, sc.ID, "home3.js", "v3")
	must(t, err)
	latest, err := h.s.GetVersion(h.ctx, ten.ID, sc.ID, 0)
	must(t, err)
	eq(t, "latest version", latest.Version, 3)
	eq(t, "latest source", latest.Source, "v3")
	_, err = h.s.GetVersion(h.ctx, ten.ID, sc.ID, 9)
	wantErr(t, err, store.ErrNotFound, "")

	vs, err := h.s.ListVersions(h.ctx, ten.ID, sc.ID)
	must(t, err)
	if len(vs) != 3 || vs[0].Version != 1 || vs[2].Version != 3 || vs[2].Source != "" {
		t.Fatalf("ListVersions = %+v, want 1..3 without source", vs)
	}
	got, err := h.s.GetScript(h.ctx, ten.ID, sc.ID)
	must(t, err)
	eq(t, "latest after add", got.LatestVersion, 3)

	up, err := h.s.UpdateScriptSettings(h.ctx, ten.ID, sc.ID, store.ScriptSettings{Retries: 0})
	must(t, err)
	eq(t, "updated retries", up.Retries, 0)
	eq(t, "default timeout", up.TimeoutMS, int64(store.DefaultTimeoutMS))
	_, err = h.s.UpdateScriptSettings(h.ctx, ten.ID, sc.ID, store.ScriptSettings{Retries: -1})
	wantErr(t, err, store.ErrInvalid, "")
}

// testVersionsConcurrent adds versions from several goroutines: each gets
// a distinct number and the numbers have no gaps.
func testVersionsConcurrent(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "s")
	const n = 8
	var wg sync.WaitGroup
	got := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var v store.ScriptVersion
			v, errs[i] = h.s.AddVersion(h.ctx, ten.ID, sc.ID, "s.js", fmt.Sprint(i))
			got[i] = v.Version
		})
	}
	wg.Wait()
	for _, err := range errs {
		must(t, err)
	}
	slices.Sort(got)
	for i, v := range got {
		eq(t, "version", v, i+2)
	}
}

func testListScripts(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	names := []string{"b", "a", "Z", "c", "a2"}
	for _, n := range names {
		h.script(ten.ID, n)
	}
	h.script(h.tenant("other").ID, "x")
	var seen []string
	cursor := ""
	for page := 0; ; page++ {
		scs, next, err := h.s.ListScripts(h.ctx, ten.ID, cursor, 2)
		must(t, err)
		for _, sc := range scs {
			seen = append(seen, sc.Name)
		}
		if next == "" {
			eq(t, "pages", page, 2)
			break
		}
		cursor = next
	}
	want := slices.Clone(names)
	slices.Sort(want) // bytewise: "Z" before "a"
	eq(t, "names", fmt.Sprint(seen), fmt.Sprint(want))
	_, _, err := h.s.ListScripts(h.ctx, ten.ID, "garbage!", 2)
	wantErr(t, err, store.ErrInvalid, "cursor")
}

func testParams(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "s")
	must(t, h.s.SetParam(h.ctx, ten.ID, sc.ID, "BASE_URL", "https://a"))
	must(t, h.s.SetParam(h.ctx, ten.ID, sc.ID, "_user1", "bob"))
	must(t, h.s.SetParam(h.ctx, ten.ID, sc.ID, "BASE_URL", "https://b")) // replaces
	v, err := h.s.GetParam(h.ctx, ten.ID, sc.ID, "BASE_URL")
	must(t, err)
	eq(t, "BASE_URL", v, "https://b")
	all, err := h.s.ListParams(h.ctx, ten.ID, sc.ID)
	must(t, err)
	eq(t, "params", fmt.Sprint(all), fmt.Sprint(map[string]string{"BASE_URL": "https://b", "_user1": "bob"}))

	for _, bad := range []string{"", "1abc", "a-b", "a b", "é"} {
		err := h.s.SetParam(h.ctx, ten.ID, sc.ID, bad, "x")
		wantErr(t, err, store.ErrInvalid, "param name")
	}
	must(t, h.s.DeleteParam(h.ctx, ten.ID, sc.ID, "_user1"))
	wantErr(t, h.s.DeleteParam(h.ctx, ten.ID, sc.ID, "_user1"), store.ErrNotFound, "")
	_, err = h.s.GetParam(h.ctx, ten.ID, sc.ID, "_user1")
	wantErr(t, err, store.ErrNotFound, "")
	empty := h.script(ten.ID, "empty")
	none, err := h.s.ListParams(h.ctx, ten.ID, empty.ID)
	must(t, err)
	eq(t, "no params", len(none), 0)
}

func testSecrets(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "s")
	const pw = "hunter2-very-secret-password"
	must(t, h.s.SetSecret(h.ctx, ten.ID, sc.ID, "PASSWORD", pw))
	must(t, h.s.SetSecret(h.ctx, ten.ID, sc.ID, "TOKEN", "tok"))
	must(t, h.s.SetSecret(h.ctx, ten.ID, sc.ID, "TOKEN", "tok2"))

	// At rest: no plaintext, and two writes of one value differ (nonce).
	var raw []byte
	h.rawRow(`SELECT ciphertext FROM script_secrets WHERE name = $1`, []any{"PASSWORD"}, &raw)
	if len(raw) == 0 || bytes.Contains(raw, []byte(pw)) {
		t.Fatalf("raw ciphertext %x is empty or holds the plaintext", raw)
	}
	must(t, h.s.SetSecret(h.ctx, ten.ID, sc.ID, "PASSWORD", pw))
	var raw2 []byte
	h.rawRow(`SELECT ciphertext FROM script_secrets WHERE name = $1`, []any{"PASSWORD"}, &raw2)
	if string(raw) == string(raw2) {
		t.Fatal("re-encrypting a value gave the same ciphertext: nonce reused")
	}

	names, err := h.s.ListSecretNames(h.ctx, ten.ID, sc.ID)
	must(t, err)
	if len(names) != 2 || names[0].Name != "PASSWORD" || names[1].Name != "TOKEN" || names[0].UpdatedAt.IsZero() {
		t.Fatalf("ListSecretNames = %+v", names)
	}
	vals, err := h.s.SecretValues(h.ctx, ten.ID, sc.ID)
	must(t, err)
	eq(t, "values", fmt.Sprint(vals), fmt.Sprint(map[string]string{"PASSWORD": pw, "TOKEN": "tok2"}))

	must(t, h.s.DeleteSecret(h.ctx, ten.ID, sc.ID, "TOKEN"))
	wantErr(t, h.s.DeleteSecret(h.ctx, ten.ID, sc.ID, "TOKEN"), store.ErrNotFound, "")
	wantErr(t, h.s.SetSecret(h.ctx, ten.ID, sc.ID, "bad-name", "x"), store.ErrInvalid, "secret name")

	// A store without a key refuses secrets instead of storing plaintext.
	nokey := h.open(func(c *store.Config) { c.SecretKey = nil })
	wantErr(t, nokey.SetSecret(h.ctx, ten.ID, sc.ID, "X", "y"), store.ErrInvalid, "SecretKey")
	_, err = h.tryOpen(func(c *store.Config) { c.SecretKey = []byte("short") })
	wantErr(t, err, store.ErrInvalid, "32")
}

// testSecretsWrongKey reopens the database with another key: reading the
// secrets fails clearly, and listing names still works.
func testSecretsWrongKey(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "s")
	must(t, h.s.SetSecret(h.ctx, ten.ID, sc.ID, "PASSWORD", "pw"))
	other := h.open(func(c *store.Config) { c.SecretKey = NewSecretKey(); c.NoMigrate = true })
	_, err := other.SecretValues(h.ctx, ten.ID, sc.ID)
	wantErr(t, err, store.ErrDecrypt, "wrong secret key")
	wantErr(t, err, store.ErrDecrypt, "PASSWORD")
	names, err := other.ListSecretNames(h.ctx, ten.ID, sc.ID)
	must(t, err)
	eq(t, "names", len(names), 1)
}

// testSecretsSwapped moves ciphertexts between rows, as someone with
// database access might: the associated data makes them fail.
func testSecretsSwapped(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	a := h.script(ten.ID, "a")
	b := h.script(ten.ID, "b")
	must(t, h.s.SetSecret(h.ctx, ten.ID, a.ID, "USER", "alice"))
	must(t, h.s.SetSecret(h.ctx, ten.ID, a.ID, "PASSWORD", "alice-pw"))
	must(t, h.s.SetSecret(h.ctx, ten.ID, b.ID, "PASSWORD", "bob-pw"))

	// Across names of one script.
	h.rawExec(`UPDATE script_secrets SET ciphertext = (SELECT ciphertext FROM script_secrets
		WHERE script_id = $1 AND name = 'PASSWORD') WHERE script_id = $1 AND name = 'USER'`, a.ID)
	_, err := h.s.SecretValues(h.ctx, ten.ID, a.ID)
	wantErr(t, err, store.ErrDecrypt, "USER")

	// Across scripts, same name.
	h.rawExec(`UPDATE script_secrets SET ciphertext = (SELECT ciphertext FROM script_secrets
		WHERE script_id = $1 AND name = 'PASSWORD') WHERE script_id = $2 AND name = 'PASSWORD'`, a.ID, b.ID)
	_, err = h.s.SecretValues(h.ctx, ten.ID, b.ID)
	wantErr(t, err, store.ErrDecrypt, "PASSWORD")
}

// testDeleteScript deletes a script with everything hanging off it: the
// children go, its runs stay with their snapshot.
func testDeleteScript(h *harness) {
	t := h.t
	ten := h.tenant("acme")
	sc := h.script(ten.ID, "doomed")
	keep := h.script(ten.ID, "keep")
	_, err := h.s.AddVersion(h.ctx, ten.ID, sc.ID, "d.js", "v2")
	must(t, err)
	must(t, h.s.SetParam(h.ctx, ten.ID, sc.ID, "A", "1"))
	must(t, h.s.SetSecret(h.ctx, ten.ID, sc.ID, "S", "x"))
	must(t, h.s.SetParam(h.ctx, ten.ID, keep.ID, "A", "1"))
	sch, err := h.s.CreateSchedule(h.ctx, ten.ID, sc.ID, store.ScheduleSpec{Cron: "* * * * *", Enabled: true})
	must(t, err)
	run := h.run(ten.ID, sc.ID)
	_, err = h.s.AppendRunEvents(h.ctx, ten.ID, run.ID, []store.RunEvent{{Kind: store.EventLog, Text: "hi"}})
	must(t, err)

	must(t, h.s.DeleteScript(h.ctx, ten.ID, sc.ID))
	wantErr(t, h.s.DeleteScript(h.ctx, ten.ID, sc.ID), store.ErrNotFound, "")
	_, err = h.s.GetScript(h.ctx, ten.ID, sc.ID)
	wantErr(t, err, store.ErrNotFound, "")
	_, err = h.s.GetSchedule(h.ctx, ten.ID, sch.ID)
	wantErr(t, err, store.ErrNotFound, "")
	for _, table := range []string{"script_versions", "script_params", "script_secrets", "schedules"} {
		eq(t, table+" rows", h.count(`SELECT COUNT(*) FROM `+table+` WHERE script_id = $1`, sc.ID), 0)
	}
	eq(t, "other script's params", h.count(`SELECT COUNT(*) FROM script_params WHERE script_id = $1`, keep.ID), 1)

	got, err := h.s.GetRun(h.ctx, ten.ID, run.ID)
	must(t, err)
	eq(t, "run script id", got.ScriptID, sc.ID)
	eq(t, "run script name", got.ScriptName, "doomed")
	evs, err := h.s.ListRunEvents(h.ctx, ten.ID, run.ID, 0, 10)
	must(t, err)
	eq(t, "events kept", len(evs), 1)
	h.script(ten.ID, "doomed") // the name is free again
}
