package hook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
)

func serve(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	return w
}

type ctxKey struct{}

func TestBeforeAndAfter(t *testing.T) {
	var h Hooks
	var order []string
	h.Before(`^/a/`, func(e *Request) error {
		order = append(order, "first")
		e.WithValue(ctxKey{}, "from the hook")
		err := e.Next()
		order = append(order, "first done")
		return err
	})
	h.Before(`^/b/`, func(e *Request) error { order = append(order, "not this path"); return e.Next() })
	h.Before(`^/a/x$`, func(e *Request) error { order = append(order, "second"); return e.Next() })
	h.Before(`^/a/refused$`, func(e *Request) error { return Refuse(http.StatusForbidden, "not for you") })
	h.Before(`^/a/away$`, func(e *Request) error { return e.Redirect("/elsewhere") })
	h.Before(`^/a/fails$`, func(e *Request) error { return db.ErrNotFound })
	h.After(`^/a/x$`, func(e *Reply) error {
		var m map[string]any
		if err := e.JSON(&m); err != nil {
			return err
		}
		m["added"] = true
		return e.SetJSON(m)
	})
	h.After(`^/a/broken$`, func(e *Reply) error { return errors.New("a bug") })
	handler := h.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		order = append(order, "handler")
		v, _ := r.Context().Value(ctxKey{}).(string)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"seen":"` + v + `"}`))
	}))

	w := serve(handler, "/a/x")
	if got := strings.Join(order, ","); got != "first,second,handler,first done" {
		t.Fatalf("order: %s", got)
	}
	if w.Code != 200 || w.Body.String() != `{"added":true,"seen":"from the hook"}` {
		t.Fatalf("reply: %d %s", w.Code, w.Body)
	}
	order = nil
	if w = serve(handler, "/a/refused"); w.Code != 403 || !strings.Contains(w.Body.String(), `"message":"not for you"`) || strings.Contains(strings.Join(order, ","), "handler") {
		t.Fatalf("refused: %d %s %v", w.Code, w.Body, order)
	}
	if w = serve(handler, "/a/away"); w.Code != 302 || w.Header().Get("Location") != "/elsewhere" {
		t.Fatalf("redirect: %d %v", w.Code, w.Header())
	}
	if w = serve(handler, "/a/fails"); w.Code != 404 || !strings.Contains(w.Body.String(), `"code":"NotFound"`) {
		t.Fatalf("storage error: %d %s", w.Code, w.Body)
	}
	if w = serve(handler, "/a/broken"); w.Code != 500 || strings.Contains(w.Body.String(), "a bug") {
		t.Fatalf("after hook error: %d %s", w.Code, w.Body)
	}
	order = nil
	if w = serve(handler, "/c"); w.Code != 200 || strings.Join(order, ",") != "handler" {
		t.Fatalf("no hook: %d %v", w.Code, order)
	}
	var none Hooks
	plain := http.NotFoundHandler()
	if none.Middleware(plain) == nil || !none.Empty() {
		t.Fatal("no hooks")
	}
}

func TestAccess(t *testing.T) {
	var h Hooks
	refused := errors.New("the path rules refuse")
	h.Access(`^/open$`, func(r *http.Request, acc *auth.Account, err error) error { return nil })
	h.Access(`^/closed$`, func(r *http.Request, acc *auth.Account, err error) error {
		return Refuse(http.StatusForbidden, "closed today")
	})
	h.Access(`^/keep$`, func(r *http.Request, acc *auth.Account, err error) error { return err })
	r := httptest.NewRequest("GET", "/", nil)
	dan := &auth.Account{Login: "dan"}
	if acc, err := h.CheckAccess(r, "/open", dan, refused); acc != dan || err != nil {
		t.Fatalf("open: %v %v", acc, err)
	}
	if acc, err := h.CheckAccess(r, "/closed", dan, nil); acc != nil || err == nil || err.Error() != "closed today" {
		t.Fatalf("closed: %v %v", acc, err)
	}
	if _, err := h.CheckAccess(r, "/keep", dan, refused); err != refused {
		t.Fatalf("keep: %v", err)
	}
	if acc, err := h.CheckAccess(r, "/other", dan, nil); acc != dan || err != nil {
		t.Fatalf("no check: %v %v", acc, err)
	}
	// a GraphQL field: the access check, then the resolver with the context the before hooks leave
	h.Before(`^/open$`, func(e *Request) error { e.WithValue(ctxKey{}, "v"); return e.Next() })
	res, err := h.Field(context.Background(), r, "Query.x", "/open", refused, func(ctx context.Context) (any, error) {
		return ctx.Value(ctxKey{}), nil
	})
	if err != nil || res != "v" {
		t.Fatalf("field: %v %v", res, err)
	}
	if _, err := h.Field(context.Background(), r, "Query.x", "/other", refused, func(ctx context.Context) (any, error) { return nil, nil }); err != refused {
		t.Fatalf("a refused field: %v", err)
	}
}

// BenchmarkMiddleware: what the request hooks cost a request whose path
// none of them matches (the example app's two hooks), against no hooks.
func BenchmarkMiddleware(b *testing.B) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	var h Hooks
	h.Before(`^/post/(add|put|update|del)$`, func(e *Request) error { return e.Next() })
	h.After(`^/post/get$`, func(e *Reply) error { return nil })
	req := httptest.NewRequest("GET", "/todo/get?id=1", nil)
	w := httptest.NewRecorder()
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"none", (&Hooks{}).Middleware(ok)}, {"two-unmatched", h.Middleware(ok)}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.h.ServeHTTP(w, req)
			}
		})
	}
}
