package inprocess

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	_ "github.com/bkgen/bkgen/runtime/db/drivers"
)

func memoryStore(t *testing.T) (*store.Store, *store.Hooks) {
	t.Helper()
	ctx := context.Background()
	pools, err := db.Open(ctx, db.Config{Pool: "memory"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pools.Close)
	h := store.HooksOn(pools.Default)
	st := store.New(pools.Default)
	if err := st.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	return st, h
}

// TestRowHookOps: each write runs the hooks of its op with what it writes,
// hooks registered after the store was made included, in order; the first
// error refuses the write and nothing is written.
func TestRowHookOps(t *testing.T) {
	ctx := context.Background()
	st, h := memoryStore(t)
	var seen []string
	h.Todo.OnWrite(func(ctx context.Context, w *store.TodoWrite) error {
		seen = append(seen, w.Op.String())
		switch {
		case w.Row != nil && w.Row.Name == "refuse":
			return db.Refuse("no")
		case w.Row != nil:
			w.Row.Descr = "filled " + w.Row.Name
		case w.Changes != nil && w.Changes.Name.Set:
			w.Changes.Descr = db.Some("filled " + w.Changes.Name.Val)
		}
		return nil
	})
	only := 0
	h.Todo.OnWrite(func(ctx context.Context, w *store.TodoWrite) error { only++; return nil }, db.OpDel, db.OpDelAll)

	r := &store.Todo{Name: "a"}
	if err := st.Todo.Add(ctx, r); err != nil || r.Descr != "filled a" {
		t.Fatalf("add: %v %+v", err, r)
	}
	if err := st.Todo.Put(ctx, &store.Todo{ID: r.ID, Name: "b"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Todo.Get(ctx, store.TodoKey{ID: r.ID}); got.Descr != "filled b" {
		t.Fatalf("put: %+v", got)
	}
	if _, err := st.Todo.Update(ctx, store.TodoKey{ID: r.ID}, store.TodoChanges{Name: db.Some("c")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Todo.Get(ctx, store.TodoKey{ID: r.ID}); got.Descr != "filled c" {
		t.Fatalf("update: %+v", got)
	}
	if _, err := st.Todo.UpdateAll(ctx, store.TodoChanges{Name: db.Some("d")}, store.TodoCols.ID.Eq(r.ID)); err != nil {
		t.Fatal(err)
	}
	if err := st.Todo.Add(ctx, &store.Todo{Name: "refuse"}); !errors.Is(err, db.ErrRefused) || err.Error() != "no" {
		t.Fatalf("refused add: %v", err)
	}
	if page, _ := st.Todo.Select(ctx, db.Query{Where: []db.Cond{store.TodoCols.Name.Eq("refuse")}}); len(page.Rows) != 0 {
		t.Fatal("a refused add was written")
	}
	if err := st.Todo.Del(ctx, store.TodoKey{ID: r.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Todo.DelAll(ctx, store.TodoCols.Name.Eq("x")); err != nil {
		t.Fatal(err)
	}
	if want := []string{"add", "put", "update", "updateAll", "add", "del", "delAll"}; !slices.Equal(seen, want) || only != 2 {
		t.Fatalf("ops seen %v (want %v), del hooks %d", seen, want, only)
	}
}

// TestRowHookReads: OnRead fills every row returned, Filter hides rows from
// Get, List, Select (paging goes on past them) and refuses counts; a row
// just written is its writer's and is not filtered.
func TestRowHookReads(t *testing.T) {
	ctx := context.Background()
	st, h := memoryStore(t)
	h.Todo.OnRead(func(ctx context.Context, r *store.Todo) error {
		r.Descr = strings.ToUpper(r.Name)
		return nil
	})
	h.Todo.Filter(func(ctx context.Context, r *store.Todo) (bool, error) {
		return !strings.HasPrefix(r.Name, "secret"), nil
	})
	var keys []store.TodoKey
	for _, name := range []string{"a", "secret1", "b", "secret2", "c"} {
		r := &store.Todo{ID: "id-" + name, Name: name}
		if err := st.Todo.Add(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.Descr != strings.ToUpper(name) {
			t.Fatalf("add did not run OnRead: %+v", r)
		}
		keys = append(keys, store.TodoKeyOf(r))
	}
	if _, err := st.Todo.Get(ctx, store.TodoKey{ID: "id-secret1"}); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("get of a hidden row: %v", err)
	}
	if r, err := st.Todo.Get(ctx, store.TodoKey{ID: "id-b"}); err != nil || r.Descr != "B" {
		t.Fatalf("get: %+v %v", r, err)
	}
	rows, err := st.Todo.List(ctx, keys)
	if err != nil || len(rows) != 3 || rows[0].Descr != "A" || rows[2].Name != "c" {
		t.Fatalf("list: %+v %v", rows, err)
	}
	var names []string
	q := db.Query{Count: 2, Sort: "id"}
	for {
		page, err := st.Todo.Select(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			names = append(names, r.Name)
		}
		if page.Next == "" {
			break
		}
		q.Token = page.Next
	}
	if !slices.Equal(names, []string{"a", "b", "c"}) {
		t.Fatalf("select pages: %v", names)
	}
	if _, err := st.Todo.Select(ctx, db.Query{Total: true}); !errors.Is(err, db.ErrUnsupported) {
		t.Fatalf("count of a filtered table: %v", err)
	}
	r := &store.Todo{ID: "id-secret3", Name: "secret3"}
	if err := st.Todo.Put(ctx, r); err != nil || r.Descr != "SECRET3" {
		t.Fatalf("the writer's own row: %+v %v", r, err)
	}
	if keep, err := st.Todo.Read(ctx, r); keep || err != nil {
		t.Fatalf("Read of a hidden row: %v %v", keep, err)
	}
}

// TestNamedPoolRouting: a table routed to a named pool keeps its rows
// there, and the hooks registered on the default pool still run for it.
func TestNamedPoolRouting(t *testing.T) {
	ctx := context.Background()
	pools, err := db.Open(ctx, db.Config{Pool: "memory", Named: map[string]db.NamedPool{"other": {Driver: "memory"}}, Tables: map[string]string{"todo": "other"}})
	if err != nil {
		t.Fatal(err)
	}
	defer pools.Close()
	if err := pools.Check(store.Infos()); err != nil {
		t.Fatal(err)
	}
	hooked := 0
	store.HooksOn(pools.Default).Todo.OnWrite(func(ctx context.Context, w *store.TodoWrite) error { hooked++; return nil })
	st := store.New(pools.Default)
	if err := st.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	r := &store.Todo{Name: "routed"}
	if err := st.Todo.Add(ctx, r); err != nil || hooked != 1 {
		t.Fatalf("add: %v, hooks run %d", err, hooked)
	}
	if st.Todo.Pool() != pools.Get("other") {
		t.Fatal("the todo store is not on the other pool")
	}
	if _, err := store.NewTodoStore(pools.Get("other")).Get(ctx, store.TodoKeyOf(r)); err != nil {
		t.Fatalf("the row is not in the other pool: %v", err)
	}
	if st.Note.Pool() != pools.Default {
		t.Fatal("note left the default pool")
	}
	bad, _ := db.Open(ctx, db.Config{Pool: "memory", Tables: map[string]string{"todo": "nowhere"}})
	if err := bad.Check(store.Infos()); err == nil || !strings.Contains(err.Error(), `table todo is kept in pool "nowhere"`) {
		t.Fatalf("check: %v", err)
	}
}

// TestAfterWrite: the hooks after a write see it as made (generated
// columns, rows changed), run only when it succeeded, and their error is
// the caller's; a refused write runs none.
func TestAfterWrite(t *testing.T) {
	ctx := context.Background()
	st, h := memoryStore(t)
	var seen []string
	h.Todo.AfterWrite(func(ctx context.Context, w *store.TodoWrite) error {
		id := ""
		if w.Row != nil {
			id = w.Row.ID
		}
		seen = append(seen, strings.Join(strings.Fields(w.Op.String()+" "+id+" "+string(rune('0'+w.Affected))), " "))
		if w.Row != nil && w.Row.Name == "after-fails" {
			return errors.New("after failed")
		}
		return nil
	})
	h.Todo.OnWrite(func(ctx context.Context, w *store.TodoWrite) error {
		if w.Row != nil && w.Row.Name == "refuse" {
			return db.Refuse("no")
		}
		return nil
	}, db.OpAdd)
	r := &store.Todo{Name: "a"}
	if err := st.Todo.Add(ctx, r); err != nil || r.ID == "" {
		t.Fatal(err)
	}
	if err := st.Todo.Add(ctx, &store.Todo{Name: "refuse"}); !errors.Is(err, db.ErrRefused) {
		t.Fatalf("refused add: %v", err)
	}
	if err := st.Todo.Add(ctx, &store.Todo{ID: r.ID, Name: "dup"}); !errors.Is(err, db.ErrExists) {
		t.Fatalf("duplicate add: %v", err)
	}
	if n, err := st.Todo.Update(ctx, store.TodoKey{ID: r.ID}, store.TodoChanges{Name: db.Some("b")}); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := st.Todo.Update(ctx, store.TodoKey{ID: "missing"}, store.TodoChanges{Name: db.Some("b")}); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	if err := st.Todo.Put(ctx, &store.Todo{Name: "after-fails"}); err == nil || err.Error() != "after failed" {
		t.Fatalf("after hook's error: %v", err)
	}
	if n, err := st.Todo.DelAll(ctx, store.TodoCols.Name.Eq("after-fails")); n != 1 || err != nil {
		t.Fatalf("the write before a failing after hook is made: %v %v", n, err)
	}
	if err := st.Todo.Del(ctx, store.TodoKey{ID: r.ID}); err != nil {
		t.Fatal(err)
	}
	want := []string{"add " + r.ID + " 1", "update 1", "update 0", "put", "delAll 1", "del 1"}
	if len(seen) != len(want) || seen[0] != want[0] || seen[1] != want[1] || seen[2] != want[2] || !strings.HasPrefix(seen[3], "put ") || seen[4] != want[4] || seen[5] != want[5] {
		t.Fatalf("after hooks saw %q, want %q", seen, want)
	}
}
