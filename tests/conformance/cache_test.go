package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/cache"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
	"github.com/bkgen/bkgen/tests/testenv"
)

// TestCache: on every backend with a cache, reads hit after the first, and
// every write operation invalidates so that the next read sees it.
func TestCache(t *testing.T) {
	for _, b := range backends() {
		if !strings.Contains(b.name, "cache") {
			continue
		}
		t.Run(b.name, func(t *testing.T) {
			p := b.open(t)
			st := store.New(p)
			ctx := context.Background()
			if err := st.CreateTables(ctx); err != nil {
				t.Fatal(err)
			}
			c := p.Cache()
			id := fmt.Sprintf("c%d", time.Now().UnixNano())
			key := store.MeterKey{ID: id}
			// get reports the row and whether it came from the cache
			get := func(want string) *store.Meter {
				t.Helper()
				before := c.Stats().Hits
				r, err := st.Meter.Get(ctx, key)
				if err != nil {
					t.Fatalf("%s: %v", want, err)
				}
				if hit := c.Stats().Hits > before; hit != (want == "hit") {
					t.Fatalf("want a %s, got hit=%v", want, hit)
				}
				return r
			}

			if _, err := st.Meter.Incr(ctx, key, store.MeterIncr{Likes: 1}); err != nil {
				t.Fatal(err)
			}
			if r := get("miss"); r.Likes != 1 {
				t.Fatalf("likes %d", r.Likes)
			}
			if r := get("hit"); r.Likes != 1 {
				t.Fatalf("cached likes %d", r.Likes)
			}
			// the cached copy is the caller's own
			r := get("hit")
			r.Label = "changed by the caller"
			if r := get("hit"); r.Label != "new" {
				t.Fatalf("a caller's change reached the cache: %q", r.Label)
			}

			writes := []struct {
				name  string
				write func() error
				check func(r *store.Meter) bool
			}{
				{"incr", func() error {
					_, err := st.Meter.Incr(ctx, key, store.MeterIncr{Likes: 10})
					return err
				}, func(r *store.Meter) bool { return r.Likes == 11 }},
				{"update", func() error {
					_, err := st.Meter.Update(ctx, key, store.MeterChanges{Label: db.Some("updated")})
					return err
				}, func(r *store.Meter) bool { return r.Label == "updated" }},
				{"put", func() error {
					return st.Meter.Put(ctx, &store.Meter{ID: id, Likes: 5, Label: "put"})
				}, func(r *store.Meter) bool { return r.Likes == 5 && r.Label == "put" }},
				{"update-all", func() error {
					_, err := st.Meter.UpdateAll(ctx, store.MeterChanges{Label: db.Some("all")}, store.MeterCols.ID.Eq(id))
					return err
				}, func(r *store.Meter) bool { return r.Label == "all" }},
			}
			for _, w := range writes {
				get("hit")
				if err := w.write(); err != nil {
					t.Fatalf("%s: %v", w.name, err)
				}
				if r := get("miss"); !w.check(r) {
					t.Fatalf("after %s the read returned %+v", w.name, r)
				}
			}
			get("hit")
			if err := st.Meter.Del(ctx, key); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Meter.Get(ctx, key); !errors.Is(err, db.ErrNotFound) {
				t.Fatalf("after del: %v", err)
			}
			st.Meter.Incr(ctx, key, store.MeterIncr{Likes: 1})
			get("miss")
			get("hit")
			if _, err := st.Meter.DelAll(ctx, store.MeterCols.ID.Eq(id)); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Meter.Get(ctx, key); !errors.Is(err, db.ErrNotFound) {
				t.Fatalf("after del-all: %v", err)
			}
		})
	}
}

// TestCacheSingleFlight: concurrent misses of one key read the database
// once. The first read is held in its fill until every other caller waits
// (synctest.Wait: each goroutine is then blocked on the flight, not on
// time), so the result does not depend on how goroutines are scheduled.
func TestCacheSingleFlight(t *testing.T) {
	b := backends()[0]
	p := b.open(t)
	local := cache.NewLocal(100)
	c := &heldFill{Local: local}
	p.UseCache(c)
	st := store.New(p)
	ctx := context.Background()
	if err := st.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	key := store.MeterKey{ID: "sf"}
	st.Meter.Incr(ctx, key, store.MeterIncr{Likes: 1})
	synctest.Test(t, func(t *testing.T) {
		c.release = make(chan struct{})
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r, err := st.Meter.Get(ctx, key); err != nil || r.Likes != 1 {
					t.Errorf("get: %v %v", r, err)
				}
			}()
		}
		synctest.Wait() // one flight holds in Fill, the 49 others wait for it
		close(c.release)
		wg.Wait()
	})
	// every miss came with a fill attempt only from the one flight that read
	if s := local.Stats(); s.Fills != 1 || s.Misses != 50 {
		t.Fatalf("%d fills for 50 concurrent reads of one row: %+v", s.Fills, s)
	}
}

// heldFill is a local cache whose fills wait for release.
type heldFill struct {
	*cache.Local
	release chan struct{}
}

func (h *heldFill) Fill(ctx context.Context, key string, val []byte, ttl time.Duration, t cache.Ticket) (bool, error) {
	<-h.release
	return h.Local.Fill(ctx, key, val, ttl, t)
}

// TestCacheAcrossProcesses: two pools on one PostgreSQL database, each
// with its own client of one Redis cache, stand for two processes: a
// write through one is seen by the very next read through the other.
func TestCacheAcrossProcesses(t *testing.T) {
	url := testenv.PgsqlSchema(t)
	ns := fmt.Sprintf("across%d:", time.Now().UnixNano())
	open := func() *store.Store {
		p, err := sqldb.OpenPostgres(context.Background(), url, 4, []byte("s"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		c, err := cache.NewRedis(testenv.RedisURL(), ns)
		if err != nil {
			t.Fatalf("Redis is required (scripts/services.sh): %v", err)
		}
		t.Cleanup(func() { c.Close() })
		p.UseCache(c)
		return store.New(p)
	}
	a, b := open(), open()
	ctx := context.Background()
	if err := a.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	key := store.AlbumKey{ID: "x"}
	if err := a.Album.Add(ctx, &store.Album{ID: "x", OwnerID: "o", Title: "v0"}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 50; i++ {
		for _, s := range []*store.Store{a, b} {
			s.Album.Get(ctx, key) // cached in both
		}
		title := fmt.Sprint("v", i)
		writer, reader := a, b
		if i%2 == 0 {
			writer, reader = b, a
		}
		if _, err := writer.Album.Update(ctx, key, store.AlbumChanges{Title: db.Some(title)}); err != nil {
			t.Fatal(err)
		}
		r, err := reader.Album.Get(ctx, key)
		if err != nil || r.Title != title {
			t.Fatalf("write %d: the other process read %+v, %v", i, r, err)
		}
	}
}
