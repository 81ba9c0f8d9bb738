package gql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/validator"
)

// The fast path serves the commonest GraphQL requests, a get by key that
// selects plain columns (`{ todo(id: $id) { id name } }`) and a page of a
// table (`{ todos(first: 20) { nodes { id name } endCursor } }`), without
// gqlgen's executor, whose per-field contexts, middleware calls and boxed values cost
// more than the store call itself. It serves only documents the query cache
// holds (parsed, validated and measured by the cost guard already), runs
// the same guard as every other top-level field (path rules, access checks,
// hooks) and the same resolver, and writes the same bytes gqlgen would:
// anything else it declines and gqlgen serves.

// FastObject is a generated model that writes its own scalar fields.
type FastObject interface {
	// WriteGQLField writes the value of the column name as gqlgen's
	// marshalers would (null for a name it does not write).
	WriteGQLField(w io.Writer, name string)
}

// Column is the field name of obj as gqlgen's executor marshals it: the
// generated marshaler of a table's object type (gen/graphql_rows.go) writes
// the columns its model writes itself through this, without gqlgen's
// per-field function, field context and middleware call, and without a
// function per column in the binary (issues 16 and 21).
func Column(obj FastObject, name string) graphql.Marshaler {
	return column{obj, name}
}

type column struct {
	obj  FastObject
	name string
}

func (c column) MarshalGQL(w io.Writer) { c.obj.WriteGQLField(w, c.name) }

// Row is the object of obj when the model writes every field of its type
// (gen/graphql_rows.go): it writes {"alias":value,...} as gqlgen's field set
// does, one allocation per row where gqlgen's makes a field set, its values,
// a map of the aliases written and a value per field.
func Row(fields []graphql.CollectedField, typeName string, obj FastObject) graphql.Marshaler {
	return &row{distinct(fields), typeName, obj}
}

type row struct {
	fields   []graphql.CollectedField
	typeName string
	obj      FastObject
}

func (r *row) MarshalGQL(w io.Writer) { writeRow(w, r.fields, r.typeName, r.obj) }

// Rows is a list of a table's objects whose fields the model writes: the
// objects as Row writes them, in the goroutine that marshals the list, where
// gqlgen's list marshaler starts a goroutine and a field context for each
// element of any list (for a page of 20 rows, 20 goroutines).
// A nil element makes the list null with an error at its index, as gqlgen.
func Rows[T any, P interface {
	*T
	FastObject
}](ctx context.Context, oc *graphql.OperationContext, sel ast.SelectionSet, implementors []string, typeName string, v []P) graphql.Marshaler {
	for i, o := range v {
		if o == nil {
			graphql.AddErrorf(graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i}), "the requested element is null which the schema does not allow")
			return graphql.Null
		}
	}
	return &rows[T, P]{distinct(graphql.CollectFields(oc, sel, implementors)), typeName, v}
}

type rows[T any, P interface {
	*T
	FastObject
}] struct {
	fields   []graphql.CollectedField
	typeName string
	v        []P
}

func (r *rows[T, P]) MarshalGQL(w io.Writer) {
	io.WriteString(w, "[")
	for i, o := range r.v {
		if i > 0 {
			io.WriteString(w, ",")
		}
		writeRow(w, r.fields, r.typeName, o)
	}
	io.WriteString(w, "]")
}

// distinct is fields without a repeated alias, which gqlgen's field set
// writes once: fields itself when none repeats. Row and Rows call it once
// per object and per list, so that writing a row is linear in its fields.
func distinct(fields []graphql.CollectedField) []graphql.CollectedField {
	var out []graphql.CollectedField // nil until an alias repeats
	for i, f := range fields {
		repeated := slices.ContainsFunc(fields[:i], func(prev graphql.CollectedField) bool { return prev.Alias == f.Alias })
		if repeated && out == nil {
			out = slices.Clone(fields[:i])
		}
		if out != nil && !repeated {
			out = append(out, f)
		}
	}
	if out == nil {
		return fields
	}
	return out
}

