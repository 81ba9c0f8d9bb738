package db

import (
	"context"
	"fmt"
)

// Backend is one table's storage on one database: the contract every
// driver implements, the same for all, to which the conformance suite
// (tests/conformance) holds each. Keys and values are canonical (Table.Arg);
// errors are this package's.
type Backend[R any] interface {
	Get(ctx context.Context, key []any) (*R, error)
	Add(ctx context.Context, r *R) error
	Put(ctx context.Context, r *R, expect []Cond) error
	Del(ctx context.Context, key []any) error
	Incr(ctx context.Context, r *R, expect []Cond) (*R, error)
	Update(ctx context.Context, key []any, sets []Set, expect []Cond) (int64, error)
	UpdateAll(ctx context.Context, conds []Cond, sets []Set) (int64, error)
	DelAll(ctx context.Context, conds []Cond) (int64, error)
	List(ctx context.Context, keys [][]any) ([]R, error)
	Select(ctx context.Context, q *Query) (*Page[R], error)
	CreateTable(ctx context.Context) error
}

// backend is Backend under the unexported name the stores and decorators
// embed it by (its methods are theirs; the field is not part of the API).
type backend[R any] = Backend[R]

// Store runs the operations of one table on one pool, whatever its backend.
// Generated stores wrap it with typed methods; code that works on any table
// can use it directly with canonical values (db.NewStore(p, t,
// drivers.For[R]()...)).
type Store[R any] struct {
	backend[R]
	t *Table[R]
	p *Pool
}

// Opener is how a driver package gives the backend of a table on a pool of
// its own (ok false for any other pool). Generated stores pass the openers
// of the drivers they are built with (runtime/db/drivers).
type Opener[R any] func(p *Pool, t *Table[R]) (b Backend[R], ok bool)

// NewStore returns the store of table t on pool p: the backend of the first
// opener that takes p.
func NewStore[R any](p *Pool, t *Table[R], openers ...Opener[R]) *Store[R] {
	t.init()
	routed := p.route(&t.Schema)
	if routed == nil {
		return &Store[R]{t: t, p: p, backend: skipped[R]{fmt.Sprintf("table %s is kept in pool %q, which is not configured", t.Name, p.set.PoolOf(t.Name, t.Pool))}}
	}
	p = routed
	s := &Store[R]{t: t, p: p}
	for _, name := range t.SkipPools {
		if name == p.Name {
			s.backend = skipped[R]{fmt.Sprintf("table %s is not kept in the %s pool (SkipPools)", t.Name, p.Name)}
			return s
		}
	}
	for _, open := range openers {
		if b, ok := open(p, t); ok {
			s.backend = b
			break
		}
	}
	if s.backend == nil {
		s.backend = skipped[R]{fmt.Sprintf("no driver of this build serves the %s pool (runtime/db/drivers)", p.Name)}
		return s
	}
	if p.metrics != nil {
		s.backend = newTimed(s.backend, p.metrics, p.metricsName())
	}
	if t.CacheTTL > 0 && p.cache != nil {
		s.backend = newCached(s.backend, t, p.cache)
	}
	return s
}

// Table returns the table description.
func (s *Store[R]) Table() *Table[R] { return s.t }

// Pool returns the pool the store runs on.
func (s *Store[R]) Pool() *Pool { return s.p }

// PageCount validates Query.Count and returns the page size (drivers call it).
func PageCount(t string, q *Query) (int, error) {
	switch {
	case q.Count == 0:
		return DefaultCount, nil
	case q.Count < 0 || q.Count > MaxCount:
		return 0, Invalid(t, "", "count must be between 1 and %d", MaxCount)
	}
	return q.Count, nil
}

