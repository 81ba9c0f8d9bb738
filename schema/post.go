package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/bkgen/bkgen/schema/bk"
)

// Post is a blog post, the table the example application's hooks work on
// (cmd/bkapp/hooks.go): a row hook refuses bodies with banned words and
// computes words from the body, whichever API writes it; request hooks keep
// accounts of type reader from posting and add the reading time to
// /post/get.
type Post struct{ ent.Schema }

func (Post) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Annotations(bk.Primary(), bk.UUID()),
		field.String("owner_id").Annotations(bk.Owner()),
		field.String("title").NotEmpty().MaxLen(200).Annotations(bk.Pub()),
		field.Text("body").Optional().Annotations(bk.Pub()),
		field.Int64("words").Optional().Annotations(bk.Pub()), // computed by the row hook
		field.Int64("mtime").Annotations(bk.Now(), bk.Pub()),
	}
}
