package metrics

import (
	"runtime"
	"sync"
	"time"
)

// Sample is one point of the admin console's charts: what happened since
// the previous sample, and the process's state at its time.
type Sample struct {
	T          int64   `json:"t"`    // Unix ms
	Rate       float64 `json:"rate"` // requests per second
	P50        float64 `json:"p50"`  // request latency percentiles, ms (bucket upper bounds)
	P95        float64 `json:"p95"`
	P99        float64 `json:"p99"`
	S2xx       int64   `json:"s2xx"` // replies by status class
	S3xx       int64   `json:"s3xx"`
	S4xx       int64   `json:"s4xx"`
	S5xx       int64   `json:"s5xx"`
	DBRate     float64 `json:"db_rate"` // database operations per second, all pools
	DBErrors   int64   `json:"db_errors"`
	CacheHits  int64   `json:"cache_hits"`
	CacheMiss  int64   `json:"cache_misses"`
	JobsOK     int64   `json:"jobs_ok"`
	JobsFailed int64   `json:"jobs_failed"`
	HeapMB     float64 `json:"heap_mb"`
	RSSMB      float64 `json:"rss_mb"`
	Goroutines int     `json:"goroutines"`
}

// Totals are counters the registry does not keep (cache, jobs), read at
// each sample.
type Totals struct {
	CacheHits, CacheMisses, JobsOK, JobsFailed int64
}

// History keeps the last samples in a ring (an hour at the default 5 s).
type History struct {
	mu    sync.Mutex
	ring  []Sample
	next  int
	full  bool
	prev  totals
	every time.Duration
}

// totals are the cumulative counts a sample is the difference of.
type totals struct {
	at                   time.Time
	requests             int64
	buckets              []uint64
	status               [6]int64 // by first digit
	dbOps, dbErrors      int64
	cacheHits, cacheMiss int64
	jobsOK, jobsFailed   int64
}

// StartHistory samples the registry every interval into a ring of size
// points, with extra's counters, until Close. interval ≤ 0 means 5 s.
func (r *Registry) StartHistory(interval time.Duration, size int, extra func() Totals) *History {
	if interval <= 0 {
		interval = 5 * time.Second
	}
	if size <= 0 {
		size = 720
	}
	h := &History{ring: make([]Sample, size), every: interval}
	h.prev = r.totals(extra)
	r.every(interval, func() { h.add(r.totals(extra)) })
	return h
}

// Interval is the time between samples.
func (h *History) Interval() time.Duration { return h.every }

func (r *Registry) totals(extra func() Totals) totals {
	s := r.api.Snapshot()
	t := totals{at: time.Now(), requests: s.Count, buckets: s.Buckets}
	r.mu.RLock()
	for k, c := range r.status {
		if d := k[1]; len(d) == 3 && d[0] >= '1' && d[0] <= '5' {
			t.status[d[0]-'0'] += c.Load()
		}
	}
	for _, p := range r.pools {
		t.dbOps += p.count.Load()
		t.dbErrors += p.errors.Load()
	}
	r.mu.RUnlock()
	if extra != nil {
		e := extra()
		t.cacheHits, t.cacheMiss, t.jobsOK, t.jobsFailed = e.CacheHits, e.CacheMisses, e.JobsOK, e.JobsFailed
	}
	return t
}

// quantile is the upper bound (ms) of the bucket holding quantile q of the
// counts in d; 0 when d is empty. The last bucket (+Inf) reads as the
// largest bound.
func quantile(d []uint64, q float64) float64 {
	var n uint64
	for _, c := range d {
		n += c
	}
	if n == 0 {
		return 0
	}
	rank := uint64(q*float64(n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	var cum uint64
	for i, c := range d {
		cum += c
		if cum >= rank {
			if i >= len(Buckets) {
				i = len(Buckets) - 1
			}
			return Buckets[i] * 1000
		}
	}
	return Buckets[len(Buckets)-1] * 1000
}

func (h *History) add(cur totals) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.mu.Lock()
	defer h.mu.Unlock()
	p := h.prev
	secs := cur.at.Sub(p.at).Seconds()
	if secs <= 0 {
		secs = h.every.Seconds()
	}
	d := make([]uint64, len(cur.buckets))
	for i := range d {
		if i < len(p.buckets) {
			d[i] = cur.buckets[i] - p.buckets[i]
		} else {
			d[i] = cur.buckets[i]
		}
	}
	s := Sample{
		T: cur.at.UnixMilli(), Rate: float64(cur.requests-p.requests) / secs,
		P50: quantile(d, 0.5), P95: quantile(d, 0.95), P99: quantile(d, 0.99),
		S2xx: cur.status[2] - p.status[2], S3xx: cur.status[3] - p.status[3], S4xx: cur.status[4] - p.status[4], S5xx: cur.status[5] - p.status[5],
		DBRate: float64(cur.dbOps-p.dbOps) / secs, DBErrors: cur.dbErrors - p.dbErrors,
		CacheHits: cur.cacheHits - p.cacheHits, CacheMiss: cur.cacheMiss - p.cacheMiss,
		JobsOK: cur.jobsOK - p.jobsOK, JobsFailed: cur.jobsFailed - p.jobsFailed,
		HeapMB: float64(m.HeapAlloc) / (1 << 20), RSSMB: RSS() / (1 << 20), Goroutines: runtime.NumGoroutine(),
	}
	h.ring[h.next] = s
	h.next = (h.next + 1) % len(h.ring)
	h.full = h.full || h.next == 0
	h.prev = cur
}

// Samples returns the samples kept, oldest first, after Unix ms since (0:
// all of them).
func (h *History) Samples(since int64) []Sample {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Sample
	take := func(ss []Sample) {
		for _, s := range ss {
			if s.T > since {
				out = append(out, s)
			}
		}
	}
	if h.full {
		take(h.ring[h.next:])
	}
	take(h.ring[:h.next])
	if out == nil {
		out = []Sample{}
	}
	return out
}
