package bench

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/cache"
	"github.com/bkgen/bkgen/runtime/jobs"
)

// BenchmarkCachedGet: Get of a bk.Cache table (counter) through the cache
// ("generated") against the same Get straight from the database
// ("baseline"), same rows, same pool. ratio.sh's ops ratio is then the
// speedup of the cache.
func BenchmarkCachedGet(b *testing.B) {
	ctx := context.Background()
	redisURL := os.Getenv("BK_TEST_REDIS")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379/0"
	}
	for _, t := range targets {
		for i := 0; i < rows; i++ {
			if _, err := t.st.Meter.Incr(ctx, store.MeterKey{ID: key(i)}, store.MeterIncr{Likes: 1}); err != nil {
				b.Fatal(err)
			}
		}
		drivers := []struct {
			name string
			open func() cache.Cache
		}{
			{"local", func() cache.Cache { return cache.NewLocal(10 * rows) }},
			{"redis", func() cache.Cache {
				c, err := cache.NewRedis(redisURL, fmt.Sprintf("bench%d:", time.Now().UnixNano()))
				if err != nil {
					b.Fatalf("Redis is required (make services): %v", err)
				}
				return c
			}},
		}
		for _, d := range drivers {
			c := d.open()
			t.pool.UseCache(c)
			cached := store.NewMeterStore(t.pool) // reads through c
			t.pool.UseCache(nil)
			for i := 0; i < rows; i++ { // warm: every row cached
				cached.Get(ctx, store.MeterKey{ID: key(i)})
			}
			pair(b, t.name+"-"+d.name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if _, err := cached.Get(ctx, store.MeterKey{ID: key(i % rows)}); err != nil {
						b.Fatal(err)
					}
				}
			}, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if _, err := t.st.Meter.Get(ctx, store.MeterKey{ID: key(i % rows)}); err != nil {
						b.Fatal(err)
					}
				}
			})
			c.Close()
		}
	}
}

// BenchmarkJobs: enqueue cost, and end-to-end throughput (enqueued until
// run) of a job that does nothing, on the in-process queue and on asynq.
func BenchmarkJobs(b *testing.B) {
	redisURL := os.Getenv("BK_TEST_REDIS_JOBS")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379/4"
	}
	for _, q := range []string{"local", redisURL} {
		name := "local"
		if q != "local" {
			name = "asynq"
		}
		var ran atomic.Int64
		queue := fmt.Sprintf("bench%d", time.Now().UnixNano())
		j, err := jobs.Open(jobs.Config{Queue: q, Workers: 8, Poll: 100 * time.Millisecond, ShutdownTimeout: time.Second},
			[]jobs.Spec{{Name: "noop", Queue: queue, Run: func(context.Context, []byte) error { ran.Add(1); return nil }}})
		if err != nil {
			b.Fatal(err)
		}
		payload := []byte(`{"n":1}`)
		b.Run(name+"/enqueue", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := j.Enqueue(context.Background(), "noop", payload); err != nil {
					b.Fatal(err)
				}
			}
		})
		// run what the enqueue benchmark left, then measure throughput
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { j.Work(ctx); close(done) }()
		for end := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
			if ran.Load() >= jobs.Counts().Enqueued || time.Now().After(end) {
				break
			}
		}
		b.Run(name+"/throughput", func(b *testing.B) {
			base := ran.Load()
			n := int64(0)
			for b.Loop() {
				if _, err := j.Enqueue(context.Background(), "noop", payload); err != nil {
					b.Fatal(err)
				}
				n++
			}
			for ran.Load() < base+n {
				time.Sleep(time.Millisecond)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "jobs/s")
		})
		cancel()
		<-done
		j.Close()
	}
}
