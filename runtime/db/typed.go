package db

import "context"

// Typed is the store of one table as its generated store (TStore) offers it:
// the operations of Store[R] by typed key K and changes C, with the table's
// row hooks run on every path (before and after each write, on every row
// read). It is the same code for every table; the generated parts are the
// four functions below, which know the table's columns.
//
// A generated store holds its Typed by an interface of its own (tOps), not
// by *Typed: Go compiles every method of a generic type for each of its
// instantiations in every package that sees the type, and every package
// that imports generated/store sees the stores' fields. Behind the
// interface, Typed's methods are compiled once per table, in generated/store
// (issue 16).
type Typed[R, K, C any] struct {
	Store *Store[R]
	Hooks *Hooks[R, K, C]
	// KeyArgs checks that every part of a key is given and returns its
	// canonical values.
	KeyArgs func(k K) ([]any, error)
	// KeyOf returns the key of a row.
	KeyOf func(r *R) K
	// Prepare fills the generated values of a row (uuid, now, defaults) and
	// validates it before a write.
	Prepare func(r *R, op WriteOp, now int64) error
	// Sets turns changes into validated assignments, with the Now and
	// UpdateDefault columns.
	Sets func(c C, now int64) ([]Set, error)
}

// Get returns the row with key k, or ErrNotFound (also when a read hook
// hides it).
func (t *Typed[R, K, C]) Get(ctx context.Context, k K) (*R, error) {
	args, err := t.KeyArgs(k)
	if err != nil {
		return nil, err
	}
	r, err := t.Store.Get(ctx, args)
	return RunGot(ctx, t.Hooks, r, err)
}

// Add inserts r, filling its generated columns.
func (t *Typed[R, K, C]) Add(ctx context.Context, r *R) error {
	return t.write(ctx, OpAdd, r, nil, t.Store.Add)
}

// Put inserts r or replaces the row with its key; with expect, an existing
// row only when it matches every condition.
func (t *Typed[R, K, C]) Put(ctx context.Context, r *R, expect []Cond) error {
	return t.write(ctx, OpPut, r, expect, func(ctx context.Context, r *R) error { return t.Store.Put(ctx, r, expect) })
}

// write runs an Add or a Put: write hooks, Prepare, the write, the
// AfterWrite hooks, the read hooks on the row written.
func (t *Typed[R, K, C]) write(ctx context.Context, op WriteOp, r *R, expect []Cond, do func(context.Context, *R) error) error {
	if WriteHooks(t.Hooks) {
		if err := RunWrite(ctx, t.Hooks, &Write[R, K, C]{Op: op, Key: t.KeyOf(r), Row: r, Where: expect}); err != nil {
			return err
		}
	}
	if err := t.Prepare(r, op, NowMS()); err != nil {
		return err
	}
	if err := do(ctx, r); err != nil {
		return err
	}
	if AfterHooks(t.Hooks) {
		if err := RunAfter(ctx, t.Hooks, &Write[R, K, C]{Op: op, Key: t.KeyOf(r), Row: r, Where: expect, Affected: 1}); err != nil {
			return err
		}
	}
	return RunWritten(ctx, t.Hooks, r)
}

// Update writes the columns set in c to the row with key k when it exists
// and matches every expected condition; it returns the rows changed.
func (t *Typed[R, K, C]) Update(ctx context.Context, k K, c C, expect []Cond) (int64, error) {
	if WriteHooks(t.Hooks) {
		var err error
		if c, err = RunChanges(ctx, t.Hooks, OpUpdate, k, c, expect); err != nil {
			return 0, err
		}
	}
	args, err := t.KeyArgs(k)
	if err != nil {
		return 0, err
	}
	sets, err := t.Sets(c, NowMS())
	if err != nil {
		return 0, err
	}
	n, err := t.Store.Update(ctx, args, sets, expect)
	if err != nil || !AfterHooks(t.Hooks) {
		return n, err
	}
	return n, t.afterChanges(ctx, OpUpdate, k, c, expect, n)
}

// afterChanges runs the AfterWrite hooks of an Update or UpdateAll, on a
// copy of c of its own: the caller's c stays off the heap when no hook is
// registered (afterChanges is called only when one is).
func (t *Typed[R, K, C]) afterChanges(ctx context.Context, op WriteOp, k K, c C, where []Cond, n int64) error {
	return RunAfter(ctx, t.Hooks, &Write[R, K, C]{Op: op, Key: k, Changes: &c, Where: where, Affected: n})
}

