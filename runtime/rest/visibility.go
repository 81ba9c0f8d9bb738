package rest

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/web"
)

// Visibility is the column rule of docs/api.md (column visibility), one implementation for
// REST and GraphQL: secure columns never; admin columns to admins; pub
// columns to every reader; other columns to the row's owner (its owner
// column equals the caller's account id) and admins, or to every caller
// when the table has neither pub nor owner columns. Key columns are always
// shown, so that a row can be addressed.
type Visibility struct {
	table string
	names []string // column names, by position
	rank  []int8   // per column: never, admin, all, owner
	open  bool     // no pub and no owner column: "owner" columns are for all
	owner int      // the owner column, or -1
}

const (
	rankNever int8 = iota
	rankAdmin
	rankAll
	rankOwner
)

// NewVisibility computes the rule of table t once.
func NewVisibility[R any](t *db.Table[R]) *Visibility {
	v := &Visibility{table: t.Name, names: make([]string, len(t.Columns)), rank: make([]int8, len(t.Columns)), open: true, owner: -1}
	for i, c := range t.Columns {
		v.names[i] = c.Name
		if c.Pub || c.Owner {
			v.open = false
		}
		if c.Owner && v.owner < 0 {
			v.owner = i
		}
	}
	for i, c := range t.Columns {
		switch {
		case c.Secure:
			v.rank[i] = rankNever
		case c.Key > 0, c.Pub:
			v.rank[i] = rankAll
		case c.Admin:
			v.rank[i] = rankAdmin
		default:
			v.rank[i] = rankOwner
		}
	}
	return v
}

// Show returns which columns of a row whose owner is owner the viewer sees,
// within pick (nil: all); dst is reused when large enough.
func (v *Visibility) Show(who auth.Viewer, owner string, pick []bool, dst []bool) []bool {
	if cap(dst) < len(v.rank) {
		dst = make([]bool, len(v.rank))
	}
	dst = dst[:len(v.rank)]
	mine := who.Admin || v.open || (who.ID != "" && owner == who.ID)
	for i, r := range v.rank {
		ok := r == rankAll || (r == rankAdmin && who.Admin) || (r == rankOwner && mine)
		dst[i] = ok && (pick == nil || pick[i])
	}
	return dst
}

// Bounds of a query from the API: more is a 400 before any work is done.
const (
	MaxConds  = 20  // conditions in one query
	MaxValues = 100 // values of one condition (in, between); DynamoDB's own limit for IN
)

// Query applies the read rule to the conditions and the sort of q, so that
// nothing a viewer cannot read can be learnt by filtering, counting or
// ordering rows by it (an oracle otherwise: begins_with letter by letter):
//
//   - secure columns: no condition and no sort, for anyone;
//   - admin columns: admins only;
//   - owner-only columns (neither pub nor key, in a table with pub or owner
//     columns): a condition on one limits the query to the viewer's own
//     rows, the only rows where it can read the column; a sort by one is
//     allowed only on a query so limited.
//
// REST and GraphQL both call it before Select.
func (v *Visibility) Query(who auth.Viewer, q *db.Query) error {
	if len(q.Where) > MaxConds {
		return db.Invalid(v.table, "", "a query takes at most %d conditions, not %d", MaxConds, len(q.Where))
	}
	ownOnly := false
	for _, c := range q.Where {
		if len(c.Values) > MaxValues {
			return db.Invalid(v.table, c.Col, "a condition takes at most %d values, not %d", MaxValues, len(c.Values))
		}
		need, err := v.readable(who, c.Col, "filter")
		if err != nil {
			return err
		}
		ownOnly = ownOnly || need
	}
	if ownOnly && !v.limitedTo(who, q.Where) {
		q.Where = append(q.Where, db.Cond{Col: v.names[v.owner], Op: db.OpEq, Values: []any{who.ID}})
	}
	if q.Sort != "" {
		need, err := v.readable(who, q.Sort, "sort")
		if err != nil {
			return err
		}
		if need && !v.limitedTo(who, q.Where) {
			return &web.Problem{Status: http.StatusForbidden, Code: "NotReadable", Message: fmt.Sprintf("%s.%s: you may sort by this column only among your own rows (%s=%s)", v.table, q.Sort, v.names[v.owner], who.ID)}
		}
	}
	return nil
}

// readable reports whether who may filter or sort (what) by column name,
// and whether only among its own rows. An unknown name is left to the
// store, which names it.
func (v *Visibility) readable(who auth.Viewer, name, what string) (ownOnly bool, err error) {
	i := slices.Index(v.names, name)
	if i < 0 {
		return false, nil
	}
	switch r := v.rank[i]; {
	case r == rankAll, who.Admin && r != rankNever, r == rankOwner && v.open:
		return false, nil
	case r == rankOwner && v.owner >= 0 && who.ID != "":
		return true, nil
	}
	return false, &web.Problem{Status: http.StatusForbidden, Code: "NotReadable", Message: fmt.Sprintf("%s.%s: you may not %s by this column", v.table, name, what)}
}

// limitedTo reports whether conds hold the owner column to who's id.
func (v *Visibility) limitedTo(who auth.Viewer, conds []db.Cond) bool {
	if v.owner < 0 || who.ID == "" {
		return false
	}
	for _, c := range conds {
		if c.Col == v.names[v.owner] && (c.Op == db.OpEq || c.Op == "") && len(c.Values) == 1 && fmt.Sprint(c.Values[0]) == who.ID {
			return true
		}
	}
	return false
}
