package gen

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// gqlgenObject is gqlgen's output for an object T with a column the model
// writes (name) and one it does not (score), in gqlgen's v0.17.95 shape.
const gqlgenObject = `package graphql

func (ec *executionContext) childFields_T(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
	switch field.Name {
	case "name":
		return ec.fieldContext_T_name(ctx, field)
	case "score":
		return ec.fieldContext_T_score(ctx, field)
	}
	return nil, fmt.Errorf("no field named %q was found under type T", field.Name)
}

func (ec *executionContext) _T_name(ctx context.Context, field graphql.CollectedField, obj *T) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
	)
}

//go:noinline
func (ec *executionContext) fieldContext_T_name(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("T", field, false, false, errors.New("field of type String does not have child fields"))
}

func (ec *executionContext) _T_score(ctx context.Context, field graphql.CollectedField, obj *T) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
	)
}

//go:noinline
func (ec *executionContext) fieldContext_T_score(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("T", field, false, false, errors.New("field of type Float does not have child fields"))
}

func (ec *executionContext) marshalNT2ᚕᚖgithubᚗcomᚋxᚐTᚄ(ctx context.Context, sel ast.SelectionSet, v []*T) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return ec.marshalNT2ᚖgithubᚗcomᚋxᚐT(ctx, sel, v[i])
	})
	return ret
}

var tImplementors = []string{"T"}

func (ec *executionContext) _T(ctx context.Context, sel ast.SelectionSet, obj *T) graphql.Marshaler {
	fields := graphql.CollectFields(ec.OperationContext, sel, tImplementors)

	out := graphql.NewFieldSet(fields)
	deferredFieldSet := graphql.NewFieldSet(nil)
	deferLabelToView := make(map[string]*graphql.FieldSetView)
	for i, field := range fields {
		switch field.Name {
		case "__typename":
			out.Values[i] = graphql.MarshalString("T")
		case "name":
			out.Values[i] = ec._T_name(ctx, field, obj)
			if out.Values[i] == graphql.RequiredNull {
				out.Invalids++
			}
		case "score":
			out.Values[i] = ec._T_score(ctx, field, obj)
			if out.Values[i] == graphql.RequiredNull {
				out.Invalids++
			}
		default:
			panic("unknown field " + strconv.Quote(field.Name))
		}
	}
	out.Dispatch(ctx)
	return out
}
`

func TestRowObject(t *testing.T) {
	got := rewriteObject(gqlgenObject, "T", map[string]bool{"name": true})
	for _, gone := range []string{"_T_name(", "fieldContext_T_name(", "panic(", "deferLabelToView", "gql.Rows("} {
		if strings.Contains(got, gone) {
			t.Errorf("%s is still there:\n%s", gone, got)
		}
	}
	for _, kept := range []string{
		"func (ec *executionContext) _T_score(",
		"func (ec *executionContext) fieldContext_T_score(",
		"\t\treturn ec.fieldContext_T_score(ctx, field)\n",
		"\tcase \"name\":\n\t\treturn graphql.NewScalarFieldContext(\"T\", field, false, false, errors.New(\"field of type String does not have child fields\"))\n",
		"\t\tcase \"score\":\n\t\t\tout.Values[i] = ec._T_score(ctx, field, obj)\n",
		"\t\tdefault:\n\t\t\tout.Values[i] = gql.Column(obj, field.Name)\n",
		"\tif out.Invalids > 0 {\n\t\treturn graphql.Null\n\t}\n",
	} {
		if !strings.Contains(got, kept) {
			t.Errorf("want %q in:\n%s", kept, got)
		}
	}
	if strings.Contains(got, "//go:noinline\n\n") || strings.Contains(got, "\n\n\n") {
		t.Errorf("a mark or a blank line is left where a function was:\n%s", got)
	}

	// every field the model's: one gql.Row
	got = rewriteObject(gqlgenObject, "T", map[string]bool{"name": true, "score": true})
	want := "func (ec *executionContext) _T(ctx context.Context, sel ast.SelectionSet, obj *T) graphql.Marshaler {\n" +
		"\treturn gql.Row(graphql.CollectFields(ec.OperationContext, sel, tImplementors), \"T\", obj)\n}\n"
	if !strings.Contains(got, want) || strings.Contains(got, "_T_score(") || strings.Contains(got, "fieldContext_T_score(") {
		t.Errorf("want %q and no field functions in:\n%s", want, got)
	}
	list := "func (ec *executionContext) marshalNT2ᚕᚖgithubᚗcomᚋxᚐTᚄ(ctx context.Context, sel ast.SelectionSet, v []*T) graphql.Marshaler {\n" +
		"\treturn gql.Rows(ctx, ec.OperationContext, sel, tImplementors, \"T\", v)\n}\n"
	if !strings.Contains(got, list) || strings.Contains(got, "MarshalSliceConcurrently") {
		t.Errorf("want %q in:\n%s", list, got)
	}

	// a field gqlgen resolves concurrently (or any case of another shape):
	// the object is left as it is
	odd := strings.Replace(gqlgenObject, "\t\tcase \"score\":\n\t\t\tout.Values[i] = ec._T_score(ctx, field, obj)\n",
		"\t\tcase \"score\":\n\t\t\tout.Concurrently(i, func(ctx context.Context) graphql.Marshaler { return ec._T_score(ctx, field, obj) })\n", 1)
	if got := rewriteObject(odd, "T", map[string]bool{"name": true}); got != odd {
		t.Errorf("an object of another shape was rewritten:\n%s", got)
	}
}

