package app

import (
	"net/http"
	"net/url"
)

// operationsFirst serves the paths of the generated operations with api
// without asking mux, which routes them to api anyway (its catch-all "/",
// where the files' check in front of api passes an operation's path on),
// and every other request with mux. In issue 21's profile of a get, the two
// ServeMux matches of a request (this one and the REST handler's, now a
// rest.Mux) were 3.5% of the server's CPU. A path stays with mux when one of
// the application's own routes (App.Routes, App.Custom, a module) claims it
// for any method, so that such a route still takes precedence; the routes
// are all registered before this is called. A path with escapes that
// net/url would not write (r.URL.RawPath set, /todo%2Fget) also goes to mux,
// which matches the escaped form.
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
