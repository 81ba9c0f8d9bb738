package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// CORS answers browsers calling the API from other origins: preflight
// OPTIONS requests get 204 with the methods and headers the API takes, and
// the replies to an allowed origin say so (with credentials, so that a
// session cookie goes along, only for an origin listed by name or
// pattern, never for "*").
type CORS struct {
	any      bool
	exact    map[string]bool
	patterns []*regexp.Regexp
}

// The API's methods and the request headers a browser may send it.
const (
	corsMethods = "GET, HEAD, POST, OPTIONS"
	corsHeaders = "bk-signature, bk-access-token, content-type, bk-app, bk-version, bk-lang, bk-tz"
)

// NewCORS compiles the allowed origins: "*" (any, without credentials),
// an origin as the browser sends it (https://app.example.com), or a
// regexp starting with ^ (^https://[a-z]+\.example\.com$).
func NewCORS(origins []string) (*CORS, error) {
	c := &CORS{exact: map[string]bool{}}
	for _, o := range origins {
		switch o = strings.TrimSpace(o); {
		case o == "":
		case o == "*":
			c.any = true
		case strings.HasPrefix(o, "^"):
			re, err := regexp.Compile(o)
			if err != nil {
				return nil, fmt.Errorf("api-cors-origin %q: %v", o, err)
			}
			c.patterns = append(c.patterns, re)
		default:
			c.exact[strings.TrimSuffix(o, "/")] = true
		}
	}
	return c, nil
}

// allowed says whether origin may call the API, and with credentials.
func (c *CORS) allowed(origin string) (ok, credentials bool) {
	if c.exact[origin] {
		return true, true
	}
	for _, re := range c.patterns {
		if re.MatchString(origin) {
			return true, true
		}
	}
	return c.any, false
}

// Trusted reports an origin listed by name or pattern: its requests may
// use the session cookie.
func (c *CORS) Trusted(origin string) bool {
	_, cred := c.allowed(origin)
	return cred
}

// Middleware answers OPTIONS and adds the CORS headers for allowed origins.
func (c *CORS) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		ok, cred := false, false
		if origin != "" {
			ok, cred = c.allowed(origin)
			w.Header().Add("Vary", "Origin")
		}
		if ok {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			if cred {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			h.Set("Access-Control-Expose-Headers", "Retry-After, ETag")
		}
		if r.Method != http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			if !ok {
				Error(w, http.StatusForbidden, "CORS", "the origin "+origin+" may not call this API (api-cors-origin)")
				return
			}
			h := w.Header()
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", "600")
		}
		w.Header().Set("Allow", corsMethods)
		w.WriteHeader(http.StatusNoContent)
	})
}