// writeRow writes obj's fields (distinct) as gqlgen's field set writes them.
func writeRow(w io.Writer, fields []graphql.CollectedField, typeName string, obj FastObject) {
	io.WriteString(w, "{")
	for i, f := range fields {
		if i > 0 {
			io.WriteString(w, ",")
		}
		graphql.MarshalString(f.Alias).MarshalGQL(w)
		io.WriteString(w, ":")
		if f.Name == "__typename" {
			graphql.MarshalString(typeName).MarshalGQL(w)
		} else {
			obj.WriteGQLField(w, f.Name)
		}
	}
	io.WriteString(w, "}")
}

// FastGet is a top-level query field the fast path may serve: its String!
// arguments (the key), the scalar fields of its object, and the resolver.
type FastGet struct {
	Args   []string
	Fields []string // a few names: a list is as quick to search as a map, and is data, not code
	Get    func(ctx context.Context, args []string) (FastObject, error)
}

// GetOf is the FastGet of a generated get resolver of one key (Query.todo),
// one instantiation for every table (the models are pointers).
func GetOf[T any, P interface {
	*T
	FastObject
}](fields []string, key string, get func(ctx context.Context, key string) (P, error)) FastGet {
	return FastGet{Args: []string{key}, Fields: fields, Get: func(ctx context.Context, a []string) (FastObject, error) {
		return FastOf(get(ctx, a[0]))
	}}
}

// GetOf2 is GetOf for a key of two columns (Query.photo).
func GetOf2[T any, P interface {
	*T
	FastObject
}](fields []string, key1, key2 string, get func(ctx context.Context, key1, key2 string) (P, error)) FastGet {
	return FastGet{Args: []string{key1, key2}, Fields: fields, Get: func(ctx context.Context, a []string) (FastObject, error) {
		return FastOf(get(ctx, a[0], a[1]))
	}}
}

// FastGets is what a generated executable schema implements to offer its
// fast gets, by field name.
type FastGets interface {
	FastGets() map[string]FastGet
}

// FastList is a table's list query the fast path may serve: a page asked by
// where, first, after, desc and sort, whose selection is plain columns of
// its nodes, endCursor and hasNextPage.
type FastList struct {
	Fields []string // the columns of the nodes it writes
	List   func(ctx context.Context, a ListArgs) (FastPage, error)
}

// ListArgs are a list's arguments as gqlgen's decoders give them to its
// resolver (nil: not given).
type ListArgs struct {
	Where       []*Cond
	First       *int
	After, Sort *string
	Desc        *bool
}

// FastPage is the page a FastList's resolver answered.
type FastPage struct {
	Nodes       []FastObject
	EndCursor   *string
	HasNextPage bool
}

// PageOf is a generated connection's fields as a FastPage.
func PageOf[T any, P interface {
	*T
	FastObject
}](nodes []P, endCursor *string, hasNextPage bool) FastPage {
	out := FastPage{Nodes: make([]FastObject, len(nodes)), EndCursor: endCursor, HasNextPage: hasNextPage}
	for i, n := range nodes {
		if n != nil {
			out.Nodes[i] = n
		}
	}
	return out
}

// Paged is a generated connection (TodoConnection) as a FastPage.
type Paged interface {
	FastPage() FastPage
}

// ListOf is the FastList of a generated list resolver (Query.todos).
func ListOf[C Paged](fields []string, list func(ctx context.Context, where []*Cond, first *int, after *string, desc *bool, sort *string) (C, error)) FastList {
	return FastList{Fields: fields, List: func(ctx context.Context, a ListArgs) (FastPage, error) {
		c, err := list(ctx, a.Where, a.First, a.After, a.Desc, a.Sort)
		if err != nil {
			return FastPage{}, err
		}
		return c.FastPage(), nil
	}}
}

// FastLists is what a generated executable schema implements to offer its
// fast lists, by field name.
type FastLists interface {
	FastLists() map[string]FastList
}

// fastPath is the fast path of one handler.
type fastPath struct {
	gets       map[string]FastGet
	lists      map[string]FastList
	cache      *queryCache
	plans      *lru.Cache[planKey, planned]
	templates  *lru.Cache[templateKey, *template]
	es         graphql.ExecutableSchema // with the complexity rule of lists (paged)
	schema     *ast.Schema
	complexity int
	paths      map[string]string
	guard      Guard
}

