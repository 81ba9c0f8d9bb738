package gen

import (
	"fmt"
	"strings"
)

// REST is the REST view of the model that openapi.yaml and the handlers are
// rendered from: every path, operation id and Go name is decided here.
type REST struct {
	Tables []*RestTable
}

// RestTable is one table's routes.
type RestTable struct {
	*Table
	Out      []*Column // columns in replies (not secure)
	In       []*Column // columns callers may write (not secure)
	Form     []*Column // In without JSON columns: form bodies are flat
	Counters []*Column
	Ops      []*RestOp
}

// RestOp is one backendjs operation: GET with query parameters and POST
// with a JSON or form body.
type RestOp struct {
	Name    string // get, select, add, put, update, incr, del
	Path    string // /todo/get
	Query   string // operation id of the GET form, e.g. TodoGetQuery
	Body    string // operation id of the POST form, e.g. TodoGetBody
	Summary string
	Params  []*Column // typed GET parameters (all optional)
	Reply   string    // row, page or info
}

// ControlParams are the select parameters that are not columns, with the
// Go field names ogen gets for them (x-ogen-name), so they never clash with
// a column's.
var ControlParams = []struct{ Name, GoName, Type, Doc string }{
	{"_ops", "CtlOps", "string", "operators: col,op pairs separated by commas or |, e.g. name,begins_with,width,gt"},
	{"_count", "CtlCount", "integer", "page size, 1..1000 (default 50)"},
	{"_token", "CtlToken", "string", "next_token of the previous page"},
	{"_select", "CtlSelect", "string", "columns to return, comma separated"},
	{"_desc", "CtlDesc", "boolean", "descending order"},
	{"_sort", "CtlSort", "string", "column to order by (default: the primary key)"},
	{"_total", "CtlTotal", "boolean", "return {count: N} only"},
}

// BuildREST decides the routes of every table that has an API.
func BuildREST(m *Model) *REST {
	r := &REST{}
	for _, t := range m.Tables {
		if t.NoAPI {
			continue
		}
		rt := &RestTable{Table: t, Counters: t.Counters()}
		for _, c := range t.Columns {
			if c.Secure {
				continue
			}
			rt.Out = append(rt.Out, c)
			rt.In = append(rt.In, c)
			if !c.Type.JSON {
				rt.Form = append(rt.Form, c)
			}
		}
		op := func(name, summary, reply string, params []*Column) {
			title := strings.ToUpper(name[:1]) + name[1:]
			rt.Ops = append(rt.Ops, &RestOp{
				Name: name, Path: "/" + t.Name + "/" + name, Summary: summary, Reply: reply, Params: params,
				Query: t.GoName + title + "Query", Body: t.GoName + title + "Body",
			})
		}
		keys := t.Keys
		op("get", fmt.Sprintf("Get the %s row with the key", t.Name), "row", keys)
		op("select", fmt.Sprintf("Select %s rows: every column parameter is a condition", t.Name), "page", nil)
		op("add", fmt.Sprintf("Add a row to %s; 409 when the key exists", t.Name), "row", rt.Form)
		op("put", fmt.Sprintf("Add or replace a whole row of %s", t.Name), "row", rt.Form)
		op("update", fmt.Sprintf("Update the given columns of a row of %s", t.Name), "info", rt.Form)
		if len(rt.Counters) > 0 {
			op("incr", fmt.Sprintf("Add to the counters of a row of %s, creating it when missing", t.Name), "row", append(append([]*Column{}, keys...), rt.Counters...))
		}
		op("del", fmt.Sprintf("Delete a row of %s", t.Name), "info", keys)
		r.Tables = append(r.Tables, rt)
	}
	return r
}

// OASType is the OpenAPI schema of a column's values, as a YAML flow
// mapping; with doc, the column's description is added.
func OASType(c *Column, doc bool) string {
	t := kinds[c.Kind].oas
	if t == "" { // any JSON value
		return "{description: any JSON value}"
	}
	if doc {
		t += `, description: "` + Doc(c) + `"`
	}
	return "{" + t + "}"
}

// InType is the OpenAPI schema of a column's values in a request: in is
// "query" (a parameter), "form" or "json" (a property of a body). Times are
// strings (a JSON body may also send a number) that the generated handler
// reads with rest.ParseTime, not ogen: every input takes the same forms
// (RFC 3339 with or without fractions, a date, Unix ms).
func InType(c *Column, in string) string {
	if c.Kind == KindTime {
		if in == "json" {
			return `{description: "` + timeInput + `; null clears a nullable column"}`
		}
		return "{type: string}"
	}
	if in == "json" && c.Nillable {
		return "{allOf: [" + OASType(c, false) + "], nullable: true}"
	}
	return OASType(c, false)
}

// timeInput describes what a time column takes.
const timeInput = "a time: RFC 3339 (2030-01-01T10:00:00Z, fractional seconds optional), a date (2030-01-01, midnight UTC) or Unix milliseconds"

// TypeName is how the documentation page names a column's wire type.
func TypeName(c *Column) string { return kinds[c.Kind].typeName }

// Doc is the description of a column in the spec.
func Doc(c *Column) string {
	d := columnDoc(c)
	if d == "" {
		d = c.Type.Ident
	}
	return strings.ReplaceAll(d, `"`, `'`)
}
