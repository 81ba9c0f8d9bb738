package gen

import (
	"strings"

	"github.com/99designs/gqlgen/codegen/templates"
	"github.com/dave/jennifer/jen"
)

const (
	authPkg   = "github.com/bkgen/bkgen/runtime/auth"
	gqlPkg    = "github.com/bkgen/bkgen/runtime/gql"
	pubsubPkg = "github.com/bkgen/bkgen/runtime/pubsub"
)

// gqlName is the Go name gqlgen gives a GraphQL field.
func gqlName(name string) string { return templates.ToGo(name) }

// resolversFile renders the gqlgen resolvers on the typed store, with the
// rules of the REST handlers (generated/rules: Policy and the writes).
func resolversFile(m *Model, r *REST, mods *Modules) *jen.File {
	f := newFile("graphql")
	f.ImportName(m.Pkg.Store, "store")
	f.ImportName(m.Pkg.Rules, "rules")
	f.ImportAlias(restPkg, "rtrest") // runtime/rest, beside the generated rules package
	f.ImportName(authPkg, "auth")
	f.ImportName("github.com/99designs/gqlgen/graphql", "graphql") // gqlgen's, as in exec.go
	f.Comment("Resolver implements the GraphQL schema on the typed store; writes are published")
	f.Comment("on bus, and subscriptions read from it.")
	f.Type().Id("Resolver").StructFunc(func(g *jen.Group) {
		g.Id("st").Op("*").Qual(m.Pkg.Store, "Store")
		g.Id("bus").Qual(pubsubPkg, "Bus")
		if mods.Any() {
			g.Comment("Modules are the module routes by path (generated/server), which the module fields call.")
			g.Id("Modules").Map(jen.String()).Qual(modulePkg, "Handler")
		}
	})
	f.Comment("NewResolver returns the resolvers on st and bus (nil: no subscriptions).")
	f.Func().Id("NewResolver").Params(jen.Id("st").Op("*").Qual(m.Pkg.Store, "Store"), jen.Id("bus").Qual(pubsubPkg, "Bus")).Op("*").Id("Resolver").Block(jen.Return(jen.Op("&").Id("Resolver").Values(jen.Id("st").Op(":").Id("st"), jen.Id("bus").Op(":").Id("bus"))))
	f.Comment("Query returns the resolvers of the queries.")
	f.Func().Params(jen.Id("r").Op("*").Id("Resolver")).Id("Query").Params().Id("QueryResolver").Block(jen.Return(jen.Parens(jen.Op("*").Id("queryResolver")).Call(jen.Id("r"))))
	f.Comment("Mutation returns the resolvers of the mutations.")
	f.Func().Params(jen.Id("r").Op("*").Id("Resolver")).Id("Mutation").Params().Id("MutationResolver").Block(jen.Return(jen.Parens(jen.Op("*").Id("mutationResolver")).Call(jen.Id("r"))))
	f.Comment("Subscription returns the resolvers of the subscriptions.")
	f.Func().Params(jen.Id("r").Op("*").Id("Resolver")).Id("Subscription").Params().Id("SubscriptionResolver").Block(jen.Return(jen.Parens(jen.Op("*").Id("subscriptionResolver")).Call(jen.Id("r"))))
	f.Comment("The roots are the Resolver under other method sets, with pointer receivers:")
	f.Comment("a value receiver would cost a second copy of each method (Go's wrapper for the")
	f.Comment("pointer), a few hundred bytes a table in the binary.")
	f.Type().Id("queryResolver").Id("Resolver")
	f.Type().Id("mutationResolver").Id("Resolver")
	f.Type().Id("subscriptionResolver").Id("Resolver")
	f.Var().Id("_").Id("ResolverRoot").Op("=").Parens(jen.Op("*").Id("Resolver")).Parens(jen.Nil())
	for _, t := range r.Tables {
		gqlTable(f, t)
		gqlFastWriter(f, t)
		gqlSubscription(f, t)
	}
	gqlSchema(f, r)
	gqlFastLists(f, r)
	moduleResolvers(f, mods)
	f.Comment("Paths are the REST paths of the top-level fields: the path rules, access checks and")
	f.Comment("request hooks of a path hold for its GraphQL field too (runtime/gql).")
	f.Var().Id("Paths").Op("=").Map(jen.String()).String().Values(jen.DictFunc(func(d jen.Dict) {
		for _, t := range r.Tables {
			path := func(op string) jen.Code { return jen.Lit("/" + t.Name + "/" + op) }
			d[jen.Lit("Query."+t.Name)] = path("get")
			d[jen.Lit("Query."+Plural(t.Name))] = path("select")
			for _, op := range []string{"add", "put", "update", "del"} {
				d[jen.Lit("Mutation."+op+t.GoName)] = path(op)
			}
			if len(t.Counters) > 0 {
				d[jen.Lit("Mutation.incr"+t.GoName)] = path("incr")
			}
			d[jen.Lit("Subscription."+t.Name+"Changed")] = path("select")
		}
		for _, fl := range moduleFields(mods) {
			d[jen.Lit(fl.root+"."+fl.name)] = jen.Lit(fl.path)
		}
	}))
	f.Comment("NewConfig returns the executable schema's configuration: the resolvers (the")
	f.Comment("complexity of lists is runtime/gql's, the same rule for every table).")
	f.Func().Id("NewConfig").Params(jen.Id("st").Op("*").Qual(m.Pkg.Store, "Store"), jen.Id("bus").Qual(pubsubPkg, "Bus")).Id("Config").Block(
		jen.Return(jen.Id("Config").Values(jen.Id("Resolvers").Op(":").Id("NewResolver").Call(jen.Id("st"), jen.Id("bus")))),
	)
	return f
}

