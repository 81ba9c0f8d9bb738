package web

import (
	"bufio"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/limit"
	"github.com/bkgen/bkgen/runtime/metrics"
)

// statusWriter remembers the status and size of a reply.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
	login  string // who made the request, once the access check knows (NoteLogin)
}

// NoteLogin tells the access log who made the request w answers: the
// access check runs inside Observe, on a request of its own (the account is
// in a context Observe does not see), so it notes the login on the writer.
func NoteLogin(w http.ResponseWriter, login string) {
	for w != nil {
		if sw, ok := w.(*statusWriter); ok {
			sw.login = login
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		// every 503 (database down, busy, over capacity) says when to retry
		w.Header().Set("Retry-After", "1")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush,
// hijack for websockets, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack passes the connection through (websockets of GraphQL
// subscriptions); the status is then 101.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Flush passes flushes through (SSE).
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// RouteName is backendjs's metric name of a path: url_ and its first two
// segments joined by "_" (/todo/get → url_todo_get).
func RouteName(path string) string {
	p := strings.TrimPrefix(path, "/")
	a, rest, _ := strings.Cut(p, "/")
	b, _, _ := strings.Cut(rest, "/")
	if b == "" {
		return "url_" + a
	}
	return "url_" + a + "_" + b
}

// Observe times every request into m under its route name. Only the names
// of routes the binary serves (known) and of paths that were served successfully
// are kept; failed requests elsewhere count as url_other, so that scanning
// random paths cannot grow the metrics without bound. With access set,
// each request also gets one access log line, with the caller's login (which
// the access check notes on the writer: NoteLogin).
func Observe(m *metrics.Registry, known func(r *http.Request) bool, access *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w}
			next.ServeHTTP(sw, r)
			d := time.Since(start)
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			// a name is kept for the known routes, and for the application's
			// own routes once they answer a request successfully
			name := RouteName(r.URL.Path)
			if sw.status >= 400 && !known(r) {
				name = "url_other"
			}
			m.Request(name, sw.status, d)
			if access != nil {
				access.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
					slog.Int("bytes", sw.size), slog.Duration("took", d), slog.String("ip", limit.ClientIP(r)), slog.String("login", sw.login))
			}
		})
	}
}
