package bench

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/bkgen/bkgen/generated/server"
	"github.com/bkgen/bkgen/runtime/gql"
	"github.com/bkgen/bkgen/runtime/module"
)

// BenchmarkGraphQLGet is a get by key through /graphql (GET transport), in
// process, next to BenchmarkRESTGet doing the same through /todo/get.
func BenchmarkGraphQLGet(b *testing.B) {
	p, ids := todoPool(b, 1)
	h := gql.Handler(server.App(nil).GraphQL(module.Env{Pool: p}), gql.Config{Complexity: 10000, Depth: 10, CacheSize: 100})
	serveGET(b, h, "/graphql?query="+url.QueryEscape(`query($id: String!) { todo(id: $id) { id name descr due done mtime } }`)+"&variables="+url.QueryEscape(`{"id":"`+ids[0]+`"}`))
}

// BenchmarkGraphQLSelect is a page of 20 rows through gqlgen's executor
// (the fast path serves gets by key only), next to BenchmarkHandlerSelect.
func BenchmarkGraphQLSelect(b *testing.B) {
	p, _ := todoPool(b, 20)
	h := gql.Handler(server.App(nil).GraphQL(module.Env{Pool: p}), gql.Config{Complexity: 10000, Depth: 10, CacheSize: 100})
	serveGET(b, h, "/graphql?query="+url.QueryEscape(`{ todos(first: 20) { nodes { id name descr due done mtime } } }`))
}

func BenchmarkRESTGet(b *testing.B) {
	p, ids := todoPool(b, 1)
	h, err := server.App(nil).API(p, nil)
	if err != nil {
		b.Fatal(err)
	}
	serveGET(b, h, "/todo/get?id="+ids[0])
}

// BenchmarkGraphQLGetLiteral is BenchmarkGraphQLGet with the id written in
// the query text, a different one each time (more than the query cache
// holds): served from the document's shape.
func BenchmarkGraphQLGetLiteral(b *testing.B) {
	p, ids := todoPool(b, 200)
	h := gql.Handler(server.App(nil).GraphQL(module.Env{Pool: p}), gql.Config{Complexity: 10000, Depth: 10, CacheSize: 100})
	urls := make([]string, len(ids))
	for i, id := range ids {
		urls[i] = "/graphql?query=" + url.QueryEscape(`{ todo(id: "`+id+`") { id name descr due done mtime } }`)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", urls[i%len(urls)], nil))
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}
