package inprocess

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
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

// TestGraphQLFastPath: the fast path answers a get by key and a page with
// the bytes gqlgen's executor writes (values, hidden columns, aliases,
// escaping, errors and their locations, the guard's refusals, the cost limit
// of a page by its variables), runs the guard once, and leaves every other
// document to gqlgen.
func TestGraphQLFastPath(t *testing.T) {
	fx := newFastFixture(t)
	fast, slow, todo, mark, owner := fx.fast, fx.slow, fx.todo, fx.mark, fx.owner
	guarded, viaExecutor := &fx.guarded, &fx.viaExecutor

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
		{name: "a page", query: `{ todos(first: 1) { nodes { id name descr due done mtime } endCursor hasNextPage } }`, fast: true},
		{name: "a page, aliases, order", query: `{ p: todos { more: hasNextPage n: nodes { mtime x: name id name } c: endCursor } }`, fast: true},
		{name: "a page, variables", query: `query($n: Int, $d: Boolean, $s: TodoColumn) { todos(first: $n, desc: $d, sort: $s) { nodes { name } hasNextPage } }`, vars: `{"n":1,"d":true,"s":"name"}`, fast: true},
		{name: "a page, post", query: `query P($n: Int) { todos(first: $n) { nodes { id } } }`, vars: `{"n":5}`, post: true, fast: true},
		{name: "a page, null where", query: `{ todos(where: null, first: 1, sort: name) { nodes { id } } }`, fast: true},
		{name: "a page of nothing", query: `{ todos(first: 1, after: "nope") { nodes { id } endCursor } }`, fast: true},
		{name: "a page refused", query: `{ todos { nodes { id } } }`, refuse: true, fast: true},
		{name: "a page, owner", query: `{ bookmarks { nodes { id note owner_id } } }`, account: owned, fast: true},
		{name: "a page, another", query: `{ bookmarks { nodes { id note owner_id } } }`, account: other, fast: true},
		{name: "a page under the cost limit", query: `query($n: Int) { todos(first: $n) { a: nodes { id name descr due done mtime } b: nodes { id name descr due done mtime } } }`, vars: `{"n":10}`, fast: true},
		{name: "a page over it", query: `query($n: Int) { todos(first: $n) { a: nodes { id name descr due done mtime } b: nodes { id name descr due done mtime } } }`, vars: `{"n":1000}`},
		{name: "a page, bad variable", query: `query($n: Int) { todos(first: $n) { nodes { id } } }`, vars: `{"n":"x"}`},
		{name: "a page with where", query: `{ todos(where: [{column: name, values: ["second"]}]) { nodes { name } } }`, fast: true},
		{name: "where, one object, in", query: `{ todos(where: {column: name, op: in, values: ["second", "x"]}) { nodes { name } } }`, fast: true},
		{name: "where, one value", query: `{ todos(where: [{column: name, values: "second"}]) { nodes { name } } }`, fast: true},
		{name: "where, op null", query: `{ todos(where: [{column: name, op: null, values: ["second"]}]) { nodes { name } } }`, fast: true},
		{name: "where, a bad value", query: `{ todos(where: [{column: mtime, op: gt, values: ["x"]}]) { nodes { id } } }`, fast: true},
		{name: "where, variables", query: `query($w: [TodoCond!]) { todos(where: $w, first: 5) { nodes { name } } }`, vars: `{"w":[{"column":"name","op":"ne","values":["second"]}]}`, fast: true},
		{name: "where, one variable object", query: `query($w: [TodoCond!]) { todos(where: $w) { nodes { name } } }`, vars: `{"w":{"column":"name","values":"second"}}`, fast: true},
		{name: "where, a hidden column", query: `{ bookmarks(where: [{column: note, values: ["private note"]}]) { nodes { id } } }`, account: other, fast: true},
		{name: "where, a hidden column, owner", query: `{ bookmarks(where: [{column: note, values: ["private note"]}]) { nodes { id } } }`, account: owned, fast: true},
		{name: "where, a bad variable", query: `query($w: [TodoCond!]) { todos(where: $w) { nodes { name } } }`, vars: `{"w":[{"column":"nosuch"}]}`},
		{name: "a page, nodes twice", query: `{ todos { nodes { id } nodes { name } } }`},
		{name: "a page, typename", query: `{ todos { __typename nodes { id } } }`},
		{name: "a page, nothing of nodes", query: `{ todos { hasNextPage nodes { __typename } } }`},
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
		// a cursor is sealed with a nonce: no two are alike
		return w.Code, w.Header().Get("Content-Type"), sealed.ReplaceAllString(w.Body.String(), `"CURSOR"`)
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
	// the cursor of a page served fast reads the next page
	r := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`{ todos(first: 1) { nodes { name } endCursor } }`), nil)
	w := httptest.NewRecorder()
	fast.ServeHTTP(w, r)
	var first struct {
		Data struct {
			Todos struct {
				Nodes     []struct{ Name string }
				EndCursor string
			}
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &first); err != nil || first.Data.Todos.EndCursor == "" || len(first.Data.Todos.Nodes) != 1 {
		t.Fatalf("no cursor: %s", w.Body.String())
	}
	next := req{query: `query($c: String) { todos(first: 1, after: $c) { nodes { name } endCursor } }`, vars: `{"c":"` + first.Data.Todos.EndCursor + `"}`}
	_, _, want := do(slow, next)
	firstName, _ := json.Marshal(first.Data.Todos.Nodes[0].Name)
	if _, _, got := do(fast, next); got != want || strings.Contains(got, string(firstName)) || !strings.Contains(got, `"name"`) {
		t.Fatalf("the page after a fast cursor (the first held %s): %s, the executor's %s", firstName, got, want)
	}

	// a literal of a new value is served fast from its shape at once
	guarded.Store(0)
	viaExecutor.Store(0)
	if _, _, body := do(fast, req{query: `{ t: todo(id: "other") { mtime n: name due id } }`}); viaExecutor.Load() != 0 || guarded.Load() != 1 {
		t.Fatalf("a new literal went through the executor: %s", body)
	}
}

