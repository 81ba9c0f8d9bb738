package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-faster/jx"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/bkgen/bkgen/runtime/web"
)

// strictParams refuses requests to generated routes that carry a parameter
// the route does not take, in the query, a form body or a JSON body: a
// misspelt condition would otherwise select every row, a misspelt column
// write nothing, silently. The credentials are always accepted. A bad %
// escape is refused too (url.ParseQuery would drop the pair).
func strictParams(ops map[string]Operation, next http.Handler) http.Handler {
	type route struct {
		names []string
		query map[string]bool // GET query and form body
		json  map[string]bool // JSON body
	}
	routes := make(map[string]*route, len(ops))
	for path, op := range ops {
		names := op.Params
		rt := &route{names: names, query: map[string]bool{sign.HeaderName: true, auth.TokenName: true}}
		for _, n := range names {
			rt.query[n] = true
		}
		rt.json = rt.query
		if extra := op.JSON; len(extra) > 0 {
			rt.json = map[string]bool{}
			for n := range rt.query {
				rt.json[n] = true
			}
			for _, n := range extra {
				rt.json[n] = true
			}
			rt.names = append(append([]string{}, names...), extra...)
		}
		routes[path] = rt
	}
	refuse := func(w http.ResponseWriter, r *http.Request, rt *route, where, name string) {
		web.Error(w, http.StatusBadRequest, "UnknownParameter", fmt.Sprintf("%s takes no %s %q%s", r.URL.Path, where, name, closest(name, rt.names)))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, ok := routes[r.URL.Path]
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if err := web.CheckEscapes(r.URL.RawQuery); err != nil {
			web.Error(w, http.StatusBadRequest, "BadEscape", "the query "+err.Error())
			return
		}
		if r.Method == http.MethodGet {
			if name := unknownName(r.URL.RawQuery, rt.query); name != "" {
				refuse(w, r, rt, "parameter", name)
				return
			}
		}
		if r.Method == http.MethodPost && r.Body != nil && r.Body != http.NoBody {
			body, err := io.ReadAll(r.Body)
			r.Body.Close()
			if err != nil {
				web.Fail(w, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			switch ct := r.Header.Get("Content-Type"); {
			case sign.IsForm(ct):
				if err := web.CheckEscapes(string(body)); err != nil {
					web.Error(w, http.StatusBadRequest, "BadEscape", "the form body "+err.Error())
					return
				}
				if name := unknownName(string(body), rt.query); name != "" {
					refuse(w, r, rt, "field", name)
					return
				}
			case strings.HasPrefix(ct, "application/json"):
				if name := unknownKey(body, rt.json); name != "" {
					refuse(w, r, rt, "field", name)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// unknownName returns the first parameter name of a raw query or form body
// that is not in known, or "". It scans the raw text: no map, no allocation
// for plain names.
func unknownName(raw string, known map[string]bool) string {
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		name, _, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(name, "%+") {
			if u, err := url.QueryUnescape(name); err == nil {
				name = u
			}
		}
		if name != "" && !known[name] {
			return name
		}
	}
	return ""
}

// unknownKey returns the first top-level key of a JSON object body that is
// not in known, or "". A body that is not an object is left to the decoder,
// which says what is wrong with it.
func unknownKey(body []byte, known map[string]bool) string {
	d := jx.DecodeBytes(body)
	if d.Next() != jx.Object {
		return ""
	}
	var found string
	d.ObjBytes(func(d *jx.Decoder, key []byte) error {
		if !known[string(key)] {
			found = string(key)
			return errStop
		}
		return d.Skip()
	})
	return found
}

var errStop = errors.New("stop")
