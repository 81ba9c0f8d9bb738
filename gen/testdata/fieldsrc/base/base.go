package base

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

type Schema struct{ ent.Schema }

func (Schema) Fields() []ent.Field {
	return []ent.Field{field.Bytes("blob").MinLen(2).DefaultFunc(Blob)}
}

func Blob() []byte { return nil }

type Created struct{}

func (Created) Fields() []ent.Field { return []ent.Field{field.Time("created").Default(time.Now)} }

type Updated struct{}

func (Updated) Fields() []ent.Field {
	return []ent.Field{field.Time("updated").Default(time.Now).UpdateDefault(time.Now)}
}

type Time struct{}

func (Time) Fields() []ent.Field { return append(Created{}.Fields(), Updated{}.Fields()...) }
