package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/bkgen/bkgen/generated/client"
)

// goClient is the generated Go client of s, signed for login.
func goClient(t *testing.T, s *server, opts ...client.Option) *client.Client {
	t.Helper()
	c, err := client.New(s.base, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// statusOf is the status of a client error, 0 for any other.
func statusOf(err error) int {
	var e *client.Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// TestGoClient runs every operation of the generated Go client against the
// server: a composite key table with every column kind, a counter table,
// paging through 1000 rows, signatures (JSON bodies), sessions and access
// tokens, and the server's errors as *client.Error.
func TestGoClient(t *testing.T) {
	for _, backend := range []string{"sqlite", "pgsql", "dynamodb"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			admin := start(t, append(backendArgs(t)[backend], "-api-access-token-secret", "client-test-token-secret")...)
			addAccount(t, admin, "cal")
			addAccount(t, admin, "eve")
			cal := goClient(t, admin, client.Signed("cal", "cal-secret"))
			eve := goClient(t, admin, client.Signed("eve", "eve-secret"))

			album := uniq(t, "album")
			taken := time.Date(2026, 12, 4, 10, 30, 0, 123000000, time.UTC)
			caption, size := "at the lake", int64(2048)
			p := &client.Photo{AlbumID: album, ID: "p1", Name: "lake", Kind: "png", Width: 640, Rating: 4.5, Hidden: true,
				Tags: []string{"a", "b"}, Exif: map[string]any{"iso": 100.0}, Thumb: []byte{0, 1, 2, 255},
				Caption: &caption, Size: &size, Taken: &taken}
			got, err := cal.Photo.Add(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if got.OwnerID == "" || got.Mtime == 0 {
				t.Fatalf("add: owner %q, mtime %d: the server's columns are not in the reply", got.OwnerID, got.Mtime)
			}
			k := client.PhotoKey{AlbumID: album, ID: "p1"}
			read, err := cal.Photo.Get(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			if read.Name != "lake" || read.Kind != "png" || read.Width != 640 || read.Rating != 4.5 || !read.Hidden ||
				!slices.Equal(read.Tags, p.Tags) || read.Exif["iso"] != 100.0 || string(read.Thumb) != string(p.Thumb) ||
				read.Caption == nil || *read.Caption != caption || read.Size == nil || *read.Size != size ||
				read.Taken == nil || !read.Taken.Equal(taken) {
				t.Fatalf("get: %+v, want what was added: %+v", read, p)
			}
			if _, err := cal.Photo.Add(ctx, p); !errors.Is(err, client.ErrExists) || statusOf(err) != 409 {
				t.Fatalf("add again: %v, want 409 AlreadyExists", err)
			}
			// eve sees the row without dan's private caption, and may not change it
			if r, err := eve.Photo.Get(ctx, k); err != nil || r.Caption != nil || r.Name != "lake" {
				t.Fatalf("eve's get: %+v %v, want the name and no caption", r, err)
			}
			if n, err := eve.Photo.Update(ctx, k, client.PhotoChanges{Name: client.Some("eve's")}); err == nil && n > 0 {
				t.Fatalf("eve updated cal's photo")
			}
			// update: one column set, a nullable one cleared
			n, err := cal.Photo.Update(ctx, k, client.PhotoChanges{Name: client.Some("lake at dawn"), Caption: client.Some[*string](nil)})
			if err != nil || n != 1 {
				t.Fatalf("update: %d %v", n, err)
			}
			if r, _ := cal.Photo.Get(ctx, k); r.Name != "lake at dawn" || r.Caption != nil || r.Width != 640 {
				t.Fatalf("after update: %+v", r)
			}
			// put replaces the whole row
			if _, err := cal.Photo.Put(ctx, &client.Photo{AlbumID: album, ID: "p1", Name: "replaced"}); err != nil {
				t.Fatal(err)
			}
			if r, _ := cal.Photo.Get(ctx, k); r.Name != "replaced" || r.Width != 0 || r.Tags != nil {
				t.Fatalf("after put: %+v", r)
			}
			for i := 2; i <= 5; i++ {
				if _, err := cal.Photo.Add(ctx, &client.Photo{AlbumID: album, ID: fmt.Sprint("p", i), Name: fmt.Sprint("n", i), Width: i * 100}); err != nil {
					t.Fatal(err)
				}
			}
			var ids []string
			q := client.Query{Where: []client.Cond{client.PhotoCols.AlbumID.Eq(album), client.PhotoCols.Width.Ge(300)}, Count: 2}
			for r, err := range cal.Photo.Select(ctx, q) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, []string{"p3", "p4", "p5"}) {
				t.Fatalf("select width >= 300 in pages of 2: %v", ids)
			}
			if n, err := cal.Photo.Count(ctx, client.Query{Where: []client.Cond{client.PhotoCols.AlbumID.Eq(album)}}); err != nil || n != 5 {
				t.Fatalf("count: %d %v", n, err)
			}
			if err := cal.Photo.Del(ctx, k); err != nil {
				t.Fatal(err)
			}
			if _, err := cal.Photo.Get(ctx, k); !errors.Is(err, client.ErrNotFound) || statusOf(err) != 404 {
				t.Fatalf("get after del: %v, want 404 NotFound", err)
			}
			// a value the server refuses: its 400, in its words
			if _, err := cal.Photo.Add(ctx, &client.Photo{AlbumID: album, ID: "bad", Name: "x", Kind: "tiff"}); !errors.Is(err, client.ErrInvalid) || statusOf(err) != 400 {
				t.Fatalf("add with a bad enum: %v, want 400 InvalidValue", err)
			}

			// a subscription sees the client's writes: the writer repeats its
			// write until the first event arrives (the subscription is live
			// from then on), so nothing depends on how soon it is registered
			subCtx, stop := context.WithCancel(ctx)
			events := make(chan *client.PhotoEvent, 64)
			go func() {
				defer close(events)
				for ev, err := range cal.Photo.Changed(subCtx, client.PhotoKey{AlbumID: album}) {
					if err != nil {
						if subCtx.Err() == nil {
							t.Errorf("subscription: %v", err)
						}
						return
					}
					events <- ev
				}
			}()
			var first *client.PhotoEvent
			for i := 0; first == nil; i++ {
				if i == 100 {
					t.Fatal("no event after 100 writes")
				}
				if _, err := cal.Photo.Put(ctx, &client.Photo{AlbumID: album, ID: "live", Name: fmt.Sprint("w", i)}); err != nil {
					t.Fatal(err)
				}
				select {
				case first = <-events:
				case <-time.After(time.Second):
				}
			}
			if first.Op != "put" || first.Row.AlbumID != album || first.Row.ID != "live" || first.Row.Name == "" {
				t.Fatalf("first event: %+v", first)
			}
			if _, err := cal.Photo.Update(ctx, client.PhotoKey{AlbumID: album, ID: "live"}, client.PhotoChanges{Name: client.Some("last")}); err != nil {
				t.Fatal(err)
			}
			updated := false
			for ev := range events {
				if updated = ev.Op == "update" && ev.Row.Name == "last"; updated {
					break
				}
			}
			if !updated {
				t.Fatal("the subscription ended before the update's event")
			}
			stop()
			for range events { // the iterator ends with the context
			}

			// counters
			mk := client.MeterKey{ID: uniq(t, "m")}
			if _, err := cal.Meter.Incr(ctx, mk, client.MeterIncr{Likes: 2}); err != nil {
				t.Fatal(err)
			}
			if m, err := cal.Meter.Incr(ctx, mk, client.MeterIncr{Likes: 3, Views: 1}); err != nil || m.Likes != 5 || m.Views != 1 {
				t.Fatalf("incr: %+v %v", m, err)
			}

			// 1000 rows through pages of 97: each once, in key order, none missing
			tag := uniq(t, "page")
			want := make([]string, 1000)
			for i := range want {
				want[i] = fmt.Sprintf("%s-%04d", tag, i)
				if _, err := cal.Todo.Add(ctx, &client.Todo{ID: want[i], Name: tag}); err != nil {
					t.Fatal(err)
				}
			}
			var seen []string
			for r, err := range cal.Todo.Select(ctx, client.Query{Where: []client.Cond{client.TodoCols.Name.Eq(tag)}, Count: 97}) {
				if err != nil {
					t.Fatal(err)
				}
				seen = append(seen, r.ID)
			}
			slices.Sort(seen)
			if !slices.Equal(seen, want) {
				t.Fatalf("paging: %d rows, want the 1000 added once each", len(seen))
			}

			// a session and an access token, without signatures
			for _, how := range []string{"session", "token"} {
				c := goClient(t, admin)
				if _, err := c.Todo.Get(ctx, client.TodoKey{ID: want[0]}); statusOf(err) != 417 {
					t.Fatalf("unsigned get: %v, want 417 NOLOGIN", err)
				}
				if _, err := c.Login(ctx, "cal", "cal-secret", how == "session", how == "token"); err != nil {
					t.Fatalf("login (%s): %v", how, err)
				}
				if r, err := c.Todo.Get(ctx, client.TodoKey{ID: want[0]}); err != nil || r.Name != tag {
					t.Fatalf("get with a %s: %+v %v", how, r, err)
				}
				if err := c.Logout(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := c.Todo.Get(ctx, client.TodoKey{ID: want[0]}); statusOf(err) != 417 {
					t.Fatalf("get after logout (%s): %v, want 417 NOLOGIN", how, err)
				}
			}
		})
	}
}
