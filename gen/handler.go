package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

const (
	restPkg = "github.com/bkgen/bkgen/runtime/rest"
	jxPkg   = "github.com/go-faster/jx"
	uuidPkg = "github.com/google/uuid"
	webPkg  = "github.com/bkgen/bkgen/runtime/web"
)

// handlerFiles renders generated/rest: the ogen Handler implemented on the
// typed store, one file per table.
func handlerFiles(m *Model, r *REST) map[string]*jen.File {
	out := map[string]*jen.File{}
	for _, t := range r.Tables {
		f := newFile("rest")
		f.ImportName(t.Pkg.API, "api")
		f.ImportName(t.Pkg.Store, "store")
		f.ImportName(restPkg, "rest")
		f.ImportName(jxPkg, "jx")
		tableHandlers(f, t)
		out[t.Name+".go"] = f
	}
	return out
}

func tableHandlers(f *jen.File, t *RestTable) {
	u := t.Unexported
	h := jen.Id("h").Op("*").Id("Handler")
	ctx := jen.Id("ctx").Qual("context", "Context")
	in := u + "In"

	f.Commentf("%s is what a request gives for table %q: a row and which of its columns were given.", in, t.Name)
	f.Type().Id(in).Struct(
		jen.Id("r").Qual(t.Pkg.Store, t.GoName),
		jen.Id("set").Index(jen.Lit(len(t.Columns))).Bool(),
	)
	fromFunc(f, t, true)
	fromFunc(f, t, false)

	f.Commentf("%sFromBody reads a JSON or form body.", u)
	f.Func().Id(u+"FromBody").Params(jen.Id("req").Any()).Parens(jen.List(jen.Id(in), jen.Error())).Block(
		jen.Switch(jen.Id("b").Op(":=").Id("req").Assert(jen.Type())).Block(
			jen.Case(jen.Op("*").Qual(t.Pkg.API, t.GoName+"Input")).Block(jen.Return(reading(fromFails(t, true), jen.Id(u+"FromInput").Call(jen.Id("b"))))),
			jen.Case(jen.Op("*").Qual(t.Pkg.API, t.GoName+"Form")).Block(jen.Return(reading(fromFails(t, false), jen.Id(u+"FromForm").Call(jen.Id("b"))))),
		),
		jen.Return(jen.Id(in).Values(), jen.Qual(dbPkg, "Invalid").Call(jen.Lit(t.Name), jen.Lit(""), jen.Lit("unexpected body %T"), jen.Id("req"))),
	)

	// key checks the key columns were given and returns the key.
	f.Commentf("key returns the key of the row, checking that the request gave every part.")
	f.Func().Params(jen.Id("x").Op("*").Id(in)).Id("key").Params().Parens(jen.List(jen.Qual(t.Pkg.Store, t.KeyType), jen.Error())).BlockFunc(func(g *jen.Group) {
		for _, k := range t.Keys {
			g.If(jen.Err().Op(":=").Qual(restPkg, "Need").Call(jen.Id("x").Dot("set").Index(jen.Qual(t.Pkg.Store, k.PosName)), jen.Lit(t.Name), jen.Lit(k.Name)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual(t.Pkg.Store, t.KeyType).Values(), jen.Err()))
		}
		g.Return(jen.Qual(t.Pkg.Store, t.GoName+"KeyOf").Call(jen.Op("&").Id("x").Dot("r")), jen.Nil())
	})

	replyFunc(f, t)
	visibilityFuncs(f, t)
	writeFuncs(f, t)

	row := jen.Op("*").Qual(t.Pkg.API, t.GoName+"Reply")
	info := jen.Op("*").Qual(t.Pkg.API, "Info")
	ret := func(op *RestOp) *jen.Statement {
		switch op.Reply {
		case "row":
			return row.Clone()
		case "page":
			return jen.Op("*").Qual(t.Pkg.API, t.GoName+"Page")
		}
		return info.Clone()
	}
	for _, op := range t.Ops {
		impl := u + pascal(op.Name)
		// The GET form: its parameters are copied into the form type.
		f.Commentf("%s implements GET %s.", op.Query, op.Path)
		if op.Name == "select" {
			f.Func().Params(h.Clone()).Id(op.Query).Params(ctx.Clone(), jen.Id("p").Qual(t.Pkg.API, op.Query+"Params")).Parens(jen.List(ret(op), jen.Error())).Block(
				jen.Return(jen.Id("h").Dot(impl).Call(jen.Id("ctx"), jen.Op("&").Qual(t.Pkg.API, t.GoName+"QueryForm").ValuesFunc(func(g *jen.Group) {
					for _, c := range t.Out {
						g.Id(c.GoName).Op(":").Id("p").Dot(c.GoName)
					}
					for _, c := range ControlParams {
						g.Id(c.GoName).Op(":").Id("p").Dot(c.GoName)
					}
				}))),
			)
		} else {
			f.Func().Params(h.Clone()).Id(op.Query).Params(ctx.Clone(), jen.Id("p").Qual(t.Pkg.API, op.Query+"Params")).Parens(jen.List(ret(op), jen.Error())).BlockFunc(func(g *jen.Group) {
				read := jen.Id(u + "FromForm").Call(jen.Op("&").Qual(t.Pkg.API, t.GoName+"Form").ValuesFunc(func(g *jen.Group) {
					for _, c := range op.Params {
						g.Id(c.GoName).Op(":").Id("p").Dot(c.GoName)
					}
				}))
				if fromFails(t, false) {
					g.List(jen.Id("x"), jen.Err()).Op(":=").Add(read)
					g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
				} else {
					g.Id("x").Op(":=").Add(read)
				}
				if op.Name == "get" {
					g.Return(jen.Id("h").Dot(impl).Call(jen.Id("ctx"), jen.Op("&").Id("x"), jen.Id("p").Dot("CtlSelect").Dot("Or").Call(jen.Lit(""))))
				} else {
					g.Return(jen.Id("h").Dot(impl).Call(jen.Id("ctx"), jen.Op("&").Id("x")))
				}
			})
		}
		// The POST form.
		f.Commentf("%s implements POST %s.", op.Body, op.Path)
		if op.Name == "select" {
			f.Func().Params(h.Clone()).Id(op.Body).Params(ctx.Clone(), jen.Id("req").Qual(t.Pkg.API, op.Body+"Req")).Parens(jen.List(ret(op), jen.Error())).Block(
				jen.Switch(jen.Id("b").Op(":=").Id("req").Assert(jen.Type())).Block(
					jen.Case(jen.Op("*").Qual(t.Pkg.API, t.GoName+"QueryForm")).Block(jen.Return(jen.Id("h").Dot(impl).Call(jen.Id("ctx"), jen.Id("b")))),
					jen.Case(jen.Op("*").Qual(t.Pkg.API, t.GoName+"Query")).Block(jen.Return(jen.Id("h").Dot(u+"SelectJSON").Call(jen.Id("ctx"), jen.Id("b")))),
				),
				jen.Return(jen.Nil(), jen.Qual(dbPkg, "Invalid").Call(jen.Lit(t.Name), jen.Lit(""), jen.Lit("unexpected body %T"), jen.Id("req"))),
			)
		} else {
			f.Func().Params(h.Clone()).Id(op.Body).Params(ctx.Clone(), jen.Id("req").Qual(t.Pkg.API, op.Body+"Req")).Parens(jen.List(ret(op), jen.Error())).BlockFunc(func(g *jen.Group) {
				g.List(jen.Id("x"), jen.Err()).Op(":=").Id(u + "FromBody").Call(jen.Id("req"))
				g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
				if op.Name == "get" {
					g.Return(jen.Id("h").Dot(impl).Call(jen.Id("ctx"), jen.Op("&").Id("x"), jen.Lit("")))
				} else {
					g.Return(jen.Id("h").Dot(impl).Call(jen.Id("ctx"), jen.Op("&").Id("x")))
				}
			})
		}
		opImpl(f, t, op, impl)
	}
}

