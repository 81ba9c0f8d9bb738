package gen

import "github.com/dave/jennifer/jen"

// The rules of generated/rules that REST and GraphQL share: who sees which
// column, whose row it is, what a caller may write (writes.go has the writes).

// visibilityFuncs renders the table's policy: its access rule as data,
// computed by runtime/rest from the table's description (the model's
// decisions), and shared by REST, GraphQL and every write of generated/rules.
func visibilityFuncs(f *jen.File, t *RestTable) {
	f.Commentf("%sPolicy is the access rule of %q (docs/api.md): who sees, filters and writes which", t.GoName, t.Name)
	f.Comment("column and row. REST and GraphQL both ask it.")
	f.Var().Id(t.GoName+"Policy").Op("=").Qual(restPkg, "NewPolicy").Call(jen.Qual(t.Pkg.Store, t.TableVar))
}

// ownerOf is the owner of the row r for Policy.Show: "" for a table without an
// owner column. rules is the package of the rule functions ("" for the one
// being rendered).
func ownerOf(t *RestTable, rules string, r jen.Code) jen.Code {
	if t.Owner == nil {
		return jen.Lit("")
	}
	if rules == "" {
		return jen.Id(t.GoName + "Policy").Dot("Owner").Call(r)
	}
	return jen.Qual(rules, t.GoName+"Policy").Dot("Owner").Call(r)
}

// guard is the call of the policy's Guard. It is emitted on every table:
// what there is to guard is the policy's to decide (runtime/rest), not a
// second copy of the rule here.
func guard(t *RestTable, create bool) jen.Code {
	return jen.Id(t.GoName+"Policy").Dot("Guard").Call(jen.Id("r"), jen.Id("set"), jen.Id("v"), jen.Lit(create))
}
