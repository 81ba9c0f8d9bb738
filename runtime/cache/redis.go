//go:build !bk_noredis

package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a cache shared by every process using the same Redis: a write
// through any of them invalidates the key for all, so a read after a write
// never sees the old row.
//
// Layout: bk:c:KEY holds "GEN|value"; bk:cv:KEY the key's invalidation
// version (set from the global counter bk:cseq on every Del, kept verTTL);
// bk:cg:PREFIX the prefix's generation. Each operation is one Lua script,
// so one round trip.
type Redis struct {
	rdb *redis.Client
	ns  string // after "bk:c:" etc.: apps (or test runs) sharing a Redis keep apart
	counters
	// While Redis is unreachable, calls fail at once instead of each
	// waiting for a timeout (reads then go to the database): the first
	// failure marks it down, and a prober, not the requests, finds it back,
	// replays the failed invalidations at once and only then lets calls
	// through again.
	downUntil atomic.Int64
	kick      chan struct{} // wakes the prober
	stop      chan struct{}
	probed    chan struct{} // closed when the prober has stopped
	// Prefixes whose invalidation could not be sent; their generation is
	// bumped as soon as Redis answers again, so that no row cached before
	// the failed invalidation is served.
	mu       sync.Mutex
	dirty    map[string]bool
	hasDirty atomic.Bool // len(dirty) > 0, read without the lock
}

// verTTL is how long an invalidation version is kept: a read that queries
// the database for longer than this may fill an old row.
const verTTL = 10 * time.Minute

// redisTimeout bounds each call: the cache is an optimisation, the
// database answers when Redis does not.
const redisTimeout = 500 * time.Millisecond

// openRedis is Open's Redis cache. The cache is an optimisation: while Redis
// is away it serves from the database rather than refuse to start.
func openRedis(c Config) (Cache, error) {
	r, err := NewRedis(c.URL, c.Namespace)
	if err == nil {
		return r, nil
	}
	if r, perr := newRedis(c.URL, c.Namespace); perr == nil {
		slog.Warn("cache: Redis does not answer; reading the database until it does", "url", c.URL, "err", err)
		return r, nil
	}
	return nil, fmt.Errorf("cache: -ipc-cache %q: %w", c.URL, err)
}

// NewRedis connects to the Redis at url (redis://host:port/db); namespace
// keeps this application's keys apart from others sharing the Redis.
func NewRedis(url, namespace string) (*Redis, error) {
	c, err := newRedis(url, namespace)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		c.rdb.Close()
		return nil, err
	}
	return c, nil
}

// newRedis makes the client without connecting.
func newRedis(url, namespace string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	opt.DialTimeout = redisTimeout
	opt.ReadTimeout = redisTimeout
	opt.WriteTimeout = redisTimeout
	opt.MaxRetries = 0
	c := &Redis{rdb: redis.NewClient(opt), ns: namespace, dirty: map[string]bool{},
		kick: make(chan struct{}, 1), stop: make(chan struct{}), probed: make(chan struct{})}
	go c.probe()
	return c, nil
}

// probeEvery is how often the prober tries a Redis that is down: the
// longest a row invalidated during an outage can be served stale by another
// process once Redis answers again (a process that cannot reach Redis at all
// while others can is bounded by the table's cache TTL).
const probeEvery = 100 * time.Millisecond

// down marks Redis unreachable and wakes the prober.
func (c *Redis) down() {
	c.errors.Add(1)
	c.downUntil.Store(time.Now().Add(time.Second).UnixNano())
	c.wake()
}

// probe waits for Redis to be marked down, then pings it every probeEvery
// until it answers and the pending invalidations are replayed, keeping
// every call failing fast meanwhile.
func (c *Redis) probe() {
	defer close(c.probed)
	t := time.NewTimer(time.Hour)
	t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		for {
			t.Reset(probeEvery)
			select {
			case <-c.stop:
				t.Stop()
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
			err := c.rdb.Ping(ctx).Err()
			if err == nil {
				err = c.flushDirty(ctx)
			}
			cancel()
			if err == nil {
				c.downUntil.Store(0)
				break
			}
			c.downUntil.Store(time.Now().Add(time.Second).UnixNano())
		}
		select { // a kick from before the recovery is stale
		case <-c.kick:
		default:
		}
	}
}

// Name implements Cache.
func (*Redis) Name() string { return "redis" }

func (c *Redis) valKey(k string) string { return "bk:c:" + c.ns + k }
func (c *Redis) verKey(k string) string { return "bk:cv:" + c.ns + k }
func (c *Redis) genKey(p string) string { return "bk:cg:" + c.ns + p }

var loadScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
local g = redis.call('GET', KEYS[3]) or '0'
if v then
  local sep = string.find(v, '|', 1, true)
  if sep and string.sub(v, 1, sep - 1) == g then return {1, string.sub(v, sep + 1)} end
end
return {0, g, redis.call('GET', KEYS[2]) or '0'}`)

var fillScript = redis.NewScript(`
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[1] then return 0 end
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
return 1`)

var delScript = redis.NewScript(`
for i = 1, #KEYS, 2 do
  redis.call('DEL', KEYS[i])
  redis.call('SET', KEYS[i + 1], redis.call('INCR', 'bk:cseq'), 'PX', ARGV[1])
