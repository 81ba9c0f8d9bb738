package gen

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

// code renders a Go type as jennifer code, importing named types' packages.
// Idents are as reflect prints them: []string, map[string]interface {},
// *schema.Meta, []schema.Item, time.Time, uuid.UUID.
func (g GoType) code() *jen.Statement {
	return typeCode(g.Ident, g.PkgPath)
}

func typeCode(ident, pkg string) *jen.Statement {
	switch {
	case strings.HasPrefix(ident, "[]"):
		return jen.Index().Add(typeCode(ident[2:], pkg))
	case strings.HasPrefix(ident, "*"):
		return jen.Op("*").Add(typeCode(ident[1:], pkg))
	case strings.HasPrefix(ident, "map["):
		end := strings.Index(ident, "]")
		return jen.Map(typeCode(ident[4:end], pkg)).Add(typeCode(ident[end+1:], pkg))
	case ident == "interface {}" || ident == "any":
		return jen.Any()
	case strings.Contains(ident, "."):
		name := ident[strings.LastIndex(ident, ".")+1:]
		return jen.Qual(pkg, name)
	}
	return jen.Id(ident)
}

// field is the struct field type: a pointer for Nillable columns.
func (c *Column) field() *jen.Statement {
	if c.Nillable {
		return jen.Op("*").Add(c.Type.code())
	}
	return c.Type.code()
}

// zero reports the Go expression comparing a value to its zero value, used
// for defaults and missing keys; empty when the type has no simple test.
func (c *Column) zeroTest(v *jen.Statement) *jen.Statement {
	if c.Nillable || c.Type.JSON || c.Type.Ident == "[]byte" {
		return v.Op("==").Nil()
	}
	switch c.Kind {
	case KindString:
		if c.Type.UUID {
			return v.Op("==").Parens(jen.Qual(uuidPkg, "UUID").Values())
		}
		return v.Op("==").Lit("")
	case KindInt, KindFloat:
		return v.Op("==").Lit(0)
	case KindBool:
		return jen.Op("!").Add(v)
	case KindTime:
		return v.Dot("IsZero").Call()
	}
	return nil
}

// uuidText is the text of v, a uuid.UUID value, as a method expression:
// uuid.UUID.String(*r.Ref) needs no parentheses where v is a dereference
// (*r.Ref.String() would call String on the pointer's field).
func uuidText(v jen.Code) *jen.Statement {
	return jen.Qual(uuidPkg, "UUID").Dot("String").Call(v)
}
