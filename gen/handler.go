package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

const (
	restPkg = "github.com/bkgen/bkgen/runtime/rest"
	jxPkg   = "github.com/go-faster/jx"
	webPkg  = "github.com/bkgen/bkgen/runtime/web"
)

// handlerFiles renders generated/rest, one file per table: its decoder
// (rest_inputs.go), encoder (rest_replies.go) and its routes, which
// runtime/rest.Table serves over the table's rules.
func handlerFiles(m *Model, r *REST) map[string]*jen.File {
	out := map[string]*jen.File{}
	for _, t := range r.Tables {
		f := newFile("rest")
		f.ImportName(t.Pkg.Store, "store")
		f.ImportName(restPkg, "rest")
		f.ImportName(jxPkg, "jx")
		decodeFunc(f, t)
		encodeFunc(f, t)
		routesFunc(f, t)
		out[t.Name+".go"] = f
	}
	return out
}

// rulesFiles renders generated/rules, one file per table: its policy
// (rest_rules.go) and its writes (writes.go), which REST and GraphQL both
// call. A package of their own, not generated/rest's: generated/graphql
// then does not wait for the REST routes to compile, the two build side by
// side (2.7 s of a rebuild at 69 tables; issue 16).
func rulesFiles(r *REST) map[string]*jen.File {
	out := map[string]*jen.File{}
	for _, t := range r.Tables {
		f := newFile("rules")
		f.ImportName(t.Pkg.Store, "store")
		f.ImportName(restPkg, "rest")
		visibilityFuncs(f, t)
		writeFuncs(f, t)
		out[t.Name+".go"] = f
	}
	doc := jen.NewFile("rules")
	doc.HeaderComment(header)
	eg := "Todo"
	if len(r.Tables) > 0 {
		eg = r.Tables[0].GoName
	}
	doc.PackageComment(fmt.Sprintf("Package rules is each table's access rule (%sPolicy: who sees, filters and writes which", eg))
	doc.PackageComment(fmt.Sprintf("column and row) and its writes under that rule (%sAdd, %sPut, …): REST's routes and", eg, eg))
	doc.PackageComment("GraphQL's resolvers both call them, and neither decides on its own.")
	out["doc.go"] = doc
	return out
}

// routesFunc renders albumTable: the table's routes, which are the same for
// every table (runtime/rest.Table) over its own decoder, encoder and writes.
func routesFunc(f *jen.File, t *RestTable) {
	row := jen.Op("*").Qual(t.Pkg.Store, t.GoName)
	ctx := jen.Id("ctx").Qual("context", "Context")
	v := jen.Id("v").Qual(authPkg, "Viewer")
	r := jen.Id("r").Add(row.Clone())
	set := jen.Id("set").Index().Bool()
	key := jen.Qual(t.Pkg.Store, t.GoName+"KeyOf").Call(jen.Id("r"))
	st, bus := jen.Id("h").Dot("st"), jen.Id("h").Dot("bus")
	write := func(name string) jen.Code {
		return jen.Func().Params(ctx.Clone(), v.Clone(), r.Clone(), set.Clone()).Error().Block(
			jen.Return(jen.Qual(t.Pkg.Rules, t.GoName+name).Call(jen.Id("ctx"), st.Clone(), bus.Clone(), jen.Id("v"), jen.Id("r"), jen.Id("set"))))
	}
	fields := jen.Dict{
		jen.Id("Policy"): jen.Qual(t.Pkg.Rules, t.GoName+"Policy"),
		jen.Id("Decode"): jen.Id(t.Unexported + "Decode"),
		jen.Id("Encode"): jen.Id(t.Unexported + "Encode"),
		jen.Id("Get"): jen.Func().Params(ctx.Clone(), r.Clone()).Parens(jen.List(row.Clone(), jen.Error())).Block(
			jen.Return(st.Clone().Dot(t.GoName).Dot("Get").Call(jen.Id("ctx"), key.Clone()))),
		jen.Id("Select"): st.Clone().Dot(t.GoName).Dot("Select"),
		jen.Id("Read"):   st.Clone().Dot(t.GoName).Dot("Read"),
		jen.Id("Add"):    write("Add"),
		jen.Id("Put"):    write("Put"),
		jen.Id("Update"): jen.Func().Params(ctx.Clone(), v.Clone(), r.Clone(), set.Clone()).Parens(jen.List(jen.Int64(), jen.Error())).Block(
			jen.Return(jen.Qual(t.Pkg.Rules, t.GoName+"Update").Call(jen.Id("ctx"), st.Clone(), bus.Clone(), jen.Id("v"), key.Clone(), jen.Id("r"), jen.Id("set")))),
		jen.Id("Del"): jen.Func().Params(ctx.Clone(), v.Clone(), r.Clone()).Error().Block(
			jen.Return(jen.Qual(t.Pkg.Rules, t.GoName+"Del").Call(jen.Id("ctx"), st.Clone(), bus.Clone(), jen.Id("v"), key.Clone()))),
	}
	if len(t.Counters) > 0 {
		fields[jen.Id("Incr")] = jen.Func().Params(ctx.Clone(), v.Clone(), r.Clone()).Parens(jen.List(row.Clone(), jen.Error())).Block(
			jen.Return(jen.Qual(t.Pkg.Rules, t.GoName+"Incr").Call(jen.Id("ctx"), st.Clone(), bus.Clone(), jen.Id("v"), key.Clone(), jen.Qual(t.Pkg.Store, t.IncrType).ValuesFunc(func(g *jen.Group) {
				for _, c := range t.Counters {
					g.Id(c.GoName).Op(":").Id("r").Dot(c.GoName)
				}
			}))))
	}
	f.Commentf("%sTable is the REST routes of %q on h's store: what they do is rest.Table's,", t.Unexported, t.Name)
	f.Comment("the same for every table, over this table's decoder, encoder, policy and writes.")
	f.Comment("(A function, not a method of Handler: a package importing this one would see")
	f.Comment("rest.Table of every table in Handler's methods and compile it again.)")
	f.Func().Id(t.Unexported+"Table").Params(jen.Id("h").Op("*").Id("Handler")).Op("*").Qual(restPkg, "Table").Types(jen.Qual(t.Pkg.Store, t.GoName)).Block(
		jen.Return(jen.Op("&").Qual(restPkg, "Table").Types(jen.Qual(t.Pkg.Store, t.GoName)).Values(fields)),
	)
}

