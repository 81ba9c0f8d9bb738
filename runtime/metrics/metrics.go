// Package metrics counts and times what a process does: requests per
// route (backendjs's url_<a>_<b> names), database operations per pool,
// and process samples (RSS, heap, goroutines). One registry feeds both
// /system/stats/get, in backendjs's flat shape, and Prometheus's /metrics.
package metrics

import (
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Buckets are the upper bounds (seconds) of the Prometheus histograms.
var Buckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// reservoir is how many recent durations a timer keeps for its quantiles.
const reservoir = 1024

// Timer records durations: count, sum, histogram buckets, recent values
// for quantiles, and exponentially weighted rates (1, 5 and 15 minutes).
type Timer struct {
	count   atomic.Int64
	errors  atomic.Int64
	sumNs   atomic.Int64
	buckets [15]atomic.Int64 // len(Buckets)+1, the last is +Inf

	mu          sync.Mutex
	recent      [reservoir]float64 // ms
	n           int
	r1, r5, r15 ewma
}

// Observe records one duration; failed marks a failure (5xx, database error).
func (t *Timer) Observe(d time.Duration, failed bool) {
	t.count.Add(1)
	t.sumNs.Add(int64(d))
	if failed {
		t.errors.Add(1)
	}
	s := d.Seconds()
	i := sort.SearchFloat64s(Buckets, s)
	t.buckets[i].Add(1)
	t.mu.Lock()
	t.recent[t.n%reservoir] = float64(d) / 1e6
	t.n++
	t.mu.Unlock()
}

// Count is the number of observations.
func (t *Timer) Count() int64 { return t.count.Load() }

// ewma is a rate averaged over a window, ticked every tickEvery.
type ewma struct {
	rate  float64 // per second
	init  bool
	last  int64
	alpha float64
}

const tickEvery = 5 * time.Second

func (e *ewma) tick(count int64, window time.Duration) {
	if e.alpha == 0 {
		e.alpha = 1 - math.Exp(-tickEvery.Seconds()/window.Seconds())
	}
	inst := float64(count-e.last) / tickEvery.Seconds()
	e.last = count
	if !e.init {
		e.rate, e.init = inst, true
		return
	}
	e.rate += e.alpha * (inst - e.rate)
}

func (t *Timer) tick() {
	c := t.count.Load()
	t.mu.Lock()
	t.r1.tick(c, time.Minute)
	t.r5.tick(c, 5*time.Minute)
	t.r15.tick(c, 15*time.Minute)
	t.mu.Unlock()
}

// Snapshot is a timer's numbers at one moment.
type Snapshot struct {
	Count, Errors int64
	Sum           float64 // seconds
	Buckets       []uint64
	R1, R5, R15   float64 // per second
	Recent        []float64
}

// Snapshot returns the timer's numbers.
func (t *Timer) Snapshot() Snapshot {
	s := Snapshot{Count: t.count.Load(), Errors: t.errors.Load(), Sum: float64(t.sumNs.Load()) / 1e9, Buckets: make([]uint64, len(t.buckets))}
	for i := range t.buckets {
		s.Buckets[i] = uint64(t.buckets[i].Load())
	}
	t.mu.Lock()
	n := min(t.n, reservoir)
	s.Recent = append([]float64(nil), t.recent[:n]...)
	s.R1, s.R5, s.R15 = t.r1.rate, t.r5.rate, t.r15.rate
	t.mu.Unlock()
	return s
}

// Registry holds the timers and counters of a process.
type Registry struct {
	Start time.Time
	mu    sync.RWMutex
	// route and pool timers, by name: url_todo_get, and pool|op
	routes   map[string]*Timer
	pools    map[[2]string]*Timer
	counters map[string]*atomic.Int64
	status   map[[2]string]*atomic.Int64 // route, status code
	samples  map[string]*samples
	api      Timer // every request
	done     chan struct{}
}

// New returns a registry that ticks its rates and samples the process
// until Close.
func New() *Registry {
	r := &Registry{Start: time.Now(), routes: map[string]*Timer{}, pools: map[[2]string]*Timer{},
		counters: map[string]*atomic.Int64{}, status: map[[2]string]*atomic.Int64{}, samples: map[string]*samples{}, done: make(chan struct{})}
	r.sample()
	r.every(tickEvery, func() {
		r.tick()
		r.sample()
	})
	return r
}

// every runs f every d, until Close.
func (r *Registry) every(d time.Duration, f func()) {
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-r.done:
				return
			case <-t.C:
				f()
			}
		}
	}()
}

// Close stops the ticker.
func (r *Registry) Close() { close(r.done) }

func (r *Registry) tick() {
	r.api.tick()
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, t := range r.routes {
		t.tick()
	}
	for _, t := range r.pools {
		t.tick()
	}
}

// Route returns the timer of a route name (url_todo_get).
func (r *Registry) Route(name string) *Timer {
	r.mu.RLock()
	t := r.routes[name]
	r.mu.RUnlock()
	if t != nil {
		return t
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if t = r.routes[name]; t == nil {
		t = &Timer{}
		r.routes[name] = t
	}
	return t
}

// Pool returns the timer of one operation on one database pool.
func (r *Registry) Pool(pool, op string) *Timer {
	k := [2]string{pool, op}
	r.mu.RLock()
	t := r.pools[k]
	r.mu.RUnlock()
	if t != nil {
		return t
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if t = r.pools[k]; t == nil {
		t = &Timer{}
		r.pools[k] = t
	}
	return t
}

// Counter returns the named counter (busy, rlimit_ip, …).
func (r *Registry) Counter(name string) *atomic.Int64 {
	r.mu.RLock()
	c := r.counters[name]
	r.mu.RUnlock()
	if c != nil {
		return c
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c = r.counters[name]; c == nil {
		c = &atomic.Int64{}
		r.counters[name] = c
	}
	return c
}

// Request records one HTTP request of route with its status.
func (r *Registry) Request(route string, status int, d time.Duration) {
	failed := status >= 500
	r.api.Observe(d, failed)
	r.Route(route).Observe(d, failed)
	k := [2]string{route, statusText(status)}
	r.mu.RLock()
	c := r.status[k]
	r.mu.RUnlock()
	if c == nil {
		r.mu.Lock()
		if c = r.status[k]; c == nil {
			c = &atomic.Int64{}
			r.status[k] = c
		}
		r.mu.Unlock()
	}
	c.Add(1)
}

var statusTexts [600]string

func init() {
	for i := range statusTexts {
		statusTexts[i] = itoa(i)
	}
}

func statusText(s int) string {
	if s >= 0 && s < len(statusTexts) {
		return statusTexts[s]
	}
	return itoa(s)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}
