// Package cache keeps encoded rows (or any small values) by key for the
// store's read-through cache: a bounded in-process LRU, and Redis shared by
// every process of an application.
//
// Keys are "<table>|<key part>|…" as in backendjs (bk_auth|alice). The part
// before the first "|" is the key's prefix: Clear(prefix) drops every key of
// a table at once (after UpdateAll or DelAll) without listing them.
//
// A read-through cache must never keep a row older than the last write. The
// classic race is a reader that misses, reads the old row, and stores it
// after a writer changed the row and invalidated the key. Load therefore
// returns a Ticket on a miss, and Fill stores the value only when neither
// the key nor its prefix was invalidated since that ticket was issued.
package cache

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bkgen/bkgen/runtime/config"
)

// Cache is what the store's read-through needs from a cache driver.
type Cache interface {
	// Load returns the value of key (hit true), or a miss with the ticket
	// that a later Fill of the same key needs.
	Load(ctx context.Context, key string) (val []byte, hit bool, t Ticket, err error)
	// Fill stores val under key for ttl unless the key or its prefix was
	// invalidated after the Load that gave t; it reports whether it stored.
	Fill(ctx context.Context, key string, val []byte, ttl time.Duration, t Ticket) (bool, error)
	// Del invalidates keys.
	Del(ctx context.Context, keys ...string) error
	// Clear invalidates every key with the given prefix; "" clears everything.
	Clear(ctx context.Context, prefix string) error
	// Stats returns the counters since the cache was opened.
	Stats() Stats
	// Name is "local" or "redis".
	Name() string
	Close() error
}

// Ticket is what Load hands a miss: the versions of the key and of its
// prefix at that moment.
type Ticket struct {
	Gen string // the prefix's generation
	Ver string // the key's invalidation version
}

// Stats are the counters of a cache, also exported as metrics.
type Stats struct {
	Driver   string `json:"driver"`
	Hits     int64  `json:"hits"`
	Misses   int64  `json:"misses"`
	Fills    int64  `json:"fills"`    // values stored after a miss
	Rejected int64  `json:"rejected"` // fills refused because the key changed meanwhile
	Dels     int64  `json:"dels"`     // keys invalidated
	Clears   int64  `json:"clears"`   // prefixes invalidated
	Errors   int64  `json:"errors"`   // failed driver calls (Redis down, …)
	Entries  int    `json:"entries"`  // local: entries held now; redis: -1 (not counted)
	MaxSize  int    `json:"max_entries,omitempty"`
}

// counters are shared by the drivers.
type counters struct {
	hits, misses, fills, rejected, dels, clears, errors atomic.Int64
}

func (c *counters) stats(driver string) Stats {
	return Stats{Driver: driver, Hits: c.hits.Load(), Misses: c.misses.Load(), Fills: c.fills.Load(),
		Rejected: c.rejected.Load(), Dels: c.dels.Load(), Clears: c.clears.Load(), Errors: c.errors.Load()}
}

// Config selects the cache driver, with backendjs's parameter name.
type Config struct {
	URL        string // "" or "local": in-process LRU; redis://host:port/db: Redis
	MaxEntries int    // local LRU bound
	Namespace  string // Redis: prefix of this application's keys
}

// Params declares the cache parameters on s.
func (c *Config) Params(s *config.Set) {
	s.String(&c.URL, "ipc-cache", "local", "cache of tables annotated bk.Cache: local (an LRU in each process; with -pubsub redis:// invalidations reach every process) or redis://host:port/db (shared by every process)")
	s.String(&c.Namespace, "ipc-cache-namespace", "", "Redis cache: a prefix keeping this application's keys apart from other applications on the same Redis")
	s.Int(&c.MaxEntries, "cache-max-entries", 100000, "entries the local LRU keeps; the least recently used go first")
}

// Open returns the configured cache.
func Open(c Config) (Cache, error) {
	switch {
	case c.URL == "" || c.URL == "local":
		return NewLocal(c.MaxEntries), nil
	case strings.HasPrefix(c.URL, "redis://") || strings.HasPrefix(c.URL, "rediss://"):
		return openRedis(c) // redis_off.go: refused with -tags bk_noredis
	}
	return nil, fmt.Errorf("cache: -ipc-cache %q: want local or redis://host:port/db", c.URL)
}

// ErrUnavailable is returned while a driver's backend is known to be down:
// callers fall back to the database instead of waiting for a timeout.
var ErrUnavailable = errors.New("cache: unavailable")

// Prefix returns the part of key before its first "|".
func Prefix(key string) string {
	if i := strings.IndexByte(key, '|'); i >= 0 {
		return key[:i]
	}
	return key
}

// Key joins a table name and key parts into a cache key, escaping "|" and
// "\" in the parts so that composite keys cannot collide.
func Key(table string, parts ...string) string {
	n := len(table)
	for _, p := range parts {
		n += len(p) + 1
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(table)
	for _, p := range parts {
		b.WriteByte('|')
		if strings.ContainsAny(p, `|\`) {
			p = strings.NewReplacer(`\`, `\\`, `|`, `\|`).Replace(p)
		}
		b.WriteString(p)
	}
	return b.String()
}
