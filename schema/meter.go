package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/bkgen/bkgen/schema/bk"
)

// Meter keeps per-item counters, like backendjs's bk_counter: Incr adds to
// them and creates the row on first use.
type Meter struct{ ent.Schema }

// Annotations: counters are read through the cache; Incr invalidates.
func (Meter) Annotations() []schema.Annotation {
	return []schema.Annotation{bk.Cache(10 * time.Second)}
}

func (Meter) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Annotations(bk.Primary()),
		field.Int64("likes").Annotations(bk.Counter()),
		field.Int64("views").Annotations(bk.Counter()),
		field.Float("score").Annotations(bk.Counter()),
		field.String("label").Optional().Default("new"),
		field.Int64("mtime").Annotations(bk.Now()),
	}
}
