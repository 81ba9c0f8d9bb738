package inprocess

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	bkgraphql "github.com/bkgen/bkgen/generated/graphql"
	"github.com/bkgen/bkgen/generated/server"
	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
	"github.com/bkgen/bkgen/runtime/gql"
	"github.com/bkgen/bkgen/runtime/module"
)

// TestGraphQLFastPath: the fast path answers a get by key with the bytes
// gqlgen's executor writes (values, hidden columns, aliases, escaping,
// errors and their locations, the guard's refusals), runs the guard once,
// and leaves every other document to gqlgen.
func TestGraphQLFastPath(t *testing.T) {
	p, err := sqldb.OpenSQLite(filepath.Join(t.TempDir(), "x.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	ctx := context.Background()
	st := store.New(p)
	if err := st.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 12, 3, 10, 0, 0, 123456000, time.UTC)
	todo := &store.Todo{Name: `a "<b>" & ü`, Descr: "line\nbreak", Due: &due}
	if err := st.Todo.Add(ctx, todo); err != nil {
		t.Fatal(err)
	}
	owner := "owner-1"
	mark := &store.Bookmark{OwnerID: &owner, URL: "https://x", Note: "private note"}
	if err := st.Bookmark.Add(ctx, mark); err != nil {
		t.Fatal(err)
	}

	// the guard refuses one path and notes whether gqlgen's executor called it
	var guarded, viaExecutor atomic.Int64
	guard := func(ctx context.Context, r *http.Request, field, path string, next func(context.Context) (any, error)) (any, error) {
		guarded.Add(1)
		if graphql.GetFieldContext(ctx) != nil {
			viaExecutor.Add(1)
		}
		if r.Header.Get("X-Refuse") != "" {
			return nil, db.Refuse("not for you")
		}
		return next(ctx)
	}
	es := server.App(nil).GraphQL(module.Env{Pool: p})
	if _, ok := es.(gql.FastGets); !ok {
		t.Fatal("the generated schema offers no fast gets")
	}
	cfg := gql.Config{Complexity: 10000, Depth: 10, CacheSize: 100, Paths: bkgraphql.Paths, Guard: guard}
	fast := gql.Handler(es, cfg)
	cfg.NoFastPath = true
	slow := gql.Handler(es, cfg)

	type req struct {
		name, query, vars string
		post, refuse      bool
		account           *auth.Account
		fast              bool // served fast once cached
	}
	owned := &auth.Account{ID: owner, Login: "o"}
	other := &auth.Account{ID: "someone-else", Login: "e"}
	cases := []req{
		{name: "variables", query: `query($id: String!) { todo(id: $id) { id name descr due done mtime } }`, vars: `{"id":"` + todo.ID + `"}`, fast: true},
		{name: "literal, aliases, order", query: `{ t: todo(id: "` + todo.ID + `") { mtime n: name due id } }`, fast: true},
		{name: "a field twice", query: `{ todo(id: "` + todo.ID + `") { id name id } }`, fast: true},
		{name: "post", query: `query Get($id: String!) { todo(id: $id) { name } }`, vars: `{"id":"` + todo.ID + `"}`, post: true, fast: true},
		{name: "not found", query: "{\n  todo(id: \"nope\") { id } }", fast: true},
		{name: "refused", query: `{ todo(id: "` + todo.ID + `") { id } }`, refuse: true, fast: true},
		{name: "owner sees the note", query: `{ bookmark(id: "` + mark.ID + `") { id url note hits owner_id } }`, account: owned, fast: true},
		{name: "another does not", query: `{ bookmark(id: "` + mark.ID + `") { id url note hits owner_id } }`, account: other, fast: true},
		{name: "anonymous", query: `{ bookmark(id: "` + mark.ID + `") { note url } }`, fast: true},
		{name: "bad variable", query: `query($id: String!) { todo(id: $id) { id } }`, vars: `{"id":5}`},
		{name: "missing variable", query: `query($id: String!) { todo(id: $id) { id } }`},
		{name: "typename", query: `{ todo(id: "` + todo.ID + `") { __typename id } }`},
		{name: "directive", query: `{ todo(id: "` + todo.ID + `") { id @include(if: true) } }`},
		{name: "fragment", query: `{ todo(id: "` + todo.ID + `") { ...F } } fragment F on Todo { id }`},
		{name: "two fields", query: `{ a: todo(id: "` + todo.ID + `") { id } b: todo(id: "nope") { id } }`},
		{name: "a list", query: `{ todos(first: 1) { nodes { id } } }`},
		{name: "a mutation", query: `mutation { delTodo(id: "nope") }`, post: true},
		{name: "invalid", query: `{ todo(id: "x") { nosuch } }`},
	}
	do := func(h http.Handler, c req) (int, string, string) {
		var r *http.Request
		if c.post {
			body := map[string]any{"query": c.query}
			if c.vars != "" {
				body["variables"] = json.RawMessage(c.vars)
			}
			b, _ := json.Marshal(body)
			r = httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
			r.Header.Set("Content-Type", "application/json")
		} else {
			u := "/graphql?query=" + url.QueryEscape(c.query)
			if c.vars != "" {
				u += "&variables=" + url.QueryEscape(c.vars)
			}
			r = httptest.NewRequest(http.MethodGet, u, nil)
		}
		if c.refuse {
			r.Header.Set("X-Refuse", "1")
		}
		if c.account != nil {
			r = r.WithContext(auth.WithAccount(r.Context(), c.account))
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, w.Header().Get("Content-Type"), w.Body.String()
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantCode, wantType, want := do(slow, c)
			for round := range 3 { // a miss, then from the cache
				guarded.Store(0)
				viaExecutor.Store(0)
				code, ctype, got := do(fast, c)
				if code != wantCode || ctype != wantType || got != want {
					t.Fatalf("round %d: fast path %d %s %s\nexecutor  %d %s %s", round, code, ctype, got, wantCode, wantType, want)
				}
				served := guarded.Load() == 1 && viaExecutor.Load() == 0
				if round > 0 && served != c.fast {
					t.Fatalf("round %d: served fast %v, want %v (guard ran %d times, %d in the executor)", round, served, c.fast, guarded.Load(), viaExecutor.Load())
				}
			}
		})
	}
	// a literal of a new value is served fast from its shape at once
	guarded.Store(0)
	viaExecutor.Store(0)
	if _, _, body := do(fast, req{query: `{ t: todo(id: "other") { mtime n: name due id } }`}); viaExecutor.Load() != 0 || guarded.Load() != 1 {
		t.Fatalf("a new literal went through the executor: %s", body)
	}
}

// TestGraphQLFastPathBodyLimit: a JSON body cut by the body limit (sent
// chunked, so no Content-Length refused it first) gets the executor's
// answer, not one made from the part read.
func TestGraphQLFastPathBodyLimit(t *testing.T) {
	h := gqlHandler(t)
	do := func(h http.Handler) (int, string) {
		body := `{"query":"{ todo(id: \"` + strings.Repeat("x", 200) + `\") { id } }"}`
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.ContentLength = -1
		r.Body = http.MaxBytesReader(w, r.Body, 64)
		h.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	slowCode, slowBody := do(gqlHandlerWith(t, true))
	if code, body := do(h); code != slowCode || body != slowBody {
		t.Fatalf("fast path %d %s\nexecutor %d %s", code, body, slowCode, slowBody)
	}
}
