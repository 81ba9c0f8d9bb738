// Package hook holds an application's request hooks: access checks,
// before-handler hooks and after-handler hooks, each registered for a path
// pattern (a regexp on the URL path, as backendjs's registerAccessCheck,
// registerPreProcess and registerPostProcess). They run on every request
// whose path matches, after authentication; over GraphQL the access checks
// and before hooks run for each top-level field on its REST path (addTodo
// on /todo/add), with the same account and context the resolver then sees.
//
// Row rules (validate or fill a row, hide one) belong in the row hooks of
// the generated store (store.HooksOn), which every API goes through.
package hook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/web"
)

// Hooks are the request hooks of an application. Register them at start;
// they are not changed while the server runs.
type Hooks struct {
	access []entry[AccessFunc]
	before []entry[BeforeFunc]
	after  []entry[AfterFunc]
}

type entry[F any] struct {
	re *regexp.Regexp
	f  F
}

// AccessFunc decides on a request to a matching path: it gets the account
// the signature check found (nil: anonymous) and that check's refusal (nil:
// allowed). Returning nil allows the request as acc, even one the path
// rules refused; returning an error refuses it with that error (Refuse for
// a status and words of your own); returning refused keeps the decision.
type AccessFunc func(r *http.Request, acc *auth.Account, refused error) error

// BeforeFunc runs before the handler of a matching path, after the access
// checks. It calls e.Next() to go on to the next hook and then the handler,
// or returns an error to refuse the request (nothing else runs), or answers
// itself (e.Redirect) without calling Next.
type BeforeFunc func(e *Request) error

// AfterFunc runs after the handler of a matching path, on its reply, which
// it may change or replace; an error replaces the reply with that error.
type AfterFunc func(e *Reply) error

// compile compiles a pattern at registration: a bad one is the
// programmer's error, reported at once, as http.ServeMux does.
func compile(kind, pattern string) *regexp.Regexp {
	re, err := regexp.Compile(pattern)
	if err != nil {
		panic(fmt.Sprintf("hook: %s pattern %q: %v", kind, pattern, err))
	}
	return re
}

// Access registers an access check for the paths pattern matches.
func (h *Hooks) Access(pattern string, f AccessFunc) {
	h.access = append(h.access, entry[AccessFunc]{compile("access", pattern), f})
}

// Before registers a before-handler hook for the paths pattern matches.
func (h *Hooks) Before(pattern string, f BeforeFunc) {
	h.before = append(h.before, entry[BeforeFunc]{compile("before", pattern), f})
}

// After registers an after-handler hook for the paths pattern matches.
func (h *Hooks) After(pattern string, f AfterFunc) {
	h.after = append(h.after, entry[AfterFunc]{compile("after", pattern), f})
}

// Empty reports whether no hook is registered (the server then adds nothing).
func (h *Hooks) Empty() bool {
	return h == nil || len(h.access)+len(h.before)+len(h.after) == 0
}

// Refuse returns a refusal with that status and message (code "Refused"),
// answered in the API's one error shape. Any other error a hook returns is
// mapped as the handlers' are (web.ErrorOf): a storage error by its code,
// anything else a 500 whose text stays in the log.
func Refuse(status int, format string, args ...any) error {
	return &web.Problem{Status: status, Code: "Refused", Message: fmt.Sprintf(format, args...)}
}

// CheckAccess runs the access checks of path on a request; it returns the
// account and refusal the last matching check leaves.
func (h *Hooks) CheckAccess(r *http.Request, path string, acc *auth.Account, refused error) (*auth.Account, error) {
	if h == nil {
		return acc, refused
	}
	for _, e := range h.access {
		if !e.re.MatchString(path) {
			continue
		}
		refused = e.f(r, acc, refused)
	}
	if refused != nil {
		return nil, refused
	}
	return acc, nil
}

// Request is a request as the before hooks see it.
type Request struct {
	// W is the response (nil on a GraphQL field: answer with an error).
	W http.ResponseWriter
	// R is the request; a hook adds to its context with WithValue.
	R *http.Request
	// Path is the path the hooks matched: the URL path, or the REST path of
	// a GraphQL field.
	Path string
	// Field is the GraphQL field ("Mutation.addTodo") on GraphQL, else "".
	Field string

	hooks []entry[BeforeFunc]
	last  func(e *Request) error
}

// Account is the caller's account, nil when anonymous.
func (e *Request) Account() *auth.Account { return auth.FromContext(e.R.Context()) }

// WithValue adds a value to the context the handler (or resolver) and the
// later hooks see.
func (e *Request) WithValue(key, val any) {
	e.R = e.R.WithContext(context.WithValue(e.R.Context(), key, val))
}

