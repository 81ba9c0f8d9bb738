package db

import (
	"context"
	"fmt"
)

// Backend is one table's storage on one database: the contract every
// driver implements, the same for all, to which the conformance suite
// (tests/conformance) holds each. Keys and values are canonical (Table.Arg);
// errors are this package's.
//
// The operations that need no row type are not methods of Backend but of
// its Rowless: a generic type's methods reached through an interface cost
// a wrapper each for every table, and each layer of a store (the driver,
// timing, the cache) is one (issue 16). Rowless is called once, when the
// store is made.
type Backend[R any] interface {
	Get(ctx context.Context, key []any) (*R, error)
	Add(ctx context.Context, r *R) error
	Put(ctx context.Context, r *R, expect []Cond) error
	Incr(ctx context.Context, r *R, expect []Cond) (*R, error)
	List(ctx context.Context, keys [][]any) ([]R, error)
	Select(ctx context.Context, q *Query) (*Page[R], error)
	Rowless() RowlessOps
}

// RowlessOps are the operations of a table's storage that need no row
// type (see Backend).
type RowlessOps interface {
	Del(ctx context.Context, key []any) error
	Update(ctx context.Context, key []any, sets []Set, expect []Cond) (int64, error)
	UpdateAll(ctx context.Context, conds []Cond, sets []Set) (int64, error)
	DelAll(ctx context.Context, conds []Cond) (int64, error)
	CreateTable(ctx context.Context) error
}

// Store runs the operations of one table on one pool, whatever its backend.
// Generated stores wrap it with typed methods; code that works on any table
// can use it directly with canonical values (db.NewStore(p, t,
// drivers.For[R]()...)).
type Store[R any] struct {
	b  Backend[R] // the driver's backend, under the decorators the pool adds
	rb RowlessOps // b.Rowless()
	t  *Table[R]
	p  *Pool
}

// Opener is how a driver package gives the backend of a table on a pool of
// its own (ok false for any other pool). Generated stores pass the openers
// of the drivers they are built with (runtime/db/drivers).
type Opener[R any] func(p *Pool, t *Table[R]) (b Backend[R], ok bool)

// NewStore returns the store of table t on pool p: the backend of the first
// opener that takes p.
func NewStore[R any](p *Pool, t *Table[R], openers ...Opener[R]) *Store[R] {
	t.init()
	p, why := p.place(&t.Schema)
	s := &Store[R]{t: t, p: p}
	if why == "" {
		for _, open := range openers {
			if b, ok := open(p, t); ok {
				s.b = b
				break
			}
		}
		if s.b == nil {
			why = fmt.Sprintf("no driver of this build serves the %s pool (runtime/db/drivers)", p.Name)
		}
	}
	if why != "" {
		// no backend: every operation says why (a backend type of its own
		// would cost its methods' wrappers for every table)
		s.b, s.rb = nil, skippedRowless{why}
		return s
	}
	if p.metrics != nil {
		s.b = newTimed(s.b, p.metrics, p.metricsName())
	}
	if t.CacheTTL > 0 && p.cache != nil {
		s.b = newCached(s.b, t, p.cache)
	}
	s.rb = s.b.Rowless()
	return s
}

// place returns the pool that keeps table t (p, or the named pool t is
// routed to), or why no pool does: the part of NewStore that needs no row
// type, written once rather than once per table.
func (p *Pool) place(t *Schema) (*Pool, string) {
	routed := p.route(t)
	if routed == nil {
		return p, fmt.Sprintf("table %s is kept in pool %q, which is not configured", t.Name, p.set.PoolOf(t.Name, t.Pool))
	}
	for _, name := range t.SkipPools {
		if name == routed.Name {
			return routed, fmt.Sprintf("table %s is not kept in the %s pool (SkipPools)", t.Name, routed.Name)
		}
	}
	return routed, ""
}

// The operations of Backend, on the store's backend. They are written out,
// not promoted from an embedded Backend, so that Go does not also make a
// wrapper of each for the Store value type of every table (issue 16).

