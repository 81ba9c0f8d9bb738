package schema

import (
	"regexp"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"github.com/google/uuid"

	"example.com/base"
)

type Item struct{ ent.Schema }

func (Item) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().Optional().MaxLen(10),
		field.Int("n").Positive(),
		field.Float("f").Negative().Range(-5, -0.5),
		field.String("code").Match(regexp.MustCompile(`^[a-z]+$`)),
		field.String("sku").Validate(CheckSKU),
		field.String("free").Validate(func(s string) error { return nil }),
		field.Time("at").Default(time.Now).UpdateDefault(time.Now),
		field.Int64("d").Default(5).Default(-7),
		field.Int64("df").DefaultFunc(func() int64 { return 1 }),
		field.UUID("u", uuid.UUID{}).Default(uuid.New),
		field.String("g").GoType(Named("")).MaxLen(3),
		field.Enum("kind").Values("a", "b").Default("a"),
	}
}

type Named string

func CheckSKU(string) error { return nil }

type Helper struct{ ent.Schema }

func (*Helper) Fields() []ent.Field { return append(common(2), field.Int("extra").Max(9)) }

func common(n int) []ent.Field {
	return []ent.Field{field.String("id").MaxLen(n)}
}

type Embedded struct{ base.Schema }

type Mixed struct{ ent.Schema }

func (Mixed) Mixin() []ent.Mixin { return []ent.Mixin{&base.Schema{}, base.Time{}} }
