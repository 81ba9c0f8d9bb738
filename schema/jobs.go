package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/bkgen/bkgen/schema/bk"
)

// Tally adds n to the likes of a meter row. It runs in a worker, as
// heavy work should; sleep_ms and fail let you watch slow and failing jobs
// (retries, the failed list) in a running app.
type Tally struct{ ent.Schema }

func (Tally) Annotations() []schema.Annotation {
	return []schema.Annotation{bk.Job().Retries(2).Timeout(time.Minute)}
}

func (Tally) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Comment("meter row"),
		field.Int64("n").Comment("added to likes"),
		field.Int64("sleep_ms").Optional().Comment("sleep this long first"),
		field.Bool("fail").Optional().Comment("fail instead of counting"),
	}
}

// Cleanup deletes the todos done more than days ago (30 when 0), every
// night at 03:00.
type Cleanup struct{ ent.Schema }

func (Cleanup) Annotations() []schema.Annotation {
	return []schema.Annotation{bk.Job().Cron("0 0 3 * * *").Unique(time.Hour)}
}

func (Cleanup) Fields() []ent.Field {
	return []ent.Field{
		field.Int("days").Optional(),
	}
}
