package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/bkgen/bkgen/schema/bk"
)

// BkAccount is backendjs's bk_account: the profile of an account, keyed by
// the id of its bk_auth row and served at /account/*. Every other account
// sees its pub columns; the account itself sees all but the admin ones.
type BkAccount struct{ ent.Schema }

func (BkAccount) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Annotations(bk.Primary(), bk.Pub(), bk.Owner()),
		field.String("login").MaxLen(256),
		field.String("name").MaxLen(256).Annotations(bk.Pub()),
		field.String("first_name").Optional().MaxLen(256).Annotations(bk.Pub()),
		field.String("last_name").Optional().MaxLen(256).Annotations(bk.Pub()),
		field.String("email").Optional().MaxLen(256),
		field.String("phone").Optional().MaxLen(64),
		field.String("website").Optional().MaxLen(1024),
		field.String("company").Optional().MaxLen(256),
		field.String("country").Optional().MaxLen(64),
		field.String("status").Optional().MaxLen(64).Annotations(bk.Admin()),
		field.Int64("ctime").Immutable().DefaultFunc(func() int64 { return time.Now().UnixMilli() }),
		field.Int64("mtime").Annotations(bk.Now()),
	}
}

func (BkAccount) Annotations() []schema.Annotation {
	return []schema.Annotation{bk.NoAPI()}
}
