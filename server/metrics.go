package server

import (
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Listener names, the "listener" label.
const (
	listenerPublic = "public"
	listenerAdmin  = "admin"
)

// metrics are the server's collectors. Every label is bounded: the
// listener, the route pattern, a known method and the status code; never
// a host, a path, a key or a user agent.
type metrics struct {
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	reloads    *prometheus.CounterVec
	lastReload prometheus.Gauge
}

func newMetrics(reg *prometheus.Registry, version, commit string) *metrics {
	m := &metrics{
		requests: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "deeplinkd_http_requests_total",
			Help: "HTTP requests answered, by listener, route pattern, method and status code.",
		}, []string{"listener", "route", "method", "code"})),
		duration: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "deeplinkd_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by listener, route pattern and method.",
			// Well-known files answer in microseconds, pages and the API in
			// milliseconds; the default buckets start too coarse for either.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"listener", "route", "method"})),
		reloads: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "deeplinkd_config_reloads_total",
			Help: "Config reloads (SIGHUP), by result: success or failure.",
		}, []string{"result"})),
		lastReload: register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "deeplinkd_config_last_reload_success_timestamp_seconds",
			Help: "Unix time of the last successful config load, the one at start included.",
		})),
	}
	// Both results exist from the start, so a rate() sees the first failure.
	m.reloads.WithLabelValues("success")
	m.reloads.WithLabelValues("failure")

	build := register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "deeplinkd_build_info",
		Help: "Always 1; the labels say which build is running.",
		ConstLabels: prometheus.Labels{
			"version":   version,
			"commit":    commit,
			"goversion": runtime.Version(),
		},
	}))
	build.Set(1)
	register(reg, collectors.NewGoCollector())
	register(reg, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe counts one answered request and its duration.
func (m *metrics) observe(listener, route, method string, code int, d time.Duration) {
	m.requests.WithLabelValues(listener, route, method, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(listener, route, method).Observe(d.Seconds())
}

// register adds c to reg, or returns the collector already there, so two
// servers (or a caller that registered the Go collector) can share a
// registry without a panic.
func register[C prometheus.Collector](reg *prometheus.Registry, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		// A clash of names with a different shape is a programming error
		// in this binary, found by the first test that builds a Server.
		panic(err)
	}
	return c
}

// methodLabel bounds the method label: anything unusual is "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}
