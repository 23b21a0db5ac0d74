package outbox

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	attempts    *prometheus.CounterVec
	outcomes    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	sendSeconds *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, st Store, now func() time.Time) (*metrics, error) {
	m := &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "deeplinkd_outbox_attempts_total",
			Help: "Delivery attempts started, by event type.",
		}, []string{"type"}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "deeplinkd_outbox_outcomes_total",
			Help: "Results of delivery attempts: delivered, retry, rate_limited, failed, lease_lost, store_error.",
		}, []string{"type", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "deeplinkd_outbox_delivery_latency_seconds",
			Help:    "Time from acceptance to confirmed delivery.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400},
		}, []string{"type"}),
		sendSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "deeplinkd_outbox_send_duration_seconds",
			Help:    "Duration of one call to Partnero.",
			Buckets: prometheus.DefBuckets,
		}, []string{"type"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.attempts, m.outcomes, m.latency, m.sendSeconds, &queueCollector{st: st, now: now}} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

var (
	depthDesc  = prometheus.NewDesc("deeplinkd_outbox_queue_depth", "Events waiting for delivery.", nil, nil)
	failedDesc = prometheus.NewDesc("deeplinkd_outbox_failed_events", "Events that failed for good and wait for a retry.", nil, nil)
	oldestDesc = prometheus.NewDesc("deeplinkd_outbox_oldest_queued_age_seconds", "Age of the oldest queued event.", nil, nil)
)

// queueCollector reads the queue at scrape time, so the gauges are true
// across instances sharing one database.
type queueCollector struct {
	st  Store
	now func() time.Time
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- depthDesc
	ch <- failedDesc
	ch <- oldestDesc
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s, err := c.st.QueueStats(ctx, c.now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(depthDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(s.Queued))
	ch <- prometheus.MustNewConstMetric(failedDesc, prometheus.GaugeValue, float64(s.Failed))
	ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, s.OldestQueued.Seconds())
}
