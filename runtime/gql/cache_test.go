package gql

import (
	"context"
	"fmt"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

var cacheSchema = gqlparser.MustLoadSchema(&ast.Source{Input: `
enum Color { RED GREEN }
type Todo { id: String! name: String }
type Query {
  todo(id: String!): Todo
  todos(first: Int, color: Color, name: String): [Todo!]!
}`})

// load is what gqlgen's executor does with the cache: a hit, or parse,
// validate and add.
func load(t testing.TB, c *queryCache, query string) (*ast.QueryDocument, bool) {
	ctx := context.Background()
	if doc, ok := c.Get(ctx, query); ok {
		return doc, true
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	if errs := validator.Validate(cacheSchema, doc); len(errs) > 0 {
		return nil, false
	}
	c.Add(ctx, query, doc)
	return doc, false
}

func arg(doc *ast.QueryDocument, field int) *ast.Value {
	return doc.Operations[0].SelectionSet[field].(*ast.Field).Arguments[0].Value
}

func TestQueryCacheShapes(t *testing.T) {
	c := newQueryCache(cacheSchema, 2, DefaultMaxTokens)
	if _, hit := load(t, c, `{ todo(id: "a") { id name } }`); hit {
		t.Fatal("hit on an empty cache")
	}
	// more literal ids than the cache holds: every one is served from the shape
	for i := range 5 {
		q := fmt.Sprintf(`{ todo(id: "id-%d-%s") { id name } }`, i, "long long long"[:i*3])
		doc, hit := load(t, c, q)
		if !hit {
			t.Fatalf("%s: not served from its shape", q)
		}
		v := arg(doc, 0)
		if want := fmt.Sprintf("id-%d-%s", i, "long long long"[:i*3]); v.Raw != want {
			t.Fatalf("value %q, want %q", v.Raw, want)
		}
		// annotated as validation would have, positions its own
		f := doc.Operations[0].SelectionSet[0].(*ast.Field)
		if f.Definition == nil || f.Definition.Name != "todo" || v.ExpectedType.String() != "String!" {
			t.Fatalf("not annotated: %+v", f)
		}
		if name := f.SelectionSet[1].(*ast.Field); name.Position.Column != 26+i*3 {
			t.Fatalf("name at column %d, want %d", name.Position.Column, 26+i*3)
		}
	}
	// layout, commas and comments do not change a shape; other names do
	if _, hit := load(t, c, "{todo(id:\"zz\"){id,name}} # x"); !hit {
		t.Fatal("a reformatted document missed its shape")
	}
	if _, hit := load(t, c, `{ todo(id: "a") { name id } }`); hit {
		t.Fatal("another selection hit")
	}
}

// TestQueryCacheValidates: what validation refuses is never served from a
// shape, for the rules that look at literals.
func TestQueryCacheValidates(t *testing.T) {
	c := newQueryCache(cacheSchema, 10, DefaultMaxTokens)
	valid := []string{
		`{ a: todo(id: "1") { id } a: todo(id: "1") { id } }`, // the same arguments merge
		`{ todos(first: 5, color: RED) { id } }`,
		`{ todos(name: """x""") { id } }`,
	}
	for _, q := range valid {
		if _, hit := load(t, c, q); hit {
			t.Fatalf("%s: hit before it was added", q)
		}
	}
	for _, q := range []string{
		`{ a: todo(id: "1") { id } a: todo(id: "2") { id } }`, // different arguments conflict
		`{ a: todo(id: "1") { id } a: todo(id: """1""") { id } }`,
		`{ todos(first: 5, color: BLUE) { id } }`,  // no such enum value
		`{ todos(first: 5, color: "RED") { id } }`, // a string for an enum
		`{ todo(id: 5) { id } }`,
	} {
		doc, hit := load(t, c, q)
		if hit || doc != nil {
			t.Fatalf("%s: served (hit %v) though it does not validate", q, hit)
		}
	}
	if _, hit := load(t, c, `{ todos(name: """y""") { id } }`); !hit {
		t.Fatal("a block string of a known shape missed")
	}
}

func TestQueryCacheBounds(t *testing.T) {
	c := newQueryCache(cacheSchema, 10, 8)
	if _, _, ok := c.shape(`{ todo(id: "a") { id name } }`); ok {
		t.Fatal("a shape past the token limit")
	}
	if _, _, ok := c.shape(`{ todo(id: "a`); ok {
		t.Fatal("a shape of a document that does not lex")
	}
	if _, _, ok := c.shape(`{ todo }`); !ok {
		t.Fatal("no shape within the limit")
	}
}

// BenchmarkQueryCache: a literal query served from its shape against one
// parsed and validated (the cache's miss).
func BenchmarkQueryCache(b *testing.B) {
	q := func(i int) string { return fmt.Sprintf(`{ todo(id: "%032d") { id name } }`, i) }
	b.Run("shape", func(b *testing.B) {
		c := newQueryCache(cacheSchema, 10, DefaultMaxTokens)
		load(b, c, q(0))
		for i := 0; b.Loop(); i++ {
			c.Get(context.Background(), q(i+1))
		}
	})
	b.Run("validate", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			doc, _ := parser.ParseQuery(&ast.Source{Input: q(i)})
			validator.Validate(cacheSchema, doc)
		}
	})
}

// TestQueryCacheMemo: within a request, a document found by its shape is
// kept in the request's memo, not in the cache, so one-off literals do not
// push the cached documents out.
func TestQueryCacheMemo(t *testing.T) {
	c := newQueryCache(cacheSchema, 10, DefaultMaxTokens)
	load(t, c, `{ todo(id: "a") { id } }`)
	ctx := withMemo(context.Background())
	q := `{ todo(id: "b") { id } }`
	first, ok := c.Get(ctx, q)
	if !ok {
		t.Fatal("missed the shape")
	}
	if again, ok := c.Get(ctx, q); !ok || again != first {
		t.Fatal("the request's second ask parsed again")
	}
	if c.exact.Contains(q) || c.exact.Len() != 1 {
		t.Fatalf("the one-off document went into the cache (%d documents)", c.exact.Len())
	}
	if other, ok := c.Get(withMemo(context.Background()), q); !ok || other == first {
		t.Fatal("another request got this request's document, or none")
	}
}
