package gen

import "github.com/dave/jennifer/jen"

// fastWriters are the runtime/gql writers of the column kinds the GraphQL
// fast path writes itself, as gqlgen's marshalers of their scalars would.
// Floats (gqlgen refuses NaN there, a field error) and JSON are left to
// gqlgen: a selection of one of them is not served fast.
var fastWriters = map[Kind]string{
	KindString: "WriteString",
	KindBytes:  "WriteString", // the model holds them base64 already
	KindInt:    "WriteInt64",
	KindBool:   "WriteBool",
	KindTime:   "WriteTime",
}

// fastGet reports whether t's get by key can be served by the fast path:
// a key of one or two columns (gql.GetOf, gql.GetOf2), every one a string
// (the fast path reads String! arguments only).
func fastGet(t *RestTable) bool {
	if len(t.Keys) > 2 {
		return false
	}
	for _, k := range t.Keys {
		if k.Kind != KindString {
			return false
		}
	}
	return true
}

// fastColumns are the columns of t's model the fast path writes.
func fastColumns(t *RestTable) []*Column {
	var out []*Column
	for _, c := range t.Out {
		if _, ok := fastWriters[c.Kind]; ok && !c.Type.JSON {
			out = append(out, c)
		}
	}
	return out
}

// gqlFastWriter renders the model's WriteGQLField (runtime/gql.FastObject).
// Every table has one: the object marshaler in exec.go writes these columns
// through it (gen/graphql_rows.go); a name it does not write is null.
func gqlFastWriter(f *jen.File, t *RestTable) {
	var cases []fieldWrite
	for _, c := range fastColumns(t) {
		cases = append(cases, fieldWrite{c.Name, fastWriters[c.Kind], jen.Id("o").Dot(gqlName(c.Name))})
	}
	f.Commentf("WriteGQLField writes a column of %s as gqlgen would (runtime/gql.FastObject).", t.GoName)
	writeGQLField(f, t.GoName, cases)
	for _, o := range pageObjects(t) {
		cases = cases[:0]
		for _, fl := range o.fields {
			v := jen.Id("o").Dot(fl.goName)
			if !fl.pointer {
				v = jen.Op("&").Add(v)
			}
			cases = append(cases, fieldWrite{fl.name, fl.writer, v})
		}
		f.Commentf("WriteGQLField writes the fields of %s that are not objects (gql.Column).", o.goName)
		writeGQLField(f, o.goName, cases)
	}
	conn := t.GoName + "Connection"
	f.Commentf("FastPage is the page for runtime/gql's fast path (gql.ListOf).")
	f.Func().Params(jen.Id("o").Op("*").Id(conn)).Id("FastPage").Params().Qual(gqlPkg, "FastPage").Block(
		jen.Return(jen.Qual(gqlPkg, "PageOf").Call(jen.Id("o").Dot("Nodes"), jen.Id("o").Dot("EndCursor"), jen.Id("o").Dot("HasNextPage"))),
	)
}

// fieldWrite is a case of a WriteGQLField: the field, the runtime/gql
// writer and the pointer it writes.
type fieldWrite struct {
	name, writer string
	value        jen.Code
}

// writeGQLField renders typeName's WriteGQLField: each case's writer, and
// null for any other name.
func writeGQLField(f *jen.File, typeName string, cases []fieldWrite) {
	f.Func().Params(jen.Id("o").Op("*").Id(typeName)).Id("WriteGQLField").Params(jen.Id("w").Qual("io", "Writer"), jen.Id("name").String()).Block(
		jen.Switch(jen.Id("name")).BlockFunc(func(g *jen.Group) {
			for _, c := range cases {
				g.Case(jen.Lit(c.name)).Block(jen.Qual(gqlPkg, c.writer).Call(jen.Id("w"), c.value))
			}
			g.Default().Block(jen.Qual("io", "WriteString").Call(jen.Id("w"), jen.Lit("null")))
		}),
	)
}

// pageObject is an object type the schema has for each table besides the
// table's own (its page, TodoConnection, and its change, TodoEvent), with
// its fields that are scalars: written by the model (gql.Column) rather
// than by a function of gqlgen's for each (gen/graphql_rows.go).
type pageObject struct {
	goName string
	fields []pageField
}

