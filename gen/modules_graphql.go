package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// The modules in GraphQL: their tables as types, their routes as queries
// and mutations. Each field calls the module route of the same REST path
// (generated/server/modules.go, given to the resolvers as Modules), so
// both APIs run one piece of code under the same rules; the path rules and
// request hooks of the path hold for the field (Paths).

const modulePkg = "github.com/bkgen/bkgen/runtime/module"

// modArg is an argument of a module field: its GraphQL type and the REST
// parameter it is.
type modArg struct{ name, gql, param string }

// modField is one module field.
type modField struct {
	root, name, path, doc string
	args                  []modArg
	// result: "row T", "page T", "count KEY" (an Int64 of the reply), "sent"
	result string
}

func arg(name, gql string) modArg { return modArg{name, gql, name} }

var pageArgs = []modArg{{"first", "Int", "_count"}, {"after", "String", "_token"}, {"desc", "Boolean", "_desc"}}

// moduleFields are the fields of the modules the schema has.
func moduleFields(mods *Modules) []modField {
	var out []modField
	add := func(on bool, fs ...modField) {
		if on {
			out = append(out, fs...)
		}
	}
	edge := []modArg{arg("peer", "String!"), arg("type", "String!")}
	add(mods.Counter != nil,
		modField{"Query", "counter", "/counter/get", "My counters, or the public ones of the account id.", []modArg{arg("id", "String")}, "row BkCounter"},
		modField{"Mutation", "incrCounters", "/counter/incr", "Add to my counters (negative subtracts).", counterArgs(mods), "row BkCounter"})
	add(mods.Connection != nil,
		modField{"Query", "connection", "/connection/get", "My connection of type to peer.", edge, "row BkConnection"},
		modField{"Query", "connections", "/connection/select", "My connections, of type when given.", append([]modArg{arg("type", "String")}, pageArgs...), "page BkConnection"},
		modField{"Query", "reference", "/reference/get", "The connection of type peer made to me.", edge, "row BkReference"},
		modField{"Query", "references", "/reference/select", "The connections made to me, of type when given.", append([]modArg{arg("type", "String")}, pageArgs...), "page BkReference"},
		modField{"Mutation", "connect", "/connection/add", "Connect to peer (its reference and both counters follow).", append(append([]modArg{}, edge...), arg("name", "String"), arg("status", "String")), "row BkConnection"},
		modField{"Mutation", "updateConnection", "/connection/update", "The name and status of my connection; the rows changed.", append(append([]modArg{}, edge...), arg("name", "String"), arg("status", "String")), "count affected_rows"},
		modField{"Mutation", "disconnect", "/connection/del", "Remove my connection (its reference and counts too); the rows removed.", edge, "count affected_rows"})
	add(mods.Message != nil,
		modField{"Query", "inbox", "/message/get", "My messages, oldest first (desc: newest).", append([]modArg{arg("sender", "String"), arg("read", "Boolean")}, pageArgs...), "page BkMessage"},
		modField{"Query", "unread", "/message/get/unread", "How many of my messages are unread.", nil, "count count"},
		modField{"Query", "archived", "/message/get/archive", "My archived messages.", pageArgs, "page BkArchive"},
		modField{"Query", "sent", "/message/get/sent", "The messages I sent, one per recipient.", pageArgs, "page BkSent"},
		modField{"Mutation", "sendMessage", "/message/add", "Send msg to the accounts to.", []modArg{{"to", "[String!]!", "id"}, arg("msg", "String!"), arg("name", "String"), {"nosent", "Boolean", "_nosent"}}, "sent"},
		modField{"Mutation", "readMessage", "/message/read", "Mark my message of sender at mtime read; the rows changed.", []modArg{arg("sender", "String!"), arg("mtime", "Int64!")}, "count affected_rows"},
		modField{"Mutation", "archiveMessage", "/message/archive", "Move my message of sender at mtime to the archive.", []modArg{arg("sender", "String!"), arg("mtime", "Int64!")}, "count affected_rows"},
		modField{"Mutation", "deleteMessage", "/message/del", "Delete my message of sender at mtime.", []modArg{arg("sender", "String!"), arg("mtime", "Int64!")}, "count affected_rows"})
	add(mods.Location != nil,
		modField{"Query", "nearby", "/location/get", "The other accounts within distance km (default 10) of the point (default: mine), nearest first.", []modArg{arg("latitude", "Float"), arg("longitude", "Float"), arg("distance", "Float"), {"first", "Int", "_count"}, {"after", "String", "_token"}}, "page BkLocation"},
		modField{"Mutation", "putLocation", "/location/put", "Set my position.", []modArg{arg("latitude", "Float!"), arg("longitude", "Float!")}, "row BkLocation"})
	add(mods.Icon != nil,
		modField{"Query", "icons", "/icon/select", "The icons of the account id (default: mine), of prefix when given: of another account's, those I may see.", append([]modArg{arg("prefix", "String"), arg("id", "String")}, pageArgs...), "page BkIcon"},
		modField{"Mutation", "putIcon", "/icon/put", "Store my icon of prefix and type (default 0): icon is the image, base64; width and height (a box, aspect kept), ext and quality shape what is stored; aclAllow: all, auth or account ids.",
			[]modArg{arg("prefix", "String!"), arg("type", "String"), arg("icon", "String!"), {"aclAllow", "String", "acl_allow"}, arg("descr", "String"),
				{"width", "Int", "_width"}, {"height", "Int", "_height"}, {"ext", "String", "_ext"}, {"quality", "Int", "_quality"}}, "row BkIcon"},
		modField{"Mutation", "deleteIcon", "/icon/del", "Delete my icon of prefix and type (default 0); the rows removed.", []modArg{arg("prefix", "String!"), arg("type", "String")}, "count affected_rows"})
	return out
}

