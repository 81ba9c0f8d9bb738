package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/bkgen/bkgen/tests/testenv"
)

// The backendjs modules (counters, connections, messages, locations,
// account events) on the real binary, the same cases on every backend.

// rows decodes the data of a page reply.
func rows(t *testing.T, r reply) []map[string]any {
	t.Helper()
	want(t, r, 200)
	data, _ := r.body["data"].([]any)
	out := make([]map[string]any, 0, len(data))
	for _, d := range data {
		out = append(out, d.(map[string]any))
	}
	return out
}

// addAccount adds an account as the admin s and returns its client and id.
func addAccount(t *testing.T, s *server, login string) (*server, string) {
	t.Helper()
	r := s.postForm("/account/add", q("login", login, "secret", login+"-secret", "name", strings.ToUpper(login)))
	want(t, r, 200)
	return s.as(t, login, login+"-secret"), r.str("id")
}

func TestModules(t *testing.T) {
	for _, backend := range []string{"sqlite", "pgsql", "mysql", "dynamodb"} {
		t.Run(backend, func(t *testing.T) {
			s := start(t, append(backendArgs(t)[backend], "-api-subscribe-interval", "0")...)
			modules(t, s)
		})
	}
}

func modules(t *testing.T, s *server) {
	ann, annID := addAccount(t, s, "ann")
	bob, bobID := addAccount(t, s, "bob")
	cat, catID := addAccount(t, s, "cat")

	t.Run("counters", func(t *testing.T) {
		r := ann.get("/counter/get", nil) // made with the account
		want(t, r, 200)
		if r.str("id") != annID || r.body["like0"] != 0.0 || r.body["msg_unread"] != 0.0 {
			t.Fatalf("own counters: %s", r.raw)
		}
		want(t, ann.get("/counter/incr", q("ping", "2")), 200)
		r = ann.postJSON("/counter/incr", map[string]any{"ping": -1})
		if want(t, r, 200); r.num("ping") != 1 {
			t.Fatalf("incr: %s", r.raw)
		}
		// others see the public counters only
		r = bob.get("/counter/get", q("id", annID))
		want(t, r, 200)
		if r.num("ping") != 1 || r.body["like1"] == nil {
			t.Fatalf("public counters: %s", r.raw)
		}
		for _, private := range []string{"like0", "follow0", "msg_count", "msg_unread", "mtime"} {
			if _, has := r.body[private]; has {
				t.Fatalf("another account sees private counter %s: %s", private, r.raw)
			}
		}
		// id names whose counters to read, never whose to change
		want(t, bob.get("/counter/incr", q("id", annID, "ping", "5")), 200)
		if r := ann.get("/counter/get", nil); r.num("ping") != 1 {
			t.Fatalf("bob changed ann's counters: %s", r.raw)
		}
		want(t, ann.get("/counter/incr", q("nope", "1")), 400)
		// the counters the modules keep are not a client's to set (its public like1, say)
		for _, kept := range []string{"like1", "like0", "msg_unread"} {
			want(t, ann.get("/counter/incr", q(kept, "1000")), 400)
		}
		want(t, ann.get("/counter/incr", q("ping", "abc")), 400)
		want(t, ann.get("/counter/incr", nil), 400)
		want(t, bob.get("/counter/get", q("id", "nobody")), 404)
	})

	t.Run("connections", func(t *testing.T) {
		want(t, ann.get("/connection/add", q("peer", bobID, "type", "like", "name", "Bob")), 200)
		want(t, ann.get("/connection/add", q("peer", bobID, "type", "like")), 409)
		for _, bad := range []url.Values{
			q("peer", bobID, "type", "hug"), q("peer", annID, "type", "like"), q("peer", "nobody", "type", "like"),
			q("peer", bobID), q("type", "like"), q("peer", bobID, "type", "LIKE; drop"),
		} {
			want(t, ann.get("/connection/add", bad), 400)
		}
		if got := rows(t, ann.get("/connection/select", q("type", "like"))); len(got) != 1 || got[0]["peer"] != bobID || got[0]["name"] != "Bob" {
			t.Fatalf("ann's connections: %v", got)
		}
		if got := rows(t, bob.get("/reference/select", nil)); len(got) != 1 || got[0]["peer"] != annID || got[0]["type"] != "like" {
			t.Fatalf("bob's references: %v", got)
		}
		want(t, bob.get("/reference/get", q("peer", annID, "type", "like")), 200)
		want(t, bob.get("/connection/get", q("peer", annID, "type", "like")), 404)
		// a select names only the caller's own edges, whatever id says
		if got := rows(t, bob.get("/connection/select", q("id", annID))); len(got) != 0 {
			t.Fatalf("bob lists ann's connections: %v", got)
		}
		if r := ann.get("/counter/get", nil); r.num("like0") != 1 {
			t.Fatalf("ann like0: %s", r.raw)
		}
		if r := ann.get("/counter/get", q("id", bobID)); r.num("like1") != 1 {
			t.Fatalf("bob like1: %s", r.raw)
		}
		want(t, ann.get("/connection/update", q("peer", bobID, "type", "like", "status", "close")), 200)
		want(t, ann.get("/connection/update", q("peer", catID, "type", "like", "status", "x")), 404)

		// concurrent adds and deletes of one connection count once
		const n = 16
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = ann.get("/connection/add", q("peer", catID, "type", "follow")).status
			}()
		}
		wg.Wait()
		if ok := strings.Count(fmt.Sprint(codes), "200"); ok != 1 || strings.Count(fmt.Sprint(codes), "409") != n-1 {
			t.Fatalf("concurrent adds: %v", codes)
		}
		if r := ann.get("/counter/get", nil); r.num("follow0") != 1 {
			t.Fatalf("follow0 after concurrent adds: %s", r.raw)
		}
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r := ann.get("/connection/del", q("peer", catID, "type", "follow")); r.status != 200 {
					t.Errorf("del: %s", r.raw)
				}
			}()
		}
		wg.Wait()
		if r := ann.get("/counter/get", nil); r.num("follow0") != 0 {
			t.Fatalf("follow0 after concurrent deletes: %s", r.raw)
		}
		if r := cat.get("/counter/get", nil); r.num("follow1") != 0 {
			t.Fatalf("follow1 after concurrent deletes: %s", r.raw)
		}
		if got := rows(t, cat.get("/reference/select", nil)); len(got) != 0 {
			t.Fatalf("a reference outlived its connection: %v", got)
		}
	})

	t.Run("messages", func(t *testing.T) {
		const n = 30
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r := bob.get("/message/add", q("id", annID, "msg", fmt.Sprintf("hello %d", i))); r.status != 200 {
					t.Errorf("message/add: %s", r.raw)
				}
			}()
		}
		wg.Wait()
		if r := ann.get("/message/get/unread", nil); r.num("count") != n {
			t.Fatalf("unread after %d messages: %s", n, r.raw)
		}
		// paging through the inbox, no gap and no repeat
		var all []map[string]any
		seen := map[string]bool{}
		token := ""
		for pages := 0; ; pages++ {
			r := ann.get("/message/get", q("_count", "7", "_token", token))
			page := rows(t, r)
			for _, m := range page {
				if seen[m["msg"].(string)] || m["sender"] != bobID {
					t.Fatalf("message twice or from another: %v", m)
				}
				seen[m["msg"].(string)] = true
			}
			all = append(all, page...)
			if token = r.str("next_token"); token == "" || pages > n {
				break
			}
		}
		if len(all) != n {
			t.Fatalf("paged %d messages, want %d", len(all), n)
		}
		if got := rows(t, bob.get("/message/get/sent", q("_count", "100"))); len(got) != n {
			t.Fatalf("bob's sent: %d", len(got))
		}
		// reading each of 10 messages twice, concurrently, counts 10
		for _, m := range all[:10] {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if r := ann.get("/message/read", q("sender", bobID, "mtime", fmt.Sprint(int64(m["mtime"].(float64))))); r.status != 200 {
						t.Errorf("read: %s", r.raw)
					}
				}()
			}
		}
		wg.Wait()
		if r := ann.get("/message/get/unread", nil); r.num("count") != n-10 {
			t.Fatalf("unread after reading 10: %s", r.raw)
		}
		if got := rows(t, ann.get("/message/get", q("read", "true", "_count", "100"))); len(got) != 10 {
			t.Fatalf("read messages: %d", len(got))
		}
		mtime := func(m map[string]any) string { return fmt.Sprint(int64(m["mtime"].(float64))) }
		// archiving an unread one and deleting a read one
		want(t, ann.get("/message/archive", q("sender", bobID, "mtime", mtime(all[20]))), 200)
		want(t, ann.get("/message/del", q("sender", bobID, "mtime", mtime(all[0]))), 200)
		want(t, ann.get("/message/update", q("sender", bobID, "mtime", mtime(all[1]), "read", "0")), 200)
		if r := ann.get("/message/get/unread", nil); r.num("count") != n-10-1+1 {
			t.Fatalf("unread after archive, del, unread: %s", r.raw)
		}
		if r := ann.get("/counter/get", nil); r.num("msg_count") != n-2 {
			t.Fatalf("msg_count: %s", r.raw)
		}
		if got := rows(t, ann.get("/message/get/archive", nil)); len(got) != 1 || got[0]["msg"] != all[20]["msg"] {
			t.Fatalf("archive: %v", got)
		}
		want(t, ann.get("/message/read", q("sender", bobID, "mtime", "1")), 404)
		// bad input writes nothing
		before := ann.get("/counter/get", nil).num("msg_count")
		want(t, bob.get("/message/add", q("id", annID+",nobody", "msg", "x")), 400)
		want(t, bob.get("/message/add", q("id", annID)), 400)
		want(t, bob.get("/message/add", q("msg", "x")), 400)
		want(t, bob.get("/message/add", q("id", strings.Repeat("a,", 60)+annID, "msg", "x")), 400)
		want(t, ann.get("/message/read", q("sender", bobID, "mtime", "soon")), 400)
		if after := ann.get("/counter/get", nil).num("msg_count"); after != before {
			t.Fatalf("a refused message was counted: %v → %v", before, after)
		}
		// nobody reads another's inbox
		if got := rows(t, bob.get("/message/get", q("id", annID))); len(got) != 0 {
			t.Fatalf("bob reads ann's inbox: %v", got)
		}
	})

	t.Run("locations", func(t *testing.T) {
		want(t, ann.get("/location/put", q("latitude", "48.8566", "longitude", "2.3522")), 200)
		want(t, bob.get("/location/put", q("latitude", "48.8600", "longitude", "2.3500")), 200) // ~0.4 km
		want(t, cat.get("/location/put", q("latitude", "48.9000", "longitude", "2.4000")), 200) // ~6 km
		for _, bad := range []url.Values{q("latitude", "91", "longitude", "0"), q("latitude", "0", "longitude", "-181"), q("latitude", "x", "longitude", "0"), q("latitude", "1")} {
			want(t, ann.get("/location/put", bad), 400)
		}
		want(t, ann.get("/location/get", q("distance", "1000")), 400)
		want(t, ann.get("/location/get", q("distance", "-1")), 400)
		want(t, ann.get("/location/get", q("_token", "garbage!")), 400)
		got := rows(t, ann.get("/location/get", q("distance", "10")))
		if len(got) != 2 || got[0]["id"] != bobID || got[1]["id"] != catID || got[0]["distance"].(float64) > got[1]["distance"].(float64) {
			t.Fatalf("near ann: %v", got)
		}
		if _, has := got[0]["latitude"]; has {
			t.Fatalf("another account's coordinates are shown: %v", got[0])
		}
		if got := rows(t, ann.get("/location/get", q("distance", "1"))); len(got) != 1 {
			t.Fatalf("within 1 km: %v", got)
		}
		r := ann.get("/location/get", q("distance", "10", "_count", "1"))
		if p := rows(t, r); len(p) != 1 || p[0]["id"] != bobID || r.str("next_token") == "" {
			t.Fatalf("first page: %s", r.raw)
		}
		r = ann.get("/location/get", q("distance", "10", "_count", "1", "_token", r.str("next_token")))
		if p := rows(t, r); len(p) != 1 || p[0]["id"] != catID {
			t.Fatalf("second page: %s", r.raw)
		}
		if r.str("next_token") != "" {
			if p := rows(t, ann.get("/location/get", q("distance", "10", "_count", "1", "_token", r.str("next_token")))); len(p) != 0 {
				t.Fatalf("third page: %v", p)
			}
		}
	})

	t.Run("events", func(t *testing.T) {
		events := subscribe(t, s.base, ann, "")
		want(t, bob.get("/message/add", q("id", annID, "msg", "ping")), 200)
		got := next(t, events)
		if len(got) == 0 || got[0]["type"] != "message" || got[0]["from"] != bobID {
			t.Fatalf("event: %v", got)
		}
		// a pattern leaves the other events out
		events = subscribe(t, s.base, ann, "^reference:")
		want(t, bob.get("/message/add", q("id", annID, "msg", "not this")), 200)
		want(t, cat.get("/connection/add", q("peer", annID, "type", "like")), 200)
		got = next(t, events)
		if len(got) != 1 || got[0]["type"] != "reference" || got[0]["from"] != catID {
			t.Fatalf("matched events: %v", got)
		}
		want(t, ann.get("/account/subscribe", q("match", "(")), 400)
	})

	t.Run("graphql", func(t *testing.T) {
		// the same routes, so the same rules and counts
		g := func(c *server, query string, vars map[string]any) gqlReply {
			t.Helper()
			return s.gql(t, c.client, query, vars)
		}
		r := g(cat, `mutation($p: String!) { connect(peer: $p, type: "follow", name: "Bob") { id type peer name mtime } }`, map[string]any{"p": bobID})
		if len(r.Errors) > 0 || path(r.Data, "connect", "peer") != bobID || path(r.Data, "connect", "id") != catID {
			t.Fatalf("connect: %+v", r)
		}
		r = g(cat, `mutation($p: String!) { connect(peer: $p, type: "follow") { id } }`, map[string]any{"p": bobID})
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "AlreadyExists" {
			t.Fatalf("connect twice: %+v", r)
		}
		r = g(cat, `mutation($p: String!) { connect(peer: $p, type: "hug") { id } }`, map[string]any{"p": bobID})
		if len(r.Errors) != 1 || r.Errors[0].Extensions["status"] != 400.0 {
			t.Fatalf("unknown type: %+v", r)
		}
		r = g(bob, `{ references(type: "follow", first: 10) { nodes { peer type } hasNextPage } counter { follow1 msg_unread } }`, nil)
		if len(r.Errors) > 0 || path(r.Data, "counter", "follow1") != 1.0 {
			t.Fatalf("bob's references and counters: %+v", r)
		}
		nodes, _ := path(r.Data, "references", "nodes").([]any)
		if len(nodes) != 1 || path(nodes[0].(map[string]any), "peer") != catID {
			t.Fatalf("references: %+v", r.Data)
		}
		// another's private counters are null
		r = g(cat, `query($id: String) { counter(id: $id) { id like1 like0 msg_unread } }`, map[string]any{"id": bobID})
		if len(r.Errors) > 0 || path(r.Data, "counter", "like0") != nil || path(r.Data, "counter", "msg_unread") != nil || path(r.Data, "counter", "id") != bobID {
			t.Fatalf("another's counters: %+v", r)
		}
		r = g(cat, `mutation($to: [String!]!) { sendMessage(to: $to, msg: "gql") { id mtime sender } }`, map[string]any{"to": []string{bobID}})
		sent, _ := path(r.Data, "sendMessage").([]any)
		if len(r.Errors) > 0 || len(sent) != 1 || path(sent[0].(map[string]any), "sender") != catID {
			t.Fatalf("sendMessage: %+v", r)
		}
		mtime := path(sent[0].(map[string]any), "mtime")
		r = g(bob, `query { unread inbox(first: 1, desc: true) { nodes { sender msg read } endCursor } }`, nil)
		if len(r.Errors) > 0 || r.Data["unread"] != 1.0 || path(r.Data["inbox"].(map[string]any)["nodes"].([]any)[0].(map[string]any), "msg") != "gql" {
			t.Fatalf("inbox: %+v", r)
		}
		r = g(bob, `mutation($s: String!, $m: Int64!) { readMessage(sender: $s, mtime: $m) }`, map[string]any{"s": catID, "m": mtime})
		if len(r.Errors) > 0 || r.Data["readMessage"] != 1.0 {
			t.Fatalf("readMessage: %+v", r)
		}
		r = g(ann, `{ nearby(distance: 10) { nodes { id distance } } }`, nil)
		if nodes, _ := path(r.Data, "nearby", "nodes").([]any); len(r.Errors) > 0 || len(nodes) != 2 {
			t.Fatalf("nearby: %+v", r)
		}
		r = g(cat, `mutation($p: String!) { disconnect(peer: $p, type: "follow") }`, map[string]any{"p": bobID})
		if len(r.Errors) > 0 || r.Data["disconnect"] != 1.0 {
			t.Fatalf("disconnect: %+v", r)
		}
		if r := bob.get("/counter/get", nil); r.num("follow1") != 0 || r.num("msg_unread") != 0 {
			t.Fatalf("bob's counters after GraphQL: %s", r.raw)
		}
	})

	t.Run("delete", func(t *testing.T) {
		want(t, bob.get("/account/del", nil), 200)
		if got := rows(t, ann.get("/connection/select", nil)); len(got) != 0 {
			t.Fatalf("a connection to a deleted account is left: %v", got)
		}
		if r := ann.get("/counter/get", nil); r.num("like0") != 0 {
			t.Fatalf("ann like0 after bob left: %s", r.raw)
		}
		if got := rows(t, ann.get("/location/get", q("distance", "10"))); len(got) != 1 || got[0]["id"] != catID {
			t.Fatalf("a deleted account's location is left: %v", got)
		}
		want(t, ann.get("/counter/get", q("id", bobID)), 404)
		if got := rows(t, s.get("/message/get/sent", q("id", bobID))); len(got) != 0 {
			t.Fatalf("sent messages left: %v", got)
		}
	})
}