// TestRowObjectsOfExample checks the committed output (the stale test keeps
// it what bkgen writes): every table's object writes its own columns, so a
// gqlgen whose output this no longer recognises fails here, not silently.
func TestRowObjectsOfExample(t *testing.T) {
	exec, err := os.ReadFile("../generated/graphql/exec.go")
	if err != nil {
		t.Fatal(err)
	}
	resolvers, err := os.ReadFile("../generated/graphql/resolvers.go")
	if err != nil {
		t.Fatal(err)
	}
	models := regexp.MustCompile(`func \(o \*(\w+)\) WriteGQLField\(`).FindAllStringSubmatch(string(resolvers), -1)
	if len(models) == 0 {
		t.Fatal("no WriteGQLField in generated/graphql/resolvers.go")
	}
	funcs := execFuncs(exec)
	for _, m := range models {
		head := "func (ec *executionContext) _" + m[1] + "(ctx context.Context, sel ast.SelectionSet, obj *" + m[1] + ") graphql.Marshaler {\n"
		body := string(funcs.body("_" + m[1]))
		if !strings.HasPrefix(body, head) {
			t.Errorf("no marshaler of %s", m[1])
			continue
		}
		if !strings.Contains(body, "gql.Column(obj, field.Name)") && !strings.Contains(body, "return gql.Row(") {
			t.Errorf("the marshaler of %s is gqlgen's:\n%s", m[1], body)
		}
	}
}

func rewriteObject(src, name string, own map[string]bool) string {
	f := execFuncs([]byte(src))
	f.rowObject(name, own)
	return string(f.join())
}

// TestExecFuncs: the pieces are the file, each method's piece starts with
// its mark or its line of func.
func TestExecFuncs(t *testing.T) {
	f := execFuncs([]byte(gqlgenObject))
	if got := string(f.join()); got != gqlgenObject {
		t.Fatalf("the pieces joined are not the file:\n%s", got)
	}
	for _, name := range []string{"childFields_T", "_T_name", "fieldContext_T_name", "_T_score", "fieldContext_T_score", "marshalNT2ᚕᚖgithubᚗcomᚋxᚐTᚄ", "_T"} {
		body := string(f.body(name))
		if !strings.HasPrefix(strings.TrimPrefix(body, "//go:noinline\n"), "func (ec *executionContext) "+name+"(") {
			t.Errorf("the piece of %s is:\n%s", name, body)
		}
	}
	if f.calls["fieldContext_T_name"] != 1 || f.calls["_T_score"] != 1 {
		t.Errorf("calls %v", f.calls)
	}
}

// TestGroupChildCases: the cases of a child switch that return the same are
// one case, in the order of their first; a switch with anything else stays.
func TestGroupChildCases(t *testing.T) {
	const before = `func (ec *executionContext) childFields_T(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
	switch field.Name {
	case "a":
		return graphql.NewScalarFieldContext("T", field, false, false, errors.New("field of type String does not have child fields"))
	case "b":
		return graphql.NewScalarFieldContext("T", field, false, false, errors.New("field of type String does not have child fields"))
	case "c":
		return ec.fieldContext_T_c(ctx, field)
	case "d":
		return graphql.NewScalarFieldContext("T", field, false, false, errors.New("field of type String does not have child fields"))
	}
	return nil, fmt.Errorf("no field named %q was found under type T", field.Name)
}
`
	const after = `func (ec *executionContext) childFields_T(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
	switch field.Name {
	case "a", "b", "d":
		return graphql.NewScalarFieldContext("T", field, false, false, errors.New("field of type String does not have child fields"))
	case "c":
		return ec.fieldContext_T_c(ctx, field)
	}
	return nil, fmt.Errorf("no field named %q was found under type T", field.Name)
}
`
	f := execFuncs([]byte(before))
	f.groupChildCases("T")
	if got := string(f.join()); got != after {
		t.Errorf("grouped:\n%s\nwant:\n%s", got, after)
	}
	other := strings.Replace(before, "\tcase \"c\":\n", "\tcase \"c\":\n\t\tlog.Print(\"c\")\n", 1)
	f = execFuncs([]byte(other))
	f.groupChildCases("T")
	if got := string(f.join()); got != other {
		t.Errorf("a switch with another statement changed:\n%s", got)
	}
}

// TestInputFields: each field of gqlgen's input decoder becomes one call of
// gql.InputField with its name, decoder and target; other statements stay.
func TestInputFields(t *testing.T) {
	const before = `func (ec *executionContext) unmarshalInputTInput(ctx context.Context, obj any) (TInput, error) {
	for _, k := range fieldsInOrder {
		switch k {
		case "name":
			ctx := graphql.WithPathContext(ctx, graphql.NewPathWithField("name"))
			data, err := ec.unmarshalOString2ᚖstring(ctx, v)
			if err != nil {
				return it, err
			}
			it.Name = data
		case "odd":
			ctx := graphql.WithPathContext(ctx, graphql.NewPathWithField("other"))
			data, err := ec.unmarshalOString2ᚖstring(ctx, v)
			if err != nil {
				return it, err
			}
			it.Odd = data
		}
	}
	return it, nil
}
`
	want := strings.Replace(before, `			ctx := graphql.WithPathContext(ctx, graphql.NewPathWithField("name"))
			data, err := ec.unmarshalOString2ᚖstring(ctx, v)
			if err != nil {
				return it, err
			}
			it.Name = data
`, `			if err := gql.InputField(ctx, "name", v, ec.unmarshalOString2ᚖstring, &it.Name); err != nil {
				return it, err
			}
`, 1)
	f := execFuncs([]byte(before))
	f.inputFields("TInput")
	if got := string(f.join()); got != want {
		t.Errorf("rewritten:\n%s\nwant:\n%s", got, want)
	}
}