// handlerFile renders the Handler that serves every table's routes.
func handlerFile(m *Model, r *REST) *jen.File {
	f := newFile("rest")
	f.ImportName(m.Pkg.Store, "store")
	f.Comment("Handler serves the REST API of openapi.yaml on the typed store: /ping and the")
	f.Comment("routes of every table. Every write is published on bus (the table's topic) for")
	f.Comment("subscribers.")
	f.Type().Id("Handler").Struct(
		jen.Id("st").Op("*").Qual(m.Pkg.Store, "Store"),
		jen.Id("bus").Qual(pubsubPkg, "Bus"),
		jen.Id("mux").Op("*").Qual(restPkg, "Mux"),
		jen.Id("tables").Map(jen.String()).Qual(restPkg, "Watcher").Comment("by table name, for Watch"),
	)
	f.Comment("NewHandler returns the REST handler on st, publishing writes on bus (nil: none).")
	f.Func().Id("NewHandler").Params(jen.Id("st").Op("*").Qual(m.Pkg.Store, "Store"), jen.Id("bus").Qual(pubsubPkg, "Bus")).Op("*").Id("Handler").BlockFunc(func(g *jen.Group) {
		g.Id("h").Op(":=").Op("&").Id("Handler").Values(jen.Id("st").Op(":").Id("st"), jen.Id("bus").Op(":").Id("bus"), jen.Id("mux").Op(":").Qual(restPkg, "NewMux").Call(), jen.Id("tables").Op(":").Map(jen.String()).Qual(restPkg, "Watcher").Values())
		g.Id("h").Dot("mux").Dot("HandleFunc").Call(jen.Lit("/ping"), jen.Qual(restPkg, "Ping"))
		for _, t := range r.Tables {
			tv := t.Unexported
			g.Id(tv).Op(":=").Id(t.Unexported + "Table").Call(jen.Id("h"))
			g.Qual(restPkg, "Routes").Call(jen.Id("h").Dot("mux"), jen.Id(tv))
			g.Id("h").Dot("tables").Index(jen.Lit(t.Name)).Op("=").Qual(restPkg, "Events").Call(jen.Id(tv))
		}
		g.Return(jen.Id("h"))
	})
	f.Comment("Watch delivers the writes to table as the caller of ctx may see them (the rows a")
	f.Comment("get would show it), until ctx ends or stop is called: the pushes of REST over WebSocket.")
	f.Func().Params(jen.Id("h").Op("*").Id("Handler")).Id("Watch").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("table").String()).Parens(jen.List(jen.Op("<-").Chan().Index().Byte(), jen.Func().Params(), jen.Error())).Block(
		jen.Return(jen.Qual(restPkg, "Watch").Call(jen.Id("ctx"), jen.Id("h").Dot("bus"), jen.Id("table"), jen.Id("h").Dot("tables").Index(jen.Id("table")))),
	)
	f.Comment("ServeHTTP serves a request to one of the routes.")
	f.Func().Params(jen.Id("h").Op("*").Id("Handler")).Id("ServeHTTP").Params(jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request")).Block(
		jen.Id("h").Dot("mux").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r")),
	)
	return f
}