func (s *Store[R]) Get(ctx context.Context, key []any) (*R, error) {
	if s.b == nil {
		return nil, s.skipped()
	}
	return s.b.Get(ctx, key)
}
func (s *Store[R]) Add(ctx context.Context, r *R) error {
	if s.b == nil {
		return s.skipped()
	}
	return s.b.Add(ctx, r)
}
func (s *Store[R]) Put(ctx context.Context, r *R, expect []Cond) error {
	if s.b == nil {
		return s.skipped()
	}
	return s.b.Put(ctx, r, expect)
}
func (s *Store[R]) Del(ctx context.Context, key []any) error { return s.rb.Del(ctx, key) }
func (s *Store[R]) Incr(ctx context.Context, r *R, expect []Cond) (*R, error) {
	if s.b == nil {
		return nil, s.skipped()
	}
	return s.b.Incr(ctx, r, expect)
}
func (s *Store[R]) Update(ctx context.Context, key []any, sets []Set, expect []Cond) (int64, error) {
	return s.rb.Update(ctx, key, sets, expect)
}
func (s *Store[R]) UpdateAll(ctx context.Context, conds []Cond, sets []Set) (int64, error) {
	return s.rb.UpdateAll(ctx, conds, sets)
}
func (s *Store[R]) DelAll(ctx context.Context, conds []Cond) (int64, error) {
	return s.rb.DelAll(ctx, conds)
}
func (s *Store[R]) List(ctx context.Context, keys [][]any) ([]R, error) {
	if s.b == nil {
		return nil, s.skipped()
	}
	return s.b.List(ctx, keys)
}
func (s *Store[R]) Select(ctx context.Context, q *Query) (*Page[R], error) {
	if s.b == nil {
		return nil, s.skipped()
	}
	return s.b.Select(ctx, q)
}

// skipped is the error of every operation of a table on a pool it is not
// kept in (NewStore leaves such a store without a backend).
func (s *Store[R]) skipped() error { return s.rb.(skippedRowless).err() }

func (s *Store[R]) CreateTable(ctx context.Context) error { return s.rb.CreateTable(ctx) }

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
func OrderValues[R any](t *Table[R], r *R, cols []int) ([]any, error) {
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

// RowValues returns the canonical values of every column of r (Arg), what
// the drivers work on: the typed part of a driver is then only RowValues on
// the way in and FillRow on the way out, and the rest of each operation is
// written once for all tables (see Schema on why that matters).
//
// These helpers of Table are functions, not methods: Go compiles every
// method of a generic type for each of its instantiations in every package
// that sees the type (a generated store's declarations show Table[R] to
// every package that imports it), and a function only where it is called.
func RowValues[R any](t *Table[R], r *R) ([]any, error) {
	vals := make([]any, len(t.Columns))
	for c := range t.Columns {
		v, err := t.Arg(r, c)
		if err != nil {
			return nil, &ValidationError{Table: t.Name, Column: t.Columns[c].Name, Msg: err.Error()}
		}
		vals[c] = v
	}
	return vals, nil
}

// FillRow sets the columns cols of r (every column when cols is nil) from
// canonical values through the generated scan targets, so that every driver
// converts to Go types the way the SQL drivers' scans do. A nil value leaves
// its field as it is: the zero value, or nil, in a new row.
func FillRow[R any](t *Table[R], r *R, vals []any, cols []int) error {
	if cols == nil {
		for c := range vals {
			if err := fillCol(t, r, vals, c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range cols {
		if err := fillCol(t, r, vals, c); err != nil {
			return err
		}
	}
	return nil
}

func fillCol[R any](t *Table[R], r *R, vals []any, c int) error {
	if vals[c] == nil {
		return nil
	}
	d, ok := t.Dest(r, c).(interface{ Scan(any) error })
	if !ok {
		return fmt.Errorf("%s.%s: no scan target", t.Name, t.Columns[c].Name)
	}
	if err := d.Scan(vals[c]); err != nil {
		return fmt.Errorf("%s.%s: %w", t.Name, t.Columns[c].Name, err)
	}
	return nil
}

// NewRow returns a new row made from canonical values.
func NewRow[R any](t *Table[R], vals []any) (*R, error) {
	r := new(R)
	if err := FillRow(t, r, vals, nil); err != nil {
		return nil, err
	}
	return r, nil
}

// AppendRow adds a row made from the canonical values of cols (all when nil)
// to *rows.
func AppendRow[R any](t *Table[R], rows *[]R, vals []any, cols []int) error {
	var zero R
	*rows = append(*rows, zero)
	return FillRow(t, &(*rows)[len(*rows)-1], vals, cols)
}

// InKeyOrder returns rows in the order of keys, each once, skipping keys
// with no row.
func InKeyOrder[R any](t *Table[R], rows []R, keys [][]any) ([]R, error) {
	found := make(map[string]int, len(rows))
	for i := range rows {
		vals, err := OrderValues(t, &rows[i], t.Keys)
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

// skippedRowless is the row-free operations of a table on a pool it is not
// kept in.
type skippedRowless struct{ why string }

func (k skippedRowless) err() error                                    { return Unsupportedf("%s", k.why) }
func (k skippedRowless) Del(context.Context, []any) error              { return k.err() }
func (k skippedRowless) DelAll(context.Context, []Cond) (int64, error) { return 0, k.err() }
func (k skippedRowless) Update(context.Context, []any, []Set, []Cond) (int64, error) {
	return 0, k.err()
}
func (k skippedRowless) UpdateAll(context.Context, []Cond, []Set) (int64, error) { return 0, k.err() }

// CreateTable on a skipped pool does nothing: the table is not meant to be there.
func (k skippedRowless) CreateTable(context.Context) error { return nil }