// subscribe starts a long poll of /account/subscribe as c and returns once
// the server has subscribed (the status line arrives then); the poll's
// events come on the channel.
func subscribe(t *testing.T, base string, c *server, match string) <-chan []map[string]any {
	t.Helper()
	u := base + "/account/subscribe"
	if match != "" {
		u += "?" + q("match", match).Encode()
	}
	res, err := c.client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("subscribe: %d %s", res.StatusCode, b)
	}
	out := make(chan []map[string]any, 1)
	go func() {
		defer res.Body.Close()
		var events []map[string]any
		b, _ := io.ReadAll(res.Body)
		if err := json.Unmarshal(b, &events); err != nil {
			t.Errorf("subscribe reply %q: %v", b, err)
		}
		out <- events
	}()
	return out
}

// next is the next value of ch; a minute without one fails the test
// rather than hanging it (the events come within milliseconds).
func next[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatal("the event stream ended")
		}
		return v
	case <-time.After(time.Minute):
		t.Fatal("no event in a minute")
	}
	panic("unreachable")
}

// stream opens /account/subscribe as server-sent events.
func stream(t *testing.T, base string, c *server) <-chan map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/account/subscribe", nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(res.Body)
	if !sc.Scan() || sc.Text() != ": subscribed" {
		t.Fatalf("stream did not start: %q", sc.Text())
	}
	out := make(chan map[string]any, 16)
	go func() {
		defer res.Body.Close()
		defer close(out)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var e map[string]any
				json.Unmarshal([]byte(data), &e)
				out <- e
			}
		}
	}()
	t.Cleanup(func() { res.Body.Close() })
	return out
}

