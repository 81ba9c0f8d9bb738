package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/coder/websocket"
)

// TestSubscriptions: a websocket subscription (graphql-transport-ws) on one
// server receives writes made over REST on it and on a second server that
// shares Redis; an SSE subscription receives them too.
func TestSubscriptions(t *testing.T) {
	redis := []string{"-pubsub", "redis://127.0.0.1:6379/0"}
	a := start(t, append([]string{"-home", t.TempDir()}, redis...)...)
	b := start(t, append([]string{"-home", t.TempDir()}, redis...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	signed := &http.Client{Transport: &sign.Transport{Login: adminLogin, Secret: adminSecret}}
	ws, _, err := websocket.Dial(ctx, strings.Replace(a.base, "http", "ws", 1)+"/graphql", &websocket.DialOptions{
		HTTPClient: signed, Subprotocols: []string{"graphql-transport-ws"},
	})
	if err != nil {
		t.Fatalf("websocket: %v", err)
	}
	defer ws.CloseNow()
	send := func(v any) {
		b, _ := json.Marshal(v)
		if err := ws.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	recv := func() map[string]any {
		for {
			_, b, err := ws.Read(ctx)
			if err != nil {
				t.Fatalf("websocket read: %v", err)
			}
			var m map[string]any
			json.Unmarshal(b, &m)
			if m["type"] == "ping" {
				send(map[string]any{"type": "pong"})
				continue
			}
			return m
		}
	}
	send(map[string]any{"type": "connection_init"})
	if m := recv(); m["type"] != "connection_ack" {
		t.Fatalf("init: %v", m)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { todoChanged { op todo { id name } } }`}})
	time.Sleep(200 * time.Millisecond) // the subscription is registered

	// SSE on server A as well
	req, _ := http.NewRequestWithContext(ctx, "POST", a.base+"/graphql", strings.NewReader(`{"query":"subscription { todoChanged { op todo { name } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	sse, err := signed.Do(req)
	if err != nil || sse.StatusCode != 200 {
		t.Fatalf("sse: %v %v", err, sse)
	}
	defer sse.Body.Close()
	time.Sleep(200 * time.Millisecond)

	want(t, a.get("/todo/add", q("name", "from A")), 200)
	m := recv()
	if m["type"] != "next" || path(m, "payload", "data", "todoChanged", "op") != "add" || path(m, "payload", "data", "todoChanged", "todo", "name") != "from A" {
		t.Fatalf("event from A: %v", m)
	}
	want(t, b.get("/todo/add", q("name", "from B")), 200) // another process, through Redis
	m = recv()
	if path(m, "payload", "data", "todoChanged", "todo", "name") != "from B" {
		t.Fatalf("event from B: %v", m)
	}
	sc := bufio.NewScanner(sse.Body)
	got := ""
	for sc.Scan() && !strings.Contains(got, "from B") {
		got += sc.Text() + "\n"
	}
	if !strings.Contains(got, "from A") || !strings.Contains(got, "from B") {
		t.Fatalf("sse stream: %q", got)
	}
	send(map[string]any{"id": "1", "type": "complete"})
	ws.Close(websocket.StatusNormalClosure, "")
}
