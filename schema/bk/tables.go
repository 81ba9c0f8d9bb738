package bk

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// AuthSchema is backendjs's bk_auth, the accounts that sign requests, for
// an application to embed:
//
//	type BkAuth struct{ bk.AuthSchema }
//
// The secret is the HMAC key of request signatures, so it is kept as given
// (an API key, not a password); an optional password is kept as a bcrypt
// hash. Neither is ever returned by any API.
type AuthSchema struct{ ent.Schema }

func (AuthSchema) Fields() []ent.Field {
	return []ent.Field{
		field.String("login").NotEmpty().MaxLen(256).Annotations(Primary()),
		field.String("id").Annotations(UUID()),
		field.String("name").Optional().MaxLen(256),
		field.String("type").Optional().MaxLen(256).Annotations(Admin()), // comma-separated account types, e.g. admin
		field.String("secret").NotEmpty().Sensitive(),
		field.String("password").Optional().Sensitive(), // bcrypt hash; /login accepts it instead of the secret
		field.String("auth_secret").Optional().Annotations(Admin(), Secure()),
		field.String("token_secret").Optional().Annotations(Admin(), Secure()),
		field.Int64("expires").Optional().Annotations(Admin(), Secure()), // ms; 0 never
		// ms; sessions issued before it are over (/logout sets it, so that a
		// copied session cookie stops working)
		field.Int64("session_epoch").Optional().Annotations(Admin(), Secure()),
		field.Int64("ctime").Immutable().DefaultFunc(UnixMilliNow),
		field.Int64("mtime").Annotations(Now()),
	}
}

func (AuthSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }

// AccountSchema is backendjs's bk_account, the profile of an account keyed
// by the id of its bk_auth row and served at /account/*, for an
// application to embed:
//
//	type BkAccount struct{ bk.AccountSchema }
//
// Every other account sees its pub columns; the account itself sees all
// but the admin ones.
type AccountSchema struct{ ent.Schema }

func (AccountSchema) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Annotations(Primary(), Pub(), Owner()),
		field.String("login").MaxLen(256),
		field.String("name").MaxLen(256).Annotations(Pub()),
		field.String("first_name").Optional().MaxLen(256).Annotations(Pub()),
		field.String("last_name").Optional().MaxLen(256).Annotations(Pub()),
		field.String("email").Optional().MaxLen(256),
		field.String("phone").Optional().MaxLen(64),
		field.String("website").Optional().MaxLen(1024),
		field.String("company").Optional().MaxLen(256),
		field.String("country").Optional().MaxLen(64),
		field.String("status").Optional().MaxLen(64).Annotations(Admin()),
		field.Int64("ctime").Immutable().DefaultFunc(UnixMilliNow),
		field.Int64("mtime").Annotations(Now()),
	}
}

func (AccountSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }

// UnixMilliNow is the time in milliseconds, the default of the ctime
// columns. It is a named function rather than a closure so that the
// generated store can refer to it without calling the schema's Fields()
// (gen/fieldsrc.go).
func UnixMilliNow() int64 { return time.Now().UnixMilli() }
