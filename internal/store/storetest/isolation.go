package storetest

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/skriptable/skriptable/internal/store"
)

// testTenantIsolation gives tenant A one of everything and has tenant B
// try every read and write on it: each must be ErrNotFound, and A's
// objects must be unchanged afterwards.
func testTenantIsolation(h *harness) {
	t := h.t
	ctx := h.ctx
	a, b := h.tenant("a"), h.tenant("b")
	key, _, err := h.s.CreateAPIKey(ctx, a.ID, "k")
	must(t, err)
	sc := h.script(a.ID, "s")
	must(t, h.s.SetParam(ctx, a.ID, sc.ID, "P", "1"))
	must(t, h.s.SetSecret(ctx, a.ID, sc.ID, "S", "x"))
	sch, err := h.s.CreateSchedule(ctx, a.ID, sc.ID, store.ScheduleSpec{Cron: "@daily", Enabled: true})
	must(t, err)
	run := h.run(a.ID, sc.ID)
	_, err = h.s.AppendRunEvents(ctx, a.ID, run.ID, []store.RunEvent{{Kind: store.EventLog, Text: "a"}})
	must(t, err)
	_, err = h.s.PutArtifact(ctx, a.ID, run.ID, "f.txt", "text/plain", bytes.NewReader([]byte("a")))
	must(t, err)
	B := b.ID

	second := func(_ any, err error) error { return err }
	third := func(_, _ any, err error) error { return err }
	checks := map[string]error{
		// API keys
		"RevokeAPIKey": h.s.RevokeAPIKey(ctx, B, key.ID),
		"TouchKey":     h.s.TouchKey(ctx, B, key.ID),
		// scripts and versions
		"GetScript":            second(h.s.GetScript(ctx, B, sc.ID)),
		"UpdateScriptSettings": second(h.s.UpdateScriptSettings(ctx, B, sc.ID, store.ScriptSettings{Retries: 3})),
		"AddVersion":           second(h.s.AddVersion(ctx, B, sc.ID, "x.js", "evil")),
		"ListVersions":         second(h.s.ListVersions(ctx, B, sc.ID)),
		"GetVersion":           second(h.s.GetVersion(ctx, B, sc.ID, 1)),
		"DeleteScript":         h.s.DeleteScript(ctx, B, sc.ID),
		// params and secrets
		"SetParam":        h.s.SetParam(ctx, B, sc.ID, "P", "evil"),
		"GetParam":        second(h.s.GetParam(ctx, B, sc.ID, "P")),
		"ListParams":      second(h.s.ListParams(ctx, B, sc.ID)),
		"DeleteParam":     h.s.DeleteParam(ctx, B, sc.ID, "P"),
		"SetSecret":       h.s.SetSecret(ctx, B, sc.ID, "S", "evil"),
		"ListSecretNames": second(h.s.ListSecretNames(ctx, B, sc.ID)),
		"SecretValues":    second(h.s.SecretValues(ctx, B, sc.ID)),
		"DeleteSecret":    h.s.DeleteSecret(ctx, B, sc.ID, "S"),
		// schedules
		"CreateSchedule": second(h.s.CreateSchedule(ctx, B, sc.ID, store.ScheduleSpec{Cron: "@daily"})),
		"GetSchedule":    second(h.s.GetSchedule(ctx, B, sch.ID)),
		"ListSchedules":  second(h.s.ListSchedules(ctx, B, sc.ID)),
		"UpdateSchedule": second(h.s.UpdateSchedule(ctx, B, sch.ID, store.ScheduleSpec{Cron: "@hourly"})),
		"DeleteSchedule": h.s.DeleteSchedule(ctx, B, sch.ID),
		// runs
		"CreateRun":     second(h.s.CreateRun(ctx, B, store.NewRun{ScriptID: sc.ID, Trigger: store.TriggerAPI})),
		"GetRun":        second(h.s.GetRun(ctx, B, run.ID)),
		"MarkRunning":   second(h.s.MarkRunning(ctx, B, run.ID, 1)),
		"Finish":        second(h.s.Finish(ctx, B, run.ID, store.RunResult{Status: store.StatusFailed})),
		"RequestCancel": second(h.s.RequestCancel(ctx, B, run.ID)),
		"SetJobID":      h.s.SetJobID(ctx, B, run.ID, 666),
		// events and artifacts
		"AppendRunEvents": second(h.s.AppendRunEvents(ctx, B, run.ID, []store.RunEvent{{Kind: store.EventLog}})),
		"ListRunEvents":   second(h.s.ListRunEvents(ctx, B, run.ID, 0, 10)),
		"PutArtifact":     second(h.s.PutArtifact(ctx, B, run.ID, "g.txt", "", bytes.NewReader(nil))),
		"ListArtifacts":   second(h.s.ListArtifacts(ctx, B, run.ID)),
		"OpenArtifact":    third(h.s.OpenArtifact(ctx, B, run.ID, "f.txt")),
	}
	for name, err := range checks {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s as another tenant: error = %v, want ErrNotFound", name, err)
		}
	}

	// B's lists show nothing of A's.
	keys, err := h.s.ListAPIKeys(ctx, B)
	must(t, err)
	scripts, _, err := h.s.ListScripts(ctx, B, "", 0)
	must(t, err)
	schedules, err := h.s.ListSchedules(ctx, B, "")
	must(t, err)
	runs, _, err := h.s.ListRuns(ctx, B, store.RunFilter{}, "", 0)
	must(t, err)
	eq(t, "B's lists", fmt.Sprint(len(keys), len(scripts), len(schedules), len(runs)), "0 0 0 0")

	// A's objects are untouched.
	k, _ := h.s.ListAPIKeys(ctx, a.ID)
	eq(t, "key revoked", k[0].Revoked(), false)
	eq(t, "key used", k[0].LastUsedAt.IsZero(), true)
	got, err := h.s.GetScript(ctx, a.ID, sc.ID)
	must(t, err)
	eq(t, "retries", got.Retries, 1)
	eq(t, "latest", got.LatestVersion, 1)
	p, err := h.s.GetParam(ctx, a.ID, sc.ID, "P")
	must(t, err)
	eq(t, "param", p, "1")
	sv, err := h.s.SecretValues(ctx, a.ID, sc.ID)
	must(t, err)
	eq(t, "secret", sv["S"], "x")
	gs, err := h.s.GetSchedule(ctx, a.ID, sch.ID)
	must(t, err)
	eq(t, "cron", gs.Cron, "@daily")
	gr, err := h.s.GetRun(ctx, a.ID, run.ID)
	must(t, err)
	eq(t, "run", fmt.Sprintf("%s %v %d %d", gr.Status, gr.CancelRequested, gr.JobID, gr.Attempt), "queued false 0 0")
	evs, err := h.s.ListRunEvents(ctx, a.ID, run.ID, 0, 10)
	must(t, err)
	eq(t, "events", len(evs), 1)
	arts, err := h.s.ListArtifacts(ctx, a.ID, run.ID)
	must(t, err)
	eq(t, "artifacts", len(arts), 1)
}
