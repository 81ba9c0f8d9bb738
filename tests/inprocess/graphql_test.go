// Package inprocess runs parts of the server in the test process, where
// goroutines and memory can be counted.
package inprocess

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/bkgen/bkgen/generated/server"
	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
	"github.com/bkgen/bkgen/runtime/gql"
	"github.com/bkgen/bkgen/runtime/module"
	"github.com/bkgen/bkgen/runtime/pubsub"
)

func subscribe(t *testing.T, ctx context.Context, url string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	write := func(v any) {
		b, _ := json.Marshal(v)
		if err := c.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	write(map[string]any{"type": "connection_init"})
	if _, b, err := c.Read(ctx); err != nil || !strings.Contains(string(b), "connection_ack") {
		t.Fatalf("ack: %s %v", b, err)
	}
	write(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription { todoChanged { op todo { name } } }"}})
	return c
}

// TestSubscriptionsDoNotLeak: subscriptions that end release their
// goroutines, and a subscriber that never reads does not stop the others.
func TestSubscriptionsDoNotLeak(t *testing.T) {
	p, err := sqldb.OpenSQLite(filepath.Join(t.TempDir(), "x.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	st := store.New(p)
	ctx := context.Background()
	st.CreateTables(ctx)
	bus := pubsub.NewLocal()
	srv := httptest.NewServer(gql.Handler(server.App(nil).GraphQL(module.Env{Pool: p, Bus: bus}), gql.Config{Complexity: 10000, Depth: 10, CacheSize: 10}))
	defer srv.Close()
	url := strings.Replace(srv.URL, "http", "ws", 1)

	time.Sleep(100 * time.Millisecond)
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		c := subscribe(t, ctx, url)
		c.Close(websocket.StatusNormalClosure, "")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before+2 {
		t.Fatalf("goroutines: %d before 20 subscriptions, %d after they ended", before, after)
	}

	// one subscriber never reads; the other must get every event
	stuck := subscribe(t, ctx, url)
	defer stuck.CloseNow()
	reader := subscribe(t, ctx, url)
	defer reader.CloseNow()
	time.Sleep(100 * time.Millisecond)
	const n = 500
	got := make(chan int, 1)
	go func() {
		count := 0
		rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		for count < n*9/10 {
			_, b, err := reader.Read(rctx)
			if err != nil {
				break
			}
			if strings.Contains(string(b), `"next"`) {
				count++
			}
		}
		got <- count
	}()
	for i := 0; i < n; i++ {
		pubsub.PublishRow(ctx, bus, "todo", "add", &store.Todo{ID: fmt.Sprint(i), Name: "x"})
		if i%10 == 9 {
			time.Sleep(5 * time.Millisecond) // the reader can keep up; the stuck one cannot
		}
	}
	// Delivery is best effort (a burst may overflow even a reader's buffer);
	// what must not happen is the stuck subscriber holding up the publisher
	// or the reader, which would leave it about one buffer of events.
	if c := <-got; c < n*9/10 {
		t.Fatalf("the reading subscriber got %d of %d events while another did not read", c, n)
	}
}
