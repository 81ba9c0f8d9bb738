package db

import (
	"context"
	"sync"
)

// Write is one write as a table's row hooks see it, before it is done. The
// generated stores fill it; a hook may change Row or Changes (fill a
// column) or refuse the write by returning an error (Refuse, Invalid).
// What a hook fills is defaulted and validated like the caller's values.
type Write[R, K, C any] struct {
	Op WriteOp
	// Key is the row's key: every op but UpdateAll and DelAll. On Add and
	// Put it is the key as given (a generated uuid is not made yet).
	Key K
	// Row is the row to write (Add, Put), or its key and the deltas (Incr).
	Row *R
	// Changes are the columns to write (Update, UpdateAll).
	Changes *C
	// Where are the rows UpdateAll and DelAll change, or the conditions a
	// Put, Update or Incr expects.
	Where []Cond
	// Affected is, for the hooks after a write (AfterWrite), the rows it
	// changed: Update, UpdateAll and DelAll count them; the others are 1.
	Affected int64
}

// Hooks are the application's rules on one table, run by its generated
// store on every write and read: REST, GraphQL, the account and module
// endpoints and the application's own store calls all go through that
// store, so no API gets around them. Register them at start, before the
// first request (HooksOf); they are not changed while the server runs.
type Hooks[R, K, C any] struct {
	table   string
	writes  []writeHook[R, K, C]
	afters  []writeHook[R, K, C]
	fills   []func(ctx context.Context, r *R) error
	filters []func(ctx context.Context, r *R) (keep bool, err error)
}

type writeHook[R, K, C any] struct {
	ops uint16 // bit per WriteOp; 0: every op
	f   func(ctx context.Context, w *Write[R, K, C]) error
}

// OnWrite runs f before every write of the table, or before the writes of
// ops only; the first error refuses the write and is the caller's error.
func (h *Hooks[R, K, C]) OnWrite(f func(ctx context.Context, w *Write[R, K, C]) error, ops ...WriteOp) {
	var bits uint16
	for _, op := range ops {
		bits |= 1 << op
	}
	h.writes = append(h.writes, writeHook[R, K, C]{ops: bits, f: f})
}

// AfterWrite runs f after every write of the table that succeeded, or
// after those of ops only, with the write as the store made it (Row with
// its generated columns, Affected): for what follows from a write, such as
// a row of another table created with this one. The write is made; an
// error of f is the caller's error all the same (the first one stops the
// others).
func (h *Hooks[R, K, C]) AfterWrite(f func(ctx context.Context, w *Write[R, K, C]) error, ops ...WriteOp) {
	var bits uint16
	for _, op := range ops {
		bits |= 1 << op
	}
	h.afters = append(h.afters, writeHook[R, K, C]{ops: bits, f: f})
}

// The functions below run a table's hooks for its generated store. They
// are functions, not methods of Hooks, because Go compiles every method of a
// generic type for each table in every package that sees the type (all the
// packages that import generated/store), and a function only where it is
// called: the generated store (issue 16).

// AfterHooks reports whether any AfterWrite hook is registered (generated
// stores build the Write only then).
func AfterHooks[R, K, C any](h *Hooks[R, K, C]) bool { return h != nil && len(h.afters) > 0 }

// RunAfter runs the AfterWrite hooks of w.Op.
func RunAfter[R, K, C any](ctx context.Context, h *Hooks[R, K, C], w *Write[R, K, C]) error {
	return run(ctx, h.afters, w)
}

// OnRead runs f on every row the store returns (Get, List, Select, and
// the row Add, Put and Incr leave or return), to fill computed fields; an
// error fails the read.
func (h *Hooks[R, K, C]) OnRead(f func(ctx context.Context, r *R) error) {
	h.fills = append(h.fills, f)
}

// Filter runs f on every row read, after the OnRead hooks: keep false hides
// the row (Get answers ErrNotFound, List and Select leave it out). A row
// the caller has just written is its own and is not filtered. A table with
// a filter cannot count its rows (Query.Total is refused) since the count
// would include rows the caller may not see.
func (h *Hooks[R, K, C]) Filter(f func(ctx context.Context, r *R) (keep bool, err error)) {
	h.filters = append(h.filters, f)
}

// WriteHooks reports whether any write hook is registered (generated stores
// build a Write only then).
func WriteHooks[R, K, C any](h *Hooks[R, K, C]) bool { return h != nil && len(h.writes) > 0 }

func reading[R, K, C any](h *Hooks[R, K, C]) bool { return h != nil && len(h.fills)+len(h.filters) > 0 }

// RunWrite runs the write hooks of w.Op in the order they were registered.
func RunWrite[R, K, C any](ctx context.Context, h *Hooks[R, K, C], w *Write[R, K, C]) error {
	return run(ctx, h.writes, w)
}

