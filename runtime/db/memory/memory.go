// Package memory is the reference storage driver: every table in the
// process's memory, behind the same contract as SQL and DynamoDB (the
// conformance suite runs on it too). It is the smallest complete driver, so
// it is where to read what a driver must do; it also serves tests and
// -db-pool memory for a throwaway server. Nothing survives the process.
package memory

import (
	"context"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/bkgen/bkgen/runtime/db"
)

func init() {
	db.RegisterDriver("memory", func(ctx context.Context, c db.Config) (*db.Pool, error) {
		return Open([]byte(c.TokenSecret)), nil
	})
}

// conn is what a memory pool holds: its tables by name.
type conn struct {
	mu     sync.Mutex
	tables map[string]*table
}

// table is the rows of one table, as canonical values by column, keyed by
// their key's canonical values (db.ValuesString).
type table struct {
	mu   sync.RWMutex
	cols []string // the column names the rows are stored by, in order
	rows map[string][]any
	auto int64 // the last AutoID assigned
}

// Open returns an empty memory pool; an empty secret (of the page tokens)
// gets a random one.
func Open(secret []byte) *db.Pool {
	return db.NewPool("memory", &conn{tables: map[string]*table{}}, nil, secret)
}

// Backend is the driver's db.Opener: the backend of table t on a memory pool.
func Backend[R any](p *db.Pool, t *db.Table[R]) (db.Backend[R], bool) {
	m := open(p, &t.Schema)
	if m == nil {
		return nil, false
	}
	return &store[R]{tab: m, rt: t}, true
}

// open returns the rows of table t on pool p, or nil when p is not a memory pool.
func open(p *db.Pool, t *db.Schema) *memTable {
	c, ok := p.Conn().(*conn)
	if !ok {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	data := c.tables[t.Name]
	if data == nil {
		data = &table{rows: map[string][]any{}}
		c.tables[t.Name] = data
	}
	data.upgrade(t.Columns)
	return &memTable{t: t, p: p, data: data}
}

// upgrade re-lays the rows out for columns, when a table is opened with
// other columns than it was stored with (a new schema, as a SQL upgrade
// adds columns): values move by column name, and a column the rows lack
// gets its default (NULL when nullable, else its kind's zero).
func (d *table) upgrade(columns []db.Column) {
	d.mu.Lock()
	defer d.mu.Unlock()
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.Name
	}
	if d.cols == nil || strings.Join(d.cols, "\x00") == strings.Join(names, "\x00") {
		d.cols = names
		return
	}
	at := make(map[string]int, len(d.cols))
	for i, n := range d.cols {
		at[n] = i
	}
	for k, old := range d.rows {
		next := make([]any, len(columns))
		for i, c := range columns {
			switch j, ok := at[c.Name]; {
			case ok:
				next[i] = old[j]
			case c.Default != nil:
				next[i] = c.Default
			case !c.Nullable:
				next[i] = c.Kind.Zero()
			}
		}
		d.rows[k] = next
	}
	d.cols = names
}

// store is the backend of one table: the typed operations, over memTable,
// which has everything that needs no row type, so that it is compiled once
// and not once per table (db.Schema and db.Backend say why).
type store[R any] struct {
	tab *memTable // its Rowless
	rt  *db.Table[R]
}

// Rowless is the table's operations that need no row type (db.Backend).
func (s *store[R]) Rowless() db.RowlessOps { return s.tab }

// memTable is the part of a table's backend that needs no row type.
type memTable struct {
	t    *db.Schema
	p    *db.Pool
	data *table
}

// values reads every column of r as canonical values, refusing text no
// other backend stores (NUL bytes, invalid UTF-8).
func (s *store[R]) values(r *R) ([]any, error) {
	vals, err := db.RowValues(s.rt, r)
	if err != nil {
		return nil, err
	}
	return vals, s.tab.t.CheckTexts(vals)
}

func (s *memTable) keyOf(vals []any) string {
	k := make([]any, len(s.t.Keys))
	for i, c := range s.t.Keys {
		k[i] = vals[c]
	}
	return db.ValuesString(k)
}