// opImpl renders the implementation of one operation of the table, which
// both the GET and the POST method of the route call.
func opImpl(f *jen.File, t *RestTable, op *RestOp, impl string) {
	u := t.Unexported
	h := jen.Id("h").Op("*").Id("Handler")
	ctx := jen.Id("ctx").Qual("context", "Context")
	st := jen.Id("h").Dot("st").Dot(t.GoName)
	x := jen.Id("x").Op("*").Id(u + "In")
	errRet := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
	keyed := func(g *jen.Group) {
		g.List(jen.Id("k"), jen.Err()).Op(":=").Id("x").Dot("key").Call()
		g.Add(errRet.Clone())
	}
	if op.Name != "select" { // select's functions say what each does
		f.Commentf("%s runs %s %s for both its forms (GET parameters, POST body).", impl, op.Path[1:], map[string]string{
			"get": "(a row as the caller may see it)", "add": "(a new row)", "put": "(a row added or replaced)",
			"update": "(the columns given of a row)", "incr": "(counters added to)", "del": "(a row deleted)",
		}[op.Name])
	}
	switch op.Name {
	case "get":
		f.Func().Params(h).Id(impl).Params(ctx, x, jen.Id("sel").String()).Parens(jen.List(jen.Op("*").Qual(t.Pkg.API, t.GoName+"Reply"), jen.Error())).BlockFunc(func(g *jen.Group) {
			keyed(g)
			g.List(jen.Id("pick"), jen.Err()).Op(":=").Qual(restPkg, "Pick").Call(jen.Id("sel"), jen.Qual(t.Pkg.Store, t.TableVar))
			g.Add(errRet.Clone())
			g.List(jen.Id("r"), jen.Err()).Op(":=").Add(st.Clone()).Dot("Get").Call(jen.Id("ctx"), jen.Id("k"))
			g.Add(errRet.Clone())
			g.Id("out").Op(":=").Id(u+"Reply").Call(jen.Id("r"), jen.Id(t.GoName+"Policy").Dot("Show").Call(jen.Qual(authPkg, "ViewerOf").Call(jen.Id("ctx")), ownerOf(t, "", jen.Id("r")), jen.Id("pick"), jen.Nil()))
			g.Return(jen.Op("&").Id("out"), jen.Nil())
		})
	case "add", "put":
		write := map[string]string{"add": "Add", "put": "Put"}[op.Name]
		f.Func().Params(h).Id(impl).Params(ctx, x).Parens(jen.List(jen.Op("*").Qual(t.Pkg.API, t.GoName+"Reply"), jen.Error())).BlockFunc(func(g *jen.Group) {
			g.Id("v").Op(":=").Add(jen.Qual(authPkg, "ViewerOf").Call(jen.Id("ctx")))
			g.If(jen.Err().Op(":=").Id(t.GoName+write).Call(jen.Id("ctx"), jen.Id("h").Dot("st"), jen.Id("h").Dot("bus"), jen.Id("v"), jen.Op("&").Id("x").Dot("r"), jen.Id("x").Dot("set").Index(jen.Empty(), jen.Empty())), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
			g.Id("out").Op(":=").Id(u+"Reply").Call(jen.Op("&").Id("x").Dot("r"), jen.Id(t.GoName+"Policy").Dot("Show").Call(jen.Id("v"), ownerOf(t, "", jen.Op("&").Id("x").Dot("r")), jen.Nil(), jen.Nil()))
			g.Return(jen.Op("&").Id("out"), jen.Nil())
		})
	case "update":
		f.Func().Params(h).Id(impl).Params(ctx, x).Parens(jen.List(jen.Op("*").Qual(t.Pkg.API, "Info"), jen.Error())).BlockFunc(func(g *jen.Group) {
			keyed(g)
			g.List(jen.Id("n"), jen.Err()).Op(":=").Id(t.GoName+"Update").Call(jen.Id("ctx"), jen.Id("h").Dot("st"), jen.Id("h").Dot("bus"), jen.Qual(authPkg, "ViewerOf").Call(jen.Id("ctx")), jen.Id("k"), jen.Op("&").Id("x").Dot("r"), jen.Id("x").Dot("set").Index(jen.Empty(), jen.Empty()))
			g.Add(errRet.Clone())
			g.Return(jen.Op("&").Qual(t.Pkg.API, "Info").Values(jen.Id("AffectedRows").Op(":").Qual(t.Pkg.API, "NewOptInt64").Call(jen.Id("n"))), jen.Nil())
		})
	case "incr":
		f.Func().Params(h).Id(impl).Params(ctx, x).Parens(jen.List(jen.Op("*").Qual(t.Pkg.API, t.GoName+"Reply"), jen.Error())).BlockFunc(func(g *jen.Group) {
			keyed(g)
			g.List(jen.Id("r"), jen.Err()).Op(":=").Id(t.GoName+"Incr").Call(jen.Id("ctx"), jen.Id("h").Dot("st"), jen.Id("h").Dot("bus"), jen.Qual(authPkg, "ViewerOf").Call(jen.Id("ctx")), jen.Id("k"), jen.Qual(t.Pkg.Store, t.IncrType).ValuesFunc(func(g *jen.Group) {
				for _, c := range t.Counters {
					g.Id(c.GoName).Op(":").Id("x").Dot("r").Dot(c.GoName)
				}
			}))
			g.Add(errRet.Clone())
			g.Id("out").Op(":=").Id(u+"Reply").Call(jen.Id("r"), jen.Id(t.GoName+"Policy").Dot("Show").Call(jen.Qual(authPkg, "ViewerOf").Call(jen.Id("ctx")), ownerOf(t, "", jen.Id("r")), jen.Nil(), jen.Nil()))
			g.Return(jen.Op("&").Id("out"), jen.Nil())
		})
	case "del":
		f.Func().Params(h).Id(impl).Params(ctx, x).Parens(jen.List(jen.Op("*").Qual(t.Pkg.API, "Info"), jen.Error())).BlockFunc(func(g *jen.Group) {
			keyed(g)
			g.If(jen.Err().Op(":=").Id(t.GoName+"Del").Call(jen.Id("ctx"), jen.Id("h").Dot("st"), jen.Id("h").Dot("bus"), jen.Qual(authPkg, "ViewerOf").Call(jen.Id("ctx")), jen.Id("k")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
			g.Return(jen.Op("&").Qual(t.Pkg.API, "Info").Values(), jen.Nil())
		})
	case "select":
		page := jen.Op("*").Qual(t.Pkg.API, t.GoName+"Page")
		ctl := func(src string) jen.Code {
			return jen.Qual(restPkg, "Control").Values(jen.Dict{
				jen.Id("Ops"):    jen.Id(src).Dot("CtlOps").Dot("Or").Call(jen.Lit("")),
				jen.Id("Token"):  jen.Id(src).Dot("CtlToken").Dot("Or").Call(jen.Lit("")),
				jen.Id("Select"): jen.Id(src).Dot("CtlSelect").Dot("Or").Call(jen.Lit("")),
				jen.Id("Sort"):   jen.Id(src).Dot("CtlSort").Dot("Or").Call(jen.Lit("")),
				jen.Id("Count"):  jen.Id(src).Dot("CtlCount").Dot("Or").Call(jen.Lit(0)),
				jen.Id("Desc"):   jen.Id(src).Dot("CtlDesc").Dot("Or").Call(jen.False()),
				jen.Id("Total"):  jen.Id(src).Dot("CtlTotal").Dot("Or").Call(jen.False()),
			})
		}
		f.Commentf("%s runs a select given as query parameters or a form.", impl)
		f.Func().Params(h.Clone()).Id(impl).Params(ctx.Clone(), jen.Id("in").Op("*").Qual(t.Pkg.API, t.GoName+"QueryForm")).Parens(jen.List(page.Clone(), jen.Error())).BlockFunc(func(g *jen.Group) {
			g.Id("s").Op(":=").Qual(restPkg, "NewSelect").Call(jen.Lit(t.Name))
			for _, c := range t.Out {
				g.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("in").Dot(c.GoName).Dot("Get").Call(), jen.Id("ok")).Block(jen.Id("s").Dot("Str").Call(jen.Lit(c.Name), jen.Id("v")))
			}
			g.Return(jen.Id("h").Dot(u+"Query").Call(jen.Id("ctx"), jen.Id("s"), ctl("in")))
		})
		f.Commentf("%sSelectJSON runs a select given as a JSON body.", u)
		f.Func().Params(h.Clone()).Id(u+"SelectJSON").Params(ctx.Clone(), jen.Id("in").Op("*").Qual(t.Pkg.API, t.GoName+"Query")).Parens(jen.List(page.Clone(), jen.Error())).BlockFunc(func(g *jen.Group) {
			g.Id("s").Op(":=").Qual(restPkg, "NewSelect").Call(jen.Lit(t.Name))
			for _, c := range t.Out {
				g.If(jen.Err().Op(":=").Id("s").Dot("Raw").Call(jen.Lit(c.Name), jen.Id("in").Dot(c.GoName)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
			}
			g.Return(jen.Id("h").Dot(u+"Query").Call(jen.Id("ctx"), jen.Id("s"), ctl("in")))
		})
		f.Commentf("%sQuery runs a select under the read rule of %sPolicy: what the caller may", u, t.GoName)
		f.Comment("filter, sort and count by, and the columns of each row it may see.")
		f.Func().Params(h.Clone()).Id(u+"Query").Params(ctx.Clone(), jen.Id("s").Op("*").Qual(restPkg, "Select"), jen.Id("c").Qual(restPkg, "Control")).Parens(jen.List(page.Clone(), jen.Error())).BlockFunc(func(g *jen.Group) {
			g.List(jen.Id("p"), jen.Err()).Op(":=").Qual(restPkg, "RunSelect").Call(jen.Id("ctx"), jen.Id(t.GoName+"Policy"), st.Clone().Dot("Select"), jen.Id("s"), jen.Id("c"))
			g.Add(errRet.Clone())
			g.Id("out").Op(":=").Op("&").Qual(t.Pkg.API, t.GoName+"Page").Values(jen.Id("Count").Op(":").Id("p").Dot("Count"))
			g.If(jen.Id("p").Dot("Total")).Block(jen.Return(jen.Id("out"), jen.Nil()))
			g.Id("out").Dot("Data").Op("=").Make(jen.Index().Qual(t.Pkg.API, t.GoName+"Reply"), jen.Len(jen.Id("p").Dot("Rows")))
			g.For(jen.Id("i").Op(":=").Range().Id("p").Dot("Rows")).Block(
				jen.Id("out").Dot("Data").Index(jen.Id("i")).Op("=").Id(u+"Reply").Call(jen.Op("&").Id("p").Dot("Rows").Index(jen.Id("i")), jen.Id("p").Dot("Show").Call(jen.Id("i"))),
			)
			g.If(jen.Id("p").Dot("Next").Op("!=").Lit("")).Block(jen.Id("out").Dot("NextToken").Op("=").Qual(t.Pkg.API, "NewOptString").Call(jen.Id("p").Dot("Next")))
			g.Return(jen.Id("out"), jen.Nil())
		})
	default:
		panic(fmt.Sprintf("gen: no handler for op %s", op.Name))
	}
}

// handlerFile renders the Handler type shared by the table files.
func handlerFile(m *Model, r *REST) *jen.File {
	f := newFile("rest")
	f.ImportName(m.Pkg.API, "api")
	f.ImportName(m.Pkg.Store, "store")
	f.Comment("Handler implements the ogen server of openapi.yaml on the typed store; every")
	f.Comment("write is published on bus (the table's topic) for subscribers.")
	f.Type().Id("Handler").Struct(jen.Id("st").Op("*").Qual(m.Pkg.Store, "Store"), jen.Id("bus").Qual(pubsubPkg, "Bus"))
	f.Var().Id("_").Qual(m.Pkg.API, "Handler").Op("=").Parens(jen.Op("*").Id("Handler")).Parens(jen.Nil())
	f.Comment("NewHandler returns the REST handler on st, publishing writes on bus (nil: none).")
	f.Func().Id("NewHandler").Params(jen.Id("st").Op("*").Qual(m.Pkg.Store, "Store"), jen.Id("bus").Qual(pubsubPkg, "Bus")).Op("*").Id("Handler").Block(jen.Return(jen.Op("&").Id("Handler").Values(jen.Id("st").Op(":").Id("st"), jen.Id("bus").Op(":").Id("bus"))))
	f.Comment("Ping implements GET /ping.")
	f.Func().Params(jen.Id("h").Op("*").Id("Handler")).Id("Ping").Params(jen.Id("ctx").Qual("context", "Context")).Parens(jen.List(jen.Op("*").Qual(m.Pkg.API, "Info"), jen.Error())).Block(jen.Return(jen.Op("&").Qual(m.Pkg.API, "Info").Values(), jen.Nil()))
	f.Comment("NewError maps an error of a handler to the one error shape (web.ErrorOf logs the 5xx ones).")
	f.Func().Params(jen.Id("h").Op("*").Id("Handler")).Id("NewError").Params(jen.Id("ctx").Qual("context", "Context"), jen.Err().Error()).Op("*").Qual(m.Pkg.API, "ErrorStatusCode").Block(
		jen.List(jen.Id("status"), jen.Id("code"), jen.Id("msg")).Op(":=").Qual("github.com/bkgen/bkgen/runtime/web", "ErrorOf").Call(jen.Err()),
		jen.Return(jen.Op("&").Qual(m.Pkg.API, "ErrorStatusCode").Values(jen.Id("StatusCode").Op(":").Id("status"), jen.Id("Response").Op(":").Qual(m.Pkg.API, "Error").Values(jen.Id("Status").Op(":").Id("status"), jen.Id("Message").Op(":").Id("msg"), jen.Id("Code").Op(":").Id("code")))),
	)
	return f
}

// reading is the results of a body reader, with a nil error added when it
// returns none (fromFails).
func reading(fails bool, call jen.Code) jen.Code {
	if fails {
		return call
	}
	return jen.List(call, jen.Nil())
}
