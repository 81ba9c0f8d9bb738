package conformance

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/drivers"
	"github.com/bkgen/bkgen/runtime/web"
)

type tcase struct {
	name string
	run  func(t *testing.T, e *env)
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func isErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

// invalid asserts a ValidationError that names the column (when given).
func invalid(t *testing.T, err error, column string) {
	t.Helper()
	var v *db.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error = %v (%T), want a *db.ValidationError", err, err)
	}
	if column != "" && v.Column != column {
		t.Fatalf("validation error names column %q, want %q: %v", v.Column, column, err)
	}
	if status, _, _ := web.ErrorOf(err); status != 400 { // what the API answers
		t.Fatalf("status %d, want 400", status)
	}
}

// unsupported asserts db.ErrUnsupported with a reason (a 400).
func unsupported(t *testing.T, err error) {
	t.Helper()
	isErr(t, err, db.ErrUnsupported)
	if s, _, _ := web.ErrorOf(err); s != 400 || err.Error() == db.ErrUnsupported.Message {
		t.Fatalf("unsupported error without a reason or with status %d: %v", s, err)
	}
}

func eq[T any](t *testing.T, got, want T, what string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %#v, want %#v", what, got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// base is a fixed instant with sub-microsecond digits, in a non-UTC zone, to
// check canonicalisation.
var base = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3*3600))

// seed adds n photos to a new album with values that vary by position, and
// returns the album id. Every 3rd caption, 4th size and 5th taken are NULL.
func seed(t *testing.T, e *env, n int) string {
	t.Helper()
	album := e.uid(t)
	for i := 0; i < n; i++ {
		p := &store.Photo{
			AlbumID: album,
			ID:      fmt.Sprintf("p%03d", i),
			Name:    []string{"Alpha", "alpha", "beta", "", "gamma%_*?[x"}[i%5],
			Width:   i % 5,
			Height:  100 - i,
			Rating:  float64(i%7) / 2,
			Hidden:  i%2 == 0,
			Tags:    []string{fmt.Sprint("t", i%3)},
		}
		if i%3 != 0 {
			p.Caption = ptr(fmt.Sprintf("cap-%d", i))
		}
		if i%4 != 0 {
			p.Size = ptr(int64(i * 10))
		}
		if i%5 != 0 {
			p.Taken = ptr(base.Add(time.Duration(i) * time.Hour))
		}
		ok(t, e.st.Photo.Add(e.ctx, p))
	}
	return album
}

// ids selects with q (scoped to album) and returns the photo ids in order.
func ids(t *testing.T, e *env, album string, q db.Query) []string {
	t.Helper()
	q.Where = append([]db.Cond{store.PhotoCols.AlbumID.Eq(album)}, q.Where...)
	page, err := e.st.Photo.Select(e.ctx, q)
	ok(t, err)
	out := []string{}
	for _, r := range page.Rows {
		out = append(out, r.ID)
	}
	return out
}

// expect returns the ids of the seeded photos i in [0,n) for which keep is true.
func expect(n int, keep func(i int) bool) []string {
	out := []string{}
	for i := 0; i < n; i++ {
		if keep(i) {
			out = append(out, fmt.Sprintf("p%03d", i))
		}
	}
	return out
}

// all pages through q and returns every id, checking the page sizes.
func all(t *testing.T, e *env, album string, q db.Query) []string {
	t.Helper()
	q.Where = append([]db.Cond{store.PhotoCols.AlbumID.Eq(album)}, q.Where...)
	var out []string
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		page, err := e.st.Photo.Select(e.ctx, q)
		ok(t, err)
		if page.Next != "" && len(page.Rows) != q.Count {
			t.Fatalf("a page with a next token has %d rows, want %d", len(page.Rows), q.Count)
		}
		for _, r := range page.Rows {
			out = append(out, r.ID)
		}
		if page.Next == "" {
			return out
		}
		q.Token = page.Next
	}
}

// upgradeMemory: rows a memory table holds under an older schema (todo with
// only id and name) read under the new one with the new columns' defaults,
// and conditions on them match those defaults, as after a SQL upgrade.
func upgradeMemory(t *testing.T, e *env) {
	name := "legacy_" + strings.NewReplacer("-", "_", ".", "_", "/", "_").Replace(e.uid(t))
	legacy := *store.TodoTable
	legacy.Name = name
	legacy.Columns = legacy.Columns[:2] // id, name: a prefix keeps Arg and Dest positions
	legacy.Indexes = nil
	old := db.NewStore(e.pool, &legacy, drivers.For[store.Todo]()...)
	for i := 0; i < 5; i++ {
		ok(t, old.Add(e.ctx, &store.Todo{ID: fmt.Sprint("k", i), Name: fmt.Sprint("n", i)}))
	}
	def := *store.TodoTable
	def.Name = name
	s := db.NewStore(e.pool, &def, drivers.For[store.Todo]()...)
	ok(t, s.CreateTable(e.ctx))
	for i := 0; i < 5; i++ {
		r, err := s.Get(e.ctx, []any{fmt.Sprint("k", i)})
		ok(t, err)
		eq(t, [4]any{r.Name, r.Descr, r.Done, r.Due}, [4]any{fmt.Sprint("n", i), "", false, (*time.Time)(nil)}, "row")
	}
	page, err := s.Select(e.ctx, &db.Query{Where: []db.Cond{store.TodoCols.Done.Eq(false), store.TodoCols.Mtime.Eq(0)}, Total: true})
	ok(t, err)
	eq(t, page.Total, int64(5), "old rows compare as they read")
}