func (s *memTable) checkKey(key []any) error {
	for i, v := range key {
		if err := db.CheckText(v); err != nil {
			return &db.ValidationError{Table: s.t.Name, Column: s.t.Columns[s.t.Keys[i]].Name, Msg: err.Error()}
		}
	}
	return nil
}

// unique reports a row other than key holding the values of a unique index
// that vals holds.
func (s *memTable) unique(vals []any, key string) bool {
	for _, ix := range s.t.Indexes {
		if !ix.Unique {
			continue
		}
		for k, other := range s.data.rows {
			if k == key {
				continue
			}
			same := true
			for _, c := range ix.Columns {
				if vals[c] == nil || compareNull(vals[c], other[c]) != 0 {
					same = false
					break
				}
			}
			if same {
				return true
			}
		}
	}
	return false
}

// matchAll reports whether vals meets every condition.
func (s *memTable) matchAll(vals []any, conds []db.Cond) (bool, error) {
	for _, c := range conds {
		col, args, err := s.t.Cond(c)
		if err != nil {
			return false, err
		}
		if !db.Match(c.Op, vals[col], args) {
			return false, nil
		}
	}
	return true, nil
}

// validConds checks conditions before any row is read, so that a bad one is
// an error on an empty table too.
func (s *memTable) validConds(conds []db.Cond) error {
	for _, c := range conds {
		if _, _, err := s.t.Cond(c); err != nil {
			return err
		}
	}
	return nil
}

func (s *store[R]) Get(ctx context.Context, key []any) (*R, error) {
	vals, err := s.tab.get(ctx, key)
	if err != nil {
		return nil, err
	}
	return db.NewRow(s.rt, vals)
}

func (s *memTable) get(ctx context.Context, key []any) ([]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.checkKey(key); err != nil {
		return nil, err
	}
	s.data.mu.RLock()
	vals, ok := s.data.rows[db.ValuesString(key)]
	s.data.mu.RUnlock()
	if !ok {
		return nil, db.ErrNotFound
	}
	return vals, nil
}

func (s *memTable) autoCol() int {
	for _, k := range s.t.Keys {
		if s.t.Columns[k].AutoID {
			return k
		}
	}
	return -1
}

// Add stores r; an AutoID key left at zero gets the next number, written
// back into r.
func (s *store[R]) Add(ctx context.Context, r *R) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	vals, err := s.values(r)
	if err != nil {
		return err
	}
	auto, err := s.tab.add(vals)
	if err != nil || auto < 0 {
		return err
	}
	return db.FillRow(s.rt, r, vals, []int{auto})
}

// add stores vals and returns the column of the AutoID it assigned, or -1.
func (s *memTable) add(vals []any) (int, error) {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	assigned := -1
	if a := s.autoCol(); a >= 0 {
		if n, _ := vals[a].(int64); n == 0 {
			s.data.auto++
			vals[a], assigned = s.data.auto, a
		} else if n > s.data.auto {
			s.data.auto = n
		}
	}
	key := s.keyOf(vals)
	if _, ok := s.data.rows[key]; ok || s.unique(vals, key) {
		return -1, db.ErrExists
	}
	s.data.rows[key] = vals
	return assigned, nil
}

func (s *store[R]) Put(ctx context.Context, r *R, expect []db.Cond) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	vals, err := s.values(r)
	if err != nil {
		return err
	}
	return s.tab.put(vals, expect)
}

func (s *memTable) put(vals []any, expect []db.Cond) error {
	if err := s.validConds(expect); err != nil {
		return err
	}
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	key := s.keyOf(vals)
	if old, ok := s.data.rows[key]; ok && len(expect) > 0 {
		if m, err := s.matchAll(old, expect); err != nil || !m {
			if err != nil {
				return err
			}
			return db.ErrCondition
		}
	}
	if s.unique(vals, key) {
		return db.ErrExists
	}
	s.data.rows[key] = vals
	return nil
}

func (s *memTable) Del(ctx context.Context, key []any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.checkKey(key); err != nil {
		return err
	}
	s.data.mu.Lock()
	delete(s.data.rows, db.ValuesString(key))
	s.data.mu.Unlock()
	return nil
}