func counterArgs(mods *Modules) []modArg {
	var out []modArg
	for _, c := range mods.Free {
		out = append(out, arg(c.Name, "Int64"))
	}
	return out
}

// typedModuleTables are the module tables shown as GraphQL types.
func typedModuleTables(mods *Modules) []*Table {
	var out []*Table
	for _, t := range []*Table{mods.Counter, mods.Connection, mods.Reference, mods.Message, mods.Archive, mods.Sent, mods.Location, mods.Icon} {
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}

// moduleColumns are the columns of a module type: the ones a client may
// see, of the kinds a module row carries.
func moduleColumns(t *Table) []*Column {
	var out []*Column
	for _, c := range t.Columns {
		if !c.Secure && !c.Nillable && (c.Kind == KindString || c.Kind == KindInt || c.Kind == KindFloat || c.Kind == KindBool) {
			out = append(out, c)
		}
	}
	return out
}

func modGQLType(c *Column) string {
	switch c.Kind {
	case KindInt:
		return "Int64"
	case KindFloat:
		return "Float"
	case KindBool:
		return "Boolean"
	}
	return "String"
}

// moduleSchema is the SDL of the modules.
func moduleSchema(mods *Modules) string {
	if mods == nil || !mods.Any() {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n# The backendjs modules (docs/modules.md): the same code and rules as their REST routes.\n")
	for _, t := range typedModuleTables(mods) {
		fmt.Fprintf(&b, "\n\"A row of %s, as the caller may see it: a hidden column is null.\"\ntype %s {\n", t.Name, t.GoName)
		for _, c := range moduleColumns(t) {
			fmt.Fprintf(&b, "  %s: %s\n", c.Name, modGQLType(c))
		}
		if t == mods.Location {
			b.WriteString("  \"km from the point of a search\"\n  distance: Float\n")
		}
		fmt.Fprintf(&b, "}\n\n\"A page of %s rows.\"\ntype %sPage {\n  nodes: [%s!]!\n  endCursor: String\n  hasNextPage: Boolean!\n}\n", t.Name, t.GoName, t.GoName)
	}
	if mods.Message != nil {
		b.WriteString("\n\"A message sent: to id, at mtime.\"\ntype BkMessageSent {\n  id: String!\n  mtime: Int64!\n  sender: String!\n}\n")
	}
	for _, root := range []string{"Query", "Mutation"} {
		fmt.Fprintf(&b, "\nextend type %s {\n", root)
		for _, f := range moduleFields(mods) {
			if f.root != root {
				continue
			}
			args := make([]string, len(f.args))
			for i, a := range f.args {
				args[i] = a.name + ": " + a.gql
			}
			sig := ""
			if len(args) > 0 {
				sig = "(" + strings.Join(args, ", ") + ")"
			}
			fmt.Fprintf(&b, "  %q\n  %s%s: %s\n", f.doc+" ("+f.path+")", f.name, sig, f.gqlResult())
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func (f modField) gqlResult() string {
	kind, typ, _ := strings.Cut(f.result, " ")
	switch kind {
	case "row":
		if f.root == "Query" {
			return typ
		}
		return typ + "!"
	case "page":
		return typ + "Page!"
	case "count":
		return "Int64!"
	}
	return "[BkMessageSent!]!"
}

// moduleResolvers renders the resolvers of the module fields and the
// conversions of the module replies into the GraphQL types.
func moduleResolvers(f *jen.File, mods *Modules) {
	if mods == nil || !mods.Any() {
		return
	}
	ctx := jen.Id("ctx").Qual("context", "Context")
	f.Comment("runModule runs the module route of path among mods (its reply as the REST route gives it).")
	f.Func().Id("runModule").Params(ctx.Clone(), jen.Id("mods").Map(jen.String()).Qual(modulePkg, "Handler"), jen.Id("path").String(), jen.Id("p").Map(jen.String()).String()).Parens(jen.List(jen.Any(), jen.Error())).Block(
		jen.Id("h").Op(":=").Id("mods").Index(jen.Id("path")),
		jen.If(jen.Id("h").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Qual(dbPkg, "Unsupportedf").Call(jen.Lit("%s is not served"), jen.Id("path")))),
		jen.Return(jen.Id("h").Call(jen.Id("ctx"), jen.Id("p"))),
	)
	for _, t := range typedModuleTables(mods) {
		from := strings.ToLower(t.GoName[:1]) + t.GoName[1:] + "From"
		f.Commentf("%s is a %s row of a module reply.", from, t.Name)
		f.Func().Id(from).Params(jen.Id("m").Map(jen.String()).Any()).Op("*").Id(t.GoName).BlockFunc(func(g *jen.Group) {
			g.Return(jen.Op("&").Id(t.GoName).ValuesFunc(func(g *jen.Group) {
				for _, c := range moduleColumns(t) {
					g.Id(gqlName(c.Name)).Op(":").Qual(modulePkg, "Get").Types(wireCode(c.Kind)).Call(jen.Id("m"), jen.Lit(c.Name))
				}
				if t == mods.Location {
					g.Id("Distance").Op(":").Qual(modulePkg, "Get").Types(jen.Float64()).Call(jen.Id("m"), jen.Lit("distance"))
				}
			}))
		})
		f.Commentf("%sPageFrom is a page of %s rows of a module reply.", strings.TrimSuffix(from, "From"), t.Name)
		f.Func().Id(strings.TrimSuffix(from, "From")+"PageFrom").Params(jen.Id("out").Any()).Op("*").Id(t.GoName+"Page").Block(
			jen.List(jen.Id("rows"), jen.Id("next")).Op(":=").Qual(modulePkg, "Rows").Call(jen.Id("out")),
			jen.Id("page").Op(":=").Op("&").Id(t.GoName+"Page").Values(jen.Dict{jen.Id("Nodes"): jen.Make(jen.Index().Op("*").Id(t.GoName), jen.Lit(0), jen.Len(jen.Id("rows"))), jen.Id("HasNextPage"): jen.Id("next").Op("!=").Lit("")}),
			jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("rows")).Block(jen.Id("page").Dot("Nodes").Op("=").Append(jen.Id("page").Dot("Nodes"), jen.Id(from).Call(jen.Id("m")))),
			jen.If(jen.Id("next").Op("!=").Lit("")).Block(jen.Id("page").Dot("EndCursor").Op("=").Op("&").Id("next")),
			jen.Return(jen.Id("page")),
		)
	}
	for _, fl := range moduleFields(mods) {
		recv := "queryResolver"
		if fl.root == "Mutation" {
			recv = "mutationResolver"
		}
		params := []jen.Code{ctx.Clone()}
		for _, a := range fl.args {
			params = append(params, jen.Id(goArg(a.name)).Add(argType(a.gql)))
		}
		kind, typ, _ := strings.Cut(fl.result, " ")
		var ret jen.Code
		switch kind {
		case "row":
			ret = jen.Op("*").Id(typ)
		case "page":
			ret = jen.Op("*").Id(typ + "Page")
		case "count":
			ret = jen.Int64()
		default:
			ret = jen.Index().Op("*").Id("BkMessageSent")
		}
		f.Commentf("%s is %s.", gqlName(fl.name), fl.path)
		f.Func().Params(jen.Id("r").Op("*").Id(recv)).Id(gqlName(fl.name)).Params(params...).Parens(jen.List(ret, jen.Error())).BlockFunc(func(g *jen.Group) {
			g.Id("p").Op(":=").Map(jen.String()).String().Values()
			for _, a := range fl.args {
				set := func(v jen.Code) jen.Code { return jen.Id("p").Index(jen.Lit(a.param)).Op("=").Add(v) }
				base := strings.TrimSuffix(a.gql, "!")
				val := jen.Id(goArg(a.name))
				if !strings.HasSuffix(a.gql, "!") {
					val = jen.Op("*").Id(goArg(a.name))
				}
				var conv jen.Code
				switch base {
				case "String":
					conv = val
				case "Int":
					conv = jen.Qual("strconv", "Itoa").Call(val)
				case "Int64":
					conv = jen.Qual("strconv", "FormatInt").Call(val, jen.Lit(10))
				case "Float":
					conv = jen.Qual("strconv", "FormatFloat").Call(val, jen.LitRune('g'), jen.Lit(-1), jen.Lit(64))
				case "Boolean":
					conv = jen.Qual("strconv", "FormatBool").Call(val)
				default: // [String!]
					conv = jen.Qual("strings", "Join").Call(jen.Id(goArg(a.name)), jen.Lit(","))
				}
				if strings.HasSuffix(a.gql, "!") {
					g.Add(set(conv))
				} else {
					g.If(jen.Id(goArg(a.name)).Op("!=").Nil()).Block(set(conv))
				}
			}
			g.List(jen.Id("out"), jen.Err()).Op(":=").Id("runModule").Call(jen.Id("ctx"), jen.Id("r").Dot("Modules"), jen.Lit(fl.path), jen.Id("p"))
			switch kind {
			case "row":
				from := strings.ToLower(typ[:1]) + typ[1:] + "From"
				g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
				g.List(jen.Id("m"), jen.Id("_")).Op(":=").Id("out").Assert(jen.Map(jen.String()).Any())
				g.Return(jen.Id(from).Call(jen.Id("m")), jen.Nil())
			case "page":
				g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
				g.Return(jen.Id(strings.ToLower(typ[:1])+typ[1:]+"PageFrom").Call(jen.Id("out")), jen.Nil())
			case "count":
				g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(0), jen.Err()))
				g.Return(jen.Qual(modulePkg, "Count").Call(jen.Id("out"), jen.Lit(typ)), jen.Nil())
			default:
				g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
				g.Id("sent").Op(":=").Index().Op("*").Id("BkMessageSent").Values()
				g.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Qual(modulePkg, "List").Call(jen.Id("out"))).Block(
					jen.Id("sent").Op("=").Append(jen.Id("sent"), jen.Op("&").Id("BkMessageSent").Values(jen.Dict{
						jen.Id("ID"):     jen.Qual(modulePkg, "Value").Types(jen.String()).Call(jen.Id("m"), jen.Lit("id")),
						jen.Id("Mtime"):  jen.Qual(modulePkg, "Value").Types(jen.Int64()).Call(jen.Id("m"), jen.Lit("mtime")),
						jen.Id("Sender"): jen.Qual(modulePkg, "Value").Types(jen.String()).Call(jen.Id("m"), jen.Lit("sender")),
					})),
				)
				g.Return(jen.Id("sent"), jen.Nil())
			}
		})
	}
}

// goArg is the Go name of an argument (type is a keyword).
func goArg(name string) string {
	if name == "type" {
		return "typ"
	}
	return name
}

// argType is the Go type gqlgen gives an argument of GraphQL type gql.
func argType(gql string) jen.Code {
	base, required := strings.TrimSuffix(gql, "!"), strings.HasSuffix(gql, "!")
	var t jen.Code
	switch base {
	case "String":
		t = jen.String()
	case "Int":
		t = jen.Int()
	case "Int64":
		t = jen.Int64()
	case "Float":
		t = jen.Float64()
	case "Boolean":
		t = jen.Bool()
	default:
		return jen.Index().String()
	}
	if required {
		return t
	}
	return jen.Op("*").Add(t)
}
