package bench

import (
	"context"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/bkgen/bkgen/generated/server"
	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/gql"
)

// BenchmarkGraphQLGet is a get by key through /graphql (GET transport), in
// process, next to BenchmarkRESTGet doing the same through /todo/get.
func BenchmarkGraphQLGet(b *testing.B) {
	p, _ := db.OpenSQLite(filepath.Join(b.TempDir(), "x.db"), nil)
	st := store.New(p)
	st.CreateTables(context.Background())
	r := &store.Todo{Name: "n", Descr: "d"}
	st.Todo.Add(context.Background(), r)
	h := gql.Handler(server.App().GraphQL(p, nil), gql.Config{Complexity: 10000, Depth: 10, CacheSize: 100})
	u := "/graphql?query=" + url.QueryEscape(`query($id: String!) { todo(id: $id) { id name descr due done mtime } }`) + "&variables=" + url.QueryEscape(`{"id":"`+r.ID+`"}`)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", u, nil))
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}

func BenchmarkRESTGet(b *testing.B) {
	p, _ := db.OpenSQLite(filepath.Join(b.TempDir(), "x.db"), nil)
	st := store.New(p)
	st.CreateTables(context.Background())
	r := &store.Todo{Name: "n", Descr: "d"}
	st.Todo.Add(context.Background(), r)
	h, _ := server.App().API(p, nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/todo/get?id="+r.ID, nil))
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}
