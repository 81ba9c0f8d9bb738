package gen

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// rowObjects rewrites gqlgen's marshaler of each table's object type
// (`_Todo`, and its page and change objects) so that the columns the model writes itself (WriteGQLField,
// the writers the GraphQL fast path uses) are written by it, and removes
// gqlgen's per-column field functions (`_Todo_name`) it no longer calls.
//
// Why: gqlgen writes, for every column of every table, a field function of
// three closures around graphql.ResolveField, which makes a field context,
// runs the field middleware and boxes the value, for a column that is a
// pointer in the model and cannot fail. At 50 synthetic tables (+19) those
// were 2,244 of the 15,169 functions of generated/graphql and, with their
// share of the binary's function table, ~1 MB of the binary (issue 16),
// and each selected column of each row cost an executor call (issue 21).
// The one field middleware of ours (runtime/gql's guard) acts on the
// top-level fields only, which stay gqlgen's; a column field has no
// resolver, no arguments and no directives; every column is nullable (a
// hidden one is nil), so no column makes its object null.
//
// The same goes for the scalar fields of each table's page and change
// objects (pageObjects: TodoConnection's endCursor and hasNextPage,
// TodoEvent's op), whose non-null ones are values in the model, never nil.
//
// An object whose fields the model writes, all of them, is one gql.Row,
// and a list of it ([Todo!]!, a page's nodes) one gql.Rows; one with a
// column the model does not write (floats, JSON: fastWriters) keeps
// gqlgen's field set, with that column's field function, and writes the
// others through gql.Column. An object whose marshaler is not in the shape
// this expects is left as gqlgen wrote it, and so are its fields.
//
// The file is cut into its functions once (execFuncs): at 300 tables it is
// ~30 MB, and a search of the whole of it per table and column took minutes.
func rowObjects(f *execFile, r *REST) {
	for _, t := range r.Tables {
		own := map[string]bool{}
		for _, c := range fastColumns(t) {
			own[c.Name] = true
		}
		f.rowObject(t.GoName, own)
		f.groupChildCases(t.GoName)
		f.inputFields(t.GoName + "Input")
		for _, o := range pageObjects(t) {
			own := map[string]bool{}
			for _, fl := range o.fields {
				own[fl.name] = true
			}
			f.rowObject(o.goName, own)
			f.groupChildCases(o.goName)
		}
	}
}

// execFile is gqlgen's exec.go cut before each top-level function (and its
// //go:noinline mark): the pieces joined are the file.
type execFile struct {
	pieces [][]byte
	funcs  map[string]int // the piece of each executionContext method, by name
	calls  map[string]int // how many times each method is called (ec.NAME(); \w: exact for the ASCII names of field contexts, not for gqlgen's mangled marshalers)
}

const ecMethod = "func (ec *executionContext) "

var ecCall = regexp.MustCompile(`\bec\.(\w+)\(`)

func execFuncs(exec []byte) *execFile {
	f := &execFile{funcs: map[string]int{}, calls: map[string]int{}}
	for len(exec) > 0 {
		from := 1 // past this piece's own line of func
		if bytes.HasPrefix(exec, []byte("//go:noinline\n")) {
			from += len("//go:noinline\n")
		}
		next := bytes.Index(exec[from:], []byte("\nfunc "))
		if next < 0 {
			next = len(exec)
		} else {
			next += from + 1 // the line of func, in the next piece
			if bytes.HasSuffix(exec[:next], []byte("\n//go:noinline\n")) {
				next -= len("//go:noinline\n") // with its mark
			}
		}
		piece := exec[:next]
		exec = exec[next:]
		if i := bytes.Index(piece, []byte(ecMethod)); i >= 0 && (i == 0 || piece[i-1] == '\n') {
			name := piece[i+len(ecMethod):]
			name = name[:bytes.IndexByte(name, '(')]
			f.funcs[string(name)] = len(f.pieces)
		}
		for _, m := range ecCall.FindAllSubmatch(piece, -1) {
			f.calls[string(m[1])]++
		}
		f.pieces = append(f.pieces, piece)
	}
	return f
}

func (f *execFile) join() []byte { return bytes.Join(f.pieces, nil) }

// body is the method name's piece, or nil.
func (f *execFile) body(name string) []byte {
	if i, ok := f.funcs[name]; ok {
		return f.pieces[i]
	}
	return nil
}

func (f *execFile) set(name string, piece []byte) { f.pieces[f.funcs[name]] = piece }

// drop removes the method name (with its mark) and the blank line after
// it; what follows it up to the next function stays.
func (f *execFile) drop(name string) {
	i, ok := f.funcs[name]
	if !ok {
		return
	}
	fn, tail, ok := bytes.Cut(f.pieces[i], []byte("\n}\n"))
	if !ok {
		return
	}
	for _, m := range ecCall.FindAllSubmatch(fn, -1) {
		f.calls[string(m[1])]-- // its calls are gone with it
	}
	f.pieces[i] = bytes.TrimPrefix(tail, []byte("\n"))
	delete(f.funcs, name)
}