// ReadSet returns which columns a Select reads: those listed (all when
// none) plus the order columns, which the page token needs.
func (t *Schema) ReadSet(sel []string, order []int) ([]int, error) {
	if len(sel) == 0 {
		all := make([]int, len(t.Columns))
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	read := make([]bool, len(t.Columns))
	for _, name := range sel {
		c := t.Col(name)
		if c < 0 {
			return nil, Invalid(t.Name, "", "unknown column %q in select", name)
		}
		read[c] = true
	}
	for _, c := range order {
		read[c] = true
	}
	cols := make([]int, 0, len(t.Columns))
	for i, ok := range read {
		if ok {
			cols = append(cols, i)
		}
	}
	return cols, nil
}

// SortCol validates Query.Sort and returns its column, or -1.
func (t *Schema) SortCol(q *Query) (int, error) {
	if q.Sort == "" {
		return -1, nil
	}
	c := t.Col(q.Sort)
	if c < 0 {
		return 0, Invalid(t.Name, "", "unknown sort column %q", q.Sort)
	}
	if k := t.Columns[c].Kind; k == KindJSON || k == KindBytes {
		return 0, Invalid(t.Name, q.Sort, "cannot sort by a %s column", k)
	}
	return c, nil
}

// Order is the order of a select's rows: the sort column, then the key
// columns, so that the order is total and a page token can name a position.
func (t *Schema) Order(q *Query) ([]int, error) {
	sc, err := t.SortCol(q)
	if err != nil {
		return nil, err
	}
	order := make([]int, 0, len(t.Keys)+1)
	if sc >= 0 {
		order = append(order, sc)
	}
	for _, k := range t.Keys {
		if len(order) == 0 || order[0] != k {
			order = append(order, k)
		}
	}
	return order, nil
}

// Plan checks a select and decides what it reads: the page size, the order
// (Order) and the columns (ReadSet).
func (t *Schema) Plan(q *Query) (count int, order, cols []int, err error) {
	if count, err = PageCount(t.Name, q); err != nil {
		return 0, nil, nil, err
	}
	if order, err = t.Order(q); err != nil {
		return 0, nil, nil, err
	}
	cols, err = t.ReadSet(q.Select, order)
	return count, order, cols, err
}

// TokenScope is what a page token of a select in order is bound to: the
// table, the leading order column and the direction.
func (t *Schema) TokenScope(q *Query, order []int) string {
	dir := "asc"
	if q.Desc {
		dir = "desc"
	}
	return t.Name + "|" + t.Columns[order[0]].Name + "|" + dir
}

// OrderValues returns the values of cols in r, for a page token.
func (t *Table[R]) OrderValues(r *R, cols []int) ([]any, error) {
	vals := make([]any, len(cols))
	for i, c := range cols {
		v, err := t.Arg(r, c)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// InKeyOrder returns rows in the order of keys, each once, skipping keys
// with no row.
func (t *Table[R]) InKeyOrder(rows []R, keys [][]any) ([]R, error) {
	found := make(map[string]int, len(rows))
	for i := range rows {
		vals, err := t.OrderValues(&rows[i], t.Keys)
		if err != nil {
			return nil, err
		}
		found[ValuesString(vals)] = i
	}
	out := make([]R, 0, len(rows))
	for _, k := range keys {
		ks := ValuesString(k)
		if i, ok := found[ks]; ok {
			out = append(out, rows[i])
			delete(found, ks) // a key listed twice gives its row once
		}
	}
	return out, nil
}

// skipped is the backend of a table on a pool it is not kept in.
type skipped[R any] struct{ why string }

func (k skipped[R]) err() error                                       { return Unsupportedf("%s", k.why) }
func (k skipped[R]) Get(context.Context, []any) (*R, error)           { return nil, k.err() }
func (k skipped[R]) Add(context.Context, *R) error                    { return k.err() }
func (k skipped[R]) Put(context.Context, *R, []Cond) error            { return k.err() }
func (k skipped[R]) Del(context.Context, []any) error                 { return k.err() }
func (k skipped[R]) Incr(context.Context, *R, []Cond) (*R, error)     { return nil, k.err() }
func (k skipped[R]) List(context.Context, [][]any) ([]R, error)       { return nil, k.err() }
func (k skipped[R]) Select(context.Context, *Query) (*Page[R], error) { return nil, k.err() }
func (k skipped[R]) DelAll(context.Context, []Cond) (int64, error)    { return 0, k.err() }
func (k skipped[R]) Update(context.Context, []any, []Set, []Cond) (int64, error) {
	return 0, k.err()
}
func (k skipped[R]) UpdateAll(context.Context, []Cond, []Set) (int64, error) { return 0, k.err() }

// CreateTable on a skipped pool does nothing: the table is not meant to be there.
func (k skipped[R]) CreateTable(context.Context) error { return nil }
