package gen

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// rowObjects rewrites gqlgen's marshaler of each table's object type
// (`_Todo`) so that the columns the model writes itself (WriteGQLField,
// the writers the GraphQL fast path uses) are written by it, and removes
// gqlgen's per-column field functions (`_Todo_name`) it no longer calls.
//
// Why: gqlgen writes, for every column of every table, a field function of
// three closures around graphql.ResolveField, which makes a field context,
// runs the field middleware and boxes the value, for a column that is a
// pointer in the model and cannot fail. At 50 synthetic tables (+19) those
// were 2,244 of the 15,169 functions of generated/graphql and, with their
// share of the binary's function table, ~1.5 MB of the binary (issue 16),
// and each selected column of each row cost an executor call (issue 21).
// The one field middleware of ours (runtime/gql's guard) acts on the
// top-level fields only, which stay gqlgen's; a column field has no
// resolver, no arguments and no directives; every column is nullable (a
// hidden one is nil), so no column makes its object null.
//
// An object whose fields the model writes, all of them, is one gql.Row;
// one with a column the model does not write (floats, JSON: fastWriters)
// keeps gqlgen's field set, with that column's field function, and writes
// the others through gql.Column. An object whose marshaler is not in the shape
// this expects is left as gqlgen wrote it, and so are its fields.
func rowObjects(exec []byte, r *REST) []byte {
	for _, t := range r.Tables {
		own := map[string]bool{}
		for _, c := range fastColumns(t) {
			own[c.Name] = true
		}
		exec = rowObject(exec, t.GoName, own)
	}
	return exec
}

var (
	// a case of gqlgen's object marshaler: a field and its function
	objectCase = regexp.MustCompile(`(?m)^\t\tcase "(\w+)":\n\t\t\tout\.Values\[i\] = ec\.(_\w+)\(ctx, field, obj\)\n\t\t\tif out\.Values\[i\] == graphql\.RequiredNull \{\n\t\t\t\tout\.Invalids\+\+\n\t\t\t\}\n`)
	// the implementors gqlgen collects the object's fields by
	objectImplementors = regexp.MustCompile(`graphql\.CollectFields\(ec\.OperationContext, sel, (\w+Implementors)\)`)
)

// rowObject rewrites the marshaler of the object name (see rowObjects);
// own are the fields the model writes.
func rowObject(exec []byte, name string, own map[string]bool) []byte {
	head := fmt.Sprintf("func (ec *executionContext) _%s(ctx context.Context, sel ast.SelectionSet, obj *%s) graphql.Marshaler {\n", name, name)
	start, end := funcSpan(exec, head)
	if start < 0 {
		return exec
	}
	body := exec[start:end]
	impl := objectImplementors.FindSubmatch(body)
	cases := objectCase.FindAllSubmatch(body, -1)
	// every case but __typename and the default must be a plain field
	if impl == nil || len(cases) != bytes.Count(body, []byte("\n\t\tcase \""))-1 {
		return exec
	}
	var keep, drop []string // gqlgen's field functions kept and dropped
	for _, c := range cases {
		if !own[string(c[1])] {
			keep = append(keep, string(c[1]))
		}
	}
	var b strings.Builder
	if len(keep) == 0 { // the model writes every field
		fmt.Fprintf(&b, "%s\treturn gql.Row(graphql.CollectFields(ec.OperationContext, sel, %s), %q, obj)\n}\n", head, impl[1], name)
		exec = rowList(exec, name, string(impl[1]))
		start, end = funcSpan(exec, head)
	} else {
		fmt.Fprintf(&b, "%s\tfields := graphql.CollectFields(ec.OperationContext, sel, %s)\n", head, impl[1])
	}
	for _, c := range cases {
		if own[string(c[1])] {
			drop = append(drop, string(c[2]))
		}
	}
	if len(keep) > 0 { // gqlgen's field set, with the columns the model writes through gql.Column
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
		b.WriteString("\treturn out\n}\n")
	}
	out := slices.Concat(exec[:start], []byte(b.String()), exec[end:])
	for _, fn := range drop {
		out = dropFunc(out, fmt.Sprintf("func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField, obj *%s) (ret graphql.Marshaler) {\n", fn, name))
	}
	for field := range own {
		out = inlineFieldContext(out, name, field)
	}
	return out
}

// rowList rewrites gqlgen's marshaler of a non-null list of the object
// name ([Todo!]!, a page's nodes) to gql.Rows, which writes the objects in
// order, without a goroutine and a field context for each.
func rowList(exec []byte, name, implementors string) []byte {
	head := regexp.MustCompile(fmt.Sprintf(`(?m)^func \(ec \*executionContext\) marshalN%s2ᚕᚖ\S+ᚐ%sᚄ\(ctx context\.Context, sel ast\.SelectionSet, v \[\]\*%s\) graphql\.Marshaler \{\n`, name, name, name)).Find(exec)
	if head == nil {
		return exec
	}
	start, end := funcSpan(exec, string(head))
	body := fmt.Sprintf("%s\treturn gql.Rows(ctx, ec.OperationContext, sel, %s, %q, v)\n}\n", head, implementors, name)
	return slices.Concat(exec[:start], []byte(body), exec[end:])
}

// inlineFieldContext puts the field context of a column the model writes
// into its one caller, the object's child switch (childFields_Todo), and
// removes its function: a function per column less.
func inlineFieldContext(exec []byte, object, field string) []byte {
	fn := fmt.Sprintf("fieldContext_%s_%s", object, field)
	head := fmt.Sprintf("func (ec *executionContext) %s(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {\n", fn)
	start, end := funcSpan(exec, head)
	if start < 0 {
		return exec
	}
	ret, ok := bytes.CutPrefix(exec[start+len(head):end], []byte("\treturn graphql.NewScalarFieldContext("))
	if !ok || bytes.Count(ret, []byte("\n")) != 2 {
		return exec // not the one-line scalar context this expects
	}
	expr := "graphql.NewScalarFieldContext(" + string(bytes.TrimSuffix(ret, []byte("\n}\n")))
	call := fmt.Sprintf("\t\treturn ec.%s(ctx, field)\n", fn)
	if bytes.Count(exec, []byte("ec."+fn+"(")) != 1 || !bytes.Contains(exec, []byte(call)) {
		return exec // called from elsewhere too
	}
	exec = bytes.Replace(exec, []byte(call), []byte("\t\treturn "+expr+"\n"), 1)
	return dropFunc(exec, head)
}

// funcSpan is where the top-level function that starts with the line head
// begins and ends (after its closing brace's newline), or -1, -1.
func funcSpan(src []byte, head string) (int, int) {
	start := bytes.Index(src, []byte("\n"+head))
	if start < 0 {
		return -1, -1
	}
	start++
	end := bytes.Index(src[start:], []byte("\n}\n"))
	if end < 0 {
		return -1, -1
	}
	return start, start + end + 3
}

// dropFunc removes the function that starts with the line head and the
// blank line after it.
func dropFunc(src []byte, head string) []byte {
	start, end := funcSpan(src, head)
	if start < 0 {
		return src
	}
	if end < len(src) && src[end] == '\n' {
		end++
	}
	if bytes.HasSuffix(src[:start], []byte("\n//go:noinline\n")) {
		start -= len("//go:noinline\n") // noInline's mark of it
	}
	return slices.Concat(src[:start], src[end:])
}
