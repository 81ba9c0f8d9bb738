package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/bkgen/bkgen/schema/bk"
)

// BkAuth is backendjs's bk_auth: the accounts that sign requests. The
// secret is the HMAC key of request signatures, so it is kept as given (an
// API key, not a password); an optional password is kept as a bcrypt hash.
// Neither is ever returned by any API.
type BkAuth struct{ ent.Schema }

func (BkAuth) Fields() []ent.Field {
	return []ent.Field{
		field.String("login").NotEmpty().MaxLen(256).Annotations(bk.Primary()),
		field.String("id").Annotations(bk.UUID()),
		field.String("name").Optional().MaxLen(256),
		field.String("type").Optional().MaxLen(256).Annotations(bk.Admin()), // comma-separated account types, e.g. admin
		field.String("secret").NotEmpty().Sensitive(),
		field.String("password").Optional().Sensitive(), // bcrypt hash; /login accepts it instead of the secret
		field.String("auth_secret").Optional().Annotations(bk.Admin(), bk.Secure()),
		field.String("token_secret").Optional().Annotations(bk.Admin(), bk.Secure()),
		field.Int64("expires").Optional().Annotations(bk.Admin(), bk.Secure()), // ms; 0 never
		field.Int64("ctime").Immutable().DefaultFunc(func() int64 { return time.Now().UnixMilli() }),
		field.Int64("mtime").Annotations(bk.Now()),
	}
}

func (BkAuth) Annotations() []schema.Annotation {
	return []schema.Annotation{bk.NoAPI()}
}
