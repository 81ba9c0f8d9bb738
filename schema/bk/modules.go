package bk

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// The schemas of backendjs's application modules. An application opts into
// a module by embedding its schemas, as it embeds AccountSchema:
//
//	type BkCounter struct{ bk.CounterSchema }
//	type BkConnection struct{ bk.ConnectionSchema }
//	type BkReference struct{ bk.ReferenceSchema }
//
// bkgen recognises a module by its table names (the schema names in
// snake_case) and generates its routes and the row hooks that keep its
// tables in step (docs/modules.md). The tables are NoAPI: they have no
// generic /NAME/* routes, because what a client may write in them is the
// module's (a connection writes two rows and two counters, a message goes
// into another account's inbox), not a row-level rule.

// CounterSchema is bk_counter, the counters of an account: its row is
// created with the account and deleted with it. Everybody sees the Pub
// counters of an account; the account alone sees the others. The
// connections module bumps TYPE0 (my connections of TYPE) and TYPE1
// (others' connections of TYPE to me) when the columns exist, and the
// messages module msg_count and msg_unread.
type CounterSchema struct{ ent.Schema }

func (CounterSchema) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").MaxLen(128).Annotations(Primary(), Pub(), Owner()),
		field.Int64("ping").Annotations(Counter(), Pub()),
		field.Int64("like0").Annotations(Counter()),
		field.Int64("like1").Annotations(Counter(), Pub()),
		field.Int64("follow0").Annotations(Counter()),
		field.Int64("follow1").Annotations(Counter(), Pub()),
		field.Int64("msg_count").Annotations(Counter()),
		field.Int64("msg_unread").Annotations(Counter()),
		field.Int64("mtime").Annotations(Now()),
	}
}

func (CounterSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }

// edgeFields are the columns of bk_connection and bk_reference: the key is
// the account (id) and ref, which joins type and peer ("like:ID") so that
// the key has two parts on every backend and a select by type is a prefix
// of the sort key.
func edgeFields() []ent.Field {
	return []ent.Field{
		field.String("id").MaxLen(128).Annotations(Primary(1), Pub(), Owner()),
		field.String("ref").MaxLen(256).Annotations(Primary(2)),
		field.String("type").MaxLen(32).Annotations(Pub()),
		field.String("peer").MaxLen(128).Annotations(Pub()),
		field.String("name").Optional().MaxLen(256).Annotations(Pub()),
		field.String("status").Optional().MaxLen(64),
		field.Int64("mtime").Annotations(Now(), Pub()),
	}
}

// ConnectionSchema is bk_connection: the connections an account made (id
// connected to peer with type). Each has its mirror in bk_reference.
type ConnectionSchema struct{ ent.Schema }

func (ConnectionSchema) Fields() []ent.Field              { return edgeFields() }
func (ConnectionSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }

// ReferenceSchema is bk_reference: the connections made to an account (id
// is the peer of the connection, peer the account that made it), written
// only by the connections module.
type ReferenceSchema struct{ ent.Schema }

func (ReferenceSchema) Fields() []ent.Field              { return edgeFields() }
func (ReferenceSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }

// MessageSchema is bk_message, an account's inbox. The key is the
// recipient (id) and mid, which joins the time and the sender
// ("0001733155200000:ID") so that an inbox reads newest or oldest first
// and two messages never share a key.
type MessageSchema struct{ ent.Schema }

func (MessageSchema) Fields() []ent.Field {
	return append(messageFields("sender"), field.Bool("read").Optional())
}

func (MessageSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }

// ArchiveSchema is bk_archive, the messages an account moved out of its
// inbox.
type ArchiveSchema struct{ ent.Schema }

func (ArchiveSchema) Fields() []ent.Field              { return messageFields("sender") }
func (ArchiveSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }

// SentSchema is bk_sent, the messages an account sent, one row per
// recipient (mid joins the time and the recipient).
type SentSchema struct{ ent.Schema }

func (SentSchema) Fields() []ent.Field              { return messageFields("recipient") }
func (SentSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }

func messageFields(other string) []ent.Field {
	return []ent.Field{
		field.String("id").MaxLen(128).Annotations(Primary(1), Owner()),
		field.String("mid").MaxLen(160).Annotations(Primary(2)),
		field.String(other).MaxLen(128),
		field.String("name").Optional().MaxLen(256),
		field.String("msg").Optional().MaxLen(8192),
		field.Int64("mtime"), // when it was sent (ms)
	}
}

// LocationSchema is bk_location, the last position of each account that
// gave one. cell (a geohash of 4 characters, about 39 × 20 km) and geohash
// (9 characters, a few metres) make the index a search reads: one query
// per cell near the point, narrowed by a geohash prefix. Other accounts
// see how far an account is, never its coordinates.
type LocationSchema struct{ ent.Schema }

func (LocationSchema) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").MaxLen(128).Annotations(Primary(), Pub(), Owner()),
		field.String("cell").MaxLen(4).Annotations(Index("cell", 1)),
		field.String("geohash").MaxLen(12).Annotations(Index("cell", 2)),
		field.Float("latitude"),
		field.Float("longitude"),
		field.Int64("mtime").Annotations(Now(), Pub()),
	}
}

func (LocationSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }

// IconSchema is bk_icon, the icons of an account: its own ("account"
// prefix) and those of its objects (any other prefix), each an image in
// the file storage (-files-store). The key is the account (id) and ref,
// which joins prefix and type ("account:0"). acl_allow says who else sees
// it: all (also at the public /image/PREFIX/ID/TYPE), auth (any signed
// account), account ids, or nobody (""). ver names the stored image.
type IconSchema struct{ ent.Schema }

func (IconSchema) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").MaxLen(128).Annotations(Primary(1), Pub(), Owner()),
		field.String("ref").MaxLen(130).Annotations(Primary(2)),
		field.String("prefix").MaxLen(64).Annotations(Pub()),
		field.String("type").MaxLen(64).Annotations(Pub()),
		field.String("descr").Optional().MaxLen(1024).Annotations(Pub()),
		field.String("acl_allow").Optional().MaxLen(4096),
		field.String("ext").MaxLen(8).Annotations(Pub()),
		field.Int64("width").Annotations(Pub()),
		field.Int64("height").Annotations(Pub()),
		field.Int64("size").Annotations(Pub()),
		field.Int64("ver"),
		field.Int64("mtime").Annotations(Now(), Pub()),
	}
}

func (IconSchema) Annotations() []schema.Annotation { return []schema.Annotation{NoAPI()} }