// Incr adds the counters of r to the row (made from r when missing); now
// columns are set, the others kept.
func (s *store[R]) Incr(ctx context.Context, r *R, expect []db.Cond) (*R, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !s.tab.hasCounter() {
		return nil, db.Invalid(s.tab.t.Name, "", "table has no counter columns")
	}
	vals, err := s.values(r)
	if err != nil {
		return nil, err
	}
	if vals, err = s.tab.incr(vals, expect); err != nil {
		return nil, err
	}
	return db.NewRow(s.rt, vals)
}

func (s *memTable) hasCounter() bool {
	for _, c := range s.t.Columns {
		if c.Counter {
			return true
		}
	}
	return false
}

// incr adds the counters of vals to the stored row, or stores vals, and
// returns the row as stored.
func (s *memTable) incr(vals []any, expect []db.Cond) ([]any, error) {
	if err := s.validConds(expect); err != nil {
		return nil, err
	}
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	key := s.keyOf(vals)
	old, ok := s.data.rows[key]
	if !ok {
		s.data.rows[key] = vals
		return vals, nil
	}
	if len(expect) > 0 {
		m, err := s.matchAll(old, expect)
		if err != nil {
			return nil, err
		}
		if !m {
			return nil, db.ErrCondition
		}
	}
	next := append([]any(nil), old...)
	for c, col := range s.t.Columns {
		switch {
		case col.Counter:
			switch d := vals[c].(type) {
			case int64:
				cur, _ := next[c].(int64)
				if (d > 0 && cur > math.MaxInt64-d) || (d < 0 && cur < math.MinInt64-d) {
					if len(expect) > 0 {
						return nil, db.ErrCondition
					}
					return nil, db.ErrOverflow
				}
				next[c] = cur + d
			case float64:
				cur, _ := next[c].(float64)
				next[c] = cur + d
			}
		case col.Now:
			next[c] = vals[c]
		}
	}
	s.data.rows[key] = next
	return next, nil
}

// set applies sets to a copy of vals.
func (s *memTable) set(vals []any, sets []db.Set) ([]any, error) {
	next := append([]any(nil), vals...)
	for _, st := range sets {
		if err := db.CheckText(st.Val); err != nil {
			return nil, &db.ValidationError{Table: s.t.Name, Column: s.t.Columns[st.Col].Name, Msg: err.Error()}
		}
		next[st.Col] = st.Val
	}
	return next, nil
}

func (s *memTable) Update(ctx context.Context, key []any, sets []db.Set, expect []db.Cond) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := s.checkKey(key); err != nil {
		return 0, err
	}
	if err := s.validConds(expect); err != nil {
		return 0, err
	}
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	k := db.ValuesString(key)
	old, ok := s.data.rows[k]
	if !ok {
		return 0, nil
	}
	if m, err := s.matchAll(old, expect); err != nil || !m {
		return 0, err
	}
	next, err := s.set(old, sets)
	if err != nil {
		return 0, err
	}
	if s.unique(next, k) {
		return 0, db.ErrExists
	}
	s.data.rows[k] = next
	return 1, nil
}

func (s *memTable) UpdateAll(ctx context.Context, conds []db.Cond, sets []db.Set) (int64, error) {
	if _, err := s.set(make([]any, len(s.t.Columns)), sets); err != nil {
		return 0, err
	}
	return s.each(ctx, "UpdateAll", conds, func(k string, vals []any) {
		s.data.rows[k], _ = s.set(vals, sets)
	})
}

func (s *memTable) DelAll(ctx context.Context, conds []db.Cond) (int64, error) {
	return s.each(ctx, "DelAll", conds, func(k string, _ []any) { delete(s.data.rows, k) })
}

// each runs do on every row that meets conds (at least one: a whole-table
// write is never an accident), under the table's lock, and counts them.
func (s *memTable) each(ctx context.Context, what string, conds []db.Cond, do func(key string, vals []any)) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if len(conds) == 0 {
		return 0, db.Invalid(s.t.Name, "", "%s needs at least one condition", what)
	}
	if err := s.validConds(conds); err != nil {
		return 0, err
	}
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	var n int64
	for k, vals := range s.data.rows {
		if m, _ := s.matchAll(vals, conds); m {
			do(k, vals)
			n++
		}
	}
	return n, nil
}

