package client

import (
	"context"
	"fmt"
	"iter"
	"strings"
)

// Col is a column of a table whose values are of type T; the generated
// clients declare one per column (TodoCols.Name), so that a condition on a
// column that is gone, or with a value of the wrong type, does not compile.
type Col[T any] struct{ Name string }

// Cond is one condition of a select: a column, an operator of the REST API
// (docs/api.md) and its values.
type Cond struct {
	Col    string
	Op     string
	Values []any
}

func (c Col[T]) cond(op string, vs ...T) Cond {
	values := make([]any, len(vs))
	for i, v := range vs {
		values[i] = v
	}
	return Cond{Col: c.Name, Op: op, Values: values}
}

// Eq: the column equals v.
func (c Col[T]) Eq(v T) Cond { return c.cond("eq", v) }

// Ne: the column differs from v.
func (c Col[T]) Ne(v T) Cond { return c.cond("ne", v) }

// Gt: the column is greater than v.
func (c Col[T]) Gt(v T) Cond { return c.cond("gt", v) }

// Ge: the column is v or greater.
func (c Col[T]) Ge(v T) Cond { return c.cond("ge", v) }

// Lt: the column is less than v.
func (c Col[T]) Lt(v T) Cond { return c.cond("lt", v) }

// Le: the column is v or less.
func (c Col[T]) Le(v T) Cond { return c.cond("le", v) }

// In: the column is one of vs.
func (c Col[T]) In(vs ...T) Cond { return c.cond("in", vs...) }

// Between: the column is from a to b, both included.
func (c Col[T]) Between(a, b T) Cond { return c.cond("between", a, b) }

// BeginsWith: a string column starts with v.
func (c Col[T]) BeginsWith(v T) Cond { return c.cond("begins_with", v) }

// Contains: a string column contains v, or a list column holds it.
func (c Col[T]) Contains(v T) Cond { return c.cond("contains", v) }

// NotContains is the opposite of Contains.
func (c Col[T]) NotContains(v T) Cond { return c.cond("not_contains", v) }

// Null: the column has no value.
func (c Col[T]) Null() Cond { return c.cond("null") }

// NotNull: the column has a value.
func (c Col[T]) NotNull() Cond { return c.cond("not_null") }

// Asc orders a select by the column.
func (c Col[T]) Asc() Order { return Order{Col: c.Name} }

// Desc orders a select by the column, last first.
func (c Col[T]) Desc() Order { return Order{Col: c.Name, Desc: true} }

// Order is the sort of a select: a column with an index, or the key.
type Order struct {
	Col  string
	Desc bool
}

// Query is a select: its conditions (one per column), its order, the page
// size and the columns to return (all the caller may see when empty).
type Query struct {
	Where  []Cond
	Order  Order
	Count  int      // page size, 1..1000; the server's default (50) when 0
	Select []string // column names; the key columns are always returned
}

// Page is one page of a select.
type Page[R any] struct {
	Data      []R    `json:"data"`
	Count     int    `json:"count"`
	NextToken string `json:"next_token,omitempty"`
}

// body is the JSON body of a select of q from the page after token.
func (q Query) body(token string, total bool) (map[string]any, error) {
	b := map[string]any{}
	var ops []string
	for _, c := range q.Where {
		if _, dup := b[c.Col]; dup || strings.HasPrefix(c.Col, "_") {
			return nil, &Error{Status: 400, Code: "InvalidValue", Message: fmt.Sprintf("client: two conditions on %s: a select takes one per column", c.Col)}
		}
		switch len(c.Values) {
		case 0:
			b[c.Col] = nil
		case 1:
			b[c.Col] = c.Values[0]
			if c.Op == "in" || c.Op == "between" {
				b[c.Col] = c.Values
			}
		default:
			b[c.Col] = c.Values
		}
		if c.Op != "eq" {
			ops = append(ops, c.Col, c.Op)
		}
	}
	if len(ops) > 0 {
		b["_ops"] = strings.Join(ops, ",")
	}
	if q.Order.Col != "" {
		b["_sort"] = q.Order.Col
	}
	if q.Order.Desc {
		b["_desc"] = true
	}
	if q.Count > 0 {
		b["_count"] = q.Count
	}
	if len(q.Select) > 0 {
		b["_select"] = strings.Join(q.Select, ",")
	}
	if token != "" {
		b["_token"] = token
	}
	if total {
		b["_total"] = true
	}
	return b, nil
}

// SelectPage reads the page of q at path (/T/select) after token ("" for
// the first).
func SelectPage[R any](ctx context.Context, c *Client, path string, q Query, token string) (*Page[R], error) {
	b, err := q.body(token, false)
	if err != nil {
		return nil, err
	}
	var p Page[R]
	if err := c.Call(ctx, path, b, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Select iterates over every row of q at path, page after page; it stops
// at the first error, which it yields.
func Select[R any](ctx context.Context, c *Client, path string, q Query) iter.Seq2[*R, error] {
	return func(yield func(*R, error) bool) {
		token := ""
		for {
			p, err := SelectPage[R](ctx, c, path, q, token)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range p.Data {
				if !yield(&p.Data[i], nil) {
					return
				}
			}
			if p.NextToken == "" {
				return
			}
			token = p.NextToken
		}
	}
}

// Count counts the rows of q at path (_total).
func Count(ctx context.Context, c *Client, path string, q Query) (int64, error) {
	b, err := q.body("", true)
	if err != nil {
		return 0, err
	}
	var out struct {
		Count int64 `json:"count"`
	}
	if err := c.Call(ctx, path, b, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}

// Opt is a column value of an update: set or not.
type Opt[T any] struct {
	V   T
	Set bool
}

// Some is a value to set.
func Some[T any](v T) Opt[T] { return Opt[T]{V: v, Set: true} }

// Put adds the value of o to the body b under name when it is set.
func (o Opt[T]) Put(b map[string]any, name string) {
	if o.Set {
		b[name] = o.V
	}
}