// newFastPath is the fast path of es, nil when es offers none; paged is es
// with the complexity rule of lists.
func newFastPath(es, paged graphql.ExecutableSchema, cache *queryCache, c Config) *fastPath {
	plans, _ := lru.New[planKey, planned](max(c.CacheSize, 1)) // as many as the documents kept
	templates, _ := lru.New[templateKey, *template](max(c.CacheSize, 1))
	f := &fastPath{cache: cache, plans: plans, templates: templates, es: paged, schema: es.Schema(), complexity: c.Complexity, paths: c.Paths, guard: c.Guard}
	if fg, ok := es.(FastGets); ok {
		f.gets = fg.FastGets()
	}
	if fl, ok := es.(FastLists); ok {
		f.lists = fl.FastLists()
	}
	if f.gets == nil && f.lists == nil {
		return nil
	}
	return f
}

// plan is what the fast path runs for one document: a get or a list.
type plan struct {
	get    *FastGet
	list   *FastList
	field  *ast.Field
	op     *ast.OperationDefinition
	fields []graphql.CollectedField   // a get's columns, or a page's fields, in order (distinct)
	nodes  [][]graphql.CollectedField // a page: the columns of its field i when it is nodes
}

// serve answers r when it can, and reports whether it did; body is the
// JSON body checkBody read (nil: not a JSON POST, or not readable).
func (f *fastPath) serve(w http.ResponseWriter, r *http.Request, body []byte) bool {
	if accept := r.Header.Get("Accept"); strings.Contains(accept, "graphql-response") || strings.Contains(accept, "text/event-stream") {
		return false
	}
	// the variables are decoded only for a document the fast path serves
	var p struct {
		Query         string          `json:"query"`
		OperationName string          `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	switch {
	case r.Method == http.MethodGet:
		q := r.URL.Query()
		if q.Has("extensions") {
			return false
		}
		p.Query, p.OperationName, p.Variables = q.Get("query"), q.Get("operationName"), json.RawMessage(q.Get("variables"))
	case r.Method == http.MethodPost && body != nil:
		if json.Unmarshal(body, &p) != nil || p.Extensions != nil {
			return false
		}
	default:
		return false
	}
	doc, kept, ok := f.cache.held(r.Context(), p.Query)
	var shape shapeKey
	var literals []string
	if !ok {
		// a text not seen: served from its shape when one validated before
		if shape, literals, ok = f.cache.shape(p.Query); !ok || !f.cache.shapes.Contains(shape) {
			return false // gqlgen validates it, and caches it for the next time
		}
		if t, found := f.templates.Get(templateKey{shape, p.OperationName}); found {
			return f.serveTemplate(w, r, t, literals, p.Query, p.Variables)
		}
		if doc, ok = f.cache.parseShaped(r.Context(), p.Query); !ok {
			return false
		}
	}
	pl, ok := f.planOf(doc, kept, p.OperationName)
	if !ok {
		return false
	}
	if literals != nil && pl.get != nil {
		f.addTemplate(shape, p.OperationName, p.Query, literals, pl)
	}
	vars, ok := f.variables(pl.op, p.Variables)
	if !ok {
		return false
	}
	var resolve func(ctx context.Context) (any, error)
	if pl.get != nil {
		args, ok := getArgs(pl, vars)
		if !ok {
			return false
		}
		resolve = func(ctx context.Context) (any, error) { return pl.get.Get(ctx, args) }
	} else {
		args, ok := listArgs(pl.field, vars)
		// a page's cost depends on first, which a variable may give: the
		// limit gqlgen's executor would apply, with the same rule (paged)
		if !ok || (f.complexity > 0 && complexity.Calculate(r.Context(), f.es, pl.op, vars) > f.complexity) {
			return false
		}
		resolve = func(ctx context.Context) (any, error) { return pl.list.List(ctx, args) }
	}
	f.run(w, r, pl, resolve, func() *ast.Position { return pl.field.Position })
	return true
}

// variables are a request's variables, validated for op.
func (f *fastPath) variables(op *ast.OperationDefinition, text json.RawMessage) (map[string]any, bool) {
	var raw map[string]any
	if len(text) > 0 {
		var err error
		if raw, err = decodeVariables(text); err != nil {
			return nil, false
		}
	}
	vars, err := validator.VariableValues(f.schema, op, raw)
	return vars, err == nil
}

// templateKey is a document's shape and the operation asked.
type templateKey struct {
	shape shapeKey
	name  string
}

// template is the plan of a get whose key arguments are string literals,
// for every text of its shape (`{ todo(id: "a") { id } }`, then "b", ...):
// a text of that shape is served from its literals without being parsed.
// The shape holds everything of a text but what its string literals say
// and where its tokens stand: the literals are the request's, and so is
// the position of an error (its field's token, found again in the text).
type template struct {
	pl       plan
	literal  []int // each key argument's literal, by its ordinal in the text
	fieldTok int   // the field's first token (eachToken's numbering)
}

// addTemplate keeps pl, a get planned from query, as its shape's template
// when each key argument is a string literal; literals are query's, as
// shape numbers them (a literal's ordinal is its index there).
func (f *fastPath) addTemplate(shape shapeKey, name, query string, literals []string, pl plan) {
	t := &template{pl: pl, fieldTok: -1}
	for _, name := range pl.get.Args {
		a := pl.field.Arguments.ForName(name)
		if a == nil || (a.Value.Kind != ast.StringValue && a.Value.Kind != ast.BlockValue) {
			return // a variable: not from the text
		}
		i := slices.Index(literals, a.Value.Raw)
		if i < 0 {
			return
		}
		t.literal = append(t.literal, i)
	}
	if pl.field.Position == nil {
		return
	}
	eachToken(query, func(n int, tok lexer.Token) bool {
		if tok.Pos.Start == pl.field.Position.Start {
			t.fieldTok = n
		}
		return t.fieldTok < 0
	})
	if t.fieldTok >= 0 {
		f.templates.Add(templateKey{shape, name}, t)
	}
}

// serveTemplate serves a text of t's shape whose string literals are
// literals.
func (f *fastPath) serveTemplate(w http.ResponseWriter, r *http.Request, t *template, literals []string, query string, variables json.RawMessage) bool {
	if _, ok := f.variables(t.pl.op, variables); !ok {
		return false
	}
	args := make([]string, len(t.literal))
	for i, o := range t.literal {
		if o >= len(literals) {
			return false // cannot be: the same shape has the same literals
		}
		args[i] = literals[o]
	}
	get := t.pl.get
	f.run(w, r, t.pl, func(ctx context.Context) (any, error) { return get.Get(ctx, args) }, func() *ast.Position { return tokenAt(query, t.fieldTok) })
	return true
}

// tokenAt is the position of query's token n (eachToken's numbering).
func tokenAt(query string, n int) *ast.Position {
	var pos *ast.Position
	eachToken(query, func(i int, tok lexer.Token) bool {
		if i == n {
			pos = &tok.Pos
		}
		return pos == nil
	})
	return pos
}

// eachToken calls each with query's tokens but comments (which shape does
// not hash either), numbered from 0, until it returns false or the text
// ends or does not lex.
func eachToken(query string, each func(n int, tok lexer.Token) bool) {
	lx := lexer.New(&ast.Source{Input: query})
	for n := 0; ; {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		if !each(n, tok) {
			return
		}
		n++
	}
}

// getArgs are the String! key arguments of a get.
func getArgs(pl plan, vars map[string]any) ([]string, bool) {
	args := make([]string, len(pl.get.Args))
	for i, name := range pl.get.Args {
		a := pl.field.Arguments.ForName(name)
		if a == nil {
			return nil, false
		}
		v, err := a.Value.Value(vars)
		s, isString := v.(string)
		if err != nil || !isString {
			return nil, false
		}
		args[i] = s
	}
	return args, true
}

// listArgs decodes a list's arguments as its generated decoders do
// (gqlgen's unmarshalers); anything else is declined.
func listArgs(field *ast.Field, vars map[string]any) (a ListArgs, ok bool) {
	for _, def := range field.Definition.Arguments {
		// what gqlgen's ArgumentMap gives, without its map: the argument's
		// value, a variable's (absent: not given), else the default
		var v any
		if arg := field.Arguments.ForName(def.Name); arg != nil && arg.Value.Kind == ast.Variable {
			v = vars[arg.Value.Raw]
		} else if arg != nil {
			var err error
			if v, err = arg.Value.Value(vars); err != nil {
				return a, false
			}
		} else if def.DefaultValue != nil {
			var err error
			if v, err = def.DefaultValue.Value(vars); err != nil {
				return a, false
			}
		}
		if v == nil {
			continue
		}
		var err error
		switch name := def.Name; name {
		case "first":
			var n int
			n, err = graphql.UnmarshalInt(v)
			a.First = &n
		case "after", "sort":
			var s string
			s, err = graphql.UnmarshalString(v)
			if name == "after" {
				a.After = &s
			} else {
				a.Sort = &s
			}
		case "desc":
			var b bool
			b, err = graphql.UnmarshalBoolean(v)
			a.Desc = &b
		case "where":
			if a.Where, ok = conds(v); !ok {
				return a, false
			}
		default:
			return a, false
		}
		if err != nil {
			return a, false
		}
	}
	return a, true
}

// decode reads JSON as gqlgen's transports do (numbers kept as json.Number).
func decode(r io.Reader, v any) error {
	d := json.NewDecoder(r)
	d.UseNumber()
	return d.Decode(v)
}

// planKey is a document the query cache keeps, and the operation asked.
type planKey struct {
	doc  *ast.QueryDocument
	name string
}

// planned is plan's answer for a planKey.
type planned struct {
	pl plan
	ok bool
}

// planOf is plan, kept for the documents the query cache keeps (the plan
// is read-only, shared by the requests of that text); a document parsed
// for one request (a literal found by its shape) is planned each time.
// The plans are as many as the documents, and hold theirs: no address of
// a document the cache dropped can come back as another's.
func (f *fastPath) planOf(doc *ast.QueryDocument, kept bool, name string) (plan, bool) {
	if !kept {
		return f.plan(doc, name)
	}
	key := planKey{doc, name}
	if p, ok := f.plans.Get(key); ok {
		return p.pl, p.ok
	}
	pl, ok := f.plan(doc, name)
	f.plans.Add(key, planned{pl, ok})
	return pl, ok
}

// decodeVariables reads a request's variables as decode does (numbers as
// json.Number), in one pass for the usual object of strings, numbers,
// booleans and nulls; a nested value is decoded by decode. Where the two
// could differ (text after the object, which decode ignores), it errs and
// the fast path leaves the request to gqlgen.
func decodeVariables(b []byte) (map[string]any, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	if fields == nil {
		return nil, nil
	}
	vars := make(map[string]any, len(fields))
	for name, v := range fields {
		switch v[0] {
		case '"':
			if bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
				vars[name] = string(v[1 : len(v)-1])
				continue
			}
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, err
			}
			vars[name] = s
		case 't', 'f':
			vars[name] = v[0] == 't'
		case 'n':
			vars[name] = nil
		case '{', '[':
			var x any
			if err := decode(bytes.NewReader(v), &x); err != nil {
				return nil, err
			}
			vars[name] = x
		default:
			vars[name] = json.Number(v)
		}
	}
	return vars, nil
}

// conds decodes a where as the generated decoder of a table's condition
// input does (column; op, eq when not given; values, one value standing for
// a list of one); an element it would not decode the same way is declined.
func conds(v any) ([]*Cond, bool) {
	items := graphql.CoerceList(v)
	out := make([]*Cond, len(items))
	for i, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, false
		}
		c := &Cond{}
		if _, given := m["op"]; !given {
			eq := "eq"
			c.Op = &eq
		}
		for k, x := range m {
			var err error
			switch k {
			case "column":
				c.Column, err = graphql.UnmarshalString(x)
			case "op":
				if x != nil {
					var op string
					op, err = graphql.UnmarshalString(x)
					c.Op = &op
				}
			case "values":
				if x != nil {
					list := graphql.CoerceList(x)
					c.Values = make([]string, len(list))
					for j, s := range list {
						if c.Values[j], err = graphql.UnmarshalString(s); err != nil {
							break
						}
					}
				}
			default:
				return nil, false
			}
			if err != nil {
				return nil, false
			}
		}
		out[i] = c
	}
	return out, true
}

// plan accepts one query operation of one fast field, without directives,
// whose selection is plain fields of its object.
func (f *fastPath) plan(doc *ast.QueryDocument, name string) (plan, bool) {
	var pl plan
	if len(doc.Operations) != 1 || len(doc.Fragments) > 0 {
		return pl, false
	}
	op := doc.Operations[0]
	if op.Operation != ast.Query || len(op.Directives) > 0 || (name != "" && name != op.Name) || len(op.SelectionSet) != 1 {
		return pl, false
	}
	field, ok := op.SelectionSet[0].(*ast.Field)
	if !ok || len(field.Directives) > 0 || field.Definition == nil {
		return pl, false
	}
	pl = plan{field: field, op: op}
	if list, ok := f.lists[field.Name]; ok {
		pl.list = &list
		return pl, planPage(&pl, field.SelectionSet, list.Fields)
	}
	get, ok := f.gets[field.Name]
	if !ok || len(field.Arguments) != len(get.Args) || (f.complexity > 0 && 1+len(field.SelectionSet) > f.complexity) {
		return pl, false
	}
	pl.get = &get
	pl.fields, ok = plainColumns(field.SelectionSet, get.Fields)
	return pl, ok
}

// plainColumns are sel's fields when each is a column of names without
// arguments, directives or a selection of its own (distinct).
func plainColumns(sel ast.SelectionSet, names []string) ([]graphql.CollectedField, bool) {
	var out []graphql.CollectedField
	for _, s := range sel {
		sub, ok := s.(*ast.Field)
		if !ok || len(sub.Arguments) > 0 || len(sub.Directives) > 0 || len(sub.SelectionSet) > 0 || !slices.Contains(names, sub.Name) {
			return nil, false
		}
		out = append(out, graphql.CollectedField{Field: sub})
	}
	return distinct(out), true
}

// planPage accepts a page's selection: nodes of plain columns, endCursor
// and hasNextPage, each alias once (gqlgen merges the selections of a
// repeated one: left to it).
func planPage(pl *plan, sel ast.SelectionSet, columns []string) bool {
	for _, s := range sel {
		sub, ok := s.(*ast.Field)
		if !ok || len(sub.Arguments) > 0 || len(sub.Directives) > 0 {
			return false
		}
		for _, prev := range pl.fields {
			if prev.Alias == sub.Alias {
				return false
			}
		}
		var cols []graphql.CollectedField
		switch sub.Name {
		case "nodes":
			if cols, ok = plainColumns(sub.SelectionSet, columns); !ok || len(cols) == 0 {
				return false
			}
		case "endCursor", "hasNextPage":
			if len(sub.SelectionSet) > 0 {
				return false
			}
		default:
			return false
		}
		pl.fields = append(pl.fields, graphql.CollectedField{Field: sub})
		pl.nodes = append(pl.nodes, cols)
	}
	return len(pl.fields) > 0
}

// run resolves the field through the guard and writes the response.
func (f *fastPath) run(w http.ResponseWriter, r *http.Request, pl plan, resolve func(context.Context) (any, error), position func() *ast.Position) {
	field := "Query." + pl.field.Name
	res, err := func() (res any, err error) {
		defer func() {
			if v := recover(); v != nil {
				slog.ErrorContext(r.Context(), "graphql panic", "panic", v)
				res, err = nil, errors.New("internal error")
			}
		}()
		if path, ok := f.paths[field]; ok && f.guard != nil {
			return f.guard(r.Context(), r, field, path, resolve)
		}
		return resolve(r.Context())
	}()
	obj, _ := res.(FastObject)
	page, isPage := res.(FastPage)
	if err == nil && pl.list != nil && !isPage {
		// what gqlgen's executor says of a null page: the field is non-null
		err = errors.New("the requested element is null which the schema does not allow")
	}
	var resp graphql.Response
	if err != nil {
		e := &gqlerror.Error{Err: err, Message: err.Error(), Path: ast.Path{ast.PathName(pl.field.Alias)}}
		if pos := position(); pos != nil && pos.Line != 0 {
			e.Locations = []gqlerror.Location{{Line: pos.Line, Column: pos.Column}}
		}
		resp.Errors = gqlerror.List{presentError(r.Context(), e)}
	}
	data := getBuffer()
	defer putBuffer(data)
	if err != nil && pl.list != nil {
		data.WriteString(`null`) // a page is non-null: its error nulls the whole data, as gqlgen's
	} else {
		data.WriteString(`{`)
		graphql.MarshalString(pl.field.Alias).MarshalGQL(data)
		data.WriteString(`:`)
		switch {
		case err != nil, pl.list == nil && obj == nil:
			data.WriteString(`null`)
		case pl.list != nil:
			writePage(data, pl, page)
		default:
			writeRow(data, pl.fields, "", obj) // the plan selects no __typename
		}
		data.WriteString(`}`)
	}
	w.Header().Set("Content-Type", "application/json")
	if resp.Errors == nil {
		// what json.Marshal of the response writes (gqlgen's transports
		// marshal it so): the data, compact already, HTML-escaped
		out := getBuffer()
		defer putBuffer(out)
		out.Grow(data.Len() + 16)
		out.WriteString(`{"data":`)
		json.HTMLEscape(out, data.Bytes())
		out.WriteString(`}`)
		w.Write(out.Bytes())
		return
	}
	resp.Data = data.Bytes()
	b, merr := json.Marshal(&resp)
	if merr != nil {
		writeError(w, http.StatusInternalServerError, "Internal", "internal error")
		return
	}
	w.Write(b)
}

// buffers are the fast path's response buffers: a page's grows through a
// dozen sizes when each request starts from nothing.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// putBuffer keeps b for another request unless it grew past what a usual
// page takes (a few big answers would hold their memory in the pool).
func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 {
		b.Reset()
		buffers.Put(b)
	}
}

// writePage writes a page's selected fields as gqlgen's executor does.
func writePage(w *bytes.Buffer, pl plan, page FastPage) {
	w.WriteString(`{`)
	for i, f := range pl.fields {
		if i > 0 {
			w.WriteString(`,`)
		}
		graphql.MarshalString(f.Alias).MarshalGQL(w)
		w.WriteString(`:`)
		switch f.Name {
		case "nodes":
			w.WriteString(`[`)
			for j, n := range page.Nodes {
				if j > 0 {
					w.WriteString(`,`)
				}
				if n == nil { // PageOf's nil node; a generated page has none
					w.WriteString(`null`)
					continue
				}
				writeRow(w, pl.nodes[i], "", n)
			}
			w.WriteString(`]`)
		case "endCursor":
			WriteString(w, page.EndCursor)
		case "hasNextPage":
			WriteBool(w, &page.HasNextPage)
		}
	}
	w.WriteString(`}`)
}

// The writers of the generated WriteGQLField methods: null for a hidden
// (nil) value, else what gqlgen's marshaler of the scalar writes.

// WriteString writes a String.
func WriteString(w io.Writer, v *string) {
	if v == nil {
		io.WriteString(w, "null")
		return
	}
	graphql.MarshalString(*v).MarshalGQL(w)
}

// WriteInt64 writes an Int64.
func WriteInt64(w io.Writer, v *int64) {
	if v == nil {
		io.WriteString(w, "null")
		return
	}
	if b, ok := w.(*bytes.Buffer); ok { // the executor's and the fast path's: no string per value
		b.Write(strconv.AppendInt(b.AvailableBuffer(), *v, 10))
		return
	}
	MarshalInt64(*v).MarshalGQL(w)
}

// WriteBool writes a Boolean.
func WriteBool(w io.Writer, v *bool) {
	if v == nil {
		io.WriteString(w, "null")
		return
	}
	if *v { // gqlgen's MarshalBoolean makes a closure per value
		io.WriteString(w, "true")
	} else {
		io.WriteString(w, "false")
	}
}

// WriteTime writes a Time.
func WriteTime(w io.Writer, v *time.Time) {
	if v == nil {
		io.WriteString(w, "null")
		return
	}
	MarshalTime(*v).MarshalGQL(w)
}

// FastOf is a generated get's answer as a FastObject: nil (not a typed nil
// in the interface) when there is no row.
func FastOf[T any, P interface {
	*T
	FastObject
}](o P, err error) (FastObject, error) {
	if o == nil {
		return nil, err
	}
	return o, err
}