var (
	// a case of gqlgen's object marshaler: a field and its function (a
	// nullable field's null is RequiredNull, a non-null one's Null)
	objectCase = regexp.MustCompile(`(?m)^\t\tcase "(\w+)":\n\t\t\tout\.Values\[i\] = ec\.(_\w+)\(ctx, field, obj\)\n\t\t\tif out\.Values\[i\] == graphql\.(?:Required)?Null \{\n\t\t\t\tout\.Invalids\+\+\n\t\t\t\}\n`)
	// the implementors gqlgen collects the object's fields by
	objectImplementors = regexp.MustCompile(`graphql\.CollectFields\(ec\.OperationContext, sel, (\w+Implementors)\)`)
)

// rowObject rewrites the marshaler of the object name (see rowObjects);
// own are the fields the model writes.
func (f *execFile) rowObject(name string, own map[string]bool) {
	head := fmt.Sprintf("%s_%s(ctx context.Context, sel ast.SelectionSet, obj *%s) graphql.Marshaler {\n", ecMethod, name, name)
	body := f.body("_" + name)
	if !bytes.HasPrefix(body, []byte(head)) {
		return
	}
	fn, tail, ok := bytes.Cut(body, []byte("\n}\n"))
	if !ok {
		return
	}
	impl := objectImplementors.FindSubmatch(fn)
	cases := objectCase.FindAllSubmatch(fn, -1)
	// every case but __typename and the default must be a plain field
	if impl == nil || len(cases) != bytes.Count(fn, []byte("\n\t\tcase \""))-1 {
		return
	}
	var keep bool // a field gqlgen's function writes
	for _, c := range cases {
		keep = keep || !own[string(c[1])]
	}
	var b strings.Builder
	b.WriteString(head)
	if !keep {
		fmt.Fprintf(&b, "\treturn gql.Row(graphql.CollectFields(ec.OperationContext, sel, %s), %q, obj)\n", impl[1], name)
		f.rowList(name, string(impl[1]))
	} else { // gqlgen's field set, with the columns the model writes through gql.Column
		fmt.Fprintf(&b, "\tfields := graphql.CollectFields(ec.OperationContext, sel, %s)\n", impl[1])
		b.WriteString("\tout := graphql.NewFieldSet(fields)\n")
		b.WriteString("\tfor i, field := range fields {\n\t\tswitch field.Name {\n")
		fmt.Fprintf(&b, "\t\tcase \"__typename\":\n\t\t\tout.Values[i] = graphql.MarshalString(%q)\n", name)
		for _, c := range cases {
			if !own[string(c[1])] {
				b.Write(c[0])
			}
		}
		b.WriteString("\t\tdefault:\n\t\t\tout.Values[i] = gql.Column(obj, field.Name)\n\t\t}\n\t}\n")
		b.WriteString("\tout.Dispatch(ctx)\n\tif out.Invalids > 0 {\n\t\treturn graphql.Null\n\t}\n")
		b.WriteString("\treturn out\n")
	}
	b.WriteString("}\n")
	b.Write(tail)
	f.set("_"+name, []byte(b.String()))
	for _, c := range cases {
		if field := string(c[1]); own[field] {
			f.drop(string(c[2]))
			f.inlineFieldContext(name, field)
		}
	}
}

// rowList rewrites gqlgen's marshaler of a non-null list of the object
// name ([Todo!]!, a page's nodes) to gql.Rows, which writes the objects in
// order, without a goroutine and a field context for each.
func (f *execFile) rowList(name, implementors string) {
	// marshalNTodo2ᚕᚖ<the package's path>ᚐTodoᚄ
	prefix, suffix := "marshalN"+name+"2ᚕᚖ", "ᚐ"+name+"ᚄ"
	for fn := range f.funcs {
		if !strings.HasPrefix(fn, prefix) || !strings.HasSuffix(fn, suffix) || strings.ContainsAny(fn[len(prefix):len(fn)-len(suffix)], "ᚐᚕᚖᚄ") {
			continue
		}
		head := fmt.Sprintf("%s%s(ctx context.Context, sel ast.SelectionSet, v []*%s) graphql.Marshaler {\n", ecMethod, fn, name)
		body := f.body(fn)
		mark := ""
		if rest, ok := bytes.CutPrefix(body, []byte("//go:noinline\n")); ok {
			mark, body = "//go:noinline\n", rest
		}
		_, tail, ok := bytes.Cut(body, []byte("\n}\n"))
		if !bytes.HasPrefix(body, []byte(head)) || !ok {
			return
		}
		f.set(fn, []byte(fmt.Sprintf("%s%s\treturn gql.Rows(ctx, ec.OperationContext, sel, %s, %q, v)\n}\n%s", mark, head, implementors, name, tail)))
		return
	}
}