// Incr adds the counters of r (its key, counters and owner, made by the
// generated store) to the row with key k, creating it when missing, and
// returns the row as stored.
func (t *Typed[R, K, C]) Incr(ctx context.Context, k K, r *R, expect []Cond) (*R, error) {
	if WriteHooks(t.Hooks) {
		if err := RunWrite(ctx, t.Hooks, &Write[R, K, C]{Op: OpIncr, Key: k, Row: r, Where: expect}); err != nil {
			return nil, err
		}
	}
	if err := t.Prepare(r, OpIncr, NowMS()); err != nil {
		return nil, err
	}
	got, err := t.Store.Incr(ctx, r, expect)
	if err != nil {
		return nil, err
	}
	if AfterHooks(t.Hooks) {
		if err := RunAfter(ctx, t.Hooks, &Write[R, K, C]{Op: OpIncr, Key: k, Row: got, Where: expect, Affected: 1}); err != nil {
			return nil, err
		}
	}
	return got, RunWritten(ctx, t.Hooks, got)
}

// Del deletes the row with key k; a missing row is not an error.
func (t *Typed[R, K, C]) Del(ctx context.Context, k K) error {
	if WriteHooks(t.Hooks) {
		if err := RunWrite(ctx, t.Hooks, &Write[R, K, C]{Op: OpDel, Key: k}); err != nil {
			return err
		}
	}
	args, err := t.KeyArgs(k)
	if err != nil {
		return err
	}
	if err := t.Store.Del(ctx, args); err != nil {
		return err
	}
	if AfterHooks(t.Hooks) {
		return RunAfter(ctx, t.Hooks, &Write[R, K, C]{Op: OpDel, Key: k, Affected: 1})
	}
	return nil
}

// Select returns one page of the rows matching q, without those a read
// hook hides.
func (t *Typed[R, K, C]) Select(ctx context.Context, q Query) (*Page[R], error) {
	if err := CheckQuery(t.Hooks, &q); err != nil {
		return nil, err
	}
	page, err := t.Store.Select(ctx, &q)
	return RunPage(ctx, t.Hooks, page, err)
}

// Read runs the read hooks on r, a row read elsewhere (an event).
func (t *Typed[R, K, C]) Read(ctx context.Context, r *R) (keep bool, err error) {
	return RunRead(ctx, t.Hooks, r)
}

// List returns the rows with the given keys, in the order of keys; missing
// rows (and those a read hook hides) are skipped.
func (t *Typed[R, K, C]) List(ctx context.Context, keys []K) ([]R, error) {
	all := make([][]any, len(keys))
	for i := range keys {
		args, err := t.KeyArgs(keys[i])
		if err != nil {
			return nil, err
		}
		all[i] = args
	}
	rows, err := t.Store.List(ctx, all)
	return RunList(ctx, t.Hooks, rows, err)
}

// UpdateAll writes the columns set in c to every row matching where and
// returns the number of rows changed.
func (t *Typed[R, K, C]) UpdateAll(ctx context.Context, c C, where []Cond) (int64, error) {
	if WriteHooks(t.Hooks) {
		var err error
		var none K
		if c, err = RunChanges(ctx, t.Hooks, OpUpdateAll, none, c, where); err != nil {
			return 0, err
		}
	}
	sets, err := t.Sets(c, NowMS())
	if err != nil {
		return 0, err
	}
	n, err := t.Store.UpdateAll(ctx, where, sets)
	if err != nil || !AfterHooks(t.Hooks) {
		return n, err
	}
	var none K
	return n, t.afterChanges(ctx, OpUpdateAll, none, c, where, n)
}

// DelAll deletes every row matching where and returns the number deleted.
func (t *Typed[R, K, C]) DelAll(ctx context.Context, where []Cond) (int64, error) {
	if WriteHooks(t.Hooks) {
		if err := RunWrite(ctx, t.Hooks, &Write[R, K, C]{Op: OpDelAll, Where: where}); err != nil {
			return 0, err
		}
	}
	n, err := t.Store.DelAll(ctx, where)
	if err != nil {
		return n, err
	}
	if AfterHooks(t.Hooks) {
		return n, RunAfter(ctx, t.Hooks, &Write[R, K, C]{Op: OpDelAll, Where: where, Affected: n})
	}
	return n, nil
}

// CreateTable creates the table and indexes when missing, and adds missing
// columns.
func (t *Typed[R, K, C]) CreateTable(ctx context.Context) error { return t.Store.CreateTable(ctx) }

// Pool returns the pool the table is kept in.
func (t *Typed[R, K, C]) Pool() *Pool { return t.Store.Pool() }
