package rest

import (
	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
)

// Visibility is the column rule of DESIGN.md §6, one implementation for
// REST and GraphQL: secure columns never; admin columns to admins; pub
// columns to every reader; other columns to the row's owner (its owner
// column equals the caller's account id) and admins, or to every caller
// when the table has neither pub nor owner columns. Key columns are always
// shown, so that a row can be addressed.
type Visibility struct {
	rank []int8 // per column: never, admin, all, owner
	open bool   // no pub and no owner column: "owner" columns are for all
}

const (
	rankNever int8 = iota
	rankAdmin
	rankAll
	rankOwner
)

// NewVisibility computes the rule of table t once.
func NewVisibility[R any](t *db.Table[R]) *Visibility {
	v := &Visibility{rank: make([]int8, len(t.Columns)), open: true}
	for _, c := range t.Columns {
		if c.Pub || c.Owner {
			v.open = false
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
