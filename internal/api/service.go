package api

import (
	"context"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

// Runs is what the API needs, beyond the store, to operate runs. The
// server implements it on top of the job queue; tests use a fake.
type Runs interface {
	// Enqueue creates a run of the script's latest version and queues its
	// job in one transaction. params override the script's stored
	// parameters for this run only. trigger is "api", "manual" (dashboard)
	// or "schedule".
	Enqueue(ctx context.Context, tenantID, scriptID, trigger string, params map[string]string) (store.Run, error)
	// Cancel cancels a queued or running run and returns it as it is after
	// the request. Cancelling a run that already finished is an error
	// wrapping store.ErrConflict.
	Cancel(ctx context.Context, tenantID, runID string) (store.Run, error)
}

// Notifier wakes up readers of a run's events (Server-Sent Events). A
// wake-up carries no data: the reader then reads what is new from the
// store, so a missed or duplicated wake-up is harmless. Across several
// nodes the server implements it with Postgres LISTEN/NOTIFY.
type Notifier interface {
	// Watch returns a channel that receives (best effort) after new events
	// of the run were stored or its status changed, until stop is called.
	Watch(runID string) (wake <-chan struct{}, stop func())
}

// FallbackPoller is optionally implemented by a Notifier whose wake-ups
// are reliable enough that streams may poll the store less often than
// every second (e.g. Postgres LISTEN/NOTIFY, which only misses wake-ups
// while its connection is down). 0 keeps the default.
type FallbackPoller interface {
	FallbackPoll() time.Duration
}
