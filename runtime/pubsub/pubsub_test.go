//go:build !bk_noredis

package pubsub

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"testing"
	"time"
)

func testBus(t *testing.T, b Bus) {
	ctx := context.Background()
	// one subscription first, so that the bus's own goroutines (go-redis
	// starts some on first use) are counted before, not taken for leaks
	wctx, wstop := context.WithCancel(ctx)
	w, _ := b.Subscribe(wctx, "warmup")
	if err := b.Publish(ctx, "warmup", []byte{1}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w:
	case <-time.After(5 * time.Second):
		t.Fatal("the warm-up message was not delivered")
	}
	wstop()
	for range w {
	}
	before := runtime.NumGoroutine()
	sctx, stop := context.WithCancel(ctx)
	a, _ := b.Subscribe(sctx, "todo")
	slow, cancelSlow := b.Subscribe(ctx, "todo") // never read
	other, cancelOther := b.Subscribe(ctx, "photo")
	for i := 0; i < SubscriberBuffer+10; i++ {
		if err := b.Publish(ctx, "todo", []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-a:
			if m[0] != byte(i) {
				t.Fatalf("message %d out of order: %v", i, m)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("message %d not delivered (a slow subscriber must not hold up others)", i)
		}
	}
	select {
	case m := <-other:
		t.Fatalf("another topic got %v", m)
	default:
	}
	if n := len(slow); n != SubscriberBuffer {
		t.Fatalf("the slow subscriber holds %d messages, want the bounded %d", n, SubscriberBuffer)
	}
	stop()
	cancelSlow()
	cancelOther()
	deadline := time.Now().Add(2 * time.Second)
	for {
		if _, ok := <-a; !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the channel is not closed when the context ends")
		}
	}
	// the subscriptions' goroutines end after their channels close: wait
	// for the count to come back, with a deadline for a real leak
	for end := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(end) {
			t.Fatalf("goroutines: %d before, %d after", before, runtime.NumGoroutine())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLocal(t *testing.T) { testBus(t, NewLocal()) }

func TestRedis(t *testing.T) {
	url := os.Getenv("BK_TEST_REDIS")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	b, err := NewRedis(url)
	if err != nil {
		t.Fatalf("Redis is required (scripts/services.sh): %v", err)
	}
	defer b.Close()
	testBus(t, b)
	// a second process's bus receives what the first publishes
	b2, err := NewRedis(url)
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	ch, cancel := b2.Subscribe(context.Background(), "x")
	defer cancel()
	b.Publish(context.Background(), "x", []byte("hello"))
	select {
	case m := <-ch:
		if string(m) != "hello" {
			t.Fatal(string(m))
		}
	case <-time.After(2 * time.Second):
		t.Fatal("not delivered across buses")
	}
}

func TestPublishRow(t *testing.T) {
	ctx := context.Background()
	b := NewLocal()
	defer b.Close()
	msgs, cancel := b.Subscribe(ctx, "todo")
	defer cancel()
	PublishRow(ctx, b, "todo", "update", map[string]string{"id": "x1", "name": `a "quoted" name`})
	var ev Event
	if err := json.Unmarshal(<-msgs, &ev); err != nil {
		t.Fatal(err)
	}
	var row map[string]string
	if err := json.Unmarshal(ev.Row, &row); err != nil || ev.Op != "update" || row["id"] != "x1" || row["name"] != `a "quoted" name` {
		t.Fatalf("event %q %s: %v", ev.Op, ev.Row, err)
	}
}
