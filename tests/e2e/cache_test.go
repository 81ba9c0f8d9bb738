package e2e

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/tests/testenv"
)

// TestCacheAcrossServers: two servers on one PostgreSQL database share a
// Redis cache: a write through one is never followed by an old read
// through the other, and the admin endpoints show and drop entries.
func TestCacheAcrossServers(t *testing.T) {
	t.Parallel()
	db := testenv.PgsqlSchema(t)
	ns := fmt.Sprintf("e2e%d:", time.Now().UnixNano())
	args := func() []string {
		return []string{"-home", t.TempDir(), "-db-pool", "pgsql", "-db-pgsql-pool", db, "-db-create-tables", "-ipc-cache", "redis://127.0.0.1:6379/0", "-ipc-cache-namespace", ns}
	}
	a, b := start(t, args()...), start(t, args()...)
	r := a.postJSON("/album/add", map[string]any{"title": "v0"})
	if r.status != 200 {
		t.Fatalf("add: %d %s", r.status, r.raw)
	}
	id := r.str("id")
	q := url.Values{"id": {id}}
	for i := 1; i <= 20; i++ {
		a.get("/album/get", q)
		b.get("/album/get", q)
		writer, reader := a, b
		if i%2 == 0 {
			writer, reader = b, a
		}
		title := fmt.Sprint("v", i)
		if r := writer.postJSON("/album/update", map[string]any{"id": id, "title": title}); r.status != 200 {
			t.Fatalf("update: %d %s", r.status, r.raw)
		}
		if got := reader.get("/album/get", q).str("title"); got != title {
			t.Fatalf("write %d through one server, the other read %q", i, got)
		}
	}
	stats := a.get("/system/cache/stats", nil)
	if stats.str("driver") != "redis" || stats.num("hits") == 0 || stats.num("dels") == 0 {
		t.Fatalf("stats: %s", stats.raw)
	}
	key := "album|" + id
	got := a.get("/system/cache/get", url.Values{"key": {key}})
	if got.status != 200 {
		t.Fatalf("cache get: %d %s", got.status, got.raw)
	}
	row, _ := got.body["row"].(map[string]any)
	if row["title"] != "v20" || row["id"] != id {
		t.Fatalf("cached row: %s", got.raw)
	}
	if r := a.get("/system/cache/del", url.Values{"key": {key}}); r.status != 200 {
		t.Fatalf("del: %d %s", r.status, r.raw)
	}
	if r := b.get("/system/cache/get", url.Values{"key": {key}}); r.status != 404 {
		t.Fatalf("after del: %d %s", r.status, r.raw)
	}
	// secure columns never leave the server, not even to an admin
	ph := a.postJSON("/photo/add", map[string]any{"album_id": id, "name": "p"})
	if ph.status != 200 {
		t.Fatalf("photo add: %d %s", ph.status, ph.raw)
	}
	a.get("/photo/get", url.Values{"album_id": {id}, "id": {ph.str("id")}})
	pg := a.get("/system/cache/get", url.Values{"key": {"photo|" + id + "|" + ph.str("id")}})
	if pg.status != 200 || strings.Contains(pg.raw, "s3cr3t") || strings.Contains(pg.raw, `"secret"`) {
		t.Fatalf("cached photo: %d %s", pg.status, pg.raw)
	}
	if r := a.get("/system/cache/get", nil); r.status != 400 || r.str("code") != "MissingKey" {
		t.Fatalf("no key: %d %s", r.status, r.raw)
	}
	b.get("/album/get", q)
	if r := a.get("/system/cache/clear", url.Values{"prefix": {"album"}}); r.status != 200 {
		t.Fatalf("clear: %d %s", r.status, r.raw)
	}
	if r := b.get("/system/cache/get", url.Values{"key": {key}}); r.status != 404 {
		t.Fatalf("after clear: %d %s", r.status, r.raw)
	}
}

// TestLocalCacheInvalidationReachesServers: with local caches and a Redis
// bus, a write through one server drops the row from the other's LRU.
func TestLocalCacheInvalidationReachesServers(t *testing.T) {
	t.Parallel()
	db := testenv.PgsqlSchema(t)
	args := func() []string {
		return []string{"-home", t.TempDir(), "-db-pool", "pgsql", "-db-pgsql-pool", db, "-db-create-tables", "-pubsub", "redis://127.0.0.1:6379/0"}
	}
	a, b := start(t, args()...), start(t, args()...)
	id := a.postJSON("/album/add", map[string]any{"title": "old"}).str("id")
	q := url.Values{"id": {id}}
	a.get("/album/get", q)
	if a.get("/album/get", q).status != 200 || a.get("/system/cache/stats", nil).num("hits") == 0 {
		t.Fatalf("no hit: %s", a.get("/system/cache/stats", nil).raw)
	}
	b.postJSON("/album/update", map[string]any{"id": id, "title": "new"})
	for end := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if a.get("/album/get", q).str("title") == "new" {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the other server still serves the old row after 2 s")
		}
	}
}

// TestRedisDown: with the cache and the job queue on a Redis that goes
// away, reads and writes keep working from the database, and a job submit
// is a clear 503.
func TestRedisDown(t *testing.T) {
	t.Parallel()
	redisURL, redis := redisServer(t)
	s := start(t, "-home", t.TempDir(), "-ipc-cache", redisURL, "-jobs-queue", redisURL)
	id := s.postJSON("/album/add", map[string]any{"title": "t1"}).str("id")
	q := url.Values{"id": {id}}
	s.get("/album/get", q)
	if s.get("/album/get", q).str("title") != "t1" || s.get("/system/cache/stats", nil).num("hits") == 0 {
		t.Fatal("not cached while Redis is up")
	}

	redis.Process.Kill()
	redis.Wait()
	begin := time.Now()
	if r := s.get("/album/get", q); r.status != 200 || r.str("title") != "t1" {
		t.Fatalf("read with Redis down: %d %s", r.status, r.raw)
	}
	if r := s.postJSON("/album/update", map[string]any{"id": id, "title": "t2"}); r.status != 200 {
		t.Fatalf("write with Redis down: %d %s", r.status, r.raw)
	}
	for range 20 {
		if r := s.get("/album/get", q); r.status != 200 || r.str("title") != "t2" {
			t.Fatalf("read after a write with Redis down: %d %s", r.status, r.raw)
		}
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Fatalf("22 requests with Redis down took %v", d)
	}
	r := s.postJSON("/system/jobs/submit?name=tally", map[string]any{"id": "x", "n": 1})
	if r.status != 503 || r.str("code") != "QueueUnavailable" {
		t.Fatalf("submit with Redis down: %d %s", r.status, r.raw)
	}
	if st := s.get("/system/cache/stats", nil); st.num("errors") == 0 {
		t.Fatalf("stats do not count the failures: %s", st.raw)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
