package gen

import "github.com/dave/jennifer/jen"

// The reply half of generated/rest: a row as the API shows it, written
// straight into the reply's JSON encoder.

// encodeValue writes v, a value of column c's Go type, with e.
func encodeValue(c *Column, v *jen.Statement) jen.Code {
	e := jen.Id("e")
	switch {
	case c.Type.JSON:
		return jen.Qual(restPkg, "EncodeJSONValue").Call(e, v)
	case c.Kind == KindBytes:
		return e.Dot("Base64").Call(v)
	case c.Type.UUID:
		return e.Dot("Str").Call(uuidText(v))
	case c.Kind == KindTime:
		return jen.Qual(restPkg, "EncodeTime").Call(e, v)
	case c.Kind == KindInt && c.Type.Ident != "int64":
		v = jen.Int64().Parens(v)
	case c.Kind == KindFloat && c.Type.Ident != "float64":
		v = jen.Float64().Parens(v)
	case c.Kind == KindString && c.Type.Ident != "string":
		v = jen.String().Parens(v)
	}
	return e.Dot(map[Kind]string{KindString: "Str", KindInt: "Int64", KindFloat: "Float64", KindBool: "Bool"}[c.Kind]).Call(v)
}

// encodeFunc renders albumEncode: a row as the API shows it (never a secure
// column; a null value is left out).
func encodeFunc(f *jen.File, t *RestTable) {
	u := t.Unexported
	f.Commentf("%sEncode writes r as the API shows it: the columns in show (from its policy), never a", u)
	f.Comment("secure one; a null value is left out.")
	f.Func().Id(u+"Encode").Params(jen.Id("e").Op("*").Qual(jxPkg, "Encoder"), jen.Id("r").Op("*").Qual(t.Pkg.Store, t.GoName), jen.Id("show").Index().Bool()).BlockFunc(func(g *jen.Group) {
		g.Id("e").Dot("ObjStart").Call()
		for _, c := range t.Out {
			fld := jen.Id("r").Dot(c.GoName)
			shown := jen.Id("show").Index(jen.Qual(t.Pkg.Store, c.PosName))
			if w := fieldWriter(c); w != "" {
				v := fld.Clone()
				if !c.Nillable {
					v = wireConv(c, v)
				}
				g.Qual(restPkg, w).Call(jen.Id("e"), shown, jen.Lit(c.Name), v)
				continue
			}
			start := jen.Id("e").Dot("FieldStart").Call(jen.Lit(c.Name))
			switch {
			case c.Nillable:
				g.If(shown.Op("&&").Add(fld.Clone()).Op("!=").Nil()).Block(start, encodeValue(c, jen.Op("*").Add(fld)))
			case c.Type.JSON || c.Kind == KindBytes:
				g.If(shown.Op("&&").Add(fld.Clone()).Op("!=").Nil()).Block(start, encodeValue(c, fld))
			default:
				g.If(shown).Block(start, encodeValue(c, fld))
			}
		}
		g.Id("e").Dot("ObjEnd").Call()
	})
}

// fieldWriter is the runtime/rest field writer of column c in an encoder
// (FieldStr, FieldNTime, …), or "" for the columns that keep an if block of
// their own: JSON values, uuids (made text only when shown) and nullable
// columns of another Go type than their wire type.
func fieldWriter(c *Column) string {
	name := kinds[c.Kind].rest
	if c.Type.JSON || c.Type.UUID {
		return ""
	}
	if !c.Nillable {
		return "Field" + name
	}
	if c.Type.Ident != kinds[c.Kind].wire { // bytes too: their wire type is base64 text

		return ""
	}
	return "FieldN" + name
}

// wireConv converts v, a value of column c's Go type, to its wire type
// (int64, float64, string) where they differ.
func wireConv(c *Column, v *jen.Statement) *jen.Statement {
	switch {
	case c.Kind == KindInt && c.Type.Ident != "int64":
		return jen.Int64().Parens(v)
	case c.Kind == KindFloat && c.Type.Ident != "float64":
		return jen.Float64().Parens(v)
	case c.Kind == KindString && c.Type.Ident != "string":
		return jen.String().Parens(v)
	}
	return v
}
