package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/bkgen/bkgen/schema/bk"
)

// Album is a photo album owned by an account.
type Album struct{ ent.Schema }

func (Album) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Annotations(bk.Primary(), bk.UUID()),
		field.String("owner_id").Annotations(bk.Owner()),
		field.String("title").NotEmpty().MaxLen(256).Annotations(bk.Pub()),
		field.Bool("private").Optional(),
		field.Int64("mtime").Annotations(bk.Now()),
	}
}

// Annotations: albums are read far more often than written, so Get reads
// them through the cache (-ipc-cache) and every write invalidates.
func (Album) Annotations() []schema.Annotation {
	return []schema.Annotation{bk.Cache(time.Minute)}
}

func (Album) Indexes() []ent.Index {
	return []ent.Index{index.Fields("owner_id", "mtime")}
}

// Photo has the composite key album_id + id: a select by album_id alone
// (a partial key) lists an album.
type Photo struct{ ent.Schema }

// Annotations: photos are cached too; their columns have every kind, so the
// cached row encoding is exercised on each.
func (Photo) Annotations() []schema.Annotation {
	return []schema.Annotation{bk.Cache(time.Minute)}
}

func (Photo) Fields() []ent.Field {
	return []ent.Field{
		field.String("album_id").Annotations(bk.Primary(1)),
		field.String("id").Annotations(bk.Primary(2), bk.UUID()),
		field.String("name").MaxLen(256).Annotations(bk.Pub(), bk.Index("name", 1)),
		field.String("owner_id").Optional().Annotations(bk.Owner()),
		field.Enum("kind").Values("jpeg", "png", "gif").Default("jpeg"),
		field.Int("width").Optional().Min(0),
		field.Int("height").Optional().Min(0),
		field.Float("rating").Optional(),
		field.Bool("hidden").Optional(),
		field.Strings("tags").Optional(),
		field.JSON("exif", map[string]any{}).Optional(),
		field.Bytes("thumb").Optional(),
		field.String("caption").Optional().Nillable(),
		field.Int64("size").Optional().Nillable(),
		field.Time("taken").Optional().Nillable(),
		field.String("secret").Optional().Sensitive(),
		field.String("moderation").Optional().Annotations(bk.Admin()),
		field.Int64("mtime").Annotations(bk.Now()),
	}
}
