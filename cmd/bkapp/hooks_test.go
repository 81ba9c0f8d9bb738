package main

import (
	"context"
	"errors"
	"testing"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	_ "github.com/bkgen/bkgen/runtime/db/drivers"
)

// TestRowHooks: the row hooks hold for the application's own store calls,
// as for REST and GraphQL (tests/e2e TestHooks): a banned body is refused,
// words are computed on add and update.
func TestRowHooks(t *testing.T) {
	ctx := context.Background()
	pools, err := db.Open(ctx, db.Config{Pool: "memory"})
	if err != nil {
		t.Fatal(err)
	}
	defer pools.Close()
	rowHooks(store.HooksOn(pools.Default))
	st := store.New(pools.Default)
	if err := st.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}

	p := &store.Post{OwnerID: "a1", Title: "t", Body: "one two three"}
	if err := st.Post.Add(ctx, p); err != nil || p.Words != 3 {
		t.Fatalf("add: %v, words %d", err, p.Words)
	}
	err = st.Post.Add(ctx, &store.Post{OwnerID: "a1", Title: "t", Body: "cheap SPAM"})
	if !errors.Is(err, db.ErrRefused) {
		t.Fatalf("banned body: %v", err)
	}
	if _, err := st.Post.Update(ctx, store.PostKey{ID: p.ID}, store.PostChanges{Body: db.Some("a")}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Post.Get(ctx, store.PostKey{ID: p.ID})
	if err != nil || got.Words != 1 {
		t.Fatalf("after update: %+v, %v", got, err)
	}
	// an update that leaves the body alone leaves words alone
	if _, err := st.Post.Update(ctx, store.PostKey{ID: p.ID}, store.PostChanges{Title: db.Some("new")}); err != nil {
		t.Fatal(err)
	}
	if got, _ = st.Post.Get(ctx, store.PostKey{ID: p.ID}); got.Words != 1 || got.Title != "new" {
		t.Fatalf("after title update: %+v", got)
	}
}
