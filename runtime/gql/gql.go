// Package gql serves a generated GraphQL schema: gqlgen's handler with
// explicit transports (POST, GET, websocket with graphql-transport-ws, SSE),
// a query cache, complexity and depth limits, and errors carrying the same
// status and code as the REST replies.
package gql

import (
	"context"
	_ "embed"
	"errors"

	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/web"
)

// Config holds the GraphQL limits.
type Config struct {
	Complexity int
	Depth      int
	CacheSize  int
}

// Params declares the GraphQL parameters on s.
func (c *Config) Params(s *config.Set) {
	s.Int(&c.Complexity, "graphql-complexity", 10000, "largest query complexity: a field counts 1, a list its fields times its page size; more is refused")
	s.Int(&c.Depth, "graphql-depth", 10, "deepest selection a query may have")
	s.Int(&c.CacheSize, "graphql-query-cache", 1000, "parsed queries kept")
}

// Handler serves es at /graphql.
func Handler(es graphql.ExecutableSchema, c Config) http.Handler {
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.SSE{}) // before POST: it takes POSTs that accept text/event-stream
	srv.AddTransport(transport.POST{})
	// graphql-transport-ws (and the older graphql-ws); pings find dead clients
	srv.AddTransport(transport.Websocket{KeepAlivePingInterval: 10 * time.Second, InitTimeout: 10 * time.Second})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](max(c.CacheSize, 1)))
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(c.Complexity))
	srv.Use(depthLimit(c.Depth))
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		e := graphql.DefaultErrorPresenter(ctx, err)
		inner := err
		var ge *gqlerror.Error
		if errors.As(err, &ge) {
			if ge.Err == nil {
				return e // parse and validation errors from gqlparser, as they are
			}
			inner = ge.Err // the resolver's error, without gqlgen's location prefix
		}
		status, code, msg := web.ErrorOf(inner)
		if status >= 500 {
			slog.ErrorContext(ctx, "graphql resolver failed", "err", err)
		}
		e.Message = msg
		e.Extensions = map[string]any{"code": code, "status": status}
		return e
	})
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		slog.ErrorContext(ctx, "graphql panic", "panic", v)
		return errors.New("internal error")
	})
	return srv
}

// depthLimit refuses operations whose selections nest deeper than max.
type depthLimit int

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit(0)

func (d depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (d depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0); depth > int(d) {
		return gqlerror.Errorf("the query is %d levels deep, more than the %d allowed", depth, int(d))
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, seen int) int {
	if seen > 100 { // a fragment cycle is refused by validation; bound the walk anyway
		return seen
	}
	deepest := 0
	for _, s := range set {
		var d int
		switch x := s.(type) {
		case *ast.Field:
			if len(x.SelectionSet) > 0 {
				d = 1 + selectionDepth(x.SelectionSet, frags, seen+1)
			} else {
				d = 1
			}
		case *ast.InlineFragment:
			d = selectionDepth(x.SelectionSet, frags, seen+1)
		case *ast.FragmentSpread:
			if f := frags.ForName(x.Name); f != nil {
				d = selectionDepth(f.SelectionSet, frags, seen+1)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

//go:embed playground.html
var playground []byte

// Playground serves the playground page: a query editor that runs against
// /graphql with the browser's session (log in from the page).
func Playground(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'")
	h.Set("X-Frame-Options", "DENY")
	w.Write(playground)
}
