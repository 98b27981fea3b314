package worker

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/skriptable/skriptable/internal/store"
)

func TestRetryStore(t *testing.T) {
	ctx := context.Background()
	down := errors.New("connection refused")

	calls := 0
	err := retryStore(ctx, time.Minute, func(context.Context) error {
		calls++
		if calls < 3 {
			return down
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("transient errors: %v after %d calls, want success on the 3rd", err, calls)
	}

	calls = 0
	err = retryStore(ctx, time.Minute, func(context.Context) error {
		calls++
		return fmt.Errorf("put artifact: %w", store.ErrConflict)
	})
	if !errors.Is(err, store.ErrConflict) || calls != 1 {
		t.Fatalf("permanent error: %v after %d calls, want 1 call", err, calls)
	}

	calls = 0
	err = retryStore(ctx, 500*time.Millisecond, func(context.Context) error { calls++; return down })
	if !errors.Is(err, down) || calls < 2 || calls > 4 {
		t.Fatalf("deadline: %v after %d calls (backoff 100, 200 ms within 500 ms)", err, calls)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	calls = 0
	if err := retryStore(cctx, time.Minute, func(context.Context) error { calls++; return down }); !errors.Is(err, down) || calls != 1 {
		t.Fatalf("cancelled: %v after %d calls", err, calls)
	}
}
