package rest

import (
	"context"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
)

// Page is a select's page as its caller may see it: the rows, and for each
// the columns shown (Show). With _total, Total is set and Count is the
// total.
type Page[R any] struct {
	Rows  []R
	Count int
	Next  string // the next page's token, "" on the last page
	Total bool

	viewer auth.Viewer
	pol    *Policy[R]
	pick   []bool
	show   []bool
}

// RunSelect runs the select s with the controls c for the caller of ctx
// under the table's policy: what it may filter, sort and count by
// (Visibility.Query), then the store's select (sel). The generated handlers
// of every table share it.
func RunSelect[R any](ctx context.Context, pol *Policy[R], sel func(context.Context, db.Query) (*db.Page[R], error), s *Select, c Control) (*Page[R], error) {
	q, err := s.Query(c)
	if err != nil {
		return nil, err
	}
	v := auth.ViewerOf(ctx)
	if err := pol.Query(v, &q); err != nil {
		return nil, err
	}
	pick, err := Pick(c.Select, pol.t)
	if err != nil {
		return nil, err
	}
	res, err := sel(ctx, q)
	if err != nil {
		return nil, err
	}
	if q.Total {
		return &Page[R]{Count: int(res.Total), Total: true}, nil
	}
	return &Page[R]{Rows: res.Rows, Count: len(res.Rows), Next: res.Next, viewer: v, pol: pol, pick: pick}, nil
}

// Show returns the columns of row i its caller may see; the slice is
// reused by the next call.
func (p *Page[R]) Show(i int) []bool {
	p.show = p.pol.Show(p.viewer, p.pol.Owner(&p.Rows[i]), p.pick, p.show)
	return p.show
}
