package gen

import "github.com/dave/jennifer/jen"

// The reply half of generated/rest: a row as the API shows it.

// newOpt is ogen's optional reply value of v, a value of c's Go type (api
// is the ogen package).
func newOpt(api string, c *Column, v jen.Code) jen.Code {
	k := kinds[c.Kind]
	switch {
	case c.Type.UUID:
		v = jen.Add(v).Dot("String").Call()
	case (c.Kind == KindInt || c.Kind == KindFloat) && c.Type.Ident != k.wire: // int32, float32, …
		v = jen.Id(k.wire).Parens(v)
	}
	return jen.Qual(api, k.opt).Call(v)
}

// replyFunc renders todoReply: a row as the API shows it (never a secure column).
func replyFunc(f *jen.File, t *RestTable) {
	u := t.Unexported
	f.Commentf("%sReply is r as the API shows it: the columns in show (from its policy), never a secure one.", u)
	f.Func().Id(u+"Reply").Params(jen.Id("r").Op("*").Qual(t.Pkg.Store, t.GoName), jen.Id("show").Index().Bool()).Qual(t.Pkg.API, t.GoName+"Reply").BlockFunc(func(g *jen.Group) {
		g.Var().Id("out").Qual(t.Pkg.API, t.GoName+"Reply")
		for _, c := range t.Out {
			fld := jen.Id("r").Dot(c.GoName)
			dst := jen.Id("out").Dot(c.GoName)
			shown := jen.Id("show").Index(jen.Qual(t.Pkg.Store, c.PosName))
			switch {
			case c.Type.JSON:
				g.If(shown.Clone().Op("&&").Add(fld.Clone()).Op("!=").Nil()).Block(dst.Clone().Op("=").Qual(restPkg, "EncodeJSON").Call(fld.Clone()))
			case c.Kind == KindBytes:
				g.If(shown.Clone().Op("&&").Add(fld.Clone()).Op("!=").Nil()).Block(dst.Clone().Op("=").Qual(t.Pkg.API, "NewOptString").Call(jen.Qual("encoding/base64", "StdEncoding").Dot("EncodeToString").Call(fld.Clone())))
			case c.Nillable:
				g.If(shown.Clone().Op("&&").Add(fld.Clone()).Op("!=").Nil()).Block(dst.Clone().Op("=").Add(newOpt(t.Pkg.API, c, jen.Op("*").Add(fld.Clone()))))
			default:
				g.If(shown.Clone()).Block(dst.Clone().Op("=").Add(newOpt(t.Pkg.API, c, fld.Clone())))
			}
		}
		g.Return(jen.Id("out"))
	})
}