// Next runs the next matching hook, or the handler after the last one.
func (e *Request) Next() error {
	for len(e.hooks) > 0 {
		h := e.hooks[0]
		e.hooks = e.hooks[1:]
		if h.re.MatchString(e.Path) {
			return h.f(e)
		}
	}
	if e.last == nil {
		return errors.New("hook: Next called twice")
	}
	last := e.last
	e.last = nil
	return last(e)
}

// ErrNoResponse is a GraphQL field's error when a before hook answers
// instead of going on (Redirect, or no Next): a field has no HTTP response
// of its own to carry that answer.
var ErrNoResponse = &web.Problem{Status: http.StatusBadRequest, Code: "Refused", Message: "a request hook answered this operation itself, which a GraphQL field cannot carry (use the REST route)"}

// Redirect answers the request with a redirect to url (302) instead of the
// handler; return its result from the hook.
func (e *Request) Redirect(url string) error {
	if e.W == nil {
		return ErrNoResponse
	}
	http.Redirect(e.W, e.R, url, http.StatusFound)
	return nil
}

// Reply is a handler's reply as the after hooks see it, held until the
// last hook has run.
type Reply struct {
	R      *http.Request
	Path   string
	Status int
	Header http.Header
	Body   []byte
}

// Account is the caller's account, nil when anonymous.
func (e *Reply) Account() *auth.Account { return auth.FromContext(e.R.Context()) }

// JSON decodes the body into v.
func (e *Reply) JSON(v any) error { return json.Unmarshal(e.Body, v) }

// SetJSON replaces the body with v as JSON.
func (e *Reply) SetJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	e.Body = b
	e.Header.Set("Content-Type", "application/json; charset=utf-8")
	return nil
}

// Middleware runs the before and after hooks of the request's path around
// next; a request no hook matches goes straight through.
func (h *Hooks) Middleware(next http.Handler) http.Handler {
	if h == nil || len(h.before)+len(h.after) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		before, after := matching(h.before, path), matching(h.after, path)
		if !before && (!after || longLived(r)) {
			next.ServeHTTP(w, r)
			return
		}
		var rec *web.Recorder
		out := w
		if after && !longLived(r) {
			rec = web.NewRecorder()
			out = rec
		}
		e := &Request{W: out, R: r, Path: path, hooks: h.before, last: func(e *Request) error {
			next.ServeHTTP(e.W, e.R)
			return nil
		}}
		err := e.Next()
		if rec == nil {
			if err != nil && e.last != nil { // refused before the handler ran
				web.Fail(w, err)
			}
			return
		}
		reply := &Reply{R: e.R, Path: path, Status: rec.Status, Header: rec.Head, Body: rec.Body}
		for _, a := range h.after {
			if err != nil {
				break
			}
			if a.re.MatchString(path) {
				err = a.f(reply)
			}
		}
		if err != nil { // the error in place of the reply
			rec = web.NewRecorder()
			web.Fail(rec, err)
			reply.Status, reply.Header, reply.Body = rec.Status, rec.Head, rec.Body
		}
		for k, v := range reply.Header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(reply.Status)
		w.Write(reply.Body)
	})
}

func matching[F any](list []entry[F], path string) bool {
	for _, e := range list {
		if e.re.MatchString(path) {
			return true
		}
	}
	return false
}

// longLived reports a websocket or SSE request, whose reply is a stream
// that cannot be held for the after hooks.
func longLived(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" || strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// Field runs the access checks and before hooks of path for a GraphQL
// top-level field (the gql.Guard of the server): refused is what the path
// rules say of the caller on path; next resolves the field with the context
// the hooks leave.
func (h *Hooks) Field(ctx context.Context, r *http.Request, field, path string, refused error, next func(context.Context) (any, error)) (any, error) {
	r = r.WithContext(ctx)
	acc := auth.FromContext(ctx)
	if h != nil && len(h.access) > 0 {
		allowed, err := h.CheckAccess(r, path, acc, refused)
		if err != nil {
			return nil, err
		}
		if allowed != acc {
			ctx = auth.WithAccount(ctx, allowed)
			r = r.WithContext(ctx)
		}
	} else if refused != nil {
		return nil, refused
	}
	if h == nil || !matching(h.before, path) {
		return next(ctx)
	}
	var res any
	e := &Request{R: r, Path: path, Field: field, hooks: h.before, last: func(e *Request) error {
		var err error
		res, err = next(e.R.Context())
		return err
	}}
	if err := e.Next(); err != nil {
		return nil, err
	}
	if e.last != nil {
		// a hook answered without going on: a field has no other answer
		return nil, ErrNoResponse
	}
	return res, nil
}

// Checks reports whether an access check is registered.
func (h *Hooks) Checks() bool { return h != nil && len(h.access) > 0 }
