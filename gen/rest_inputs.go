package gen

import "github.com/dave/jennifer/jen"

// The input half of generated/rest: ogen's request values into a row and
// the set of columns given.

// optGo is how a value of c's Go type is made from ogen's value v (string,
// int64, float64, bool, time.Time): the statements that check it and the
// expression of the result.
func optGo(t *RestTable, c *Column, v jen.Code, fail func(jen.Code) jen.Code) ([]jen.Code, jen.Code) {
	switch {
	case c.Type.UUID:
		return []jen.Code{
			jen.List(jen.Id("u"), jen.Err()).Op(":=").Qual(uuidPkg, "Parse").Call(v),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(fail(jen.Qual(dbPkg, "Invalid").Call(jen.Lit(t.Name), jen.Lit(c.Name), jen.Lit("not a uuid: %v"), jen.Err())))),
		}, jen.Id("u")
	case c.Kind == KindTime: // a string: see InType
		return []jen.Code{
			jen.List(jen.Id("t"), jen.Err()).Op(":=").Qual(restPkg, "ParseTime").Call(jen.Lit(t.Name), jen.Lit(c.Name), v),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(fail(jen.Err()))),
		}, jen.Id("t")
	case c.Kind == KindInt && c.Type.Ident == "int64":
		return nil, v
	case c.Kind == KindInt:
		return []jen.Code{
			jen.If(jen.Int64().Parens(jen.Id(c.Type.Ident).Parens(v)).Op("!=").Add(v)).Block(jen.Return(fail(jen.Qual(dbPkg, "Invalid").Call(jen.Lit(t.Name), jen.Lit(c.Name), jen.Lit("%d is out of range for "+c.Type.Ident), v)))),
		}, jen.Id(c.Type.Ident).Parens(v)
	case c.Kind == KindFloat && c.Type.Ident != "float64":
		return nil, jen.Id(c.Type.Ident).Parens(v)
	}
	return nil, v
}

// fromFails reports whether reading the columns of a JSON (or a form) body
// can fail: a conversion that checks its value. When none can, the reader
// returns no error.
func fromFails(t *RestTable, json bool) bool {
	cols := t.Form
	if json {
		cols = t.In
	}
	for _, c := range cols {
		if c.Type.JSON || c.Type.UUID || c.Kind == KindTime || (c.Kind == KindInt && c.Type.Ident != "int64") {
			return true
		}
	}
	return false
}

// fromFunc renders todoFromInput / todoFromForm: the columns a body gives.
func fromFunc(f *jen.File, t *RestTable, json bool) {
	u := t.Unexported
	name, typ, cols := u+"FromForm", t.GoName+"Form", t.Form
	if json {
		name, typ, cols = u+"FromInput", t.GoName+"Input", t.In
	}
	fail := func(e jen.Code) jen.Code { return jen.List(jen.Id("x"), e) }
	f.Commentf("%s reads the columns a %s request gives.", name, map[bool]string{true: "JSON", false: "form or query"}[json])
	results := jen.List(jen.Id(u+"In"), jen.Error())
	fails := fromFails(t, json)
	if !fails {
		results = jen.List(jen.Id(u + "In"))
	}
	f.Func().Id(name).Params(jen.Id("in").Op("*").Qual(t.Pkg.API, typ)).Parens(results).BlockFunc(func(g *jen.Group) {
		g.Var().Id("x").Id(u + "In")
		for _, c := range cols {
			fld := jen.Id("in").Dot(c.GoName)
			dst := jen.Id("x").Dot("r").Dot(c.GoName)
			mark := jen.Id("x").Dot("set").Index(jen.Qual(t.Pkg.Store, c.PosName)).Op("=").True()
			switch {
			case c.Type.JSON:
				g.If(fld.Clone().Op("!=").Nil()).Block(
					mark,
					jen.If(jen.Err().Op(":=").Qual(restPkg, "DecodeJSON").Call(jen.Lit(t.Name), jen.Lit(c.Name), fld.Clone(), jen.Op("&").Add(dst.Clone())), jen.Err().Op("!=").Nil()).Block(jen.Return(fail(jen.Err()))),
				)
			case c.Kind == KindBytes:
				g.If(fld.Clone().Op("!=").Nil()).Block(mark, dst.Clone().Op("=").Add(fld.Clone()))
			case c.Kind == KindTime && json: // a string or a number: see InType
				body := []jen.Code{
					mark,
					jen.List(jen.Id("t"), jen.Id("null"), jen.Err()).Op(":=").Qual(restPkg, "DecodeTime").Call(jen.Lit(t.Name), jen.Lit(c.Name), fld.Clone()),
					jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(fail(jen.Err()))),
				}
				if c.Nillable { // null clears it
					body = append(body, jen.If(jen.Op("!").Id("null")).Block(dst.Clone().Op("=").Op("&").Id("t")))
				} else {
					body = append(body,
						jen.If(jen.Id("null")).Block(jen.Return(fail(jen.Qual(dbPkg, "Invalid").Call(jen.Lit(t.Name), jen.Lit(c.Name), jen.Lit("cannot be null"))))),
						dst.Clone().Op("=").Id("t"))
				}
				g.If(fld.Clone().Op("!=").Nil()).Block(body...)
			case c.Nillable && json:
				pre, val := optGo(t, c, fld.Clone().Dot("Value"), fail)
				g.If(fld.Clone().Dot("Set")).Block(
					mark,
					jen.If(jen.Op("!").Add(fld.Clone()).Dot("Null")).Block(append(pre, jen.Id("v").Op(":=").Add(val), dst.Clone().Op("=").Op("&").Id("v"))...),
				)
			default:
				pre, val := optGo(t, c, jen.Id("v"), fail)
				body := append([]jen.Code{mark}, pre...)
				if c.Nillable {
					body = append(body, jen.Id("w").Op(":=").Add(val), dst.Clone().Op("=").Op("&").Id("w"))
				} else {
					body = append(body, dst.Clone().Op("=").Add(val))
				}
				g.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Add(fld.Clone()).Dot("Get").Call(), jen.Id("ok")).Block(body...)
			}
		}
		if fails {
			g.Return(jen.Id("x"), jen.Nil())
		} else {
			g.Return(jen.Id("x"))
		}
	})
}
