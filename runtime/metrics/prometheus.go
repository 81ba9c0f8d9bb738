package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Gauge is an extra series read at scrape time (cache hits, jobs, …).
type Gauge struct {
	Name, Help string
	Counter    bool // a monotonically increasing total
	Value      func() float64
}

var (
	routeDur  = prometheus.NewDesc("bk_http_request_duration_seconds", "Time to serve a request, by route (backendjs url_<a>_<b> names).", []string{"route"}, nil)
	routeCode = prometheus.NewDesc("bk_http_requests_total", "Requests served, by route and status.", []string{"route", "code"}, nil)
	poolDur   = prometheus.NewDesc("bk_db_request_duration_seconds", "Time of a database operation, by pool and operation.", []string{"pool", "op"}, nil)
	poolErr   = prometheus.NewDesc("bk_db_errors_total", "Database operations that failed, by pool and operation.", []string{"pool", "op"}, nil)
	counter   = prometheus.NewDesc("bk_events_total", "Counted events (busy replies, rate-limited requests, …).", []string{"event"}, nil)
)

// collector exports the registry to Prometheus.
type collector struct {
	r      *Registry
	gauges []Gauge
	descs  []*prometheus.Desc
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- routeDur
	ch <- routeCode
	ch <- poolDur
	ch <- poolErr
	ch <- counter
	for _, d := range c.descs {
		ch <- d
	}
}

func histogram(desc *prometheus.Desc, s Snapshot, labels ...string) prometheus.Metric {
	b := make(map[float64]uint64, len(Buckets))
	var cum uint64
	for i, le := range Buckets {
		cum += s.Buckets[i]
		b[le] = cum
	}
	return prometheus.MustNewConstHistogram(desc, uint64(s.Count), s.Sum, b, labels...)
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	c.r.mu.RLock()
	defer c.r.mu.RUnlock()
	for name, t := range c.r.routes {
		ch <- histogram(routeDur, t.Snapshot(), name)
	}
	for k, n := range c.r.status {
		ch <- prometheus.MustNewConstMetric(routeCode, prometheus.CounterValue, float64(n.Load()), k[0], k[1])
	}
	for k, t := range c.r.pools {
		s := t.Snapshot()
		ch <- histogram(poolDur, s, k[0], k[1])
		ch <- prometheus.MustNewConstMetric(poolErr, prometheus.CounterValue, float64(s.Errors), k[0], k[1])
	}
	for name, n := range c.r.counters {
		ch <- prometheus.MustNewConstMetric(counter, prometheus.CounterValue, float64(n.Load()), name)
	}
	for i, g := range c.gauges {
		vt := prometheus.GaugeValue
		if g.Counter {
			vt = prometheus.CounterValue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[i], vt, g.Value())
	}
}

// Handler serves the registry, the extra gauges and the Go and process
// collectors in the Prometheus text format.
func (r *Registry) Handler(extra ...Gauge) http.Handler {
	reg := prometheus.NewRegistry()
	c := &collector{r: r, gauges: extra}
	for _, g := range extra {
		c.descs = append(c.descs, prometheus.NewDesc(g.Name, g.Help, nil, nil))
	}
	reg.MustRegister(c, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
