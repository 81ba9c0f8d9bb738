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
	time.Sleep(50 * time.Millisecond) // the bus's own goroutines (go-redis starts some lazily) are not the subscriptions'
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
	time.Sleep(50 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("goroutines: %d before, %d after", before, after)
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
