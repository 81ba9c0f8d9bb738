package bench

import (
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

func BenchmarkRESTGet(b *testing.B) {
	p, ids := todoPool(b, 1)
	h, err := server.App(nil).API(p, nil)
	if err != nil {
		b.Fatal(err)
	}
	serveGET(b, h, "/todo/get?id="+ids[0])
}