// fastFixture is a pool with two todos and an owned bookmark, and the
// GraphQL handler over it with and without the fast path. The guard refuses
// requests with X-Refuse and counts its runs, and those from gqlgen's
// executor: one run, none from the executor, is a request served fast.
type fastFixture struct {
	fast, slow           http.Handler
	todo                 *store.Todo
	mark                 *store.Bookmark
	photo                *store.Photo
	owner                string
	guarded, viaExecutor atomic.Int64
}

func newFastFixture(tb testing.TB) *fastFixture {
	p, err := sqldb.OpenSQLite(filepath.Join(tb.TempDir(), "x.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	ctx := context.Background()
	st := store.New(p)
	if err := st.CreateTables(ctx); err != nil {
		tb.Fatal(err)
	}
	due := time.Date(2026, 12, 3, 10, 0, 0, 123456000, time.UTC)
	fx := &fastFixture{owner: "owner-1"}
	fx.todo = &store.Todo{Name: `a "<b>" & ü`, Descr: "line\nbreak", Due: &due}
	if err := st.Todo.Add(ctx, fx.todo); err != nil {
		tb.Fatal(err)
	}
	if err := st.Todo.Add(ctx, &store.Todo{Name: "second"}); err != nil {
		tb.Fatal(err)
	}
	fx.mark = &store.Bookmark{OwnerID: &fx.owner, URL: "https://x", Note: "private note"}
	if err := st.Bookmark.Add(ctx, fx.mark); err != nil {
		tb.Fatal(err)
	}
	fx.photo = &store.Photo{AlbumID: "album-1", Name: "p", OwnerID: fx.owner, Kind: "png"}
	if err := st.Photo.Add(ctx, fx.photo); err != nil {
		tb.Fatal(err)
	}
	guard := func(ctx context.Context, r *http.Request, field, path string, next func(context.Context) (any, error)) (any, error) {
		fx.guarded.Add(1)
		if graphql.GetFieldContext(ctx) != nil {
			fx.viaExecutor.Add(1)
		}
		if r.Header.Get("X-Refuse") != "" {
			return nil, db.Refuse("not for you")
		}
		return next(ctx)
	}
	es := server.App(nil).GraphQL(module.Env{Pool: p})
	for _, ok := range []bool{is[gql.FastGets](es), is[gql.FastLists](es)} {
		if !ok {
			tb.Fatal("the generated schema offers no fast gets or lists")
		}
	}
	cfg := gql.Config{Complexity: 10000, Depth: 10, CacheSize: 100, Paths: bkgraphql.Paths, Guard: guard}
	fx.fast = gql.Handler(es, cfg)
	cfg.NoFastPath = true
	fx.slow = gql.Handler(es, cfg)
	return fx
}

func is[T any](v any) bool {
	_, ok := v.(T)
	return ok
}

// FuzzGraphQLFastPath: whatever document and variables a client sends, a
// request the fast path serves gets the bytes gqlgen's executor writes.
func FuzzGraphQLFastPath(f *testing.F) {
	fx := newFastFixture(f)
	for _, s := range [][2]string{
		{`{ todos(first: 1) { nodes { id name due } endCursor hasNextPage } }`, ``},
		{`query($n: Int, $s: TodoColumn, $d: Boolean) { p: todos(first: $n, sort: $s, desc: $d) { h: hasNextPage nodes { mtime } } }`, `{"n":2,"s":"name","d":true}`},
		{`query($a: String) { todos(after: $a) { nodes { id } } }`, `{"a":"x"}`},
		{`{ bookmarks { nodes { note url } } }`, ``},
		{`query($w: [TodoCond!]) { todos(where: $w) { nodes { name } } }`, `{"w":[{"column":"name","op":"in","values":["second","x"]}]}`},
		{`{ todos(where: {column: mtime, op: gt, values: "0"}, desc: true) { nodes { id mtime } hasNextPage } }`, ``},
		{`query($id: String!) { todo(id: $id) { id name descr } }`, `{"id":"` + fx.todo.ID + `"}`},
		{`{ t: todo(id: "` + fx.todo.ID + `") { mtime n: name } }`, ``},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, doc, vars string) {
		if strings.Contains(doc, "mutation") || strings.Contains(doc, "subscription") {
			return // writes: two handlers would see different rows
		}
		do := func(h http.Handler) *httptest.ResponseRecorder {
			body := map[string]any{"query": doc}
			if json.Valid([]byte(vars)) {
				body["variables"] = json.RawMessage(vars)
			}
			b, _ := json.Marshal(body)
			r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		want := do(fx.slow)
		do(fx.fast) // gqlgen's, which caches the document
		fx.guarded.Store(0)
		fx.viaExecutor.Store(0)
		got := do(fx.fast)
		if got.Code >= 500 || !json.Valid(got.Body.Bytes()) {
			t.Fatalf("%d for %q: %s", got.Code, doc, got.Body.String())
		}
		if fx.guarded.Load() != 1 || fx.viaExecutor.Load() != 0 {
			return // not served fast
		}
		g, w := sealed.ReplaceAllString(got.Body.String(), `"CURSOR"`), sealed.ReplaceAllString(want.Body.String(), `"CURSOR"`)
		if got.Code != want.Code || g != w {
			t.Fatalf("%q %s:\nfast path %d %s\nexecutor  %d %s", doc, vars, got.Code, g, want.Code, w)
		}
	})
}

// sealed is a sealed cursor in a response.
var sealed = regexp.MustCompile(`"[A-Za-z0-9_-]{60,}"`)

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

// TestGraphQLFastPathShapes: once two texts of a get's shape have come, the
// next texts of that shape are served from their string literals (the
// shape's template), with the bytes gqlgen's executor writes: the row, a
// miss, a refusal located in that text (not in the first one's), escapes,
// a literal used twice, comments that shift every token.
func TestGraphQLFastPathShapes(t *testing.T) {
	fx := newFastFixture(t)
	do := func(h http.Handler, query string, refuse bool) (int, string) {
		r := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(query), nil)
		if refuse {
			r.Header.Set("X-Refuse", "1")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	shapes := []struct{ first, second string }{
		{`{ t: todo(id: "a") { id n: name due } }`, `{ t: todo(id: "b") { id n: name due } }`},
		{`{ photo(album_id: "a", id: "a") { id } }`, `{ photo(album_id: "b", id: "b") { id } }`},
		{`{ photo(album_id: "a", id: "b") { id name } }`, `{ photo(album_id: "c", id: "d") { id name } }`},
	}
	for _, s := range shapes {
		do(fx.fast, s.first, false)  // gqlgen's: the shape is kept
		do(fx.fast, s.second, false) // parsed by its shape: the template is made
	}
	cases := []struct {
		name, query string
		refuse      bool
	}{
		{"found", `{ t: todo(id: "` + fx.todo.ID + `") { id n: name due } }`, false},
		{"missing", `{t:todo(id:"nope"){id n:name due}}`, false},
		{"refused, elsewhere", "# a comment\n\n   { t: todo(id: \"" + fx.todo.ID + "\") { id n: name due } }", true},
		{"escapes", `{ t: todo(id: "a\"b\\c\u00e9") { id n: name due } }`, false},
		{"a literal twice", `{ photo(album_id: "z", id: "z") { id } }`, false},
		{"refused twice", "{\n photo(album_id: \"q\",\n id: \"q\") { id } }", true},
		{"two keys", `{ photo(album_id: "` + fx.photo.AlbumID + `", id: "` + fx.photo.ID + `") { id name } }`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantCode, want := do(fx.slow, c.query, c.refuse)
			fx.guarded.Store(0)
			fx.viaExecutor.Store(0)
			code, got := do(fx.fast, c.query, c.refuse)
			if code != wantCode || got != want {
				t.Fatalf("fast path %d %s\nexecutor  %d %s", code, got, wantCode, want)
			}
			if fx.guarded.Load() != 1 || fx.viaExecutor.Load() != 0 {
				t.Fatalf("not served fast (guard ran %d times, %d in the executor)", fx.guarded.Load(), fx.viaExecutor.Load())
			}
		})
	}
}