type pageField struct {
	name, goName, writer string
	pointer              bool // the model's field is a pointer (a nullable scalar)
}

func pageObjects(t *RestTable) []pageObject {
	return []pageObject{
		{t.GoName + "Connection", []pageField{{"endCursor", "EndCursor", "WriteString", true}, {"hasNextPage", "HasNextPage", "WriteBool", false}}},
		{t.GoName + "Event", []pageField{{"op", "Op", "WriteString", false}}},
	}
}

// gqlSchema renders Schema: the executable schema with the gets by key the
// fast path serves (runtime/gql.FastGets).
func gqlSchema(f *jen.File, r *REST) {
	f.Comment("Schema is the executable schema with the gets by key and the pages that runtime/gql")
	f.Comment("serves without gqlgen's executor (through the same guard and resolvers).")
	f.Type().Id("Schema").Struct(jen.Qual("github.com/99designs/gqlgen/graphql", "ExecutableSchema"), jen.Id("r").Op("*").Id("Resolver"))
	f.Comment("NewSchema returns the executable schema of cfg.")
	f.Func().Id("NewSchema").Params(jen.Id("cfg").Id("Config")).Id("Schema").Block(
		jen.Return(jen.Id("Schema").Values(jen.Id("NewExecutableSchema").Call(jen.Id("cfg")), jen.Id("cfg").Dot("Resolvers").Assert(jen.Op("*").Id("Resolver")))),
	)
	f.Comment("FastGets are the gets by key of the tables whose keys are strings.")
	f.Func().Params(jen.Id("s").Id("Schema")).Id("FastGets").Params().Map(jen.String()).Qual(gqlPkg, "FastGet").Block(
		jen.Id("q").Op(":=").Parens(jen.Op("*").Id("queryResolver")).Call(jen.Id("s").Dot("r")),
		jen.Return(jen.Map(jen.String()).Qual(gqlPkg, "FastGet").Values(jen.DictFunc(func(d jen.Dict) {
			for _, t := range r.Tables {
				if !fastGet(t) {
					continue
				}
				var keys []jen.Code
				for _, k := range t.Keys {
					keys = append(keys, jen.Lit(k.Name))
				}
				method := jen.Id("q").Dot(gqlName(t.Name))
				if len(keys) == 1 {
					d[jen.Lit(t.Name)] = jen.Qual(gqlPkg, "GetOf").Call(fastFieldNames(t), keys[0], method)
				} else {
					d[jen.Lit(t.Name)] = jen.Qual(gqlPkg, "GetOf2").Call(fastFieldNames(t), keys[0], keys[1], method)
				}
			}
		}))),
	)
}

// fastFieldNames is the literal list of the columns the fast path writes.
func fastFieldNames(t *RestTable) jen.Code {
	return jen.Index().String().ValuesFunc(func(g *jen.Group) {
		for _, c := range fastColumns(t) {
			g.Lit(c.Name)
		}
	})
}

// gqlFastLists renders Schema.FastLists: every table's page (runtime/gql.FastList),
// through the list resolver gqlgen's executor calls (gql.ListOf, one instantiation
// for every table: the connections are pointers).
func gqlFastLists(f *jen.File, r *REST) {
	f.Comment("FastLists are the pages of the tables.")
	f.Func().Params(jen.Id("s").Id("Schema")).Id("FastLists").Params().Map(jen.String()).Qual(gqlPkg, "FastList").Block(
		jen.Id("q").Op(":=").Parens(jen.Op("*").Id("queryResolver")).Call(jen.Id("s").Dot("r")),
		jen.Return(jen.Map(jen.String()).Qual(gqlPkg, "FastList").Values(jen.DictFunc(func(d jen.Dict) {
			for _, t := range r.Tables {
				d[jen.Lit(Plural(t.Name))] = jen.Qual(gqlPkg, "ListOf").Call(fastFieldNames(t), jen.Id("q").Dot(gqlName(Plural(t.Name))))
			}
		}))),
	)
}
