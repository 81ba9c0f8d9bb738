package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// Note is a plain ent schema with no bkgen annotation: its implicit int id is
// the key, assigned by the database on Add.
type Note struct{ ent.Schema }

func (Note) Fields() []ent.Field {
	return []ent.Field{
		field.Text("body"),
		field.Time("created_at").Default(time.Now).Immutable(),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now),
	}
}
