package gen

import "github.com/dave/jennifer/jen"

// The rules of generated/rest that REST and GraphQL share: who sees which
// column, whose row it is, what a caller may write (writes.go has the writes).

// visibilityFuncs renders the table's visibility rule, its owner accessor
// and the input guard for callers that are not admins.
func visibilityFuncs(f *jen.File, t *RestTable) {
	f.Commentf("%sVis is the column visibility of %q (docs/api.md), shared with GraphQL.", t.GoName, t.Name)
	f.Var().Id(t.GoName+"Vis").Op("=").Qual(restPkg, "NewVisibility").Call(jen.Qual(t.Pkg.Store, t.TableVar))
	owner := t.Owner  // the model's one decision (gen/model.go)
	if owner != nil { // a table without one has no owner rules to emit
		f.Commentf("%sOwner returns the account id that owns r, or \"\".", t.GoName)
		f.Func().Id(t.GoName + "Owner").Params(jen.Id("r").Op("*").Qual(t.Pkg.Store, t.GoName)).String().BlockFunc(func(g *jen.Group) {
			if owner.Nillable {
				g.If(jen.Id("r").Dot(owner.GoName).Op("!=").Nil()).Block(jen.Return(jen.Op("*").Id("r").Dot(owner.GoName)))
				g.Return(jen.Lit(""))
			} else {
				g.Return(jen.Id("r").Dot(owner.GoName))
			}
		})
		f.Commentf("%sMine returns the condition that limits writes of a caller that is not an admin", t.GoName)
		f.Comment("to its own rows: nil for admins.")
		f.Func().Id(t.GoName+"Mine").Params(jen.Id("v").Qual(authPkg, "Viewer")).Index().Qual(dbPkg, "Cond").Block(
			jen.If(jen.Id("v").Dot("Admin")).Block(jen.Return(jen.Nil())),
			jen.Return(jen.Index().Qual(dbPkg, "Cond").Values(jen.Qual(t.Pkg.Store, t.ColsVar).Dot(owner.GoName).Dot("Eq").Call(jen.Id("v").Dot("ID")))),
		)
	}
	if !guarded(t) {
		return
	}
	f.Commentf("%sGuard drops what a caller that is not an admin may not write in r (set marks the", t.GoName)
	f.Comment("given columns): admin columns, and the owner column, which is set to the caller on add")
	f.Comment("and put. REST and GraphQL both call it.")
	f.Func().Id(t.GoName+"Guard").Params(jen.Id("r").Op("*").Qual(t.Pkg.Store, t.GoName), jen.Id("set").Index().Bool(), jen.Id("v").Qual(authPkg, "Viewer"), jen.Id("create").Bool()).BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("v").Dot("Admin")).Block(jen.Return())
		for _, c := range t.Columns {
			if c.Admin && !c.Secure && c.KeyPos == 0 {
				g.Id("set").Index(jen.Qual(t.Pkg.Store, c.PosName)).Op("=").False()
				g.Id("r").Dot(c.GoName).Op("=").Qual(t.Pkg.Store, t.GoName).Values().Dot(c.GoName)
			}
		}
		if owner != nil {
			var stamp jen.Code = jen.Id("r").Dot(owner.GoName).Op("=").Id("v").Dot("ID")
			if owner.Nillable {
				stamp = jen.Id("r").Dot(owner.GoName).Op("=").Op("&").Id("v").Dot("ID")
			}
			// a key owner stays as given on update and del: the key names the
			// row, and Mine refuses it when it is another account's
			g.If(jen.Id("create").Op("&&").Id("v").Dot("ID").Op("!=").Lit("")).Block(
				stamp,
				jen.Id("set").Index(jen.Qual(t.Pkg.Store, owner.PosName)).Op("=").True(),
			).Else().Block(
				jen.Id("set").Index(jen.Qual(t.Pkg.Store, owner.PosName)).Op("=").False(),
			)
		}
	})
}

// guarded reports whether t has anything a caller that is not an admin may
// not write: an admin column, or the owner column. Without, no Guard.
func guarded(t *RestTable) bool {
	if t.Owner != nil {
		return true
	}
	for _, c := range t.Columns {
		if c.Admin && !c.Secure && c.KeyPos == 0 {
			return true
		}
	}
	return false
}

// ownerOf is the owner of the row r for Vis.Show: "" for a table without an
// owner column. rules is the package of the rule functions ("" for the one
// being rendered).
func ownerOf(t *RestTable, rules string, r jen.Code) jen.Code {
	if t.Owner == nil {
		return jen.Lit("")
	}
	if rules == "" {
		return jen.Id(t.GoName + "Owner").Call(r)
	}
	return jen.Qual(rules, t.GoName+"Owner").Call(r)
}

// guard is the call of the table's Guard, nothing when it has none.
func guard(t *RestTable, create bool) jen.Code {
	if !guarded(t) {
		return jen.Null()
	}
	return jen.Id(t.GoName+"Guard").Call(jen.Id("r"), jen.Id("set"), jen.Id("v"), jen.Lit(create))
}
