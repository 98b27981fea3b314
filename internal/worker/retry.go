package worker

import (
	"context"
	"errors"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

// storeRetryFor bounds how long the worker keeps retrying a store write
// that the rest of the attempt cannot redo: the last events, the
// artifacts and the terminal status. It covers a database restart or
// fail-over (seconds); longer outages fail the job, and River retries it.
const storeRetryFor = 30 * time.Second

// permanent reports store errors that a retry cannot fix.
func permanent(err error) bool {
	for _, e := range []error{store.ErrNotFound, store.ErrConflict, store.ErrInvalid, store.ErrTooLarge, store.ErrDecrypt} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// retryStore calls fn until it succeeds, fails permanently, ctx ends or
// within has passed, backing off from 100 ms to 2 s, and returns fn's
// last error.
func retryStore(ctx context.Context, within time.Duration, fn func(context.Context) error) error {
	deadline := time.Now().Add(within)
	wait := 100 * time.Millisecond
	for {
		err := fn(ctx)
		if err == nil || permanent(err) || time.Now().Add(wait).After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(wait*2, 2*time.Second)
	}
}
