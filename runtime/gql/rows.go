package gql

import (
	"context"
	"encoding/base64"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/pubsub"
)

// The generated resolvers copy a store row into its GraphQL model column by
// column, and an input into a store row. Each column is one call of these
// helpers instead of an if block of its own: they are instantiated once per
// Go type of a column (string, int64, …), not per table, so a table costs a
// line per column in generated/graphql (issue 16) and nothing in the binary.

// Show is a column of a reply: a copy of v when the viewer may see the
// column (ok), else null.
func Show[T any](ok bool, v T) *T {
	if !ok {
		return nil
	}
	return &v
}

// ShowAt is Show of a column the caller has copied already: p when the
// viewer may see it, else null.
func ShowAt[T any](ok bool, p *T) *T {
	if !ok {
		return nil
	}
	return p
}

// ShowNullable is Show of a nullable column: null also when p is.
func ShowNullable[T any](ok bool, p *T) *T {
	if !ok || p == nil {
		return nil
	}
	v := *p
	return &v
}

// ShowBytes is Show of a bytes column, as base64; empty bytes are null.
func ShowBytes(ok bool, b []byte) *string {
	if !ok || len(b) == 0 {
		return nil
	}
	s := base64.StdEncoding.EncodeToString(b)
	return &s
}

// Take copies an input's value of a column into the row's field and marks
// the column given; a null or missing value leaves both alone.
func Take[T any](dst *T, v *T, set []bool, col int) {
	if v != nil {
		*dst = *v
		set[col] = true
	}
}

// TakeNullable is Take into a nullable field.
func TakeNullable[T any](dst **T, v *T, set []bool, col int) {
	if v != nil {
		x := *v
		*dst = &x
		set[col] = true
	}
}

// TakeInt is Take of an Int64 input into a narrower integer field (the
// column types of db.Integer): a value the field cannot hold is an error
// naming the column (table, name).
func TakeInt[T db.Integer](dst *T, v *int64, set []bool, col int, table, name string) error {
	if v == nil {
		return nil
	}
	x := T(*v)
	if int64(x) != *v || (x < 0) != (*v < 0) {
		return db.Invalid(table, name, "%d is out of range for %T", *v, x)
	}
	*dst = x
	set[col] = true
	return nil
}

// TakeBytes is Take of a base64 input into a bytes field.
func TakeBytes(dst *[]byte, v *string, set []bool, col int, table, name string) error {
	if v == nil {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(*v)
	if err != nil {
		return db.Invalid(table, name, "not base64 bytes")
	}
	*dst = b
	set[col] = true
	return nil
}

// Changes is the body of a generated subscription: the writes to table
// published on bus, decoded as rows of R, that match (the key parts the
// subscriber gave) and that the read hooks keep for the subscriber (read; a
// del carries only the key, so it is not read), each made an event by
// event. The channel closes when ctx ends.
func Changes[R, E any](ctx context.Context, bus pubsub.Bus, table string, match func(*R) bool, read func(context.Context, *R) (bool, error), event func(op string, r *R) E) (<-chan E, error) {
	if bus == nil {
		return nil, db.Unsupportedf("subscriptions need a pub/sub bus")
	}
	msgs, cancel := bus.Subscribe(ctx, table)
	out := make(chan E, 1)
	go func() {
		defer close(out)
		defer cancel()
		for m := range msgs {
			var ev pubsub.Event
			var r R
			if json.Unmarshal(m, &ev) != nil || json.Unmarshal(ev.Row, &r) != nil || !match(&r) {
				continue
			}
			if ev.Op != "del" {
				if keep, err := read(ctx, &r); err != nil || !keep {
					continue
				}
			}
			select {
			case out <- event(ev.Op, &r):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// Cond is one condition of a generated list field (the TCond input types
// of every table are bound to it): a column of the table, an operator and
// its values as text, parsed by the column's type in the store.
type Cond struct {
	Column string   `json:"column"`
	Op     *string  `json:"op,omitempty"`
	Values []string `json:"values,omitempty"`
}

// InputField decodes the value v of an input object's field name into dst
// with dec, under the field's path (for the errors dec returns), as each
// field of gqlgen's input decoders does; generated/graphql calls it for each
// field of a table's input (gen/graphql_rows.go), one call where gqlgen
// writes the same five statements out for every field of every table.
func InputField[T any](ctx context.Context, name string, v any, dec func(context.Context, any) (T, error), dst *T) error {
	ctx = graphql.WithPathContext(ctx, graphql.NewPathWithField(name))
	data, err := dec(ctx, v)
	if err != nil {
		return err
	}
	*dst = data
	return nil
}