func (s *store[R]) List(ctx context.Context, keys [][]any) ([]R, error) {
	found, err := s.tab.list(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]R, 0, len(found))
	for _, vals := range found {
		if err := db.AppendRow(s.rt, &out, vals, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// list returns the stored rows of keys, in their order, each once.
func (s *memTable) list(ctx context.Context, keys [][]any) ([][]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if len(k) != len(s.t.Keys) {
			return nil, db.Invalid(s.t.Name, "", "a key has %d parts, want %d", len(k), len(s.t.Keys))
		}
		if err := s.checkKey(k); err != nil {
			return nil, err
		}
	}
	s.data.mu.RLock()
	defer s.data.mu.RUnlock()
	out := make([][]any, 0, len(keys))
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		ks := db.ValuesString(k)
		vals, ok := s.data.rows[ks]
		if !ok || seen[ks] {
			continue
		}
		seen[ks] = true
		out = append(out, vals)
	}
	return out, nil
}

// Select filters every row, orders the matches by the sort column then the
// key (NULL first ascending), and pages them with tokens that name the last
// row's position, as the SQL backend's keyset does.
func (s *store[R]) Select(ctx context.Context, q *db.Query) (*db.Page[R], error) {
	rows, cols, total, next, err := s.tab.sel(ctx, q)
	if err != nil {
		return nil, err
	}
	page := &db.Page[R]{Total: total, Next: next}
	if !q.Total {
		page.Rows = make([]R, 0, len(rows))
	}
	for _, vals := range rows {
		if err := db.AppendRow(s.rt, &page.Rows, vals, cols); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// sel returns the stored rows of one page of q and the columns to read of
// them, or q's total, and the next page's token.
func (s *memTable) sel(ctx context.Context, q *db.Query) (rows [][]any, cols []int, total int64, next string, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, 0, "", err
	}
	t := s.t
	count, order, cols, err := t.Plan(q)
	if err != nil {
		return nil, nil, 0, "", err
	}
	if err := s.validConds(q.Where); err != nil {
		return nil, nil, 0, "", err
	}
	scope := t.TokenScope(q, order)
	var after []any
	if q.Token != "" {
		ocols := make([]*db.Column, len(order))
		for i, c := range order {
			ocols[i] = &t.Columns[c]
		}
		if after, err = s.p.DecodeToken(scope, q.Token, ocols); err != nil {
			return nil, nil, 0, "", err
		}
	}
	s.data.mu.RLock()
	var matched [][]any
	for _, vals := range s.data.rows {
		if m, _ := s.matchAll(vals, q.Where); m {
			matched = append(matched, vals)
		}
	}
	s.data.mu.RUnlock()
	if q.Total {
		return nil, nil, int64(len(matched)), "", nil
	}
	less := func(a, b []any) int { // a before b in the page order
		for _, c := range order {
			if d := compareNull(a[c], b[c]); d != 0 {
				if q.Desc {
					return -d
				}
				return d
			}
		}
		return 0
	}
	sort.Slice(matched, func(i, j int) bool { return less(matched[i], matched[j]) < 0 })
	if after != nil {
		pos := make([]any, len(t.Columns))
		for i, c := range order {
			pos[c] = after[i]
		}
		i := sort.Search(len(matched), func(i int) bool { return less(matched[i], pos) > 0 })
		matched = matched[i:]
	}
	if len(matched) > count {
		last := matched[count-1]
		vs := make([]any, len(order))
		for j, c := range order {
			vs[j] = last[c]
		}
		if next, err = s.p.EncodeToken(scope, vs); err != nil {
			return nil, nil, 0, "", err
		}
		matched = matched[:count]
	}
	return matched, cols, 0, next, nil
}

// CreateTable has nothing to create: a table is there from its first use.
func (s *memTable) CreateTable(ctx context.Context) error { return ctx.Err() }

// compareNull orders canonical values with NULL first.
func compareNull(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	c, _ := db.Compare(a, b)
	return c
}
