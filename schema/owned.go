package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/bkgen/bkgen/schema/bk"
)

// The three shapes of owner column the generator supports, each with
// counters, so that every owner rule (read, write, incr) is exercised on
// every shape (tests/e2e/owner_test.go). Photo has a fourth: an Optional,
// non-nillable owner beside a composite key.

// Bookmark has a nillable owner: rows an admin adds without one are
// nobody's, so only admins change them.
type Bookmark struct{ ent.Schema }

func (Bookmark) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Annotations(bk.Primary(), bk.UUID()),
		field.String("owner_id").Optional().Nillable().Annotations(bk.Owner()),
		field.String("url").Optional().Annotations(bk.Pub()),
		field.String("note").Optional(),
		field.Int64("hits").Annotations(bk.Counter()),
	}
}

// Score has a plain string owner.
type Score struct{ ent.Schema }

func (Score) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Annotations(bk.Primary()),
		field.String("owner_id").Annotations(bk.Owner()),
		field.String("title").Optional().Annotations(bk.Pub()),
		field.String("note").Optional(),
		field.Int64("points").Annotations(bk.Counter()),
	}
}

// Stat is keyed by its owner, as backendjs's per-account tables are
// (bk_counter, bk_connection): an account writes only the rows under its id.
type Stat struct{ ent.Schema }

func (Stat) Fields() []ent.Field {
	return []ent.Field{
		field.String("owner_id").Annotations(bk.Primary(1), bk.Owner()),
		field.String("name").Annotations(bk.Primary(2), bk.Pub()),
		field.String("note").Optional(),
		field.Int64("value").Annotations(bk.Counter()),
	}
}