func viewer() jen.Code { return jen.Qual(authPkg, "ViewerOf").Call(jen.Id("ctx")) }

func gqlTable(f *jen.File, t *RestTable) {
	u := t.Unexported
	ctx := jen.Id("ctx").Qual("context", "Context")
	errRet := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))

	// row -> model: a column is a call of runtime/gql's Show helpers (one
	// line each); the few shapes they do not cover keep an if of their own
	f.Commentf("%sOut is r as the caller may see it: a hidden column is null.", u)
	f.Func().Id(u+"Out").Params(jen.Id("v").Qual(authPkg, "Viewer"), jen.Id("r").Op("*").Qual(t.Pkg.Store, t.GoName)).Op("*").Id(t.GoName).BlockFunc(func(g *jen.Group) {
		g.Id("show").Op(":=").Qual(t.Pkg.Rules, t.GoName+"Policy").Dot("Show").Call(jen.Id("v"), ownerOf(t, t.Pkg.Rules, jen.Id("r")), jen.Nil(), jen.Nil())
		var fields, rest []jen.Code
		inRow := false // a column shown as a pointer into the row's copy
		for _, c := range t.Out {
			if e := gqlShow(t, c); e != nil {
				fields = append(fields, jen.Line().Id(gqlName(c.Name)).Op(":").Add(e))
				inRow = inRow || gqlShowsInRow(c)
			} else {
				rest = append(rest, gqlShowStmt(t, c))
			}
		}
		if len(fields) > 0 {
			fields = append(fields, jen.Line())
		}
		if inRow {
			// the model and a copy of the row in one allocation, the model's
			// columns pointing into the copy: one allocation per row where a
			// copy of each column would be one per column (a page of 20 rows
			// of 6 columns: 120 fewer)
			g.Id("o").Op(":=").Op("&").Struct(jen.Id("out").Id(t.GoName), jen.Id("row").Qual(t.Pkg.Store, t.GoName)).Values(jen.Id("row").Op(":").Op("*").Id("r"))
			g.Id("out").Op(":=").Op("&").Id("o").Dot("out")
			g.Op("*").Id("out").Op("=").Id(t.GoName).Values(fields...)
		} else {
			g.Id("out").Op(":=").Op("&").Id(t.GoName).Values(fields...)
		}
		for _, st := range rest {
			g.Add(st)
		}
		g.Return(jen.Id("out"))
	})

	// input -> row: Take helpers too, an error return where one can fail
	f.Commentf("%sIn reads the columns an input gives into a row, marking them in set.", u)
	inFails := gqlInFails(t)
	results := jen.List(jen.Qual(t.Pkg.Store, t.GoName), jen.Index().Bool(), jen.Error())
	if !inFails {
		results = jen.List(jen.Qual(t.Pkg.Store, t.GoName), jen.Index().Bool())
	}
	f.Func().Id(u + "In").Params(jen.Id("in").Op("*").Id(t.GoName + "Input")).Parens(results).BlockFunc(func(g *jen.Group) {
		g.Var().Id("r").Qual(t.Pkg.Store, t.GoName)
		g.Id("set").Op(":=").Make(jen.Index().Bool(), jen.Lit(len(t.Columns)))
		for _, c := range t.In {
			g.Add(gqlTake(t, c))
		}
		if inFails {
			g.Return(jen.Id("r"), jen.Id("set"), jen.Nil())
		} else {
			g.Return(jen.Id("r"), jen.Id("set"))
		}
	})

	keyOf := func(g *jen.Group) {
		for _, k := range t.Keys {
			g.If(jen.Op("!").Id("set").Index(jen.Qual(t.Pkg.Store, k.PosName))).Block(jen.Return(jen.Nil(), jen.Qual(dbPkg, "MissingKey").Call(jen.Lit(t.Name), jen.Lit(k.Name))))
		}
	}
	keyParams := func() []jen.Code {
		var ps []jen.Code
		ps = append(ps, ctx.Clone())
		for _, k := range t.Keys {
			ps = append(ps, jen.Id("k"+k.GoName).Add(gqlGoType(k)))
		}
		return ps
	}
	keyValue := jen.Qual(t.Pkg.Store, t.KeyType).ValuesFunc(func(g *jen.Group) {
		for _, k := range t.Keys {
			g.Id(k.GoName).Op(":").Add(gqlKeyConv(k, jen.Id("k"+k.GoName)))
		}
	})

	// queries
	f.Commentf("%s gets the %s row with the key, as the caller may see it.", gqlName(t.Name), t.Name)
	f.Func().Params(jen.Id("q").Op("*").Id("queryResolver")).Id(gqlName(t.Name)).Params(keyParams()...).Parens(jen.List(jen.Op("*").Id(t.GoName), jen.Error())).Block(
		jen.List(jen.Id("r"), jen.Err()).Op(":=").Id("q").Dot("st").Dot(t.GoName).Dot("Get").Call(jen.Id("ctx"), keyValue),
		errRet.Clone(),
		jen.Return(jen.Id(u+"Out").Call(viewer(), jen.Id("r")), jen.Nil()),
	)
	f.Commentf("%s selects %s rows under the read rule of %sPolicy.", gqlName(Plural(t.Name)), t.Name, t.GoName)
	f.Func().Params(jen.Id("q").Op("*").Id("queryResolver")).Id(gqlName(Plural(t.Name))).Params(ctx.Clone(), jen.Id("where").Index().Op("*").Qual(gqlPkg, "Cond"), jen.Id("first").Op("*").Int(), jen.Id("after").Op("*").String(), jen.Id("desc").Op("*").Bool(), jen.Id("sort").Op("*").String()).Parens(jen.List(jen.Op("*").Id(t.GoName+"Connection"), jen.Error())).BlockFunc(func(g *jen.Group) {
		g.Id("query").Op(":=").Qual(gqlPkg, "Query").Call(jen.Id("where"), jen.Id("first"), jen.Id("after"), jen.Id("desc"), jen.Id("sort"))
		g.Id("v").Op(":=").Add(viewer())
		g.If(jen.Err().Op(":=").Qual(t.Pkg.Rules, t.GoName+"Policy").Dot("Query").Call(jen.Id("v"), jen.Op("&").Id("query")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
		g.List(jen.Id("page"), jen.Err()).Op(":=").Id("q").Dot("st").Dot(t.GoName).Dot("Select").Call(jen.Id("ctx"), jen.Id("query"))
		g.Add(errRet.Clone())
		g.Id("out").Op(":=").Op("&").Id(t.GoName+"Connection").Values(jen.Id("Nodes").Op(":").Make(jen.Index().Op("*").Id(t.GoName), jen.Len(jen.Id("page").Dot("Rows"))), jen.Id("HasNextPage").Op(":").Id("page").Dot("Next").Op("!=").Lit(""))
		g.For(jen.Id("i").Op(":=").Range().Id("page").Dot("Rows")).Block(jen.Id("out").Dot("Nodes").Index(jen.Id("i")).Op("=").Id(u+"Out").Call(jen.Id("v"), jen.Op("&").Id("page").Dot("Rows").Index(jen.Id("i"))))
		g.If(jen.Id("page").Dot("Next").Op("!=").Lit("")).Block(jen.Id("out").Dot("EndCursor").Op("=").Op("&").Id("page").Dot("Next"))
		g.Return(jen.Id("out"), jen.Nil())
	})

	// mutations
	mut := func(name string, ret jen.Code, body func(g *jen.Group)) {
		f.Commentf("%s%s runs the %s of the input through the rules of generated/rules.", name, t.GoName, strings.ToLower(name))
		f.Func().Params(jen.Id("m").Op("*").Id("mutationResolver")).Id(name+t.GoName).Params(ctx.Clone(), jen.Id("input").Id(t.GoName+"Input")).Parens(jen.List(ret, jen.Error())).BlockFunc(func(g *jen.Group) {
			if gqlInFails(t) {
				g.List(jen.Id("r"), jen.Id("set"), jen.Err()).Op(":=").Id(u + "In").Call(jen.Op("&").Id("input"))
				g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(zeroOf(ret), jen.Err()))
			} else {
				g.List(jen.Id("r"), jen.Id("set")).Op(":=").Id(u + "In").Call(jen.Op("&").Id("input"))
			}
			g.Id("v").Op(":=").Add(viewer())
			body(g)
		})
	}
	for _, write := range []string{"Add", "Put"} {
		mut(write, jen.Op("*").Id(t.GoName), func(g *jen.Group) {
			g.If(jen.Err().Op(":=").Qual(t.Pkg.Rules, t.GoName+write).Call(jen.Id("ctx"), jen.Id("m").Dot("st"), jen.Id("m").Dot("bus"), jen.Id("v"), jen.Op("&").Id("r"), jen.Id("set")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
			g.Return(jen.Id(u+"Out").Call(jen.Id("v"), jen.Op("&").Id("r")), jen.Nil())
		})
	}
	mut("Update", jen.Int64(), func(g *jen.Group) {
		for _, k := range t.Keys {
			g.If(jen.Op("!").Id("set").Index(jen.Qual(t.Pkg.Store, k.PosName))).Block(jen.Return(jen.Lit(0), jen.Qual(dbPkg, "MissingKey").Call(jen.Lit(t.Name), jen.Lit(k.Name))))
		}
		g.Return(jen.Qual(t.Pkg.Rules, t.GoName+"Update").Call(jen.Id("ctx"), jen.Id("m").Dot("st"), jen.Id("m").Dot("bus"), jen.Id("v"), jen.Qual(t.Pkg.Store, t.GoName+"KeyOf").Call(jen.Op("&").Id("r")), jen.Op("&").Id("r"), jen.Id("set")))
	})
	if len(t.Counters) > 0 {
		mut("Incr", jen.Op("*").Id(t.GoName), func(g *jen.Group) {
			keyOf(g)
			g.List(jen.Id("row"), jen.Err()).Op(":=").Qual(t.Pkg.Rules, t.GoName+"Incr").Call(jen.Id("ctx"), jen.Id("m").Dot("st"), jen.Id("m").Dot("bus"), jen.Id("v"), jen.Qual(t.Pkg.Store, t.GoName+"KeyOf").Call(jen.Op("&").Id("r")), jen.Qual(t.Pkg.Store, t.IncrType).ValuesFunc(func(g *jen.Group) {
				for _, c := range t.Counters {
					g.Id(c.GoName).Op(":").Id("r").Dot(c.GoName)
				}
			}))
			g.Add(errRet.Clone())
			g.Return(jen.Id(u+"Out").Call(jen.Id("v"), jen.Id("row")), jen.Nil())
		})
	}
	f.Commentf("Del%s deletes the %s row with the key through the rules of generated/rules.", t.GoName, t.Name)
	f.Func().Params(jen.Id("m").Op("*").Id("mutationResolver")).Id("Del"+t.GoName).Params(keyParams()...).Parens(jen.List(jen.Bool(), jen.Error())).Block(
		jen.Err().Op(":=").Qual(t.Pkg.Rules, t.GoName+"Del").Call(jen.Id("ctx"), jen.Id("m").Dot("st"), jen.Id("m").Dot("bus"), viewer(), keyValue),
		jen.Return(jen.Err().Op("==").Nil(), jen.Err()),
	)
}

// gqlSubscription renders tChanged: the writes to the table from the bus,
// filtered by the key parts given, as the subscriber may see them.
func gqlSubscription(f *jen.File, t *RestTable) {
	u := t.Unexported
	params := []jen.Code{jen.Id("ctx").Qual("context", "Context")}
	for _, k := range t.Keys {
		params = append(params, jen.Id("k"+k.GoName).Op("*").Add(gqlGoType(k)))
	}
	f.Commentf("%sChanged delivers the writes to %q; it ends with the subscription's context.", gqlName(t.Name), t.Name)
	f.Func().Params(jen.Id("s").Op("*").Id("subscriptionResolver")).Id(gqlName(t.Name) + "Changed").Params(params...).Parens(jen.List(jen.Op("<-").Chan().Op("*").Id(t.GoName+"Event"), jen.Error())).BlockFunc(func(g *jen.Group) {
		g.Id("v").Op(":=").Add(viewer())
		row := jen.Op("*").Qual(t.Pkg.Store, t.GoName)
		g.Return(jen.Qual(gqlPkg, "Changes").Call(
			jen.Id("ctx"), jen.Id("s").Dot("bus"), jen.Lit(t.Name),
			jen.Func().Params(jen.Id("r").Add(row.Clone())).Bool().Block(jen.Return(jen.Add(gqlKeyMatch(t)))),
			jen.Id("s").Dot("st").Dot(t.GoName).Dot("Read"),
			jen.Func().Params(jen.Id("op").String(), jen.Id("r").Add(row.Clone())).Op("*").Id(t.GoName+"Event").Block(
				jen.Return(jen.Op("&").Id(t.GoName+"Event").Values(jen.Id("Op").Op(":").Id("op"), jen.Id(gqlName(t.Name)).Op(":").Id(u+"Out").Call(jen.Id("v"), jen.Id("r"))))),
		))
	})
}

// gqlKeyMatch is whether a published row r matches the key parts a
// subscriber gave (kX, nil when not given).
func gqlKeyMatch(t *RestTable) jen.Code {
	if len(t.Keys) == 0 {
		return jen.True()
	}
	var all *jen.Statement
	for _, k := range t.Keys {
		c := jen.Parens(jen.Id("k" + k.GoName).Op("==").Nil().Op("||").Id("r").Dot(k.GoName).Op("==").Add(gqlKeyConv(k, jen.Op("*").Id("k"+k.GoName))))
		if all == nil {
			all = c
		} else {
			all = all.Op("&&").Add(c)
		}
	}
	return all
}

// gqlShow is the value of column c in the model of a reply: a call of
// runtime/gql's Show helpers, or nil for the shapes they do not cover (a
// JSON value; a nullable column whose Go type is not gqlgen's), which
// gqlShowStmt writes.
func gqlShow(t *RestTable, c *Column) jen.Code {
	show := jen.Id("show").Index(jen.Qual(t.Pkg.Store, c.PosName))
	fld := jen.Id("r").Dot(c.GoName)
	conv := gqlOutConv(c)
	switch {
	case c.Type.JSON, c.Type.UUID: // a uuid is made text only when shown
		return nil
	case c.Kind == KindBytes:
		return jen.Qual(gqlPkg, "ShowBytes").Call(show, fld)
	case c.Nillable && conv != nil:
		return nil
	case c.Nillable:
		return jen.Qual(gqlPkg, "ShowNullable").Call(show, fld)
	case conv != nil:
		return jen.Qual(gqlPkg, "Show").Call(show, conv(fld))
	}
	return jen.Qual(gqlPkg, "ShowAt").Call(show, jen.Op("&").Id("o").Dot("row").Dot(c.GoName))
}

// gqlShowsInRow reports whether gqlShow shows c as a pointer into the
// row's copy (a column whose Go type is gqlgen's, not null).
func gqlShowsInRow(c *Column) bool {
	return !c.Type.JSON && !c.Type.UUID && c.Kind != KindBytes && !c.Nillable && gqlOutConv(c) == nil
}

// gqlOutConv converts a field to gqlgen's Go type of its scalar, or is nil
// when the types are the same.
func gqlOutConv(c *Column) func(v jen.Code) jen.Code {
	switch {
	case c.Type.UUID:
		return func(v jen.Code) jen.Code { return uuidText(v) }
	case c.Kind == KindInt && c.Type.Ident != "int64":
		return func(v jen.Code) jen.Code { return jen.Int64().Parens(v) }
	case c.Kind == KindFloat && c.Type.Ident != "float64":
		return func(v jen.Code) jen.Code { return jen.Float64().Parens(v) }
	}
	return nil
}

// gqlShowStmt sets column c of out where gqlShow has no expression: a JSON
// value, a uuid, a nullable column converted to gqlgen's type.
func gqlShowStmt(t *RestTable, c *Column) jen.Code {
	show := jen.Id("show").Index(jen.Qual(t.Pkg.Store, c.PosName))
	fld := jen.Id("r").Dot(c.GoName)
	dst := jen.Id("out").Dot(gqlName(c.Name))
	if c.Type.JSON {
		return jen.If(show.Op("&&").Add(fld.Clone()).Op("!=").Nil()).Block(dst.Op("=").Add(fld))
	}
	if !c.Nillable {
		return jen.If(show).Block(jen.Id("x").Op(":=").Add(gqlOutConv(c)(fld)), dst.Op("=").Op("&").Id("x"))
	}
	return jen.If(show.Op("&&").Add(fld.Clone()).Op("!=").Nil()).Block(
		jen.Id("x").Op(":=").Add(gqlOutConv(c)(jen.Op("*").Add(fld))), dst.Op("=").Op("&").Id("x"))
}

// narrowInts are the integer types runtime/gql.TakeInt reads an Int64 into
// (db.Integer's, which are the Go types gen/model.go gives integer columns).
var narrowInts = map[string]bool{"int": true, "int8": true, "int16": true, "int32": true, "uint8": true, "uint16": true, "uint32": true}

// gqlTake reads column c of an input into the row r and marks it in set:
// a call of runtime/gql's Take helpers (with an error return where reading
// can fail), or an if block of its own for the shapes they do not cover.
func gqlTake(t *RestTable, c *Column) jen.Code {
	src := jen.Id("in").Dot(gqlName(c.Name))
	dst := jen.Op("&").Id("r").Dot(c.GoName)
	pos := jen.Qual(t.Pkg.Store, c.PosName)
	failing := func(helper string) jen.Code {
		return jen.If(jen.Err().Op(":=").Qual(gqlPkg, helper).Call(dst, src, jen.Id("set"), pos, jen.Lit(t.Name), jen.Lit(c.Name)), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Id("r"), jen.Nil(), jen.Err()))
	}
	switch {
	case c.Type.JSON || c.Type.UUID || (c.Kind == KindInt && c.Type.Ident != "int64" && (c.Nillable || !narrowInts[c.Type.Ident])) ||
		(c.Kind == KindFloat && c.Type.Ident != "float64"):
		return gqlTakeBlock(t, c)
	case c.Kind == KindBytes:
		return failing("TakeBytes")
	case c.Kind == KindInt && c.Type.Ident != "int64":
		return failing("TakeInt")
	case c.Nillable:
		return jen.Qual(gqlPkg, "TakeNullable").Call(dst, src, jen.Id("set"), pos)
	}
	return jen.Qual(gqlPkg, "Take").Call(dst, src, jen.Id("set"), pos)
}

// gqlTakeBlock is gqlTake's if block for a JSON value, a uuid, and a
// nullable or named narrower number.
func gqlTakeBlock(t *RestTable, c *Column) jen.Code {
	fail := func(col, msg string, args ...jen.Code) jen.Code {
		return jen.Return(jen.Id("r"), jen.Nil(), jen.Qual(dbPkg, "Invalid").Call(append([]jen.Code{jen.Lit(t.Name), jen.Lit(col), jen.Lit(msg)}, args...)...))
	}
	src := jen.Id("in").Dot(gqlName(c.Name))
	dst := jen.Id("r").Dot(c.GoName)
	mark := jen.Id("set").Index(jen.Qual(t.Pkg.Store, c.PosName)).Op("=").True()
	if c.Type.JSON {
		return jen.If(src.Clone().Op("!=").Nil()).Block(
			mark,
			jen.List(jen.Id("b"), jen.Id("_")).Op(":=").Qual("encoding/json", "Marshal").Call(src.Clone()),
			// the words of REST's JSON columns
			jen.If(jen.Err().Op(":=").Qual("github.com/bkgen/bkgen/runtime/rest", "DecodeJSON").Call(jen.Lit(t.Name), jen.Lit(c.Name), jen.Id("b"), jen.Op("&").Add(dst.Clone())), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r"), jen.Nil(), jen.Err())),
		)
	}
	var body []jen.Code
	v := jen.Op("*").Add(src.Clone())
	var val jen.Code = v
	switch {
	case c.Type.UUID:
		body = append(body,
			jen.List(jen.Id("u"), jen.Err()).Op(":=").Qual(uuidPkg, "Parse").Call(v),
			jen.If(jen.Err().Op("!=").Nil()).Block(fail(c.Name, "not a uuid")))
		val = jen.Id("u")
	case c.Kind == KindInt:
		body = append(body, jen.If(jen.Int64().Parens(jen.Id(c.Type.Ident).Parens(v)).Op("!=").Add(jen.Op("*").Add(src.Clone()))).Block(fail(c.Name, "%d is out of range for "+c.Type.Ident, jen.Op("*").Add(src.Clone()))))
		val = jen.Id(c.Type.Ident).Parens(jen.Op("*").Add(src.Clone()))
	case c.Kind == KindFloat:
		val = jen.Id(c.Type.Ident).Parens(v)
	}
	body = append(body, mark)
	if c.Nillable {
		body = append(body, jen.Id("x").Op(":=").Add(val), dst.Clone().Op("=").Op("&").Id("x"))
	} else {
		body = append(body, dst.Clone().Op("=").Add(val))
	}
	return jen.If(src.Clone().Op("!=").Nil()).Block(body...)
}

func zeroOf(ret jen.Code) jen.Code {
	if s, ok := ret.(*jen.Statement); ok && s.GoString() == "int64" {
		return jen.Lit(0)
	}
	return jen.Nil()
}

// gqlGoType is the Go type gqlgen gives a non-null argument of c's scalar.
func gqlGoType(c *Column) jen.Code { return wireCode(c.Kind) }

// gqlKeyConv converts a key argument to the key field's Go type.
func gqlKeyConv(c *Column, v jen.Code) jen.Code {
	switch {
	case c.Type.UUID:
		return jen.Qual(restPkg, "UUIDOrZero").Call(v) // a bad uuid is the zero one: a missing key (400)
	case c.Kind == KindInt && c.Type.Ident != "int64":
		return jen.Id(c.Type.Ident).Parens(v)
	}
	return v
}

// gqlInFails reports whether reading a GraphQL input of t can fail: a JSON
// column, base64 bytes, a uuid or an integer narrower than int64. When none
// can, the reader returns no error.
func gqlInFails(t *RestTable) bool {
	for _, c := range t.In {
		if c.Type.JSON || c.Kind == KindBytes || c.Type.UUID || (c.Kind == KindInt && c.Type.Ident != "int64") {
			return true
		}
	}
	return false
}
