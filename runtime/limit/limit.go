// Package limit holds the one rate limiter of the runtime (a token bucket
// per key, in bounded memory) and the one way to name a client by its
// address. The request guard (runtime/web) and the login limits
// (runtime/auth) both use them, so that an address is one key everywhere.
package limit

import (
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// MaxKeys bounds the buckets a limiter keeps: the least recently used key
// is forgotten first (it starts again with a full bucket).
const MaxKeys = 100_000

// Limiter is a token bucket per key: rate tokens per interval, up to burst.
type Limiter struct {
	rate  float64 // tokens per ns
	burst float64
	mu    sync.Mutex
	keys  *simplelru.LRU[string, *bucket]
}

type bucket struct {
	tokens float64
	last   int64 // unix ns
}

// New returns a limiter of rate tokens per interval (a second when 0) with
// bursts of burst (the rate when 0); nil, which allows everything, when
// rate is 0 or less.
func New(rate, burst int, interval time.Duration) *Limiter {
	if rate <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = rate
	}
	if interval <= 0 {
		interval = time.Second
	}
	lru, _ := simplelru.NewLRU[string, *bucket](MaxKeys, nil)
	return &Limiter{rate: float64(rate) / float64(interval), burst: float64(burst), keys: lru}
}

// Take consumes a token of key at now; when none is left it reports how
// long until one is.
func (l *Limiter) Take(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	ns := now.UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.keys.Get(key)
	if !ok {
		b = &bucket{tokens: l.burst, last: ns}
		l.keys.Add(key, b)
	}
	b.tokens = math.Min(l.burst, b.tokens+float64(ns-b.last)*l.rate)
	b.last = ns
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate)
}

// ClientIP is the peer address of the request, an IPv4 address mapped into
// IPv6 written as IPv4. X-Forwarded-For is not trusted: anyone can send it.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return strings.TrimPrefix(host, "::ffff:")
}
