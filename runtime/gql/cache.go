package gql

import (
	"context"
	"crypto/sha256"
	"encoding/binary"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// queryCache is gqlgen's parsed-query cache, keyed twice. By the exact
// text, as gqlgen's own LRU; and by the document's shape: its tokens with
// each string literal replaced by the number of its first occurrence, so
// that `{ todo(id: "a") { id } }` and `{ todo(id: "b") { id } }` share one.
// Clients that write their ids into the query text instead of variables
// would otherwise miss the text cache on every request and pay for parsing
// and validation each time.
//
// Validation does not depend on what a string literal says, only on where
// it stands (its type is the position's) and on which literals are equal
// (the overlapping-fields rule compares arguments), both of which the shape
// keeps. So a document whose shape validated once is parsed afresh (its
// values and error positions its own) and annotated with the schema
// (validator.Walk without rules), and validation is skipped. Int, float,
// boolean and enum literals stay in the shape: their validity depends on
// their value.
type queryCache struct {
	schema    *ast.Schema
	maxTokens int
	exact     *lru.Cache[string, *ast.QueryDocument]
	shapes    *lru.Cache[[sha256.Size]byte, struct{}]
}

var _ graphql.Cache[*ast.QueryDocument] = (*queryCache)(nil)

func newQueryCache(schema *ast.Schema, size, maxTokens int) *queryCache {
	size = max(size, 1)
	exact, _ := lru.New[string, *ast.QueryDocument](size) // errs only on size < 1
	shapes, _ := lru.New[[sha256.Size]byte, struct{}](size)
	return &queryCache{schema: schema, maxTokens: maxTokens, exact: exact, shapes: shapes}
}

// Get returns the validated document of query: the cached one, or one
// parsed now when a document of its shape validated before.
func (c *queryCache) Get(ctx context.Context, query string) (*ast.QueryDocument, bool) {
	doc, _, ok := c.lookup(ctx, query)
	return doc, ok
}

// lookup is Get, and whether the document is the one the text cache holds
// for every request of this text (kept: what is worked out from it may be
// kept too) rather than one parsed for this request alone.
func (c *queryCache) lookup(ctx context.Context, query string) (doc *ast.QueryDocument, kept, ok bool) {
	if doc, kept, ok = c.held(ctx, query); ok {
		return doc, kept, true
	}
	key, _, ok := c.shape(query)
	if !ok || !c.shapes.Contains(key) {
		return nil, false, false
	}
	doc, ok = c.parseShaped(ctx, query)
	return doc, false, ok
}

// held is the document of query the text cache keeps (kept), or the one
// parsed for this request already.
func (c *queryCache) held(ctx context.Context, query string) (doc *ast.QueryDocument, kept, ok bool) {
	if doc, ok := c.exact.Get(query); ok {
		return doc, true, true
	}
	memo, _ := ctx.Value(memoKey{}).(*docMemo)
	if memo != nil && memo.doc != nil && memo.query == query {
		return memo.doc, false, true
	}
	return nil, false, false
}

// parseShaped parses a query whose shape validated before.
func (c *queryCache) parseShaped(ctx context.Context, query string) (*ast.QueryDocument, bool) {
	memo, _ := ctx.Value(memoKey{}).(*docMemo)
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, c.maxTokens)
	if err != nil {
		return nil, false // cannot happen for a shape that parsed; let gqlgen report it
	}
	validator.Walk(c.schema, doc, &validator.Events{})
	// the fast path, the cost guard and gqlgen's executor ask for the same
	// text: the request's memo keeps the document for them, so that one-off
	// literals do not push the cached documents out (and hold their memory);
	// without one (a websocket's messages) the text cache does
	if memo != nil {
		memo.query, memo.doc = query, doc
	} else {
		c.exact.Add(query, doc)
	}
	return doc, true
}

// docMemo is one request's document found by its shape.
type docMemo struct {
	query string
	doc   *ast.QueryDocument
}

type memoKey struct{}

// withMemo gives an HTTP request's context its docMemo.
func withMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &docMemo{})
}

// Add keeps a document gqlgen parsed and validated, and its shape.
func (c *queryCache) Add(_ context.Context, query string, doc *ast.QueryDocument) {
	c.exact.Add(query, doc)
	if key, _, ok := c.shape(query); ok {
		c.shapes.Add(key, struct{}{})
	}
}

// shapeKey is a document's shape (queryCache.shape).
type shapeKey = [sha256.Size]byte

// shape hashes query's tokens, string literals as the ordinal of their
// first occurrence, and returns the literals by ordinal; ok is false for a
// query that does not lex or has more tokens than the limit.
func (c *queryCache) shape(query string) (key shapeKey, strs []string, ok bool) {
	h := sha256.New()
	lx := lexer.New(&ast.Source{Input: query})
	var buf [binary.MaxVarintLen64 + 1]byte
	index := map[string]int{} // strs' ordinals
	for n := 0; ; n++ {
		if n > c.maxTokens {
			return key, nil, false
		}
		t, err := lx.ReadToken()
		if err != nil {
			return key, nil, false
		}
		buf[0] = byte(t.Kind)
		switch t.Kind {
		case lexer.Comment:
			// not part of the document
		case lexer.EOF:
			h.Write(buf[:1])
			h.Sum(key[:0])
			return key, strs, true
		case lexer.String, lexer.BlockString:
			i, seen := index[t.Value]
			if !seen {
				i = len(strs)
				index[t.Value] = i
				strs = append(strs, t.Value)
			}
			h.Write(binary.AppendUvarint(buf[:1], uint64(i)))
		default:
			h.Write(binary.AppendUvarint(buf[:1], uint64(len(t.Value))))
			h.Write([]byte(t.Value))
		}
	}
}
