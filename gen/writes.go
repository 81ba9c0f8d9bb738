package gen

import "github.com/dave/jennifer/jen"

// writeFuncs renders, in generated/rules, one function per write of the table
// with its rules: what a caller may write (Guard), whose rows it may change
// (Mine, Owner), and the event published after the write. The REST handlers
// and the GraphQL resolvers both call them, so the rules live in one place.
func writeFuncs(f *jen.File, t *RestTable) {
	ctx := func() jen.Code { return jen.Id("ctx").Qual("context", "Context") }
	st := func() *jen.Statement { return jen.Id("st").Dot(t.GoName) }
	stp := func() jen.Code { return jen.Id("st").Op("*").Qual(t.Pkg.Store, "Store") }
	bus := func() jen.Code { return jen.Id("bus").Qual(pubsubPkg, "Bus") }
	viewer := func() jen.Code { return jen.Id("v").Qual(authPkg, "Viewer") }
	row := func() jen.Code { return jen.Id("r").Op("*").Qual(t.Pkg.Store, t.GoName) }
	set := func() jen.Code { return jen.Id("set").Index().Bool() }
	key := func() jen.Code { return jen.Id("k").Qual(t.Pkg.Store, t.KeyType) }
	publish := func(op string, v jen.Code) jen.Code {
		return jen.Qual(pubsubPkg, "PublishRow").Call(jen.Id("ctx"), jen.Id("bus"), jen.Lit(t.Name), jen.Lit(op), v)
	}

	// A key the database assigns is never the caller's to choose: a chosen
	// one would be taken from under the next add (PostgreSQL's sequence
	// does not move past it). Add refuses it, and put only replaces rows
	// that exist.
	var auto *Column
	for _, k := range t.Keys {
		if k.AutoID {
			auto = k
		}
	}
	autoGiven := func() jen.Code {
		if auto == nil {
			return jen.Null()
		}
		return jen.If(jen.Id("set").Index(jen.Qual(t.Pkg.Store, auto.PosName))).Block(jen.Return(jen.Qual(dbPkg, "Invalid").Call(jen.Lit(t.Name), jen.Lit(auto.Name), jen.Lit("assigned by the database on add: leave it out"))))
	}
	autoExists := func() jen.Code {
		if auto == nil {
			return jen.Null()
		}
		return jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(st()).Dot("Get").Call(jen.Id("ctx"), jen.Qual(t.Pkg.Store, t.GoName+"KeyOf").Call(jen.Id("r"))), jen.Qual("errors", "Is").Call(jen.Err(), jen.Qual(dbPkg, "ErrNotFound"))).Block(
			jen.Return(jen.Op("&").Qual(dbPkg, "Error").Values(jen.Id("Code").Op(":").Lit("NotFound"), jen.Id("Message").Op(":").Lit(t.Name+": put replaces a row that exists; the database assigns "+auto.Name+" on add"))),
		)
	}

	f.Commentf("%sAdd adds r for v (set marks the columns given) and publishes it.", t.GoName)
	f.Func().Id(t.GoName+"Add").Params(ctx(), stp(), bus(), viewer(), row(), set()).Error().Block(
		anonymous(t),
		autoGiven(),
		guard(t, true),
		jen.If(jen.Err().Op(":=").Add(st()).Dot("Add").Call(jen.Id("ctx"), jen.Id("r")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		publish("add", jen.Id("r")),
		jen.Return(jen.Nil()),
	)

	// The owner check of put is the write's own condition (an upsert whose
	// update applies only to the caller's row), so that two accounts
	// putting one new key at once, or a stale cached read, cannot hand one
	// account's row to another.
	f.Commentf("%sPut stores r for v, who may not take over a row of another account, and publishes it.", t.GoName)
	f.Func().Id(t.GoName+"Put").Params(ctx(), stp(), bus(), viewer(), row(), set()).Error().BlockFunc(func(g *jen.Group) {
		g.Add(anonymous(t))
		g.Add(autoExists())
		g.Add(guard(t, true))
		putCall(g, t, st())
		g.Add(publish("put", jen.Id("r")))
		g.Return(jen.Nil())
	})

	f.Commentf("%sUpdate changes the columns of r that set marks in the row k, if v may, and", t.GoName)
	f.Comment("publishes the updated row; it returns the rows changed (0 or 1).")
	f.Func().Id(t.GoName+"Update").Params(ctx(), stp(), bus(), viewer(), key(), row(), set()).Parens(jen.List(jen.Int64(), jen.Error())).BlockFunc(func(g *jen.Group) {
		g.Add(anonymous(t, jen.Lit(0)))
		g.Add(guard(t, false))
		g.Var().Id("c").Qual(t.Pkg.Store, t.ChangesType)
		for _, c := range changeable(t.Table) {
			if !c.Secure {
				g.Id("c").Dot(c.GoName).Op("=").Qual(dbPkg, "SomeIf").Call(jen.Id("set").Index(jen.Qual(t.Pkg.Store, c.PosName)), jen.Id("r").Dot(c.GoName))
			}
		}
		if t.Owner == nil {
			g.List(jen.Id("n"), jen.Err()).Op(":=").Add(st()).Dot("Update").Call(jen.Id("ctx"), jen.Id("k"), jen.Id("c"))
			g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("n"), jen.Err()))
		} else {
			g.Id("mine").Op(":=").Id(t.GoName + "Policy").Dot("Mine").Call(jen.Id("v"))
			g.List(jen.Id("n"), jen.Err()).Op(":=").Add(st()).Dot("Update").Call(jen.Id("ctx"), jen.Id("k"), jen.Id("c"), jen.Id("mine").Op("..."))
			g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("n"), jen.Err()))
			// a row that is there but not the caller's is a refusal, not "0 rows"
			g.If(jen.Id("n").Op("==").Lit(0).Op("&&").Id("mine").Op("!=").Nil()).Block(
				jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(st()).Dot("Get").Call(jen.Id("ctx"), jen.Id("k")), jen.Err().Op("==").Nil()).Block(jen.Return(jen.Lit(0), jen.Qual(restPkg, "NotOwner").Call(jen.Lit(t.Name)))),
			)
		}
		g.If(jen.Id("n").Op(">").Lit(0).Op("&&").Id("bus").Op("!=").Nil()).Block(
			jen.If(jen.List(jen.Id("row"), jen.Err()).Op(":=").Add(st()).Dot("Get").Call(jen.Id("ctx"), jen.Id("k")), jen.Err().Op("==").Nil()).Block(publish("update", jen.Id("row"))),
		)
		g.Return(jen.Id("n"), jen.Nil())
	})

	if len(t.Counters) > 0 {
		o := t.Owner
		f.Commentf("%sIncr adds the counters of inc to the row k (made when missing) and publishes it.", t.GoName)
		if o != nil {
			f.Comment("A caller that is not an admin changes only its own row, and owns the row it makes:")
			f.Comment("the owner check is the write's own condition, as for put.")
		}
		f.Func().Id(t.GoName+"Incr").Params(ctx(), stp(), bus(), viewer(), key(), jen.Id("inc").Qual(t.Pkg.Store, t.IncrType)).Parens(jen.List(jen.Op("*").Qual(t.Pkg.Store, t.GoName), jen.Error())).BlockFunc(func(g *jen.Group) {
			if o == nil {
				g.List(jen.Id("r"), jen.Err()).Op(":=").Add(st()).Dot("Incr").Call(jen.Id("ctx"), jen.Id("k"), jen.Id("inc"))
				g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
			} else {
				g.Add(anonymous(t, jen.Nil()))
				if o.KeyPos > 0 {
					g.If(jen.Op("!").Id("v").Dot("Admin").Op("&&").Id("k").Dot(o.GoName).Op("!=").Id("v").Dot("ID")).Block(jen.Return(jen.Nil(), jen.Qual(restPkg, "NotOwner").Call(jen.Lit(t.Name))))
				} else {
					g.If(jen.Op("!").Id("v").Dot("Admin")).Block(jen.Id("inc").Dot(o.GoName).Op("=").Id("v").Dot("ID"))
				}
				g.List(jen.Id("r"), jen.Err()).Op(":=").Add(st()).Dot("Incr").Call(jen.Id("ctx"), jen.Id("k"), jen.Id("inc"), jen.Id(t.GoName+"Policy").Dot("Mine").Call(jen.Id("v")).Op("..."))
				g.If(jen.Qual("errors", "Is").Call(jen.Err(), jen.Qual(dbPkg, "ErrCondition"))).Block(
					jen.Comment("another account's row, or the caller's own whose counter would overflow"),
					jen.If(jen.List(jen.Id("row"), jen.Id("gerr")).Op(":=").Add(st()).Dot("Get").Call(jen.Id("ctx"), jen.Id("k")), jen.Id("gerr").Op("==").Nil().Op("&&").Id(t.GoName+"Policy").Dot("Owner").Call(jen.Id("row")).Op("==").Id("v").Dot("ID")).Block(jen.Return(jen.Nil(), jen.Qual(dbPkg, "ErrOverflow"))),
					jen.Return(jen.Nil(), jen.Qual(restPkg, "NotOwner").Call(jen.Lit(t.Name))),
				)
				g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
			}
			g.Add(publish("incr", jen.Id("r")))
			g.Return(jen.Id("r"), jen.Nil())
		})
	}

	f.Commentf("%sDel deletes the row k, only its own for a caller that is not an admin, and", t.GoName)
	f.Comment("publishes its key.")
	f.Func().Id(t.GoName+"Del").Params(ctx(), stp(), bus(), viewer(), key()).Error().Block(
		anonymous(t),
		ownDel(t, st, publish),
		jen.If(jen.Err().Op(":=").Add(st()).Dot("Del").Call(jen.Id("ctx"), jen.Id("k")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		publish("del", jen.Id("k")),
		jen.Return(jen.Nil()),
	)
}

// ownDel is the owner branch of Del: a caller that is not an admin deletes
// only its own row. Nothing for a table without an owner.
func ownDel(t *RestTable, st func() *jen.Statement, publish func(string, jen.Code) jen.Code) jen.Code {
	if t.Owner == nil {
		return jen.Null()
	}
	return jen.If(jen.Id("mine").Op(":=").Id(t.GoName+"Policy").Dot("Mine").Call(jen.Id("v")), jen.Id("mine").Op("!=").Nil()).Block(
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Add(st()).Dot("DelAll").Call(jen.Id("ctx"), jen.Append(jen.Index().Qual(dbPkg, "Cond").ValuesFunc(func(g *jen.Group) {
			for _, kc := range t.Keys {
				g.Qual(t.Pkg.Store, t.ColsVar).Dot(kc.GoName).Dot("Eq").Call(jen.Id("k").Dot(kc.GoName))
			}
		}), jen.Id("mine").Op("...")).Op("...")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.If(jen.Id("n").Op("==").Lit(0)).BlockFunc(func(g *jen.Group) {
			g.Comment("a missing row is no error; a row of another account is a refusal")
			g.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(st()).Dot("Get").Call(jen.Id("ctx"), jen.Id("k")), jen.Err().Op("==").Nil()).Block(jen.Return(jen.Qual(restPkg, "NotOwner").Call(jen.Lit(t.Name))))
			g.Return(jen.Nil())
		}),
		publish("del", jen.Id("k")),
		jen.Return(jen.Nil()),
	)
}

// putCall is the store's put in Put: conditional on the caller's ownership
// (NotOwner when refused) on a table with an owner.
func putCall(g *jen.Group, t *RestTable, st *jen.Statement) {
	if t.Owner == nil {
		g.If(jen.Err().Op(":=").Add(st).Dot("Put").Call(jen.Id("ctx"), jen.Id("r")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		return
	}
	g.Err().Op(":=").Add(st).Dot("Put").Call(jen.Id("ctx"), jen.Id("r"), jen.Id(t.GoName+"Policy").Dot("Mine").Call(jen.Id("v")).Op("..."))
	g.If(jen.Qual("errors", "Is").Call(jen.Err(), jen.Qual(dbPkg, "ErrCondition"))).Block(jen.Return(jen.Qual(restPkg, "NotOwner").Call(jen.Lit(t.Name))))
	g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
}

// anonymous refuses the writes of a caller without an account (a path
// opened with -api-allow-path) to a table with an owner: its rows are their
// owners' to change, and such a caller is nobody's. zero are the results
// returned before the error.
func anonymous(t *RestTable, zero ...jen.Code) jen.Code {
	if t.Owner == nil {
		return jen.Null()
	}
	return jen.If(jen.Op("!").Id("v").Dot("Admin").Op("&&").Id("v").Dot("ID").Op("==").Lit("")).Block(jen.Return(append(zero, jen.Qual(restPkg, "NoAccount").Call(jen.Lit(t.Name)))...))
}
