package rest

import (
	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
)

// Policy is a table's access rule as data: who sees, filters and sorts by
// which column (Visibility), whose row it is (the owner column), and what a
// caller that is not an admin may not write (the admin columns, and the
// owner column, which is the caller's). It is computed once from the
// table's description, which the model decided (bk.Owner, bk.Admin,
// bk.Pub, Sensitive); the generated handlers, the GraphQL resolvers and
// anything else that writes through generated/rest ask it, none decides on
// its own.
//
// It holds the table by its Schema and accessors, not by *db.Table[R], and its
// Visibility by a named field: every package that sees a Policy (generated/rest's
// variables) compiles the methods of the generic types it shows, for every table
// (issue 16; docs/architecture.md).
type Policy[R any] struct {
	vis   *Visibility
	t     *db.Schema
	arg   func(r *R, col int) (any, error)
	dest  func(r *R, col int) any
	admin []int // the admin columns a caller that is not an admin may not write
}

// NewPolicy computes the policy of table t once.
func NewPolicy[R any](t *db.Table[R]) *Policy[R] {
	p := &Policy[R]{vis: NewVisibility(t), t: &t.Schema, arg: t.Arg, dest: t.Dest}
	for i, c := range t.Columns {
		if c.Admin && !c.Secure && c.Key == 0 {
			p.admin = append(p.admin, i)
		}
	}
	return p
}

// Show is the table's Visibility.Show.
func (p *Policy[R]) Show(who auth.Viewer, owner string, pick []bool, dst []bool) []bool {
	return p.vis.Show(who, owner, pick, dst)
}

// Query is the table's Visibility.Query.
func (p *Policy[R]) Query(who auth.Viewer, q *db.Query) error { return p.vis.Query(who, q) }

// Owner returns the account id that owns r: "" when the table has no owner
// column or r has none.
func (p *Policy[R]) Owner(r *R) string {
	if p.vis.owner < 0 {
		return ""
	}
	v, _ := p.arg(r, p.vis.owner)
	s, _ := v.(string)
	return s
}

// Mine is the condition that limits the writes of a caller that is not an
// admin to its own rows: nil for admins and for tables without an owner.
func (p *Policy[R]) Mine(v auth.Viewer) []db.Cond {
	if p.vis.owner < 0 || v.Admin {
		return nil
	}
	return []db.Cond{{Col: p.vis.names[p.vis.owner], Op: db.OpEq, Values: []any{v.ID}}}
}

// Guard drops from r what a caller that is not an admin may not write (set
// marks the columns given): the admin columns, and the owner column, which
// is set to the caller on a create (add, put), and left as the key names it
// otherwise (Mine refuses another account's row).
func (p *Policy[R]) Guard(r *R, set []bool, v auth.Viewer, create bool) {
	if v.Admin {
		return
	}
	for _, c := range p.admin {
		set[c] = false
		p.put(r, c, nil) // the column's zero value
	}
	if p.vis.owner < 0 {
		return
	}
	if create && v.ID != "" {
		p.put(r, p.vis.owner, v.ID)
		set[p.vis.owner] = true
	} else {
		set[p.vis.owner] = false
	}
}

// put writes a canonical value (nil: the zero value, or NULL) into column c
// of r, through the table's scan targets.
func (p *Policy[R]) put(r *R, c int, v any) {
	if d, ok := p.dest(r, c).(interface{ Scan(any) error }); ok {
		d.Scan(v)
	}
}
