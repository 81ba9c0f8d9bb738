package app

import (
	"net/http"
	"net/url"
)

// operationsFirst serves the paths of the generated operations with api
// without asking mux, which routes them to api anyway (its catch-all "/"),
// and every other request with mux. ServeMux's match costs about as much
// as the rest of the access check (issue 21's profile of a get: the two
// ServeMux lookups of a request, this one and the REST handler's, were 3.5%
// of the server's CPU). A path stays with mux when one of the application's
// own routes (App.Routes, App.Custom, a module) claims it for any method, so
// that such a route still takes precedence; the routes are all registered
// before this is called. The request's path must be spelled as the
// operation's (no escapes net/url would write otherwise), as mux compares
// the escaped path.
func operationsFirst(mux *http.ServeMux, api http.Handler, ops map[string]Operation) http.Handler {
	direct := make(map[string]bool, len(ops))
	for path := range ops {
		direct[path] = routedToCatchAll(mux, path)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if direct[r.URL.Path] && r.URL.RawPath == "" {
			api.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// routedToCatchAll reports whether mux gives path to its "/" pattern for
// every method.
func routedToCatchAll(mux *http.ServeMux, path string) bool {
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodTrace} {
		if _, pattern := mux.Handler(&http.Request{Method: m, URL: &url.URL{Path: path}}); pattern != "/" {
			return false
		}
	}
	return true
}
