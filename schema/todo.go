package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/bkgen/bkgen/schema/bk"
)

// Todo is backendjs's TODO example: a uuid key, a name, a description, a due
// date and a modification time. Like backendjs's, it has no pub and no owner
// column, so every authorised caller sees every column.
type Todo struct{ ent.Schema }

func (Todo) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Annotations(bk.Primary(), bk.UUID()),
		field.String("name").NotEmpty().MaxLen(128),
		field.String("descr").Optional().MaxLen(4096),
		field.Time("due").Optional().Nillable(),
		field.Bool("done").Optional(),
		field.Int64("mtime").Annotations(bk.Now()),
	}
}
