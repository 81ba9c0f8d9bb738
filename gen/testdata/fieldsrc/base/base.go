package base

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

type Schema struct{ ent.Schema }

func (Schema) Fields() []ent.Field {
	return []ent.Field{field.Bytes("blob").MinLen(2).DefaultFunc(Blob)}
}

func Blob() []byte { return nil }