func run[R, K, C any](ctx context.Context, hooks []writeHook[R, K, C], w *Write[R, K, C]) error {
	for _, wh := range hooks {
		if wh.ops != 0 && wh.ops&(1<<w.Op) == 0 {
			continue
		}
		if err := wh.f(ctx, w); err != nil {
			return err
		}
	}
	return nil
}

// RunChanges runs the write hooks of an Update or UpdateAll and returns the
// changes as they leave them.
func RunChanges[R, K, C any](ctx context.Context, h *Hooks[R, K, C], op WriteOp, k K, c C, where []Cond) (C, error) {
	err := RunWrite(ctx, h, &Write[R, K, C]{Op: op, Key: k, Changes: &c, Where: where})
	return c, err
}

// readRow runs the OnRead hooks and, with filter, the filters on r.
func readRow[R, K, C any](ctx context.Context, h *Hooks[R, K, C], r *R, filter bool) (keep bool, err error) {
	for _, f := range h.fills {
		if err := f(ctx, r); err != nil {
			return false, err
		}
	}
	if !filter {
		return true, nil
	}
	for _, f := range h.filters {
		if keep, err = f(ctx, r); err != nil || !keep {
			return false, err
		}
	}
	return true, nil
}

// RunGot runs the read hooks on the row a Get read.
func RunGot[R, K, C any](ctx context.Context, h *Hooks[R, K, C], r *R, err error) (*R, error) {
	if err != nil || !reading(h) {
		return r, err
	}
	keep, err := readRow(ctx, h, r, true)
	switch {
	case err != nil:
		return nil, err
	case !keep:
		return nil, ErrNotFound
	}
	return r, nil
}

// RunRead runs the read hooks on r, a row read elsewhere (from an event).
func RunRead[R, K, C any](ctx context.Context, h *Hooks[R, K, C], r *R) (keep bool, err error) {
	if !reading(h) {
		return true, nil
	}
	return readRow(ctx, h, r, true)
}

// RunWritten runs the OnRead hooks on the row a write leaves (not the
// filters: the writer has just written it).
func RunWritten[R, K, C any](ctx context.Context, h *Hooks[R, K, C], r *R) error {
	if !reading(h) || r == nil {
		return nil
	}
	_, err := readRow(ctx, h, r, false)
	return err
}

// CheckQuery refuses what the hooks make impossible to answer: a count of a
// filtered table.
func CheckQuery[R, K, C any](h *Hooks[R, K, C], q *Query) error {
	if q.Total && h != nil && len(h.filters) > 0 {
		return Unsupportedf("%s: rows are counted only on tables without a read filter; page through the rows instead", h.table)
	}
	return nil
}

// RunPage runs the read hooks on a page's rows; the page token stays the
// driver's, so paging goes on past hidden rows.
func RunPage[R, K, C any](ctx context.Context, h *Hooks[R, K, C], page *Page[R], err error) (*Page[R], error) {
	if err != nil || !reading(h) {
		return page, err
	}
	if page.Rows, err = readRows(ctx, h, page.Rows); err != nil {
		return nil, err
	}
	return page, nil
}

// RunList runs the read hooks on the rows a List read.
func RunList[R, K, C any](ctx context.Context, h *Hooks[R, K, C], rows []R, err error) ([]R, error) {
	if err != nil || !reading(h) {
		return rows, err
	}
	return readRows(ctx, h, rows)
}

// readRows runs the read hooks on each row and returns those kept, in order
// (in rows' own array).
func readRows[R, K, C any](ctx context.Context, h *Hooks[R, K, C], rows []R) ([]R, error) {
	kept := rows[:0]
	for i := range rows {
		keep, err := readRow(ctx, h, &rows[i], true)
		if err != nil {
			return nil, err
		}
		if keep {
			kept = append(kept, rows[i])
		}
	}
	clear(rows[len(kept):]) // no hidden row stays reachable through the array
	return kept, nil
}

// poolHooks are the hooks of a pool's tables, by table name.
type poolHooks struct {
	mu     sync.Mutex
	tables map[string]any
}

// HooksOf returns the hooks of table on pool p, made empty on first use:
// the generated stores take theirs when they are made, and an application
// registers its hooks on the same value (generated store.HooksOn).
func HooksOf[R, K, C any](p *Pool, table string) *Hooks[R, K, C] {
	p.hooks.mu.Lock()
	defer p.hooks.mu.Unlock()
	if h, ok := p.hooks.tables[table].(*Hooks[R, K, C]); ok {
		return h
	}
	if p.hooks.tables == nil {
		p.hooks.tables = map[string]any{}
	}
	h := &Hooks[R, K, C]{table: table}
	p.hooks.tables[table] = h
	return h
}
