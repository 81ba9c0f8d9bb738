package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// TestDeps: a program with the client links none of the server.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	ours := map[string]bool{"github.com/bkgen/bkgen/runtime/client": true, "github.com/bkgen/bkgen/runtime/sign": true, "github.com/bkgen/bkgen/runtime/problem": true}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, ".") && !strings.HasPrefix(p, "golang.org/x/") && !strings.HasPrefix(p, "vendor/") &&
			!strings.HasPrefix(p, "crypto/internal/") && !ours[p] {
			t.Errorf("runtime/client imports %s", p)
		}
	}
}

func TestQueryBody(t *testing.T) {
	name, width, tags := Col[string]{Name: "name"}, Col[int]{Name: "width"}, Col[string]{Name: "tags"}
	q := Query{Where: []Cond{name.BeginsWith("a"), width.Between(1, 5), tags.Contains("x"), Col[string]{Name: "caption"}.Null(), Col[string]{Name: "id"}.Eq("k")},
		Order: width.Desc(), Count: 7, Select: []string{"name", "width"}}
	got, err := q.body("tok", false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "a", "width": []any{1, 5}, "tags": "x", "caption": nil, "id": "k",
		"_ops": "name,begins_with,width,between,tags,contains,caption,null", "_sort": "width", "_desc": true, "_count": 7,
		"_select": "name,width", "_token": "tok"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("body:\n%v\nwant\n%v", got, want)
	}
	if in, _ := (Query{Where: []Cond{width.In(3)}}).body("", true); !reflect.DeepEqual(in, map[string]any{"width": []any{3}, "_ops": "width,in", "_total": true}) {
		t.Fatalf("in with one value: %v", in)
	}
	for _, bad := range []Query{{Where: []Cond{name.Eq("a"), name.Ne("b")}}, {Where: []Cond{Col[string]{Name: "_count"}.Eq("1")}}} {
		if _, err := bad.body("", false); !errors.Is(err, ErrInvalid) {
			t.Errorf("%v: %v, want ErrInvalid", bad.Where, err)
		}
	}
}

func TestCallErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/json":
			w.WriteHeader(404)
			w.Write([]byte(`{"status":404,"message":"record not found","code":"NotFound"}`))
		case "/text":
			w.WriteHeader(502)
			w.Write([]byte(`<html>bad gateway</html>`))
		default:
			w.Write([]byte(`{"id":"x"}`))
		}
	}))
	defer srv.Close()
	c, err := New(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	err = c.Call(ctx, "/json", map[string]any{}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Status != 404 || e.Code != "NotFound" || e.Message != "record not found" || !errors.Is(err, ErrNotFound) || errors.Is(err, ErrExists) {
		t.Fatalf("404: %#v", err)
	}
	if err := c.Call(ctx, "/text", map[string]any{}, nil); !errors.As(err, &e) || e.Status != 502 || e.Message != "Bad Gateway" {
		t.Fatalf("a reply that is not ours: %#v", err)
	}
	var out struct{ ID string }
	if err := c.Call(ctx, "/ok", map[string]any{}, &out); err != nil || out.ID != "x" {
		t.Fatalf("ok: %v %v", out, err)
	}
	for _, bad := range []string{"", "ftp://x", "localhost:8000", "http://"} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}
