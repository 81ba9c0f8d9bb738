package gql

import "github.com/bkgen/bkgen/runtime/db"

// Query builds the store query of a generated list field from its
// arguments: the conditions (GraphQL's is_null is REST's null), the page
// size, the cursor and the order. The resolvers of every table share this
// instead of a copy each (their condition inputs are all bound to Cond).
func Query(where []*Cond, first *int, after *string, desc *bool, sort *string) db.Query {
	var q db.Query
	for _, c := range where {
		op := db.OpEq
		if c.Op != nil {
			op = db.Op(*c.Op)
		}
		if op == "is_null" {
			op = db.OpNull
		}
		values := make([]any, len(c.Values))
		for i, v := range c.Values {
			values[i] = v
		}
		q.Where = append(q.Where, db.Cond{Col: c.Column, Op: op, Values: values})
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
