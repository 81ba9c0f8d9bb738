package rest

import (
	"net/http"
	"strings"

	"github.com/bkgen/bkgen/runtime/web"
)

// Mux routes a request to the handler of its exact path, and any other path
// to web.NotFound. Every REST route is one fixed path (/ping, /TABLE/OP), so
// a map does what http.ServeMux's pattern tree does: in issue 21's profile of
// a get, the application's ServeMux and this one's were 3.5% of the server's
// CPU, most of it in matching. The path is r.URL.Path, the one the access
// rules, the parameter check and the metrics read; paths arrive cleaned, as
// the application's ServeMux in front redirects /todo//get to /todo/get.
type Mux struct {
	routes map[string]http.Handler
}

// NewMux returns a Mux without routes.
func NewMux() *Mux { return &Mux{routes: map[string]http.Handler{}} }

// Handle routes path to h. A path routed twice is a bug in the caller, and
// panics as http.ServeMux does.
func (m *Mux) Handle(path string, h http.Handler) {
	if _, ok := m.routes[path]; ok {
		panic("rest: two routes for " + path)
	}
	m.routes[path] = h
}

// HandleFunc routes path to f.
func (m *Mux) HandleFunc(path string, f func(http.ResponseWriter, *http.Request)) {
	m.Handle(path, http.HandlerFunc(f))
}

// ServeHTTP serves r with the handler of its path. A path that spells a
// slash as %2F is not the route it decodes to (/todo%2Fget is not /todo/get),
// as for http.ServeMux, which matches the path segment by segment: a proxy in
// front that allows or refuses paths as they are written must not see one
// path where the API serves another.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := m.routes[r.URL.Path]; ok && !encodedSlash(r.URL.RawPath) {
		h.ServeHTTP(w, r)
		return
	}
	web.NotFound(w, r)
}

// encodedSlash reports whether an escaped path (URL.RawPath: empty unless
// the path was escaped in an unusual way) has a slash written as %2F.
func encodedSlash(raw string) bool {
	return raw != "" && strings.Contains(strings.ToUpper(raw), "%2F")
}
