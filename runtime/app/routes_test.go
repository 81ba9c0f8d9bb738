package app

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestOperationsFirst: an operation's path goes to the API without the mux,
// unless a route of the application's claims it for some method; anything
// else goes to the mux.
func TestOperationsFirst(t *testing.T) {
	answer := func(s string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(s)) })
	}
	mux := http.NewServeMux()
	mux.Handle("/", answer("mux"))
	mux.Handle("POST /todo/put", answer("custom"))
	mux.Handle("/ping", answer("ping"))
	h := operationsFirst(mux, answer("api"), map[string]Operation{"/todo/get": {}, "/todo/put": {}, "/todo/add": {}})
	for _, c := range []struct{ method, url, want string }{
		{"GET", "/todo/get?id=1", "api"},
		{"POST", "/todo/add", "api"},
		{"HEAD", "/todo/get", "api"},
		{"POST", "/todo/put", "custom"}, // the application's route
		{"GET", "/todo/put", "mux"},     // the rest of that path is the mux's
		{"GET", "/todo%2Fget", "mux"},   // not spelled as the operation
		{"GET", "/todo/get/", "mux"},    // not an operation's path
		{"GET", "/ping", "ping"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.url, nil))
		if got := w.Body.String(); got != c.want {
			t.Errorf("%s %s: served by %q, want %q", c.method, c.url, got, c.want)
		}
	}
}
