package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/skriptable/skriptable/internal/notify"
	"github.com/skriptable/skriptable/internal/store/storetest"
)

func waitWake(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second): // generous: CI machines are busy
		t.Fatalf("no wake-up: %s", what)
	}
}

func noWake(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatalf("unexpected wake-up: %s", what)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestLocal(t *testing.T) {
	h := notify.NewLocal()
	defer h.Close()
	a, stopA := h.Watch("r1")
	b, stopB := h.Watch("r2")
	defer stopB()
	h.Notify("r1")
	h.Notify("r1") // coalesced: the channel holds one wake-up
	waitWake(t, a, "r1 watcher")
	noWake(t, a, "second r1 wake-up was coalesced")
	noWake(t, b, "r2 watcher woken by r1")
	stopA()
	h.Notify("r1") // no watcher left: nothing to do, nothing blocks
	if h.FallbackPoll() != 0 {
		t.Fatalf("local FallbackPoll = %v", h.FallbackPoll())
	}
}

// TestPostgresAcrossHubs plays two nodes on one database: a wake-up sent
// on one reaches the other's watcher; after the listening connection is
// killed (as a Postgres restart or a network cut would), the hub
// reconnects, wakes every watcher once (wake-ups sent meanwhile are
// lost), and wake-ups cross again.
func TestPostgresAcrossHubs(t *testing.T) {
	cfg := storetest.Postgres(t)(t)
	ctx := context.Background()
	pools := make([]*pgxpool.Pool, 2)
	for i := range pools {
		p, err := pgxpool.New(ctx, cfg.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		pools[i] = p
	}
	sender, receiver := notify.NewPostgres(pools[0], nil), notify.NewPostgres(pools[1], nil)
	defer sender.Close()
	defer receiver.Close()
	for _, h := range []*notify.Hub{sender, receiver} {
		select {
		case <-h.Listening():
		case <-time.After(30 * time.Second):
			t.Fatal("hub never listened")
		}
	}
	if receiver.FallbackPoll() <= time.Second {
		t.Fatalf("Postgres FallbackPoll = %v, want longer than the local poll", receiver.FallbackPoll())
	}
	w, stop := receiver.Watch("run-a")
	defer stop()
	other, stopOther := receiver.Watch("run-b")
	defer stopOther()
	sender.Notify("run-a")
	waitWake(t, w, "run-a across hubs")
	noWake(t, other, "run-b woken by run-a")

	// Kill every listening backend of this database.
	var killed int
	err := pools[0].QueryRow(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`).Scan(&killed)
	if err != nil || killed != 2 {
		t.Fatalf("terminated %d listeners: %v", killed, err)
	}
	waitWake(t, other, "every watcher after the reconnect")
	// The receiver listens again: a new wake-up crosses (a fresh watcher,
	// which the reconnect's wake-all did not touch).
	w2, stop2 := receiver.Watch("run-a")
	defer stop2()
	deadline := time.Now().Add(30 * time.Second)
	for {
		sender.Notify("run-a")
		select {
		case <-w2:
			return
		case <-time.After(300 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no wake-up crossed after the reconnect")
		}
	}
}
