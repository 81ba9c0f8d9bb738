package rest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMux(t *testing.T) {
	m := NewMux()
	m.HandleFunc("/todo/get", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("get")) })
	m.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("pong")) })
	for _, c := range []struct {
		url, body string
		code      int
	}{
		{"/todo/get?id=1", "get", 200},
		{"/ping", "pong", 200},
		// only the exact path: no prefix, no trailing slash, no case folding
		{"/todo/get/", `"code":"NotFound"`, 404},
		{"/todo", `"code":"NotFound"`, 404},
		{"/Todo/get", `"code":"NotFound"`, 404},
		{"/", `"code":"NotFound"`, 404},
		// a slash written as %2F is not one, as for http.ServeMux; another
		// escaped character is the character
		{"/todo%2Fget?id=1", `"code":"NotFound"`, 404},
		{"/todo%2fget?id=1", `"code":"NotFound"`, 404},
		{"/%74odo/get?id=1", "get", 200},
	} {
		w := httptest.NewRecorder()
		m.ServeHTTP(w, httptest.NewRequest("GET", c.url, nil))
		if w.Code != c.code || !strings.Contains(w.Body.String(), c.body) {
			t.Errorf("%s: %d %s, want %d with %s", c.url, w.Code, w.Body, c.code, c.body)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a second route for /ping did not panic")
		}
	}()
	m.HandleFunc("/ping", func(http.ResponseWriter, *http.Request) {})
}