end
return 1`)

// call runs f unless Redis is known to be down, and marks it down when f
// fails for a reason other than the caller's context.
func (c *Redis) call(ctx context.Context, f func(ctx context.Context) error) error {
	if d := c.downUntil.Load(); d != 0 && time.Now().UnixNano() < d {
		c.errors.Add(1)
		return ErrUnavailable
	}
	if err := c.flushDirty(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	err := f(ctx)
	if err != nil && !errors.Is(err, redis.Nil) && !errors.Is(err, context.Canceled) {
		c.down()
	}
	return err
}

// flushDirty bumps the generations of the prefixes whose invalidation
// failed ("" among them: everything). Every call goes through here, so the
// common case, nothing pending, is one atomic load.
func (c *Redis) flushDirty(ctx context.Context) error {
	if !c.hasDirty.Load() {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.dirty) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	var err error
	if c.dirty[""] {
		err = c.clearAll(ctx) // bumps every generation
	} else {
		pipe := c.rdb.TxPipeline()
		for p := range c.dirty {
			pipe.Incr(ctx, c.genKey(p))
		}
		_, err = pipe.Exec(ctx)
	}
	if err != nil {
		c.down()
		return err
	}
	clear(c.dirty)
	c.hasDirty.Store(false)
	return nil
}

func (c *Redis) markDirty(prefixes ...string) {
	c.mu.Lock()
	for _, p := range prefixes {
		c.dirty[p] = true
	}
	c.hasDirty.Store(true)
	c.mu.Unlock()
	c.wake() // the prober replays them as soon as Redis answers
}

func (c *Redis) wake() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// Load implements Cache.
func (c *Redis) Load(ctx context.Context, key string) ([]byte, bool, Ticket, error) {
	var res []any
	err := c.call(ctx, func(ctx context.Context) error {
		var err error
		res, err = loadScript.Run(ctx, c.rdb, []string{c.valKey(key), c.verKey(key), c.genKey(Prefix(key))}).Slice()
		return err
	})
	if err != nil {
		return nil, false, Ticket{}, err
	}
	if len(res) == 2 {
		s, _ := res[1].(string)
		c.hits.Add(1)
		return []byte(s), true, Ticket{}, nil
	}
	if len(res) != 3 {
		c.errors.Add(1)
		return nil, false, Ticket{}, errors.New("cache: unexpected reply from redis")
	}
	c.misses.Add(1)
	return nil, false, Ticket{Gen: str(res[1]), Ver: str(res[2])}, nil
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}

// Fill implements Cache.
func (c *Redis) Fill(ctx context.Context, key string, val []byte, ttl time.Duration, t Ticket) (bool, error) {
	if ttl <= 0 || t.Gen == "" {
		return false, nil
	}
	ms := ttl.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	var n int64
	err := c.call(ctx, func(ctx context.Context) error {
		var err error
		n, err = fillScript.Run(ctx, c.rdb, []string{c.valKey(key), c.verKey(key), c.genKey(Prefix(key))}, t.Gen, t.Ver, val, ms).Int64()
		return err
	})
	if err != nil {
		return false, err
	}
	if n == 1 {
		c.fills.Add(1)
		return true, nil
	}
	c.rejected.Add(1)
	return false, nil
}

// Del implements Cache. When Redis cannot be reached the keys' prefixes
// are invalidated as soon as it answers again.
func (c *Redis) Del(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	ks := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		ks = append(ks, c.valKey(k), c.verKey(k))
	}
	err := c.call(ctx, func(ctx context.Context) error {
		return delScript.Run(ctx, c.rdb, ks, verTTL.Milliseconds()).Err()
	})
	if err != nil {
		ps := make([]string, len(keys))
		for i, k := range keys {
			ps[i] = Prefix(k)
		}
		c.markDirty(ps...)
		return err
	}
	c.dels.Add(int64(len(keys)))
	return nil
}

// Clear implements Cache: one INCR for a prefix; for everything, every
// known generation is bumped and the values are deleted.
func (c *Redis) Clear(ctx context.Context, prefix string) error {
	err := c.call(ctx, func(ctx context.Context) error {
		if prefix == "" {
			return c.clearAll(ctx)
		}
		return c.rdb.Incr(ctx, c.genKey(prefix)).Err()
	})
	if err != nil {
		c.markDirty(prefix)
		return err
	}
	c.clears.Add(1)
	return nil
}

func (c *Redis) clearAll(ctx context.Context) error {
	gens := c.genKey("") + "*"
	for _, pattern := range []string{gens, c.valKey("") + "*"} {
		iter := c.rdb.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			k := iter.Val()
			var err error
			if pattern == gens {
				err = c.rdb.Incr(ctx, k).Err()
			} else {
				err = c.rdb.Del(ctx, k).Err()
			}
			if err != nil {
				return err
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Stats implements Cache.
func (c *Redis) Stats() Stats {
	s := c.counters.stats("redis")
	s.Entries = -1
	return s
}

// Close implements Cache.
func (c *Redis) Close() error {
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	<-c.probed
	return c.rdb.Close()
}
