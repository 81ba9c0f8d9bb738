// Package gql serves a generated GraphQL schema: gqlgen's handler with
// explicit transports (POST, GET, websocket with graphql-transport-ws, SSE),
// a query cache, complexity and depth limits, and errors carrying the same
// status and code as the REST replies.
package gql

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
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
	MaxBody    int64
	MaxTokens  int
	MaxFields  int
	Timeout    time.Duration

	// Paths are the REST paths of the top-level fields ("Mutation.addTodo":
	// "/todo/add", the generated graphql.Paths), and Guard what runs before
	// each of them: the path rules, access checks and request hooks of its
	// path, so that they hold over GraphQL as over REST. nil: none.
	Paths map[string]string
	Guard Guard

	// NoFastPath sends every request through gqlgen's executor (tests
	// compare the two).
	NoFastPath bool
}

// Guard runs before a top-level field: r is the /graphql request (its
// context is the caller's), field the field ("Mutation.addTodo"), path its
// REST path. It calls next with the context the resolver is to see, or
// returns an error instead (the field's error, in the API's shape).
type Guard func(ctx context.Context, r *http.Request, field, path string, next func(context.Context) (any, error)) (any, error)

// requestKey carries the /graphql request to the guard.
type requestKey struct{}

// Defaults of the limits, also used where a Config leaves them at zero.
const (
	DefaultMaxBody   = 64 << 10
	DefaultMaxTokens = 5000
	DefaultMaxFields = 1000
)

// Params declares the GraphQL parameters on s.
func (c *Config) Params(s *config.Set) {
	s.Int(&c.Complexity, "graphql-complexity", 10000, "largest query complexity: a field counts 1, a list its fields times its page size; more is refused")
	s.Int(&c.Depth, "graphql-depth", 10, "deepest selection a query may have")
	s.Int(&c.CacheSize, "graphql-query-cache", 1000, "parsed queries kept")
	s.Size(&c.MaxBody, "graphql-max-body", DefaultMaxBody, "largest /graphql request body; bigger ones get 413")
	s.Int(&c.MaxTokens, "graphql-max-tokens", DefaultMaxTokens, "most tokens a GraphQL document may have; more is refused before parsing goes on")
	s.Int(&c.MaxFields, "graphql-max-fields", DefaultMaxFields, "most fields a GraphQL document may select once its fragments are expanded; more is refused before validation")
	s.Duration(&c.Timeout, "graphql-timeout", 10*time.Second, "deadline of a GraphQL query or mutation sent over HTTP (validation and execution); subscriptions have none")
}

// Handler serves es at /graphql.
func Handler(es graphql.ExecutableSchema, c Config) http.Handler {
	paged := withPageComplexity(es) // gqlgen's executor and the fast path measure pages alike
	srv, queries := server(paged, c)
	var fast *fastPath
	if !c.NoFastPath {
		fast = newFastPath(es, paged, queries, c)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.Timeout > 0 && !longLived(r) {
			// resolvers and the store honour the context; the cost guard
			// bounds what comes before them
			ctx, cancel := context.WithTimeout(r.Context(), c.Timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		body, msg, ok := checkBody(r)
		if !ok {
			writeError(w, http.StatusBadRequest, "BadRequest", msg)
			return
		}
		if !longLived(r) {
			r = r.WithContext(withMemo(r.Context()))
			if fast != nil && fast.serve(w, r, body) {
				return
			}
		}
		if c.Guard != nil {
			r = r.WithContext(context.WithValue(r.Context(), requestKey{}, r))
		}
		srv.ServeHTTP(w, r)
	})
}

// writeError answers in GraphQL's error shape, with our code and status.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code, "status": status}}}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// longLived reports a websocket or SSE request: subscriptions last as long
// as the client stays.
func longLived(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// server is gqlgen's server of es (with the complexity rule of lists).
func server(es graphql.ExecutableSchema, c Config) (*handler.Server, *queryCache) {
	if c.MaxTokens <= 0 {
		c.MaxTokens = DefaultMaxTokens
	}
	if c.MaxFields <= 0 {
		c.MaxFields = DefaultMaxFields
	}
	if c.Depth <= 0 {
		c.Depth = 10
	}
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.SSE{}) // before POST: it takes POSTs that accept text/event-stream
	srv.AddTransport(transport.POST{})
	// graphql-transport-ws (and the older graphql-ws); pings find dead clients
	srv.AddTransport(transport.Websocket{KeepAlivePingInterval: 10 * time.Second, InitTimeout: 10 * time.Second})
	queries := newQueryCache(es.Schema(), c.CacheSize, c.MaxTokens)
	srv.SetQueryCache(queries)
	srv.SetParserTokenLimit(c.MaxTokens)
	srv.Use(costGuard{cache: queries, maxTokens: c.MaxTokens, maxFields: c.MaxFields, maxDepth: c.Depth})
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(c.Complexity))
	if c.Guard != nil {
		srv.AroundFields(guardFields(c.Paths, c.Guard))
	}
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		slog.ErrorContext(ctx, "graphql panic", "panic", v)
		return errors.New("internal error")
	})
	return srv, queries
}

// presentError gives an error the API's message, code and status (the
// fast path's errors too).
func presentError(ctx context.Context, err error) *gqlerror.Error {
	e := graphql.DefaultErrorPresenter(ctx, err)
	inner := err
	var ge *gqlerror.Error
	if errors.As(err, &ge) {
		if ge.Err == nil {
			return e // parse and validation errors from gqlparser, as they are
		}
		inner = ge.Err // the resolver's error, without gqlgen's location prefix
	}
	var se *scalarError
	if errors.As(inner, &se) {
		// a value our scalars refused: a 400 naming its field
		e.Message = se.msg
		if n := len(e.Path); n > 0 {
			if name, ok := e.Path[n-1].(ast.PathName); ok {
				e.Message = string(name) + ": " + se.msg
			}
		}
		e.Extensions = map[string]any{"code": "InvalidValue", "status": http.StatusBadRequest}
		return e
	}
	status, code, msg := web.ErrorOf(inner) // logs the 5xx ones
	e.Message = msg
	e.Extensions = map[string]any{"code": code, "status": status}
	return e
}

// Playground sends the browser to GraphiQL (the admin console's GraphQL
// page, open to any account: it logs in there with a session), keeping the
// query string (?query= fills the editor).
func Playground(w http.ResponseWriter, r *http.Request) {
	to := "/admin/graphiql.html"
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// guardFields runs guard before the top-level fields that have a REST path.
func guardFields(paths map[string]string, guard Guard) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		switch fc.Object {
		case "Query", "Mutation", "Subscription":
		default:
			return next(ctx)
		}
		field := fc.Object + "." + fc.Field.Name
		path, ok := paths[field]
		r, _ := ctx.Value(requestKey{}).(*http.Request)
		if !ok || r == nil {
			return next(ctx) // __schema, __typename
		}
		return guard(ctx, r, field, path, func(ctx context.Context) (any, error) { return next(ctx) })
	}
}
