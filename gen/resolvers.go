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
// rules of the REST handlers (generated/rest's Policy).
func resolversFile(m *Model, r *REST, mods *Modules) *jen.File {
	f := newFile("graphql")
	f.ImportName(m.Pkg.Store, "store")
	f.ImportName(m.Pkg.Rest, "rest")
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
	f.Func().Params(jen.Id("r").Op("*").Id("Resolver")).Id("Query").Params().Id("QueryResolver").Block(jen.Return(jen.Id("queryResolver").Values(jen.Id("r"))))
	f.Comment("Mutation returns the resolvers of the mutations.")
	f.Func().Params(jen.Id("r").Op("*").Id("Resolver")).Id("Mutation").Params().Id("MutationResolver").Block(jen.Return(jen.Id("mutationResolver").Values(jen.Id("r"))))
	f.Comment("Subscription returns the resolvers of the subscriptions.")
	f.Func().Params(jen.Id("r").Op("*").Id("Resolver")).Id("Subscription").Params().Id("SubscriptionResolver").Block(jen.Return(jen.Id("subscriptionResolver").Values(jen.Id("r"))))
	f.Type().Id("queryResolver").Struct(jen.Op("*").Id("Resolver"))
	f.Type().Id("mutationResolver").Struct(jen.Op("*").Id("Resolver"))
	f.Type().Id("subscriptionResolver").Struct(jen.Op("*").Id("Resolver"))
	f.Var().Id("_").Id("ResolverRoot").Op("=").Parens(jen.Op("*").Id("Resolver")).Parens(jen.Nil())
	for _, t := range r.Tables {
		gqlTable(f, t)
		gqlFastWriter(f, t)
		gqlSubscription(f, t)
	}
	gqlSchema(f, r)
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

	// row -> model
	f.Commentf("%sOut is r as the caller may see it: a hidden column is null.", u)
	f.Func().Id(u+"Out").Params(jen.Id("v").Qual(authPkg, "Viewer"), jen.Id("r").Op("*").Qual(t.Pkg.Store, t.GoName)).Op("*").Id(t.GoName).BlockFunc(func(g *jen.Group) {
		g.Id("show").Op(":=").Qual(t.Pkg.Rest, t.GoName+"Policy").Dot("Show").Call(jen.Id("v"), ownerOf(t, t.Pkg.Rest, jen.Id("r")), jen.Nil(), jen.Nil())
		g.Id("out").Op(":=").Op("&").Id(t.GoName).Values()
		for _, c := range t.Out {
			fld := jen.Id("r").Dot(c.GoName)
			dst := jen.Id("out").Dot(gqlName(c.Name))
			val := fld.Clone()
			if c.Nillable {
				val = jen.Op("*").Add(fld.Clone())
			}
			var conv jen.Code
			switch {
			case c.Type.JSON:
				g.If(jen.Id("show").Index(jen.Qual(t.Pkg.Store, c.PosName)).Op("&&").Add(fld.Clone()).Op("!=").Nil()).Block(dst.Clone().Op("=").Add(fld.Clone()))
				continue
			case c.Kind == KindBytes:
				g.If(jen.Id("show").Index(jen.Qual(t.Pkg.Store, c.PosName)).Op("&&").Len(fld.Clone()).Op(">").Lit(0)).Block(
					jen.Id("s").Op(":=").Qual("encoding/base64", "StdEncoding").Dot("EncodeToString").Call(fld.Clone()),
					dst.Clone().Op("=").Op("&").Id("s"))
				continue
			case c.Type.UUID:
				conv = jen.Add(val).Dot("String").Call()
			case c.Kind == KindInt && c.Type.Ident != "int64":
				conv = jen.Int64().Parens(val)
			case c.Kind == KindFloat && c.Type.Ident != "float64":
				conv = jen.Float64().Parens(val)
			default:
				conv = val
			}
			cond := jen.Id("show").Index(jen.Qual(t.Pkg.Store, c.PosName))
			if c.Nillable {
				cond = cond.Op("&&").Add(fld.Clone()).Op("!=").Nil()
			}
			g.If(cond).Block(jen.Id("x").Op(":=").Add(conv), dst.Clone().Op("=").Op("&").Id("x"))
		}
		g.Return(jen.Id("out"))
	})

	// input -> row
	f.Commentf("%sIn reads the columns an input gives into a row, marking them in set.", u)
	inFails := gqlInFails(t)
	results := jen.List(jen.Qual(t.Pkg.Store, t.GoName), jen.Index().Bool(), jen.Error())
	if !inFails {
		results = jen.List(jen.Qual(t.Pkg.Store, t.GoName), jen.Index().Bool())
	}
	f.Func().Id(u + "In").Params(jen.Id("in").Op("*").Id(t.GoName + "Input")).Parens(results).BlockFunc(func(g *jen.Group) {
		g.Var().Id("r").Qual(t.Pkg.Store, t.GoName)
		g.Id("set").Op(":=").Make(jen.Index().Bool(), jen.Lit(len(t.Columns)))
		fail := func(col, msg string, args ...jen.Code) jen.Code {
			return jen.Return(jen.Id("r"), jen.Nil(), jen.Qual(dbPkg, "Invalid").Call(append([]jen.Code{jen.Lit(t.Name), jen.Lit(col), jen.Lit(msg)}, args...)...))
		}
		for _, c := range t.In {
			src := jen.Id("in").Dot(gqlName(c.Name))
			dst := jen.Id("r").Dot(c.GoName)
			mark := jen.Id("set").Index(jen.Qual(t.Pkg.Store, c.PosName)).Op("=").True()
			if c.Type.JSON {
				g.If(src.Clone().Op("!=").Nil()).Block(
					mark,
					jen.List(jen.Id("b"), jen.Id("_")).Op(":=").Qual("encoding/json", "Marshal").Call(src.Clone()),
					// the words of REST's JSON columns
					jen.If(jen.Err().Op(":=").Qual("github.com/bkgen/bkgen/runtime/rest", "DecodeJSON").Call(jen.Lit(t.Name), jen.Lit(c.Name), jen.Id("b"), jen.Op("&").Add(dst.Clone())), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("r"), jen.Nil(), jen.Err())),
				)
				continue
			}
			var body []jen.Code
			v := jen.Op("*").Add(src.Clone())
			var val jen.Code = v
			switch {
			case c.Kind == KindBytes:
				body = append(body,
					jen.List(jen.Id("b"), jen.Err()).Op(":=").Qual("encoding/base64", "StdEncoding").Dot("DecodeString").Call(v),
					jen.If(jen.Err().Op("!=").Nil()).Block(fail(c.Name, "not base64 bytes")))
				val = jen.Id("b")
			case c.Type.UUID:
				body = append(body,
					jen.List(jen.Id("u"), jen.Err()).Op(":=").Qual(uuidPkg, "Parse").Call(v),
					jen.If(jen.Err().Op("!=").Nil()).Block(fail(c.Name, "not a uuid")))
				val = jen.Id("u")
			case c.Kind == KindInt && c.Type.Ident != "int64":
				body = append(body, jen.If(jen.Int64().Parens(jen.Id(c.Type.Ident).Parens(v)).Op("!=").Add(jen.Op("*").Add(src.Clone()))).Block(fail(c.Name, "%d is out of range for "+c.Type.Ident, jen.Op("*").Add(src.Clone()))))
				val = jen.Id(c.Type.Ident).Parens(jen.Op("*").Add(src.Clone()))
			case c.Kind == KindFloat && c.Type.Ident != "float64":
				val = jen.Id(c.Type.Ident).Parens(v)
			}
			body = append(body, mark)
			if c.Nillable {
				body = append(body, jen.Id("x").Op(":=").Add(val), dst.Clone().Op("=").Op("&").Id("x"))
			} else {
				body = append(body, dst.Clone().Op("=").Add(val))
			}
			g.If(src.Clone().Op("!=").Nil()).Block(body...)
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
	f.Func().Params(jen.Id("q").Id("queryResolver")).Id(gqlName(t.Name)).Params(keyParams()...).Parens(jen.List(jen.Op("*").Id(t.GoName), jen.Error())).Block(
		jen.List(jen.Id("r"), jen.Err()).Op(":=").Id("q").Dot("st").Dot(t.GoName).Dot("Get").Call(jen.Id("ctx"), keyValue),
		errRet.Clone(),
		jen.Return(jen.Id(u+"Out").Call(viewer(), jen.Id("r")), jen.Nil()),
	)
	f.Commentf("%s selects %s rows under the read rule of %sPolicy.", gqlName(Plural(t.Name)), t.Name, t.GoName)
	f.Func().Params(jen.Id("q").Id("queryResolver")).Id(gqlName(Plural(t.Name))).Params(ctx.Clone(), jen.Id("where").Index().Op("*").Id(t.GoName+"Cond"), jen.Id("first").Op("*").Int(), jen.Id("after").Op("*").String(), jen.Id("desc").Op("*").Bool(), jen.Id("sort").Op("*").Id(t.GoName+"Column")).Parens(jen.List(jen.Op("*").Id(t.GoName+"Connection"), jen.Error())).BlockFunc(func(g *jen.Group) {
		g.Id("query").Op(":=").Qual(gqlPkg, "Query").Call(
			jen.Id("where"),
			jen.Func().Params(jen.Id("c").Op("*").Id(t.GoName+"Cond")).Parens(jen.List(jen.String(), jen.Op("*").String(), jen.Index().String())).Block(
				jen.Return(jen.String().Parens(jen.Id("c").Dot("Column")), jen.Parens(jen.Op("*").String()).Parens(jen.Id("c").Dot("Op")), jen.Id("c").Dot("Values")),
			),
			jen.Id("first"), jen.Id("after"), jen.Id("desc"), jen.Parens(jen.Op("*").String()).Parens(jen.Id("sort")),
		)
		g.Id("v").Op(":=").Add(viewer())
		g.If(jen.Err().Op(":=").Qual(t.Pkg.Rest, t.GoName+"Policy").Dot("Query").Call(jen.Id("v"), jen.Op("&").Id("query")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
		g.List(jen.Id("page"), jen.Err()).Op(":=").Id("q").Dot("st").Dot(t.GoName).Dot("Select").Call(jen.Id("ctx"), jen.Id("query"))
		g.Add(errRet.Clone())
		g.Id("out").Op(":=").Op("&").Id(t.GoName+"Connection").Values(jen.Id("Nodes").Op(":").Make(jen.Index().Op("*").Id(t.GoName), jen.Len(jen.Id("page").Dot("Rows"))), jen.Id("HasNextPage").Op(":").Id("page").Dot("Next").Op("!=").Lit(""))
		g.For(jen.Id("i").Op(":=").Range().Id("page").Dot("Rows")).Block(jen.Id("out").Dot("Nodes").Index(jen.Id("i")).Op("=").Id(u+"Out").Call(jen.Id("v"), jen.Op("&").Id("page").Dot("Rows").Index(jen.Id("i"))))
		g.If(jen.Id("page").Dot("Next").Op("!=").Lit("")).Block(jen.Id("out").Dot("EndCursor").Op("=").Op("&").Id("page").Dot("Next"))
		g.Return(jen.Id("out"), jen.Nil())
	})

	// mutations
	mut := func(name string, ret jen.Code, body func(g *jen.Group)) {
		f.Commentf("%s%s runs the %s of the input through the rules of generated/rest.", name, t.GoName, strings.ToLower(name))
		f.Func().Params(jen.Id("m").Id("mutationResolver")).Id(name+t.GoName).Params(ctx.Clone(), jen.Id("input").Id(t.GoName+"Input")).Parens(jen.List(ret, jen.Error())).BlockFunc(func(g *jen.Group) {
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
			g.If(jen.Err().Op(":=").Qual(t.Pkg.Rest, t.GoName+write).Call(jen.Id("ctx"), jen.Id("m").Dot("st"), jen.Id("m").Dot("bus"), jen.Id("v"), jen.Op("&").Id("r"), jen.Id("set")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
			g.Return(jen.Id(u+"Out").Call(jen.Id("v"), jen.Op("&").Id("r")), jen.Nil())
		})
	}
	mut("Update", jen.Int64(), func(g *jen.Group) {
		for _, k := range t.Keys {
			g.If(jen.Op("!").Id("set").Index(jen.Qual(t.Pkg.Store, k.PosName))).Block(jen.Return(jen.Lit(0), jen.Qual(dbPkg, "MissingKey").Call(jen.Lit(t.Name), jen.Lit(k.Name))))
		}
		g.Return(jen.Qual(t.Pkg.Rest, t.GoName+"Update").Call(jen.Id("ctx"), jen.Id("m").Dot("st"), jen.Id("m").Dot("bus"), jen.Id("v"), jen.Qual(t.Pkg.Store, t.GoName+"KeyOf").Call(jen.Op("&").Id("r")), jen.Op("&").Id("r"), jen.Id("set")))
	})
	if len(t.Counters) > 0 {
		mut("Incr", jen.Op("*").Id(t.GoName), func(g *jen.Group) {
			keyOf(g)
			g.List(jen.Id("row"), jen.Err()).Op(":=").Qual(t.Pkg.Rest, t.GoName+"Incr").Call(jen.Id("ctx"), jen.Id("m").Dot("st"), jen.Id("m").Dot("bus"), jen.Id("v"), jen.Qual(t.Pkg.Store, t.GoName+"KeyOf").Call(jen.Op("&").Id("r")), jen.Qual(t.Pkg.Store, t.IncrType).ValuesFunc(func(g *jen.Group) {
				for _, c := range t.Counters {
					g.Id(c.GoName).Op(":").Id("r").Dot(c.GoName)
				}
			}))
			g.Add(errRet.Clone())
			g.Return(jen.Id(u+"Out").Call(jen.Id("v"), jen.Id("row")), jen.Nil())
		})
	}
	f.Commentf("Del%s deletes the %s row with the key through the rules of generated/rest.", t.GoName, t.Name)
	f.Func().Params(jen.Id("m").Id("mutationResolver")).Id("Del"+t.GoName).Params(keyParams()...).Parens(jen.List(jen.Bool(), jen.Error())).Block(
		jen.Err().Op(":=").Qual(t.Pkg.Rest, t.GoName+"Del").Call(jen.Id("ctx"), jen.Id("m").Dot("st"), jen.Id("m").Dot("bus"), viewer(), keyValue),
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
	f.Func().Params(jen.Id("s").Id("subscriptionResolver")).Id(gqlName(t.Name) + "Changed").Params(params...).Parens(jen.List(jen.Op("<-").Chan().Op("*").Id(t.GoName+"Event"), jen.Error())).BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("s").Dot("bus").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Qual(dbPkg, "Unsupportedf").Call(jen.Lit("subscriptions need a pub/sub bus"))))
		g.Id("v").Op(":=").Add(viewer())
		g.List(jen.Id("msgs"), jen.Id("cancel")).Op(":=").Id("s").Dot("bus").Dot("Subscribe").Call(jen.Id("ctx"), jen.Lit(t.Name))
		g.Id("out").Op(":=").Make(jen.Chan().Op("*").Id(t.GoName+"Event"), jen.Lit(1))
		g.Go().Func().Params().BlockFunc(func(g *jen.Group) {
			g.Defer().Close(jen.Id("out"))
			g.Defer().Id("cancel").Call()
			g.For(jen.Id("m").Op(":=").Range().Id("msgs")).BlockFunc(func(g *jen.Group) {
				g.Var().Id("ev").Qual(pubsubPkg, "Event")
				g.Var().Id("r").Qual(t.Pkg.Store, t.GoName)
				g.If(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("m"), jen.Op("&").Id("ev")).Op("!=").Nil().Op("||").Qual("encoding/json", "Unmarshal").Call(jen.Id("ev").Dot("Row"), jen.Op("&").Id("r")).Op("!=").Nil()).Block(jen.Continue())
				for _, k := range t.Keys {
					g.If(jen.Id("k" + k.GoName).Op("!=").Nil().Op("&&").Id("r").Dot(k.GoName).Op("!=").Add(gqlKeyConv(k, jen.Op("*").Id("k"+k.GoName)))).Block(jen.Continue())
				}
				// the read hooks see the row as the subscriber (a del carries the key only)
				g.If(jen.Id("ev").Dot("Op").Op("!=").Lit("del")).Block(
					jen.If(jen.List(jen.Id("keep"), jen.Err()).Op(":=").Id("s").Dot("st").Dot(t.GoName).Dot("Read").Call(jen.Id("ctx"), jen.Op("&").Id("r")), jen.Err().Op("!=").Nil().Op("||").Op("!").Id("keep")).Block(jen.Continue()),
				)
				g.Select().Block(
					jen.Case(jen.Id("out").Op("<-").Op("&").Id(t.GoName+"Event").Values(jen.Id("Op").Op(":").Id("ev").Dot("Op"), jen.Id(gqlName(t.Name)).Op(":").Id(u+"Out").Call(jen.Id("v"), jen.Op("&").Id("r")))),
					jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()).Block(jen.Return()),
				)
			})
		}).Call()
		g.Return(jen.Id("out"), jen.Nil())
	})
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
