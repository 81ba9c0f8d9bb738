//go:build !bk_noredis

package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/pubsub"
)

// redisURL is a database of its own: these tests clear everything in it.
func redisURL() string {
	if u := os.Getenv("BK_TEST_REDIS_CACHE"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/3"
}

func testRedis(t *testing.T) *Redis {
	t.Helper()
	c, err := NewRedis(redisURL(), "")
	if err != nil {
		t.Fatalf("Redis is required (scripts/services.sh): %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testCache holds a driver to the Cache contract.
func testCache(t *testing.T, c Cache, prefix string) {
	ctx := context.Background()
	key := func(s string) string { return Key(prefix, s) }

	// miss, fill, hit
	_, hit, tk, err := c.Load(ctx, key("a"))
	if err != nil || hit {
		t.Fatalf("first load: hit=%v err=%v", hit, err)
	}
	if ok, err := c.Fill(ctx, key("a"), []byte("A1"), time.Minute, tk); !ok || err != nil {
		t.Fatalf("fill: %v %v", ok, err)
	}
	v, hit, _, err := c.Load(ctx, key("a"))
	if err != nil || !hit || string(v) != "A1" {
		t.Fatalf("after fill: %q hit=%v err=%v", v, hit, err)
	}

	// del: miss, then a fill with a ticket from before the del is refused
	_, _, old, _ := c.Load(ctx, key("b"))
	if err := c.Del(ctx, key("a"), key("b")); err != nil {
		t.Fatal(err)
	}
	if _, hit, _, _ := c.Load(ctx, key("a")); hit {
		t.Fatal("hit after del")
	}
	if ok, _ := c.Fill(ctx, key("b"), []byte("stale"), time.Minute, old); ok {
		t.Fatal("a fill that started before the del was stored")
	}
	_, _, fresh, _ := c.Load(ctx, key("b"))
	if ok, _ := c.Fill(ctx, key("b"), []byte("B2"), time.Minute, fresh); !ok {
		t.Fatal("a fill that started after the del was refused")
	}

	// clear(prefix): every key of the prefix goes, other prefixes stay
	other := Key(prefix+"_other", "x")
	_, _, to, _ := c.Load(ctx, other)
	c.Fill(ctx, other, []byte("X"), time.Minute, to)
	_, _, before, _ := c.Load(ctx, key("c"))
	if err := c.Clear(ctx, prefix); err != nil {
		t.Fatal(err)
	}
	if _, hit, _, _ := c.Load(ctx, key("b")); hit {
		t.Fatal("hit after clear")
	}
	if ok, _ := c.Fill(ctx, key("c"), []byte("stale"), time.Minute, before); ok {
		t.Fatal("a fill that started before the clear was stored")
	}
	if v, hit, _, _ := c.Load(ctx, other); !hit || string(v) != "X" {
		t.Fatal("clear of one prefix dropped another")
	}

	// ttl
	_, _, tk, _ = c.Load(ctx, key("ttl"))
	c.Fill(ctx, key("ttl"), []byte("T"), 30*time.Millisecond, tk)
	time.Sleep(60 * time.Millisecond)
	if _, hit, _, _ := c.Load(ctx, key("ttl")); hit {
		t.Fatal("hit after the ttl")
	}

	// binary values, empty values and "|" in keys survive
	bin := []byte{0, '|', 0xff, '\n'}
	k := Key(prefix, "x|y", `z\`)
	_, _, tk, _ = c.Load(ctx, k)
	c.Fill(ctx, k, bin, time.Minute, tk)
	if v, hit, _, _ := c.Load(ctx, k); !hit || string(v) != string(bin) {
		t.Fatalf("binary value: %q %v", v, hit)
	}
	if Key(prefix, "x|y", "z") == Key(prefix, "x", "y|z") {
		t.Fatal("composite keys collide")
	}

	s := c.Stats()
	if s.Hits == 0 || s.Misses == 0 || s.Fills == 0 || s.Rejected < 2 || s.Dels < 2 || s.Clears < 1 {
		t.Fatalf("stats: %+v", s)
	}
}

func TestLocal(t *testing.T) { testCache(t, NewLocal(100), "t") }

func TestRedis(t *testing.T) {
	c := testRedis(t)
	testCache(t, c, fmt.Sprintf("t%d", time.Now().UnixNano()))
	// a second process sees the first's invalidation at once
	c2 := testRedis(t)
	ctx := context.Background()
	k := Key(fmt.Sprintf("x%d", time.Now().UnixNano()), "1")
	_, _, tk, _ := c.Load(ctx, k)
	c.Fill(ctx, k, []byte("v1"), time.Minute, tk)
	if v, hit, _, _ := c2.Load(ctx, k); !hit || string(v) != "v1" {
		t.Fatal("not shared")
	}
	c2.Del(ctx, k)
	if _, hit, _, _ := c.Load(ctx, k); hit {
		t.Fatal("the other process's del did not apply")
	}
	// clear everything
	_, _, tk, _ = c.Load(ctx, k)
	c.Fill(ctx, k, []byte("v2"), time.Minute, tk)
	if err := c.Clear(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if _, hit, _, _ := c2.Load(ctx, k); hit {
		t.Fatal("hit after clearing everything")
	}
}

func TestLocalBound(t *testing.T) {
	c := NewLocal(10)
	ctx := context.Background()
	for i := range 100 {
		k := Key("b", fmt.Sprint(i))
		_, _, tk, _ := c.Load(ctx, k)
		c.Fill(ctx, k, []byte("x"), time.Minute, tk)
	}
	if s := c.Stats(); s.Entries != 10 {
		t.Fatalf("entries %d, want the bound 10", s.Entries)
	}
	// more invalidations than remembered exactly: an old ticket is refused
	_, _, tk, _ := c.Load(ctx, "b|old")
	for i := range recentMax + 10 {
		c.Del(ctx, Key("b", fmt.Sprint("d", i)))
	}
	if ok, _ := c.Fill(ctx, "b|old", []byte("x"), time.Minute, tk); ok {
		t.Fatal("fill with a ticket older than the forgotten invalidations was stored")
	}
}

// TestBroadcast: an invalidation in one process reaches another's LRU
// through a Redis bus.
func TestBroadcast(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bus1, err := pubsub.NewRedis("redis://127.0.0.1:6379/0")
	if err != nil {
		t.Fatalf("Redis is required (scripts/services.sh): %v", err)
	}
	defer bus1.Close()
	bus2, err := pubsub.NewRedis("redis://127.0.0.1:6379/0")
	if err != nil {
		t.Fatal(err)
	}
	defer bus2.Close()
	a, b := NewBroadcast(ctx, NewLocal(100), bus1), NewBroadcast(ctx, NewLocal(100), bus2)
	k := Key(fmt.Sprintf("bc%d", time.Now().UnixNano()), "1")
	for _, c := range []Cache{a, b} {
		_, _, tk, _ := c.Load(ctx, k)
		c.Fill(ctx, k, []byte("v"), time.Minute, tk)
	}
	a.Del(ctx, k)
	waitMiss := func(what string) {
		deadline := time.Now().Add(2 * time.Second)
		for {
			if _, hit, _, _ := b.Load(ctx, k); !hit {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not reach the other process", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitMiss("del")
	_, _, tk, _ := b.Load(ctx, k)
	b.Fill(ctx, k, []byte("v"), time.Minute, tk)
	a.Clear(ctx, Prefix(k))
	waitMiss("clear")
}

// TestRedisDown: calls fail fast with a clear error, and an invalidation
// that could not be sent is replayed (as a prefix clear) when Redis answers.
func TestRedisDown(t *testing.T) {
	c := testRedis(t)
	ctx := context.Background()
	prefix := fmt.Sprintf("down%d", time.Now().UnixNano())
	k := Key(prefix, "1")
	_, _, tk, _ := c.Load(ctx, k)
	c.Fill(ctx, k, []byte("old"), time.Minute, tk)
	real := c.rdb
	broken, err := NewRedis("redis://127.0.0.1:1/0", "")
	if err == nil {
		broken.Close()
		t.Fatal("connected to port 1")
	}
	// point the client at nothing, as when Redis goes down
	down, _ := NewRedis(redisURL(), "")
	down.rdb.Close()
	c.rdb = down.rdb
	if err := c.Del(ctx, k); err == nil {
		t.Fatal("del with Redis down succeeded")
	}
	start := time.Now()
	if _, _, _, err := c.Load(ctx, k); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("load while down: %v", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Fatalf("a call while down took %v; it should fail at once", d)
	}
	c.rdb = real
	c.downUntil.Store(0)
	if _, hit, _, err := c.Load(ctx, k); hit || err != nil {
		t.Fatalf("the row cached before the failed invalidation is still served (hit=%v err=%v)", hit, err)
	}
}

// TestConcurrentFills: with writers invalidating and readers filling at
// the same time, once the writes stop the cache never holds an old value.
func TestConcurrentFills(t *testing.T) {
	for _, c := range []Cache{NewLocal(1000), testRedis(t)} {
		t.Run(c.Name(), func(t *testing.T) {
			ctx := context.Background()
			k := Key(fmt.Sprintf("cf%d", time.Now().UnixNano()), "1")
			var mu sync.Mutex
			version := 0 // "the database"
			var wg sync.WaitGroup
			stop := make(chan struct{})
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						_, hit, tk, err := c.Load(ctx, k)
						if err != nil || hit {
							continue
						}
						mu.Lock()
						v := version
						mu.Unlock()
						time.Sleep(time.Microsecond) // the database read
						c.Fill(ctx, k, []byte(fmt.Sprint(v)), time.Minute, tk)
					}
				}()
			}
			for i := 1; i <= 200; i++ {
				mu.Lock()
				version = i
				mu.Unlock()
				c.Del(ctx, k)
			}
			close(stop)
			wg.Wait()
			if v, hit, _, _ := c.Load(ctx, k); hit && string(v) != "200" {
				t.Fatalf("cache holds %q after the last write (200)", v)
			}
		})
	}
}