// TestModuleEvents: two server processes on one database and one Redis; an
// account subscribed on one sees what another does on the other.
func TestModuleEvents(t *testing.T) {
	args := append(backendArgs(t)["pgsql"], "-pubsub", testenv.RedisURL(), "-api-subscribe-interval", "0")
	a := start(t, args...)
	other := append([]string(nil), args...)
	other[1] = t.TempDir() // -home: a process of its own on the same database
	b := start(t, other...)
	ann, annID := addAccount(t, a, "ann")
	bob, bobID := addAccount(t, a, "bob")
	bobOnB := b.as(t, "bob", "bob-secret")
	events := stream(t, a.base, ann)
	want(t, bobOnB.get("/connection/add", q("peer", annID, "type", "follow")), 200)
	want(t, bobOnB.get("/message/add", q("id", annID, "msg", "from b")), 200)
	for _, want := range []string{"reference:add", "message:add"} {
		e := next(t, events)
		if e["type"].(string)+":"+e["op"].(string) != want || e["from"] != bobID {
			t.Fatalf("event %v, want %s from bob", e, want)
		}
	}
	// counters stay exact with writers in both processes
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			on := []*server{bob, bobOnB}[i%2]
			if r := on.get("/counter/incr", q("ping", "1")); r.status != 200 {
				t.Errorf("incr: %s", r.raw)
			}
			codes[i] = on.get("/connection/add", q("peer", annID, "type", "like")).status
		}()
	}
	wg.Wait()
	if r := bob.get("/counter/get", nil); r.num("ping") != 16 || r.num("like0") != 1 || r.num("follow0") != 1 {
		t.Fatalf("counters after writes from two processes: %s", r.raw)
	}
	if n := strings.Count(fmt.Sprint(codes), "200"); n != 1 {
		t.Fatalf("one connection added %d times: %v", n, codes)
	}
	if e := next(t, events); e["type"] != "reference" || e["op"] != "add" { // the like's
		t.Fatalf("event %v", e)
	}
	// and over WebSocket: a signed frame subscribes to the account's events
	host := strings.TrimPrefix(b.base, "http://")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+host+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	frame, err := (&sign.Transport{Login: "ann", Secret: "ann-secret"}).SignURL(host, "/ws/subscribe?table=account")
	if err != nil {
		t.Fatal(err)
	}
	if m := wsFrame(t, ctx, ws, frame); m["subscribed"] != "account" {
		t.Fatalf("ws subscribe: %v", m)
	}
	if m := wsFrame(t, ctx, ws, "/ws/subscribe?table=account"); m["status"] != 417.0 {
		t.Fatalf("an unsigned subscription: %v", m)
	}
	want(t, bob.get("/message/add", q("id", annID, "msg", "over ws")), 200)
	if m := wsRead(t, ctx, ws); m["type"] != "message" || m["from"] != bobID {
		t.Fatalf("ws event: %v", m)
	}
	// the long poll too, across processes
	poll := subscribe(t, b.base, b.as(t, "ann", "ann-secret"), "")
	want(t, bob.get("/message/add", q("id", annID, "msg", "from a")), 200)
	if got := next(t, poll); len(got) != 1 || got[0]["type"] != "message" {
		t.Fatalf("long poll across processes: %v", got)
	}
}
