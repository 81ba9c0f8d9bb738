package conformance

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/drivers"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
	"github.com/bkgen/bkgen/runtime/web"
)

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// cases is the conformance suite: every case runs on every backend.
var cases = []tcase{
	// --- Add, Get, Put
	{"add/fills uuid and now, get returns the row", func(t *testing.T, e *env) {
		before := time.Now().UnixMilli()
		r := &store.Todo{Name: "milk", Descr: "2 litres", Due: ptr(base)}
		ok(t, e.st.Todo.Add(e.ctx, r))
		if !hex32.MatchString(r.ID) {
			t.Fatalf("id %q is not 32 hex characters", r.ID)
		}
		if r.Mtime < before || r.Mtime > time.Now().UnixMilli() {
			t.Fatalf("mtime %d not set to now", r.Mtime)
		}
		got, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: r.ID})
		ok(t, err)
		eq(t, got.Name, "milk", "name")
		eq(t, got.Descr, "2 litres", "descr")
		eq(t, got.Mtime, r.Mtime, "mtime")
		if got.Due == nil || !got.Due.Equal(base.Truncate(time.Microsecond)) {
			t.Fatalf("due = %v, want %v", got.Due, base)
		}
	}},
	{"add/existing key is ErrExists and keeps the row", func(t *testing.T, e *env) {
		id := e.uid(t)
		ok(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "first"}))
		err := e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "second"})
		isErr(t, err, db.ErrExists)
		if s, _, _ := web.ErrorOf(err); s != 409 {
			t.Fatalf("status %d, want 409", s)
		}
		got, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		ok(t, err)
		eq(t, got.Name, "first", "name")
	}},
	{"add/composite key exists", func(t *testing.T, e *env) {
		a := e.uid(t)
		ok(t, e.st.Photo.Add(e.ctx, &store.Photo{AlbumID: a, ID: "1"}))
		ok(t, e.st.Photo.Add(e.ctx, &store.Photo{AlbumID: a, ID: "2"}))
		isErr(t, e.st.Photo.Add(e.ctx, &store.Photo{AlbumID: a, ID: "1"}), db.ErrExists)
	}},
	{"add/two adds without id make two rows", func(t *testing.T, e *env) {
		a, b := &store.Todo{Name: "a"}, &store.Todo{Name: "b"}
		ok(t, e.st.Todo.Add(e.ctx, a))
		ok(t, e.st.Todo.Add(e.ctx, b))
		if a.ID == b.ID {
			t.Fatal("two generated ids are equal")
		}
	}},
	{"add/concurrent adds of one key: exactly one wins", func(t *testing.T, e *env) {
		id := e.uid(t)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: fmt.Sprint(i)})
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else {
				isErr(t, err, db.ErrExists)
			}
		}
		eq(t, wins, 1, "successful adds")
	}},
	{"add/database-assigned id (plain ent schema)", func(t *testing.T, e *env) {
		a, b := &store.Note{Body: "one"}, &store.Note{Body: "two"}
		ok(t, e.st.Note.Add(e.ctx, a))
		ok(t, e.st.Note.Add(e.ctx, b))
		if a.ID <= 0 || b.ID <= 0 || a.ID == b.ID {
			t.Fatalf("ids %d, %d: want two distinct positive ids", a.ID, b.ID)
		}
		got, err := e.st.Note.Get(e.ctx, store.NoteKey{ID: b.ID})
		ok(t, err)
		eq(t, got.Body, "two", "body")
	}},
	{"add/explicit id on an auto-id table", func(t *testing.T, e *env) {
		n := &store.Note{ID: 1_000_000 + int(time.Now().UnixNano()%1000), Body: "x"}
		id := n.ID
		ok(t, e.st.Note.Add(e.ctx, n))
		eq(t, n.ID, id, "id")
		_, err := e.st.Note.Get(e.ctx, store.NoteKey{ID: id})
		ok(t, err)
	}},
	{"add/defaults fill zero values", func(t *testing.T, e *env) {
		p := &store.Photo{AlbumID: e.uid(t), ID: "d"}
		ok(t, e.st.Photo.Add(e.ctx, p))
		eq(t, p.Kind, "jpeg", "kind default")
		got, err := e.st.Photo.Get(e.ctx, store.PhotoKeyOf(p))
		ok(t, err)
		eq(t, got.Kind, "jpeg", "stored kind")
		n := &store.Note{Body: "b"}
		ok(t, e.st.Note.Add(e.ctx, n))
		if time.Since(n.CreatedAt) > time.Minute || n.CreatedAt.IsZero() {
			t.Fatalf("created_at default not applied: %v", n.CreatedAt)
		}
	}},
	{"get/missing row is ErrNotFound", func(t *testing.T, e *env) {
		_, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: e.uid(t)})
		isErr(t, err, db.ErrNotFound)
		if s, _, _ := web.ErrorOf(err); s != 404 {
			t.Fatalf("status %d, want 404", s)
		}
	}},
	{"get/missing key part is a validation error", func(t *testing.T, e *env) {
		_, err := e.st.Photo.Get(e.ctx, store.PhotoKey{AlbumID: "a"})
		invalid(t, err, "id")
		_, err = e.st.Photo.Get(e.ctx, store.PhotoKey{ID: "a"})
		invalid(t, err, "album_id")
	}},
	{"put/inserts a missing row", func(t *testing.T, e *env) {
		id := e.uid(t)
		ok(t, e.st.Todo.Put(e.ctx, &store.Todo{ID: id, Name: "new"}))
		got, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		ok(t, err)
		eq(t, got.Name, "new", "name")
	}},
	{"put/replaces the whole row", func(t *testing.T, e *env) {
		id := e.uid(t)
		ok(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "a", Descr: "old", Due: ptr(base), Done: true}))
		ok(t, e.st.Todo.Put(e.ctx, &store.Todo{ID: id, Name: "b"}))
		got, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		ok(t, err)
		eq(t, got.Name, "b", "name")
		eq(t, got.Descr, "", "descr")
		eq(t, got.Due, (*time.Time)(nil), "due")
		eq(t, got.Done, false, "done")
	}},
	{"put/with expected conditions writes only a new or matching row", func(t *testing.T, e *env) {
		a := e.uid(t)
		mine := store.PhotoCols.OwnerID.Eq("u1")
		// a new key: inserted whatever the conditions
		ok(t, e.st.Photo.Put(e.ctx, &store.Photo{AlbumID: a, ID: "p", OwnerID: "u1", Name: "first"}, mine))
		// the row is u1's: u1 replaces it, u2 cannot, and nothing of u2's is written
		ok(t, e.st.Photo.Put(e.ctx, &store.Photo{AlbumID: a, ID: "p", OwnerID: "u1", Name: "second"}, mine))
		err := e.st.Photo.Put(e.ctx, &store.Photo{AlbumID: a, ID: "p", OwnerID: "u2", Name: "stolen"}, store.PhotoCols.OwnerID.Eq("u2"))
		isErr(t, err, db.ErrCondition)
		got, err := e.st.Photo.Get(e.ctx, store.PhotoKey{AlbumID: a, ID: "p"})
		ok(t, err)
		eq(t, [2]string{got.OwnerID, got.Name}, [2]string{"u1", "second"}, "row")
	}},
	{"put/with a condition that fails writes nothing", func(t *testing.T, e *env) {
		// the condition is on a column that is not the owner
		id := e.uid(t)
		ok(t, e.st.Todo.Put(e.ctx, &store.Todo{ID: id, Name: "n"}, store.TodoCols.Name.Eq("n")))
		isErr(t, e.st.Todo.Put(e.ctx, &store.Todo{ID: id, Name: "m"}, store.TodoCols.Name.Eq("other")), db.ErrCondition)
	}},
	{"put/concurrent puts of one new key with owner conditions: one wins", func(t *testing.T, e *env) {
		for round := range 5 {
			a := e.uid(t)
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, owner := range []string{"u1", "u2"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = e.st.Photo.Put(e.ctx, &store.Photo{AlbumID: a, ID: "p", OwnerID: owner, Name: owner}, store.PhotoCols.OwnerID.Eq(owner))
				}()
			}
			close(start)
			wg.Wait()
			got, err := e.st.Photo.Get(e.ctx, store.PhotoKey{AlbumID: a, ID: "p"})
			ok(t, err)
			// one insert, then the other put meets the first one's row and is
			// refused: exactly one succeeds, and the row is its own
			won := -1
			for i, err := range errs {
				if err == nil {
					if won >= 0 {
						t.Fatalf("round %d: both puts of one new key succeeded (the row is %s's)", round, got.OwnerID)
					}
					won = i
				} else if !errors.Is(err, db.ErrCondition) {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if won < 0 || got.OwnerID != []string{"u1", "u2"}[won] {
				t.Fatalf("round %d: winner %d, row of %s: %v", round, won, got.OwnerID, errs)
			}
			eq(t, got.Name, got.OwnerID, "row")
		}
	}},
	{"put/without a uuid key generates one", func(t *testing.T, e *env) {
		r := &store.Todo{Name: "x"}
		ok(t, e.st.Todo.Put(e.ctx, r))
		if !hex32.MatchString(r.ID) {
			t.Fatalf("id %q", r.ID)
		}
	}},

	// --- types
	{"types/every column type round-trips", func(t *testing.T, e *env) {
		p := &store.Photo{
			AlbumID: e.uid(t), ID: "t", Name: "n", OwnerID: "o", Kind: "png", Width: 640, Height: 480,
			Rating: 4.25, Hidden: true, Tags: []string{"a", "b c"}, Exif: map[string]any{"iso": float64(100), "lens": "50mm"},
			Thumb: []byte{0, 1, 2, 255}, Caption: ptr("c"), Size: ptr(int64(1) << 40), Taken: ptr(base),
			Secret: "s", Moderation: "m",
		}
		ok(t, e.st.Photo.Add(e.ctx, p))
		got, err := e.st.Photo.Get(e.ctx, store.PhotoKeyOf(p))
		ok(t, err)
		want := *p
		want.Taken = ptr(base.UTC().Truncate(time.Microsecond))
		eq(t, *got, want, "row")
	}},
	{"types/nil and zero are different for nillable columns", func(t *testing.T, e *env) {
		a := e.uid(t)
		ok(t, e.st.Photo.Add(e.ctx, &store.Photo{AlbumID: a, ID: "nil"}))
		ok(t, e.st.Photo.Add(e.ctx, &store.Photo{AlbumID: a, ID: "zero", Caption: ptr(""), Size: ptr(int64(0)), Taken: ptr(time.Time{})}))
		n, err := e.st.Photo.Get(e.ctx, store.PhotoKey{AlbumID: a, ID: "nil"})
		ok(t, err)
		if n.Caption != nil || n.Size != nil || n.Taken != nil || n.Tags != nil || n.Exif != nil {
			t.Fatalf("nil columns read back as %+v", n)
		}
		z, err := e.st.Photo.Get(e.ctx, store.PhotoKey{AlbumID: a, ID: "zero"})
		ok(t, err)
		if z.Caption == nil || *z.Caption != "" || z.Size == nil || *z.Size != 0 || z.Taken == nil || !z.Taken.IsZero() {
			t.Fatalf("zero columns read back as %+v", z)
		}
	}},
	{"types/time is UTC with microseconds", func(t *testing.T, e *env) {
		p := &store.Photo{AlbumID: e.uid(t), ID: "t", Taken: ptr(base)}
		ok(t, e.st.Photo.Add(e.ctx, p))
		got, err := e.st.Photo.Get(e.ctx, store.PhotoKeyOf(p))
		ok(t, err)
		eq(t, got.Taken.Location(), time.UTC, "location")
		eq(t, got.Taken.Nanosecond(), 123456000, "nanoseconds")
	}},
	{"types/a long key is kept whole or refused, never cut", func(t *testing.T, e *env) {
		long := strings.Repeat("k", 300) + e.uid(t) // past MySQL's 255 characters of an indexed column
		err := e.st.Todo.Add(e.ctx, &store.Todo{ID: long, Name: "long"})
		if e.pool.Name == "mysql" {
			var ve *db.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("a key past the index length: %v, want a ValidationError", err)
			}
			_, err = e.st.Todo.Get(e.ctx, store.TodoKey{ID: long[:255]})
			isErr(t, err, db.ErrNotFound)
			return
		}
		ok(t, err)
		got, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: long})
		ok(t, err)
		eq(t, got.ID, long, "key")
	}},
	{"types/SQL metacharacters are data", func(t *testing.T, e *env) {
		evil := []string{`'; DROP TABLE todo; --`, `" OR 1=1 --`, `\' \\ %_*?[]`, `$1 ? :name`, "multi\nline\ttab", "ünïcødé ✓ 𝄞"}
		for _, s := range evil {
			r := &store.Todo{ID: s, Name: s, Descr: s}
			ok(t, e.st.Todo.Add(e.ctx, r))
			got, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: s})
			ok(t, err)
			eq(t, got.Name, s, "name")
			page, err := e.st.Todo.Select(e.ctx, db.Query{Where: []db.Cond{store.TodoCols.Descr.Eq(s)}})
			ok(t, err)
			eq(t, len(page.Rows), 1, "rows selected by "+s)
		}
		_, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: "x' OR '1'='1"})
		isErr(t, err, db.ErrNotFound)
	}},
	{"types/NUL bytes and invalid UTF-8 are refused, nothing written", func(t *testing.T, e *env) {
		id := e.uid(t)
		invalid(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "a\x00b"}), "name")
		invalid(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "a\xffb"}), "name")
		_, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		isErr(t, err, db.ErrNotFound)
		_, err = e.st.Todo.Get(e.ctx, store.TodoKey{ID: "k\x00"})
		invalid(t, err, "id")
		_, err = e.st.Todo.Select(e.ctx, db.Query{Where: []db.Cond{store.TodoCols.Name.Eq("\xfe")}})
		invalid(t, err, "name")
	}},

	// --- validation
	{"validate/value over max length, nothing written", func(t *testing.T, e *env) {
		id := e.uid(t)
		invalid(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: strings.Repeat("x", 129)}), "name")
		_, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		isErr(t, err, db.ErrNotFound)
		ok(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: strings.Repeat("x", 128)}))
	}},
	{"validate/NotEmpty", func(t *testing.T, e *env) {
		invalid(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: e.uid(t)}), "name")
	}},
	{"validate/enum value", func(t *testing.T, e *env) {
		invalid(t, e.st.Photo.Add(e.ctx, &store.Photo{AlbumID: e.uid(t), ID: "x", Kind: "bmp"}), "kind")
	}},
	{"validate/Min validator", func(t *testing.T, e *env) {
		invalid(t, e.st.Photo.Put(e.ctx, &store.Photo{AlbumID: e.uid(t), ID: "x", Width: -1}), "width")
	}},
	{"validate/missing key part on add", func(t *testing.T, e *env) {
		invalid(t, e.st.Photo.Add(e.ctx, &store.Photo{ID: "x"}), "album_id")
	}},

	// --- Update
	{"update/only the given columns, now bumped", func(t *testing.T, e *env) {
		id := e.uid(t)
		r := &store.Todo{ID: id, Name: "a", Descr: "keep"}
		ok(t, e.st.Todo.Add(e.ctx, r))
		time.Sleep(2 * time.Millisecond)
		n, err := e.st.Todo.Update(e.ctx, store.TodoKey{ID: id}, store.TodoChanges{Name: db.Some("b")})
		ok(t, err)
		eq(t, n, int64(1), "affected")
		got, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		ok(t, err)
		eq(t, got.Name, "b", "name")
		eq(t, got.Descr, "keep", "descr")
		if got.Mtime <= r.Mtime {
			t.Fatalf("mtime %d not bumped past %d", got.Mtime, r.Mtime)
		}
	}},
	{"update/missing row: 0 affected, nothing created", func(t *testing.T, e *env) {
		id := e.uid(t)
		n, err := e.st.Todo.Update(e.ctx, store.TodoKey{ID: id}, store.TodoChanges{Name: db.Some("x")})
		ok(t, err)
		eq(t, n, int64(0), "affected")
		_, err = e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		isErr(t, err, db.ErrNotFound)
	}},
	{"update/expected conditions that hold", func(t *testing.T, e *env) {
		id := e.uid(t)
		ok(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "a"}))
		n, err := e.st.Todo.Update(e.ctx, store.TodoKey{ID: id}, store.TodoChanges{Done: db.Some(true)}, store.TodoCols.Name.Eq("a"), store.TodoCols.Done.Eq(false))
		ok(t, err)
		eq(t, n, int64(1), "affected")
	}},
	{"update/expected condition that fails: 0 affected, unchanged", func(t *testing.T, e *env) {
		id := e.uid(t)
		ok(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "a"}))
		n, err := e.st.Todo.Update(e.ctx, store.TodoKey{ID: id}, store.TodoChanges{Name: db.Some("b")}, store.TodoCols.Name.Eq("zzz"))
		ok(t, err)
		eq(t, n, int64(0), "affected")
		got, _ := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		eq(t, got.Name, "a", "name")
	}},
	{"update/invalid value: error, row unchanged", func(t *testing.T, e *env) {
		id := e.uid(t)
		ok(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "a", Descr: "d"}))
		_, err := e.st.Todo.Update(e.ctx, store.TodoKey{ID: id}, store.TodoChanges{Descr: db.Some("new"), Name: db.Some(strings.Repeat("x", 200))})
		invalid(t, err, "name")
		got, _ := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		eq(t, got.Descr, "d", "descr")
	}},
	{"update/set a nillable column to NULL", func(t *testing.T, e *env) {
		p := &store.Photo{AlbumID: e.uid(t), ID: "n", Caption: ptr("c"), Size: ptr(int64(5))}
		ok(t, e.st.Photo.Add(e.ctx, p))
		_, err := e.st.Photo.Update(e.ctx, store.PhotoKeyOf(p), store.PhotoChanges{Caption: db.Some[*string](nil), Size: db.Some(ptr(int64(0)))})
		ok(t, err)
		got, _ := e.st.Photo.Get(e.ctx, store.PhotoKeyOf(p))
		eq(t, got.Caption, (*string)(nil), "caption")
		eq(t, *got.Size, int64(0), "size")
	}},
	{"update/zero values are written", func(t *testing.T, e *env) {
		p := &store.Photo{AlbumID: e.uid(t), ID: "z", Name: "n", Width: 5, Hidden: true}
		ok(t, e.st.Photo.Add(e.ctx, p))
		_, err := e.st.Photo.Update(e.ctx, store.PhotoKeyOf(p), store.PhotoChanges{Name: db.Some(""), Width: db.Some(0), Hidden: db.Some(false)})
		ok(t, err)
		got, _ := e.st.Photo.Get(e.ctx, store.PhotoKeyOf(p))
		eq(t, [3]any{got.Name, got.Width, got.Hidden}, [3]any{"", 0, false}, "name, width, hidden")
	}},
	{"update/UpdateDefault column refreshed", func(t *testing.T, e *env) {
		n := &store.Note{Body: "a"}
		ok(t, e.st.Note.Add(e.ctx, n))
		time.Sleep(2 * time.Millisecond)
		_, err := e.st.Note.Update(e.ctx, store.NoteKey{ID: n.ID}, store.NoteChanges{Body: db.Some("b")})
		ok(t, err)
		got, _ := e.st.Note.Get(e.ctx, store.NoteKey{ID: n.ID})
		if !got.UpdatedAt.After(n.UpdatedAt) {
			t.Fatalf("updated_at %v not after %v", got.UpdatedAt, n.UpdatedAt)
		}
		eq(t, got.CreatedAt.Equal(n.CreatedAt.UTC().Truncate(time.Microsecond)), true, "created_at kept")
	}},
	{"update/missing key part", func(t *testing.T, e *env) {
		_, err := e.st.Photo.Update(e.ctx, store.PhotoKey{AlbumID: "a"}, store.PhotoChanges{Name: db.Some("x")})
		invalid(t, err, "id")
	}},

	// --- Incr
	{"incr/creates a missing row", func(t *testing.T, e *env) {
		id := e.uid(t)
		r, err := e.st.Meter.Incr(e.ctx, store.MeterKey{ID: id}, store.MeterIncr{Likes: 2})
		ok(t, err)
		eq(t, [3]any{r.Likes, r.Views, r.Score}, [3]any{int64(2), int64(0), 0.0}, "counters")
		eq(t, r.Label, "new", "label default")
		got, err := e.st.Meter.Get(e.ctx, store.MeterKey{ID: id})
		ok(t, err)
		eq(t, got.Likes, int64(2), "stored likes")
	}},
	{"incr/adds and subtracts", func(t *testing.T, e *env) {
		k := store.MeterKey{ID: e.uid(t)}
		_, err := e.st.Meter.Incr(e.ctx, k, store.MeterIncr{Likes: 5, Views: 1, Score: 0.5})
		ok(t, err)
		r, err := e.st.Meter.Incr(e.ctx, k, store.MeterIncr{Likes: -2, Views: 10, Score: 0.25})
		ok(t, err)
		eq(t, [3]any{r.Likes, r.Views, r.Score}, [3]any{int64(3), int64(11), 0.75}, "counters")
	}},
	{"incr/with expected conditions changes only a matching row", func(t *testing.T, e *env) {
		k := store.ScoreKey{ID: e.uid(t)}
		// a missing row is made, with the owner the increment carries
		r, err := e.st.Score.Incr(e.ctx, k, store.ScoreIncr{Points: 1, OwnerID: "u1"}, store.ScoreCols.OwnerID.Eq("u1"))
		ok(t, err)
		eq(t, [2]any{r.OwnerID, r.Points}, [2]any{"u1", int64(1)}, "made")
		// u2 cannot add to u1's row, nor take it over
		_, err = e.st.Score.Incr(e.ctx, k, store.ScoreIncr{Points: 5, OwnerID: "u2"}, store.ScoreCols.OwnerID.Eq("u2"))
		isErr(t, err, db.ErrCondition)
		r, err = e.st.Score.Incr(e.ctx, k, store.ScoreIncr{Points: 1, OwnerID: "u1"}, store.ScoreCols.OwnerID.Eq("u1"))
		ok(t, err)
		eq(t, [2]any{r.OwnerID, r.Points}, [2]any{"u1", int64(2)}, "after")
		// an increment that would overflow is refused under conditions too
		_, err = e.st.Score.Incr(e.ctx, k, store.ScoreIncr{Points: math.MaxInt64, OwnerID: "u1"}, store.ScoreCols.OwnerID.Eq("u1"))
		isErr(t, err, db.ErrCondition)
		got, err := e.st.Score.Get(e.ctx, k)
		ok(t, err)
		eq(t, got.Points, int64(2), "stored")
		// a nillable owner: an increment without one makes a row of nobody
		b, err := e.st.Bookmark.Incr(e.ctx, store.BookmarkKey{ID: e.uid(t)}, store.BookmarkIncr{Hits: 1})
		ok(t, err)
		eq(t, b.OwnerID, (*string)(nil), "owner")
		_, err = e.st.Bookmark.Incr(e.ctx, store.BookmarkKey{ID: b.ID}, store.BookmarkIncr{Hits: 1, OwnerID: "u1"}, store.BookmarkCols.OwnerID.Eq("u1"))
		isErr(t, err, db.ErrCondition)
	}},
	{"incr/concurrent increments of one new key by two owners: one wins", func(t *testing.T, e *env) {
		for round := range 5 {
			k := store.ScoreKey{ID: e.uid(t)}
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, owner := range []string{"u1", "u2"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = e.st.Score.Incr(e.ctx, k, store.ScoreIncr{Points: 1, OwnerID: owner}, store.ScoreCols.OwnerID.Eq(owner))
				}()
			}
			close(start)
			wg.Wait()
			got, err := e.st.Score.Get(e.ctx, k)
			ok(t, err)
			won := -1
			for i, err := range errs {
				if err == nil {
					if won >= 0 {
						t.Fatalf("round %d: both increments succeeded (the row is %s's, %d points)", round, got.OwnerID, got.Points)
					}
					won = i
				} else if !errors.Is(err, db.ErrCondition) {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if won < 0 || got.OwnerID != []string{"u1", "u2"}[won] || got.Points != 1 {
				t.Fatalf("round %d: winner %d, row %+v: %v", round, won, got, errs)
			}
		}
	}},
	{"incr/keeps other columns and bumps now", func(t *testing.T, e *env) {
		id := e.uid(t)
		c := &store.Meter{ID: id, Label: "mine", Likes: 1}
		ok(t, e.st.Meter.Add(e.ctx, c))
		time.Sleep(2 * time.Millisecond)
		r, err := e.st.Meter.Incr(e.ctx, store.MeterKey{ID: id}, store.MeterIncr{Likes: 1})
		ok(t, err)
		eq(t, r.Label, "mine", "label")
		eq(t, r.Likes, int64(2), "likes")
		if r.Mtime <= c.Mtime {
			t.Fatal("mtime not bumped")
		}
	}},
	{"incr/concurrent increments are all counted", func(t *testing.T, e *env) {
		k := store.MeterKey{ID: e.uid(t)}
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.st.Meter.Incr(e.ctx, k, store.MeterIncr{Views: 1}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		got, err := e.st.Meter.Get(e.ctx, k)
		ok(t, err)
		eq(t, got.Views, int64(20), "views")
	}},
	{"incr/overflow is refused and writes nothing", func(t *testing.T, e *env) {
		k := store.MeterKey{ID: e.uid(t)}
		_, err := e.st.Meter.Incr(e.ctx, k, store.MeterIncr{Likes: math.MaxInt64 - 1})
		ok(t, err)
		_, err = e.st.Meter.Incr(e.ctx, k, store.MeterIncr{Likes: 2, Views: 1})
		isErr(t, err, db.ErrOverflow)
		r, err := e.st.Meter.Incr(e.ctx, k, store.MeterIncr{Likes: 1})
		ok(t, err)
		eq(t, [2]int64{r.Likes, r.Views}, [2]int64{math.MaxInt64, 0}, "counters")
		_, err = e.st.Meter.Incr(e.ctx, k, store.MeterIncr{Likes: math.MinInt64})
		ok(t, err) // -1
		_, err = e.st.Meter.Incr(e.ctx, k, store.MeterIncr{Likes: math.MinInt64})
		isErr(t, err, db.ErrOverflow)
	}},
	{"incr/missing key", func(t *testing.T, e *env) {
		_, err := e.st.Meter.Incr(e.ctx, store.MeterKey{}, store.MeterIncr{Likes: 1})
		invalid(t, err, "id")
	}},

	// --- Del
	{"del/deletes the row", func(t *testing.T, e *env) {
		id := e.uid(t)
		ok(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "a"}))
		ok(t, e.st.Todo.Del(e.ctx, store.TodoKey{ID: id}))
		_, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		isErr(t, err, db.ErrNotFound)
	}},
	{"del/missing row is not an error", func(t *testing.T, e *env) {
		ok(t, e.st.Todo.Del(e.ctx, store.TodoKey{ID: e.uid(t)}))
	}},
	{"del/composite key deletes one row only", func(t *testing.T, e *env) {
		a := seed(t, e, 3)
		ok(t, e.st.Photo.Del(e.ctx, store.PhotoKey{AlbumID: a, ID: "p001"}))
		eq(t, ids(t, e, a, db.Query{}), []string{"p000", "p002"}, "ids")
	}},

	// --- List
	{"list/in the order of the keys, missing skipped, duplicates once", func(t *testing.T, e *env) {
		var keys []store.TodoKey
		for i := 0; i < 4; i++ {
			id := e.uid(t)
			ok(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: fmt.Sprint(i)}))
			keys = append(keys, store.TodoKey{ID: id})
		}
		rows, err := e.st.Todo.List(e.ctx, []store.TodoKey{keys[2], {ID: "missing"}, keys[0], keys[3], keys[2]})
		ok(t, err)
		var names []string
		for _, r := range rows {
			names = append(names, r.Name)
		}
		eq(t, names, []string{"2", "0", "3"}, "names")
	}},
	{"list/composite keys", func(t *testing.T, e *env) {
		a := seed(t, e, 5)
		rows, err := e.st.Photo.List(e.ctx, []store.PhotoKey{{AlbumID: a, ID: "p004"}, {AlbumID: a, ID: "p001"}, {AlbumID: "other", ID: "p001"}})
		ok(t, err)
		eq(t, len(rows), 2, "rows")
		eq(t, rows[0].ID+rows[1].ID, "p004p001", "order")
	}},
	{"list/many keys across statement chunks", func(t *testing.T, e *env) {
		a := seed(t, e, 3)
		keys := make([]store.PhotoKey, 0, 450)
		for i := 0; i < 450; i++ {
			keys = append(keys, store.PhotoKey{AlbumID: a, ID: fmt.Sprintf("p%03d", i%5)})
		}
		rows, err := e.st.Photo.List(e.ctx, keys)
		ok(t, err)
		eq(t, len(rows), 3, "rows")
	}},
	{"list/empty and invalid keys", func(t *testing.T, e *env) {
		rows, err := e.st.Todo.List(e.ctx, nil)
		ok(t, err)
		eq(t, len(rows), 0, "rows")
		_, err = e.st.Photo.List(e.ctx, []store.PhotoKey{{AlbumID: "a"}})
		invalid(t, err, "id")
	}},

	// --- Select: conditions
	{"select/partial composite key lists the album in key order", func(t *testing.T, e *env) {
		a := seed(t, e, 4)
		eq(t, ids(t, e, a, db.Query{}), []string{"p000", "p001", "p002", "p003"}, "ids")
	}},
	{"select/eq 0 is a real condition", func(t *testing.T, e *env) {
		a := seed(t, e, 12)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Width.Eq(0)}}), expect(12, func(i int) bool { return i%5 == 0 }), "ids")
	}},
	{"select/eq empty string is a real condition", func(t *testing.T, e *env) {
		a := seed(t, e, 12)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.Eq("")}}), expect(12, func(i int) bool { return i%5 == 3 }), "ids")
	}},
	{"select/eq false is a real condition", func(t *testing.T, e *env) {
		a := seed(t, e, 6)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Hidden.Eq(false)}}), expect(6, func(i int) bool { return i%2 == 1 }), "ids")
	}},
	{"select/eq is case-sensitive", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.Eq("alpha")}}), expect(10, func(i int) bool { return i%5 == 1 }), "ids")
	}},
	{"select/ne includes NULL", func(t *testing.T, e *env) {
		a := seed(t, e, 9)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Caption.Ne("cap-1")}}), expect(9, func(i int) bool { return i != 1 }), "ids")
	}},
	{"select/gt ge lt le on integers", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		w := store.PhotoCols.Width
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{w.Gt(3)}}), expect(10, func(i int) bool { return i%5 > 3 }), "gt")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{w.Ge(3)}}), expect(10, func(i int) bool { return i%5 >= 3 }), "ge")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{w.Lt(1)}}), expect(10, func(i int) bool { return i%5 < 1 }), "lt")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{w.Le(1)}}), expect(10, func(i int) bool { return i%5 <= 1 }), "le")
	}},
	{"select/gt lt on floats", func(t *testing.T, e *env) {
		a := seed(t, e, 14)
		r := store.PhotoCols.Rating
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{r.Gt(2.0), r.Lt(3.0)}}), expect(14, func(i int) bool { v := float64(i%7) / 2; return v > 2 && v < 3 }), "ids")
	}},
	{"select/gt on strings compares bytes", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		// byte order: "" < "Alpha" < "alpha" < "beta" < "gamma…"
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.Gt("Alpha")}}), expect(10, func(i int) bool { return i%5 == 1 || i%5 == 2 || i%5 == 4 }), "ids")
	}},
	{"select/in strings and integers", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.ID.In("p001", "p007", "nope")}}), []string{"p001", "p007"}, "strings")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Width.In(0, 4)}}), expect(10, func(i int) bool { return i%5 == 0 || i%5 == 4 }), "ints")
	}},
	{"select/between integers and strings (inclusive)", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Width.Between(1, 2)}}), expect(10, func(i int) bool { return i%5 == 1 || i%5 == 2 }), "ints")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.ID.Between("p002", "p004")}}), []string{"p002", "p003", "p004"}, "strings")
	}},
	{"select/between times", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Taken.Between(base.Add(2*time.Hour), base.Add(4*time.Hour))}}), []string{"p002", "p003", "p004"}, "ids")
	}},
	{"select/begins_with is case-sensitive and literal", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.BeginsWith("al")}}), expect(10, func(i int) bool { return i%5 == 1 }), "al")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.BeginsWith("gamma%_*?[")}}), expect(10, func(i int) bool { return i%5 == 4 }), "metachars")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.BeginsWith("g%")}}), []string{}, "percent is literal")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.BeginsWith("[a")}}), []string{}, "bracket is literal")
	}},
	{"select/contains is case-sensitive and literal", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.Contains("lph")}}), expect(10, func(i int) bool { return i%5 <= 1 }), "lph")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.Contains("A")}}), expect(10, func(i int) bool { return i%5 == 0 }), "A")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Name.Contains("%_")}}), expect(10, func(i int) bool { return i%5 == 4 }), "%_")
	}},
	{"select/not_contains includes NULL", func(t *testing.T, e *env) {
		a := seed(t, e, 9)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Caption.NotContains("-1")}}), expect(9, func(i int) bool { return i != 1 }), "ids")
	}},
	{"select/null and not_null", func(t *testing.T, e *env) {
		a := seed(t, e, 9)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Caption.IsNull()}}), expect(9, func(i int) bool { return i%3 == 0 }), "null")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Caption.NotNull()}}), expect(9, func(i int) bool { return i%3 != 0 }), "not null")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Tags.NotNull()}}), expect(9, func(int) bool { return true }), "json not null")
	}},
	{"select/several conditions are ANDed", func(t *testing.T, e *env) {
		a := seed(t, e, 20)
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Hidden.Eq(true), store.PhotoCols.Width.Ge(2), store.PhotoCols.Size.NotNull()}}),
			expect(20, func(i int) bool { return i%2 == 0 && i%5 >= 2 && i%4 != 0 }), "ids")
	}},
	{"select/string values are parsed by column type", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		q := db.Query{Where: []db.Cond{{Col: "width", Op: db.OpEq, Values: []any{"2"}}, {Col: "hidden", Op: db.OpEq, Values: []any{"false"}}}}
		eq(t, ids(t, e, a, q), expect(10, func(i int) bool { return i%5 == 2 && i%2 == 1 }), "ids")
		q = db.Query{Where: []db.Cond{{Col: "taken", Op: db.OpLt, Values: []any{base.Add(90 * time.Minute).Format(time.RFC3339Nano)}}}}
		eq(t, ids(t, e, a, q), []string{"p001"}, "time parsed")
	}},
	{"select/wrong value types are validation errors", func(t *testing.T, e *env) {
		for _, c := range []db.Cond{
			{Col: "width", Op: db.OpEq, Values: []any{"abc"}},
			{Col: "width", Op: db.OpEq, Values: []any{true}},
			{Col: "hidden", Op: db.OpEq, Values: []any{"maybe"}},
			{Col: "taken", Op: db.OpGt, Values: []any{"yesterday"}},
			{Col: "rating", Op: db.OpEq, Values: []any{"NaN"}},
			{Col: "width", Op: db.OpEq, Values: []any{nil}},
		} {
			_, err := e.st.Photo.Select(e.ctx, db.Query{Where: []db.Cond{c}})
			invalid(t, err, c.Col)
		}
	}},
	{"select/operators that do not fit a column type", func(t *testing.T, e *env) {
		for _, c := range []db.Cond{
			store.PhotoCols.Width.Contains("1"),
			store.PhotoCols.Hidden.Gt(true),
			store.PhotoCols.Tags.Eq([]string{"a"}),
			{Col: "width", Op: db.OpBetween, Values: []any{1}},
			{Col: "width", Op: db.OpIn},
			{Col: "width", Op: db.Op("regexp"), Values: []any{1}},
		} {
			_, err := e.st.Photo.Select(e.ctx, db.Query{Where: []db.Cond{c}})
			invalid(t, err, "")
		}
	}},
	{"select/unknown columns", func(t *testing.T, e *env) {
		_, err := e.st.Photo.Select(e.ctx, db.Query{Where: []db.Cond{{Col: "nope", Values: []any{1}}}})
		invalid(t, err, "")
		_, err = e.st.Photo.Select(e.ctx, db.Query{Select: []string{"name", "nope"}})
		invalid(t, err, "")
		_, err = e.st.Photo.Select(e.ctx, db.Query{Sort: "name; DROP TABLE photo"})
		invalid(t, err, "")
	}},
	{"select/select columns reads those and the key", func(t *testing.T, e *env) {
		a := seed(t, e, 3)
		page, err := e.st.Photo.Select(e.ctx, db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq(a)}, Select: []string{"name"}})
		ok(t, err)
		r := page.Rows[1]
		eq(t, [4]any{r.AlbumID, r.ID, r.Name, r.Height}, [4]any{a, "p001", "alpha", 0}, "album_id, id, name, height")
		eq(t, r.Caption, (*string)(nil), "caption not read")
	}},

	// --- Select: order, pages, tokens
	{"select/desc by key", func(t *testing.T, e *env) {
		a := seed(t, e, 4)
		eq(t, ids(t, e, a, db.Query{Desc: true}), []string{"p003", "p002", "p001", "p000"}, "ids")
	}},
	{"select/sort by a column, ties in key order", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		if e.dynamo() { // DynamoDB sorts by key columns only
			_, err := e.st.Photo.Select(e.ctx, db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq(a)}, Sort: "width"})
			unsupported(t, err)
			return
		}
		// width is i%5
		eq(t, ids(t, e, a, db.Query{Sort: "width"}), []string{"p000", "p005", "p001", "p006", "p002", "p007", "p003", "p008", "p004", "p009"}, "asc")
		eq(t, ids(t, e, a, db.Query{Sort: "width", Desc: true}), []string{"p009", "p004", "p008", "p003", "p007", "p002", "p006", "p001", "p005", "p000"}, "desc")
	}},
	{"select/sort by a nullable column: NULL first ascending, last descending", func(t *testing.T, e *env) {
		a := seed(t, e, 8)
		if e.dynamo() {
			_, err := e.st.Photo.Select(e.ctx, db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq(a)}, Sort: "size"})
			unsupported(t, err)
			return
		}
		asc := ids(t, e, a, db.Query{Sort: "size"})
		eq(t, asc, []string{"p000", "p004", "p001", "p002", "p003", "p005", "p006", "p007"}, "asc")
		desc := ids(t, e, a, db.Query{Sort: "size", Desc: true})
		eq(t, desc, []string{"p007", "p006", "p005", "p003", "p002", "p001", "p004", "p000"}, "desc")
	}},
	{"select/pages have no duplicate and no gap", func(t *testing.T, e *env) {
		a := seed(t, e, 53)
		got := all(t, e, a, db.Query{Count: 10})
		eq(t, got, expect(53, func(int) bool { return true }), "ids")
	}},
	{"select/pages descending", func(t *testing.T, e *env) {
		a := seed(t, e, 23)
		got := all(t, e, a, db.Query{Count: 5, Desc: true})
		want := expect(23, func(int) bool { return true })
		sort.Sort(sort.Reverse(sort.StringSlice(want)))
		eq(t, got, want, "ids")
	}},
	{"select/pages sorted by a nullable non-key column, both ways", func(t *testing.T, e *env) {
		a := seed(t, e, 31)
		cols := []string{"size", "taken", "rating", "name"}
		if e.dynamo() { // only key columns sort on DynamoDB
			cols = []string{"id", "album_id"}
		}
		for _, desc := range []bool{false, true} {
			for _, col := range cols {
				whole := ids(t, e, a, db.Query{Sort: col, Desc: desc, Count: 100})
				paged := all(t, e, a, db.Query{Sort: col, Desc: desc, Count: 4})
				eq(t, paged, whole, fmt.Sprintf("%s desc=%v", col, desc))
			}
		}
	}},
	{"select/pages with conditions", func(t *testing.T, e *env) {
		a := seed(t, e, 40)
		got := all(t, e, a, db.Query{Count: 3, Where: []db.Cond{store.PhotoCols.Hidden.Eq(true)}})
		eq(t, got, expect(40, func(i int) bool { return i%2 == 0 }), "ids")
	}},
	{"select/rows added between pages are neither repeated nor skip others", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		q := db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq(a)}, Count: 4}
		p1, err := e.st.Photo.Select(e.ctx, q)
		ok(t, err)
		// a row before the cursor and one after it
		ok(t, e.st.Photo.Add(e.ctx, &store.Photo{AlbumID: a, ID: "p000a"}))
		ok(t, e.st.Photo.Add(e.ctx, &store.Photo{AlbumID: a, ID: "p008a"}))
		q.Token = p1.Next
		rest := all(t, e, a, db.Query{Count: 4, Token: p1.Next})
		eq(t, rest, []string{"p004", "p005", "p006", "p007", "p008", "p008a", "p009"}, "rest")
	}},
	{"select/exact last page has no token", func(t *testing.T, e *env) {
		a := seed(t, e, 6)
		page, err := e.st.Photo.Select(e.ctx, db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq(a)}, Count: 6})
		ok(t, err)
		eq(t, len(page.Rows), 6, "rows")
		eq(t, page.Next, "", "next")
	}},
	{"select/tampered, foreign and garbage tokens are rejected", func(t *testing.T, e *env) {
		a := seed(t, e, 6)
		q := db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq(a)}, Count: 2}
		page, err := e.st.Photo.Select(e.ctx, q)
		ok(t, err)
		raw, err := base64.RawURLEncoding.DecodeString(page.Next)
		ok(t, err)
		// the token is encrypted: the last row's key is not in it
		if strings.Contains(string(raw), "p001") || strings.Contains(string(raw), a) {
			t.Fatalf("the page token shows the values of the row: %q", raw)
		}
		forged := []byte(string(raw))
		forged[len(forged)/2] ^= 1
		bad := []string{
			base64.RawURLEncoding.EncodeToString(forged),
			page.Next[:len(page.Next)-2] + "AA",
			"garbage!", "eyJpZCI6IkIiLCJpZDIiOiIzIn0=", "MzI=", strings.Repeat("A", 5000),
		}
		for _, tok := range bad {
			q.Token = tok
			_, err := e.st.Photo.Select(e.ctx, q)
			isErr(t, err, db.ErrBadToken)
		}
		// the same token with another order, or on another table
		_, err = e.st.Photo.Select(e.ctx, db.Query{Where: q.Where, Token: page.Next, Desc: true})
		isErr(t, err, db.ErrBadToken)
		_, err = e.st.Photo.Select(e.ctx, db.Query{Where: q.Where, Token: page.Next, Sort: "id"})
		isErr(t, err, db.ErrBadToken)
		_, err = e.st.Todo.Select(e.ctx, db.Query{Token: page.Next})
		isErr(t, err, db.ErrBadToken)
	}},
	{"select/total counts matching rows", func(t *testing.T, e *env) {
		a := seed(t, e, 17)
		page, err := e.st.Photo.Select(e.ctx, db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq(a), store.PhotoCols.Hidden.Eq(true)}, Total: true})
		ok(t, err)
		eq(t, page.Total, int64(9), "total")
		eq(t, len(page.Rows), 0, "rows")
	}},
	{"select/count default, bounds", func(t *testing.T, e *env) {
		a := seed(t, e, 60)
		page, err := e.st.Photo.Select(e.ctx, db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq(a)}})
		ok(t, err)
		eq(t, len(page.Rows), db.DefaultCount, "default page size")
		for _, n := range []int{-1, db.MaxCount + 1, 1 << 30} {
			_, err := e.st.Photo.Select(e.ctx, db.Query{Count: n})
			invalid(t, err, "")
		}
	}},
	{"select/no condition pages the whole table", func(t *testing.T, e *env) {
		total, err := e.st.Todo.Select(e.ctx, db.Query{Total: true})
		ok(t, err)
		seen := map[string]bool{}
		q := db.Query{Count: 7}
		for {
			page, err := e.st.Todo.Select(e.ctx, q)
			ok(t, err)
			for _, r := range page.Rows {
				if seen[r.ID] {
					t.Fatalf("duplicate %q", r.ID)
				}
				seen[r.ID] = true
			}
			if page.Next == "" {
				break
			}
			q.Token = page.Next
		}
		eq(t, int64(len(seen)), total.Total, "rows seen")
	}},

	// --- DelAll, UpdateAll
	{"delAll/deletes the matching rows only", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		n, err := e.st.Photo.DelAll(e.ctx, store.PhotoCols.AlbumID.Eq(a), store.PhotoCols.Width.Eq(0))
		ok(t, err)
		eq(t, n, int64(2), "deleted")
		eq(t, ids(t, e, a, db.Query{}), expect(10, func(i int) bool { return i%5 != 0 }), "left")
	}},
	{"delAll/concurrent deletes of one row count it once", func(t *testing.T, e *env) {
		// what the modules count by: a connection or a message deleted by
		// several requests at once is counted out once
		for round := range 4 {
			a := seed(t, e, 3)
			var wg sync.WaitGroup
			counts := make([]int64, 8)
			for i := range counts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, err := e.st.Photo.DelAll(e.ctx, store.PhotoCols.AlbumID.Eq(a), store.PhotoCols.ID.Eq("p001"))
					if err != nil {
						t.Error(err)
					}
					counts[i] = n
				}()
			}
			wg.Wait()
			var total int64
			for _, n := range counts {
				total += n
			}
			eq(t, total, int64(1), fmt.Sprintf("round %d: rows counted by concurrent deletes %v", round, counts))
		}
	}},
	{"delAll/a condition that no longer holds leaves the row", func(t *testing.T, e *env) {
		a := seed(t, e, 3)
		n, err := e.st.Photo.DelAll(e.ctx, store.PhotoCols.AlbumID.Eq(a), store.PhotoCols.ID.Eq("p001"), store.PhotoCols.Width.Eq(12345))
		ok(t, err)
		eq(t, n, int64(0), "deleted")
		eq(t, len(ids(t, e, a, db.Query{})), 3, "left")
	}},
	{"delAll/needs a condition", func(t *testing.T, e *env) {
		_, err := e.st.Photo.DelAll(e.ctx)
		invalid(t, err, "")
		_, err = e.st.Photo.DelAll(e.ctx, db.Cond{Col: "nope", Values: []any{1}})
		invalid(t, err, "")
	}},
	{"updateAll/sets columns on the matching rows", func(t *testing.T, e *env) {
		a := seed(t, e, 10)
		n, err := e.st.Photo.UpdateAll(e.ctx, store.PhotoChanges{Moderation: db.Some("ok")}, store.PhotoCols.AlbumID.Eq(a), store.PhotoCols.Hidden.Eq(true))
		ok(t, err)
		eq(t, n, int64(5), "updated")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Moderation.Eq("ok")}}), expect(10, func(i int) bool { return i%2 == 0 }), "ids")
	}},
	{"updateAll/needs a condition and valid values", func(t *testing.T, e *env) {
		_, err := e.st.Photo.UpdateAll(e.ctx, store.PhotoChanges{Name: db.Some("x")})
		invalid(t, err, "")
		a := seed(t, e, 2)
		_, err = e.st.Photo.UpdateAll(e.ctx, store.PhotoChanges{Kind: db.Some("tiff")}, store.PhotoCols.AlbumID.Eq(a))
		invalid(t, err, "kind")
		eq(t, ids(t, e, a, db.Query{Where: []db.Cond{store.PhotoCols.Kind.Eq("jpeg")}}), []string{"p000", "p001"}, "unchanged")
	}},

	// --- schema management
	{"tables/CreateTables twice changes nothing", func(t *testing.T, e *env) {
		id := e.uid(t)
		ok(t, e.st.Todo.Add(e.ctx, &store.Todo{ID: id, Name: "kept"}))
		ok(t, e.st.CreateTables(e.ctx))
		got, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: id})
		ok(t, err)
		eq(t, got.Name, "kept", "name")
	}},
	{"tables/upgrade adds missing columns and keeps every row", func(t *testing.T, e *env) {
		if e.dynamo() {
			upgradeDynamo(t, e)
			return
		}
		if e.pool.Name == "memory" {
			upgradeMemory(t, e)
			return
		}
		name := "legacy_" + strings.ToLower(strings.NewReplacer("-", "_", ".", "_").Replace(e.uid(t)))
		name = name[:min(len(name), 50)]
		ph := func(n int) string {
			if e.pool.Name == "pgsql" {
				return fmt.Sprintf("$%d", n)
			}
			return "?"
		}
		keyType := "text"
		if e.pool.Name == "mysql" { // a key of MySQL has a bounded length
			keyType = "varchar(255)"
		}
		_, err := sqldb.Exec(e.ctx, e.pool, `CREATE TABLE "`+name+`" ("id" `+keyType+` NOT NULL, "name" text, PRIMARY KEY ("id"))`)
		ok(t, err)
		for i := 0; i < 5; i++ {
			_, err := sqldb.Exec(e.ctx, e.pool, `INSERT INTO "`+name+`" ("id", "name") VALUES (`+ph(1)+`, `+ph(2)+`)`, fmt.Sprint("k", i), fmt.Sprint("n", i))
			ok(t, err)
		}
		def := *store.TodoTable // the todo description under another name
		def.Name = name
		s := db.NewStore(e.pool, &def, drivers.For[store.Todo]()...)
		ok(t, s.CreateTable(e.ctx))
		ok(t, s.CreateTable(e.ctx))
		for i := 0; i < 5; i++ {
			r, err := s.Get(e.ctx, []any{fmt.Sprint("k", i)})
			ok(t, err)
			eq(t, [4]any{r.Name, r.Descr, r.Done, r.Due}, [4]any{fmt.Sprint("n", i), "", false, (*time.Time)(nil)}, "row")
		}
		page, err := s.Select(e.ctx, &db.Query{Where: []db.Cond{store.TodoCols.Done.Eq(false), store.TodoCols.Mtime.Eq(0)}, Total: true})
		ok(t, err)
		eq(t, page.Total, int64(5), "old rows compare as they read")
	}},

	// --- DynamoDB limits, asserted on every backend
	{"limits/in takes up to 100 values on DynamoDB, 1000 elsewhere", func(t *testing.T, e *env) {
		vals := make([]string, 101)
		for i := range vals {
			vals[i] = fmt.Sprint(i)
		}
		_, err := e.st.Todo.Select(e.ctx, db.Query{Where: []db.Cond{store.TodoCols.ID.In(vals...)}})
		if e.dynamo() {
			unsupported(t, err)
		} else {
			ok(t, err)
		}
	}},
	{"limits/scan order: sort needs a key condition on DynamoDB", func(t *testing.T, e *env) {
		_, err := e.st.Todo.Select(e.ctx, db.Query{Sort: "name", Count: 5})
		if e.dynamo() {
			unsupported(t, err)
		} else {
			ok(t, err)
		}
	}},

	{"limits/a row over 400 KB is refused on DynamoDB, nothing written", func(t *testing.T, e *env) {
		p := &store.Photo{AlbumID: e.uid(t), ID: "big", Exif: map[string]any{"blob": strings.Repeat("x", 420_000)}}
		err := e.st.Photo.Add(e.ctx, p)
		if !e.dynamo() {
			ok(t, err)
			return
		}
		invalid(t, err, "")
		_, err = e.st.Photo.Get(e.ctx, store.PhotoKeyOf(p))
		isErr(t, err, db.ErrNotFound)
	}},

	// --- context
	{"context/cancelled context is returned as such", func(t *testing.T, e *env) {
		ctx, cancel := context.WithCancel(e.ctx)
		cancel()
		_, err := e.st.Todo.Get(ctx, store.TodoKey{ID: "x"})
		isErr(t, err, context.Canceled)
	}},
}
