package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/metrics"
)

func serve(h http.Handler, path, ip string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = ip + ":1234"
	h.ServeHTTP(w, r)
	return w
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })

func TestBusy(t *testing.T) {
	m := metrics.New()
	defer m.Close()
	g := NewGuard(Limits{}, 100*time.Millisecond, m)
	defer g.Close()
	h := g.Middleware(ok)
	g.SetLatency(10 * time.Millisecond)
	if w := serve(h, "/a", "1.1.1.1"); w.Code != 200 {
		t.Fatalf("not busy: %d", w.Code)
	}
	g.SetLatency(150 * time.Millisecond)
	if w := serve(h, "/a", "1.1.1.1"); w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("busy: %d %s", w.Code, w.Body)
	}
	if m.Counter("busy").Load() != 1 {
		t.Fatal("busy not counted")
	}
	g.Set(Limits{}, 0) // 0: no busy check
	if w := serve(h, "/a", "1.1.1.1"); w.Code != 200 {
		t.Fatalf("busy check off: %d", w.Code)
	}
}

func TestRateLimits(t *testing.T) {
	g := NewGuard(Limits{Rate: [3]int{3, 5, 0}, Interval: [3]time.Duration{time.Hour, time.Hour, 0}}, 0, nil)
	defer g.Close()
	h := g.Middleware(ok)
	codes := func(path, ip string, n int) (okN, limited int) {
		for range n {
			if serve(h, path, ip).Code == 200 {
				okN++
			} else {
				limited++
			}
		}
		return
	}
	if o, l := codes("/a", "1.1.1.1", 5); o != 3 || l != 2 {
		t.Fatalf("per ip: %d ok, %d limited", o, l)
	}
	if o, _ := codes("/a", "2.2.2.2", 1); o != 1 {
		t.Fatal("another IP is limited")
	}
	// path /b: 5 per hour whatever the IP
	total := 0
	for i := range 8 {
		o, _ := codes("/b", "10.0.0."+string(rune('1'+i)), 1)
		total += o
	}
	if total != 5 {
		t.Fatalf("per path: %d ok, want 5", total)
	}
	w := serve(h, "/a", "1.1.1.1")
	if w.Code != 429 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("limited reply: %d %v", w.Code, w.Header())
	}
	// burst and refill
	g.Set(Limits{Rate: [3]int{10, 0, 0}, Max: [3]int{2, 0, 0}, Interval: [3]time.Duration{100 * time.Millisecond}}, 0)
	if o, l := codes("/c", "3.3.3.3", 4); o != 2 || l != 2 {
		t.Fatalf("burst: %d ok, %d limited", o, l)
	}
	time.Sleep(30 * time.Millisecond) // 10 per 100 ms: 3 tokens back
	if o, _ := codes("/c", "3.3.3.3", 2); o != 2 {
		t.Fatalf("refill: %d ok", o)
	}
}

func TestLoginLimit(t *testing.T) {
	g := NewGuard(Limits{Rate: [3]int{0, 0, 2}, Interval: [3]time.Duration{0, 0, time.Hour}}, 0, nil)
	defer g.Close()
	h := g.LoginLimit(func(r *http.Request) string { return r.URL.Query().Get("login") })(ok)
	for i, want := range []int{200, 200, 429} {
		if w := serve(h, "/a?login=bob", "1.1.1.1"); w.Code != want {
			t.Fatalf("request %d: %d", i, w.Code)
		}
	}
	if w := serve(h, "/a?login=amy", "1.1.1.1"); w.Code != 200 {
		t.Fatal("another login is limited")
	}
	if w := serve(h, "/a", "1.1.1.1"); w.Code != 200 {
		t.Fatal("anonymous requests have no login limit")
	}
}

func TestRouteName(t *testing.T) {
	for path, want := range map[string]string{"/todo/get": "url_todo_get", "/ping": "url_ping", "/": "url_", "/a/b/c": "url_a_b", "/system/stats/get": "url_system_stats"} {
		if got := RouteName(path); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
}

// TestLimitBody: a body past the limit is refused by its length, a body
// within it is read through the limit, and a request without one keeps
// http.NoBody (nothing to wrap).
func TestLimitBody(t *testing.T) {
	var seen io.ReadCloser
	h := LimitBody(4, nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.Body }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/x", strings.NewReader("12345")))
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("5 bytes past a limit of 4: %d", w.Code)
	}
	r := httptest.NewRequest("POST", "/x", strings.NewReader("1234"))
	r.ContentLength = -1 // unknown: the limit is the reader's
	orig := r.Body
	h.ServeHTTP(httptest.NewRecorder(), r)
	if seen == orig || seen == http.NoBody {
		t.Fatal("a body was not wrapped in the limit")
	}
	r = httptest.NewRequest("GET", "/x", nil)
	r.Body = http.NoBody
	h.ServeHTTP(httptest.NewRecorder(), r)
	if seen != http.NoBody {
		t.Fatalf("a request without a body got %T", seen)
	}
}
