package gql

import "github.com/bkgen/bkgen/runtime/db"

// Query builds the store query of a generated list field from its
// arguments: the conditions (GraphQL's is_null is REST's null), the page
// size, the cursor and the order. cond reads one generated condition type
// (its column, operator and values); the resolvers of every table share
// this instead of a copy each.
func Query[C any](where []*C, cond func(*C) (col string, op *string, vals []string), first *int, after *string, desc *bool, sort *string) db.Query {
	var q db.Query
	for _, c := range where {
		col, o, vals := cond(c)
		op := db.OpEq
		if o != nil {
			op = db.Op(*o)
		}
		if op == "is_null" {
			op = db.OpNull
		}
		values := make([]any, len(vals))
		for i, v := range vals {
			values[i] = v
		}
		q.Where = append(q.Where, db.Cond{Col: col, Op: op, Values: values})
	}
	if first != nil {
		q.Count = *first
	}
	if after != nil {
		q.Token = *after
	}
	if desc != nil {
		q.Desc = *desc
	}
	if sort != nil {
		q.Sort = *sort
	}
	return q
}
