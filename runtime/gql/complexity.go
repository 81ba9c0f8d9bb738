package gql

import (
	"context"
	"encoding/json"
	"math"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bkgen/bkgen/runtime/db"
)

// paged gives the executable schema the complexity rule of every list: a
// field with a first argument costs its children's complexity times the
// rows it asks for (first, else the store's default page, at most its
// maximum), so that the complexity limit bounds the rows a query can ask
// for; every other field costs 1 plus its children (gqlgen's default).
//
// The rule is one for all lists, so it is decided here from the schema
// instead of per field in generated code: gqlgen's generated complexity
// table (omit_complexity, gen/graphql.go) was ~170 lines per table.
type paged struct {
	graphql.ExecutableSchema
	lists map[string]bool // "Query.photos": the fields that take first
}

// withPageComplexity wraps es with the rule of paged.
func withPageComplexity(es graphql.ExecutableSchema) graphql.ExecutableSchema {
	p := paged{ExecutableSchema: es, lists: map[string]bool{}}
	for name, t := range es.Schema().Types {
		for _, f := range t.Fields {
			if a := f.Arguments.ForName("first"); a != nil && a.Type.Name() == "Int" {
				p.lists[name+"."+f.Name] = true
			}
		}
	}
	return p
}

func (p paged) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	if !p.lists[typeName+"."+field] {
		return p.ExecutableSchema.Complexity(ctx, typeName, field, child, args)
	}
	rows := pageSize(args["first"])
	if child > 0 && rows > math.MaxInt32/child {
		return math.MaxInt32, true // saturates: refused by any limit
	}
	return max(child*rows, 1), true
}

// pageSize is the rows a list asks for: first (a literal or a variable,
// as the document gives it), else the store's default, at most its maximum.
func pageSize(first any) int {
	var n int64
	switch v := first.(type) {
	case int:
		n = int64(v)
	case int64:
		n = v
	case float64:
		n = int64(v)
	case json.Number:
		n, _ = v.Int64()
	}
	if n <= 0 {
		return db.DefaultCount
	}
	return int(min(n, db.MaxCount))
}
