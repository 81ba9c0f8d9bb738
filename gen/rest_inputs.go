package gen

import "github.com/dave/jennifer/jen"

// The input half of generated/rest: a request's parameters (rest.Input: a
// query, a form or a JSON body) into a row and the set of columns given.

// reader is the runtime/rest reader of column c's values: one per kind, and
// its N variant for nullable columns (rest.Str, rest.NStr, rest.Int, …).
func reader(c *Column) string {
	name := kinds[c.Kind].rest
	switch {
	case c.Type.JSON:
		return "JSON"
	case c.Kind == KindBytes:
		return "Bytes" // nil is null already
	case c.Type.UUID:
		name = "UUID"
	}
	if c.Nillable {
		return "N" + name
	}
	return name
}

// decodeFunc renders albumDecode: each column a request may give, read by
// the reader of its kind (which keeps the first bad value in in.Err()).
func decodeFunc(f *jen.File, t *RestTable) {
	f.Commentf("%sDecode reads the columns of %q that in gives into r, marking them in set.", t.Unexported, t.Name)
	f.Func().Id(t.Unexported+"Decode").Params(jen.Id("in").Op("*").Qual(restPkg, "Input"), jen.Id("r").Op("*").Qual(t.Pkg.Store, t.GoName), jen.Id("set").Index().Bool()).BlockFunc(func(g *jen.Group) {
		for _, c := range t.In {
			g.Qual(restPkg, reader(c)).Call(jen.Id("in"), jen.Lit(c.Name), jen.Op("&").Id("r").Dot(c.GoName), jen.Op("&").Id("set").Index(jen.Qual(t.Pkg.Store, c.PosName)))
		}
	})
}
