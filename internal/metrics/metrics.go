// Package metrics exports Skriptable's Prometheus metrics at /metrics on
// every node (API and worker). The queue gauges are read from the shared
// database at scrape time, so every node reports the same cluster-wide
// value and any of them can feed an autoscaler; run counters and the
// duration histogram count what this process's workers finished.
//
// The metric names are constants: the Kubernetes manifests'
// HorizontalPodAutoscaler names QueueDepth, and a test checks they agree.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metric names.
const (
	QueueDepth   = "skriptable_queue_depth"          // gauge: jobs ready to be claimed, cluster-wide
	QueueRunning = "skriptable_queue_running"        // gauge: jobs running, cluster-wide
	RunsInFlight = "skriptable_runs_in_progress"     // gauge: runs this process executes now
	RunsFinished = "skriptable_runs_finished_total"  // counter by status: runs this process ended
	RunDuration  = "skriptable_run_duration_seconds" // histogram by status: first start to end
)

// Path is where the metrics are served.
const Path = "/metrics"

// QueueCounts reads the cluster-wide job counts.
type QueueCounts func(ctx context.Context) (available, running int64, err error)

// Metrics is one process's registry. It is safe for concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	finished *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

// New builds a registry with the Go and process collectors, the queue
// gauges (read through counts at each scrape; nil leaves them out) and
// the run metrics.
func New(counts QueueCounts, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: RunsFinished, Help: "Runs that ended on this process, by terminal status.",
		}, []string{"status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: RunDuration, Help: "Time from a run's first start to its end, by terminal status.",
			Buckets: []float64{0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600},
		}, []string{"status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: RunsInFlight, Help: "Runs this process is executing now.",
		}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.finished, m.duration, m.inFlight)
	if counts != nil {
		m.reg.MustRegister(&queueCollector{counts: counts, log: log,
			depth:   prometheus.NewDesc(QueueDepth, "Jobs ready to be claimed by a worker (cluster-wide; the autoscaling signal).", nil, nil),
			running: prometheus.NewDesc(QueueRunning, "Jobs being executed (cluster-wide).", nil, nil),
		})
	}
	return m
}

// RunFinished records a run this process ended.
func (m *Metrics) RunFinished(status string, d time.Duration) {
	m.finished.WithLabelValues(status).Inc()
	m.duration.WithLabelValues(status).Observe(d.Seconds())
}

// RunEndedUnstarted records a run this process ended before any attempt
// started (cancelled while queued): counted, but no duration.
func (m *Metrics) RunEndedUnstarted(status string) {
	m.finished.WithLabelValues(status).Inc()
}

// RunStarted marks a run in progress on this process; call the returned
// function when its attempt ends.
func (m *Metrics) RunStarted() (done func()) {
	m.inFlight.Inc()
	return m.inFlight.Dec
}

// Handler serves the registry in the Prometheus text format. A failed
// queue read leaves the queue gauges out of that scrape (and is logged)
// instead of failing it.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// queueCollector reads the queue counts when scraped.
type queueCollector struct {
	counts         QueueCounts
	log            *slog.Logger
	depth, running *prometheus.Desc
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.depth; ch <- c.running }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	avail, running, err := c.counts(ctx)
	if err != nil {
		c.log.Warn("metrics: read queue counts", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(avail))
	ch <- prometheus.MustNewConstMetric(c.running, prometheus.GaugeValue, float64(running))
}