// inlineFieldContext puts the field context of a column the model writes
// into its one caller, the object's child switch (childFields_Todo), and
// removes its function: a function per column less.
func (f *execFile) inlineFieldContext(object, field string) {
	fn := fmt.Sprintf("fieldContext_%s_%s", object, field)
	head := fmt.Sprintf("%s%s(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {\n", ecMethod, fn)
	body := bytes.TrimPrefix(f.body(fn), []byte("//go:noinline\n"))
	ret, ok := bytes.CutPrefix(body, []byte(head+"\treturn graphql.NewScalarFieldContext("))
	if !ok || !bytes.HasSuffix(ret, []byte("\n}\n\n")) || bytes.Count(ret, []byte("\n")) != 3 {
		return // not the one-line scalar context this expects
	}
	expr := "graphql.NewScalarFieldContext(" + string(bytes.TrimSuffix(ret, []byte("\n}\n\n")))
	call := []byte(fmt.Sprintf("\t\treturn ec.%s(ctx, field)\n", fn))
	parent := "childFields_" + object
	if f.calls[fn] != 1 || !bytes.Contains(f.body(parent), call) {
		return // called from elsewhere too
	}
	f.set(parent, bytes.Replace(f.body(parent), call, []byte("\t\treturn "+expr+"\n"), 1))
	f.drop(fn)
}

// childCase is a case of an object's child switch that returns at once.
var childCase = regexp.MustCompile(`(?m)^\tcase "(\w+)":\n\t\treturn (.+)\n`)

// groupChildCases merges the cases of the child switch of object
// (childFields_Todo) that return the same thing, as its columns of one type
// do once their field contexts are inlined, into one case each ("id",
// "name", "descr"), in the order of their first: the switch of a table of
// 16 columns of 10 types shrinks by a third. A switch with any other
// statement is left as it is.
func (f *execFile) groupChildCases(object string) {
	fn := "childFields_" + object
	body := f.body(fn)
	const head, end = "\tswitch field.Name {\n", "\t}\n\treturn nil, fmt.Errorf("
	from, to := bytes.Index(body, []byte(head)), bytes.Index(body, []byte(end))
	if from < 0 || to < from {
		return
	}
	sw := body[from+len(head) : to]
	cases := childCase.FindAllSubmatch(sw, -1)
	var n int
	var order []string
	names := map[string][]string{}
	for _, c := range cases {
		n += len(c[0])
		ret := string(c[2])
		if names[ret] == nil {
			order = append(order, ret)
		}
		names[ret] = append(names[ret], strconv.Quote(string(c[1])))
	}
	if n != len(sw) || len(order) == len(cases) {
		return // another statement, or nothing to merge
	}
	var b bytes.Buffer
	b.Write(body[:from+len(head)])
	for _, ret := range order {
		fmt.Fprintf(&b, "\tcase %s:\n\t\treturn %s\n", strings.Join(names[ret], ", "), ret)
	}
	b.Write(body[to:])
	f.set(fn, b.Bytes())
}

// inputField is a field of gqlgen's decoder of an input object: five
// statements, the same for every field but its name, decoder and target.
var inputField = regexp.MustCompile(`(?m)^\t\tcase "(\w+)":\n\t\t\tctx := graphql\.WithPathContext\(ctx, graphql\.NewPathWithField\("(\w+)"\)\)\n\t\t\tdata, err := ec\.(\S+)\(ctx, v\)\n\t\t\tif err != nil \{\n\t\t\t\treturn it, err\n\t\t\t\}\n\t\t\tit\.(\w+) = data\n`)

// inputFields rewrites each field of gqlgen's decoder of the input object
// name (unmarshalInputTodoInput) as one call of gql.InputField, which does
// the same: about two thirds less code for a table's input (issue 16).
func (f *execFile) inputFields(name string) {
	fn := "unmarshalInput" + name
	body := f.body(fn)
	if body == nil {
		return
	}
	out := inputField.ReplaceAllFunc(body, func(c []byte) []byte {
		m := inputField.FindSubmatch(c)
		if !bytes.Equal(m[1], m[2]) {
			return c // a path that is not the field's own: not this shape
		}
		return []byte(fmt.Sprintf("\t\tcase %q:\n\t\t\tif err := gql.InputField(ctx, %q, v, ec.%s, &it.%s); err != nil {\n\t\t\t\treturn it, err\n\t\t\t}\n", m[1], m[1], m[3], m[4]))
	})
	f.set(fn, out)
}
