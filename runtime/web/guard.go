package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/limit"
	"github.com/bkgen/bkgen/runtime/metrics"
)

// Limits are the token buckets of backendjs's api-rlimits-*: a rate per
// interval and a burst (max), per client IP, per path and per login
// (indexed like LimitKinds).
type Limits struct {
	Rate     [3]int           // requests per interval (0: no limit)
	Max      [3]int           // burst; default the rate
	Interval [3]time.Duration // default 1 s
}

// LimitKinds are the keys a limit applies to.
var LimitKinds = [3]string{"ip", "path", "login"}

// Params declares api-rlimits-rate-KIND, -max-KIND and -interval-KIND.
func (l *Limits) Params(s *config.Set) {
	for i, k := range LimitKinds {
		s.Int(&l.Rate[i], "api-rlimits-rate-"+k, 0, "requests allowed per interval per "+k+" (0: unlimited); more get 429")
		s.Int(&l.Max[i], "api-rlimits-max-"+k, 0, "burst of requests per "+k+" (default: the rate)")
		s.Duration(&l.Interval[i], "api-rlimits-interval-"+k, time.Second, "interval of api-rlimits-rate-"+k)
	}
}

// Guard is the protection in front of the handlers: rate limits and the
// busy check. Its settings can be swapped while it serves (live config).
type Guard struct {
	limits     atomic.Pointer[[3]*limit.Limiter] // by LimitKinds; nil: no limit
	maxLatency atomic.Int64                      // ns; 0: no busy check
	lag        atomic.Int64                      // ns, smoothed scheduling lag
	m          *metrics.Registry
	done       chan struct{}
}

// NewGuard returns a guard with limits and a busy threshold; it measures
// the scheduling lag (backendjs's toobusy: how late a 100 ms timer fires)
// until Close.
func NewGuard(l Limits, maxLatency time.Duration, m *metrics.Registry) *Guard {
	g := &Guard{m: m, done: make(chan struct{})}
	g.Set(l, maxLatency)
	go g.measure()
	return g
}

// Set replaces the limits and the busy threshold.
func (g *Guard) Set(l Limits, maxLatency time.Duration) {
	var ls [3]*limit.Limiter
	for i := range LimitKinds {
		ls[i] = limit.New(l.Rate[i], l.Max[i], l.Interval[i])
	}
	g.limits.Store(&ls)
	g.maxLatency.Store(int64(maxLatency))
}

// Close stops the lag measurement.
func (g *Guard) Close() { close(g.done) }

const lagTick = 100 * time.Millisecond

func (g *Guard) measure() {
	t := time.NewTicker(lagTick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-g.done:
			return
		case now := <-t.C:
			lag := max(0, now.Sub(last)-lagTick)
			last = now
			old := g.lag.Load()
			g.lag.Store(old + (int64(lag)-old)/3) // smooth over a few ticks
		}
	}
}

// Latency is the current scheduling lag.
func (g *Guard) Latency() time.Duration { return time.Duration(g.lag.Load()) }

// SetLatency overrides the measured lag (tests).
func (g *Guard) SetLatency(d time.Duration) { g.lag.Store(int64(d)) }

// Middleware answers 503 while the process is too busy and 429 past a
// rate limit of the client IP or the path.
func (g *Guard) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if max := g.maxLatency.Load(); max > 0 && g.lag.Load() > max {
			g.count("busy")
			w.Header().Set("Retry-After", "1")
			Error(w, http.StatusServiceUnavailable, "Busy", "the server is too busy, try again later")
			return
		}
		ls := g.limits.Load()
		if ls[0] != nil || ls[1] != nil {
			now := time.Now()
			if l := ls[0]; l != nil && !g.allow(w, l, "ip", limit.ClientIP(r), now) {
				return
			}
			if l := ls[1]; l != nil && !g.allow(w, l, "path", r.URL.Path, now) {
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// LoginLimit is the per-login rate limit; it runs after the access check,
// with login returning the caller's login ("" when anonymous).
func (g *Guard) LoginLimit(login func(r *http.Request) string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if l := g.limits.Load()[2]; l != nil {
				if id := login(r); id != "" && !g.allow(w, l, "login", id, time.Now()) {
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func (g *Guard) allow(w http.ResponseWriter, l *limit.Limiter, kind, key string, now time.Time) bool {
	ok, wait := l.Take(key, now)
	if ok {
		return true
	}
	g.count("rlimit_" + kind)
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	Error(w, http.StatusTooManyRequests, "TooManyRequests", fmt.Sprintf("too many requests for this %s; retry in %v", kind, wait.Round(time.Millisecond)))
	return false
}

func (g *Guard) count(name string) {
	if g.m != nil {
		g.m.Counter(name).Add(1)
	}
}
