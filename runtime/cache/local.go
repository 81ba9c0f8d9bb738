package cache

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Local is a bounded in-process LRU with a TTL per entry. One mutex guards
// the LRU and the invalidation state, so that Fill's check and store are
// one step.
type Local struct {
	mu   sync.Mutex
	lru  *simplelru.LRU[string, localEntry]
	max  int
	gens map[string]uint64 // prefix -> generation, bumped by Clear
	// Invalidations are numbered; recent remembers the number of the last
	// invalidation of the most recently invalidated keys (a ring of
	// recentMax), and floor the highest number forgotten (or of the last
	// Clear("")). A Fill whose ticket predates the key's invalidation, or
	// the floor, is refused: it may carry a row read before the write.
	seq    uint64
	recent map[string]uint64
	ring   []string
	ringAt int
	floor  uint64
	counters
}

type localEntry struct {
	val []byte
	exp int64 // unix ns
	gen uint64
}

// recentMax bounds the invalidations remembered exactly; a read that sees
// more invalidations than this while it queries the database does not fill.
const recentMax = 4096

// NewLocal returns an LRU holding at most max entries (100000 when max <= 0).
func NewLocal(max int) *Local {
	if max <= 0 {
		max = 100000
	}
	l, _ := simplelru.NewLRU[string, localEntry](max, nil)
	return &Local{lru: l, max: max, gens: map[string]uint64{}, recent: make(map[string]uint64, recentMax), ring: make([]string, 0, recentMax)}
}

// Name implements Cache.
func (*Local) Name() string { return "local" }

// Load implements Cache.
func (c *Local) Load(_ context.Context, key string) ([]byte, bool, Ticket, error) {
	now := time.Now().UnixNano()
	c.mu.Lock()
	gen := c.gens[Prefix(key)]
	e, ok := c.lru.Get(key)
	if ok && (e.exp <= now || e.gen != gen) {
		c.lru.Remove(key)
		ok = false
	}
	if ok {
		c.mu.Unlock()
		c.hits.Add(1)
		return e.val, true, Ticket{}, nil
	}
	t := Ticket{Gen: strconv.FormatUint(gen, 10), Ver: strconv.FormatUint(c.seq, 10)}
	c.mu.Unlock()
	c.misses.Add(1)
	return nil, false, t, nil
}

// Fill implements Cache.
func (c *Local) Fill(_ context.Context, key string, val []byte, ttl time.Duration, t Ticket) (bool, error) {
	if ttl <= 0 {
		return false, nil
	}
	seen, err1 := strconv.ParseUint(t.Ver, 10, 64)
	gen, err2 := strconv.ParseUint(t.Gen, 10, 64)
	if err1 != nil || err2 != nil {
		return false, nil // not a ticket of ours
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	last, known := c.recent[key]
	if c.gens[Prefix(key)] != gen || (known && last > seen) || c.floor > seen {
		c.rejected.Add(1)
		return false, nil
	}
	c.lru.Add(key, localEntry{val: val, exp: time.Now().Add(ttl).UnixNano(), gen: gen})
	c.fills.Add(1)
	return true, nil
}

// Del implements Cache.
func (c *Local) Del(_ context.Context, keys ...string) error {
	c.mu.Lock()
	for _, k := range keys {
		c.lru.Remove(k)
		c.seq++
		if _, ok := c.recent[k]; !ok {
			if len(c.ring) < recentMax {
				c.ring = append(c.ring, k)
			} else {
				old := c.ring[c.ringAt]
				c.floor = max(c.floor, c.recent[old])
				delete(c.recent, old)
				c.ring[c.ringAt] = k
				c.ringAt = (c.ringAt + 1) % recentMax
			}
		}
		c.recent[k] = c.seq
	}
	c.mu.Unlock()
	c.dels.Add(int64(len(keys)))
	return nil
}

// Clear implements Cache. Entries of an old generation are dropped when
// next read, or by the LRU.
func (c *Local) Clear(_ context.Context, prefix string) error {
	c.mu.Lock()
	if prefix == "" {
		c.lru.Purge()
		for p := range c.gens {
			c.gens[p]++
		}
		// every read in flight may carry an old row
		c.seq++
		c.floor = c.seq
	} else {
		c.gens[prefix]++
	}
	c.mu.Unlock()
	c.clears.Add(1)
	return nil
}

// Stats implements Cache.
func (c *Local) Stats() Stats {
	s := c.counters.stats("local")
	c.mu.Lock()
	s.Entries = c.lru.Len()
	c.mu.Unlock()
	s.MaxSize = c.max
	return s
}

// Resize changes the bound of the LRU, evicting the oldest entries when it shrinks.
func (c *Local) Resize(max int) {
	if max <= 0 {
		return
	}
	c.mu.Lock()
	c.lru.Resize(max)
	c.max = max
	c.mu.Unlock()
}

// Close implements Cache.
func (c *Local) Close() error { return nil }
