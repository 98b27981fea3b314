package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", Path, nil))
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetrics(t *testing.T) {
	var fail bool
	m := New(func(context.Context) (int64, int64, error) {
		if fail {
			return 0, 0, errors.New("database down")
		}
		return 7, 2, nil
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	done := m.RunStarted()
	m.RunFinished("passed", 1500*time.Millisecond)
	m.RunFinished("failed", 90*time.Second)
	m.RunEndedUnstarted("cancelled")
	text := scrape(t, m)
	for _, want := range []string{
		"skriptable_queue_depth 7\n",
		"skriptable_queue_running 2\n",
		"skriptable_runs_in_progress 1\n",
		`skriptable_runs_finished_total{status="passed"} 1`,
		`skriptable_runs_finished_total{status="cancelled"} 1`,
		`skriptable_run_duration_seconds_bucket{status="passed",le="2"} 1`,
		`skriptable_run_duration_seconds_bucket{status="failed",le="60"} 0`,
		`skriptable_run_duration_seconds_count{status="failed"} 1`,
		"go_goroutines ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(text, `skriptable_run_duration_seconds_count{status="cancelled"}`) {
		t.Error("a run that never started has a duration")
	}
	done()
	// A failed queue read drops the queue gauges from that scrape only.
	fail = true
	text = scrape(t, m)
	if strings.Contains(text, "skriptable_queue_depth") || !strings.Contains(text, "skriptable_runs_in_progress 0\n") {
		t.Errorf("with the database down:\n%s", text)
	}
}
