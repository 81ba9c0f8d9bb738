package gen

import (
	"os"
	"regexp"
	"testing"
)

// TestRootFieldsOfExample: every root field of the example's Query and
// Mutation but gqlgen's own (__typename, __type, __schema) is one call of
// queryField or mutationField; it fails when a gqlgen upgrade writes the
// cases in a shape rootFields no longer recognises (which would leave them
// as they are: correct, but the largest functions of the build again).
func TestRootFieldsOfExample(t *testing.T) {
	exec, err := os.ReadFile("../generated/graphql/exec.go")
	if err != nil {
		t.Fatal(err)
	}
	f := execFuncs(exec)
	caseLine := regexp.MustCompile(`(?m)^\t\tcase "(\w+)":\n\t\t\t(.*)\n`)
	for fn, call := range map[string]*regexp.Regexp{
		"_Query":    regexp.MustCompile(`^ec\.queryField\(innerCtx, out, i, field, graphql\.(Required)?Null, ec\._Query_\w+\)$`),
		"_Mutation": regexp.MustCompile(`^ec\.mutationField\(innerCtx, out, i, field, ec\._Mutation_\w+\)$`),
	} {
		cases := caseLine.FindAllSubmatch(f.body(fn), -1)
		if len(cases) < 10 {
			t.Fatalf("%s: %d cases", fn, len(cases))
		}
		for _, c := range cases {
			if name := string(c[1]); name == "__typename" || name == "__type" || name == "__schema" {
				continue
			}
			if !call.Match(c[2]) {
				t.Errorf("%s: the case %s is gqlgen's: %s", fn, c[1], c[2])
			}
		}
	}
}

// TestRootFieldsRewrite: a case of each shape becomes one call, with the
// field's null; a case of any other shape stays; the methods are added once.
func TestRootFieldsRewrite(t *testing.T) {
	src := "func (ec *executionContext) _Query(ctx context.Context, sel ast.SelectionSet) graphql.Marshaler {\n\t\tswitch field.Name {\n" +
		`		case "todo":
			field := field

			innerFunc := func(ctx context.Context, fs *graphql.FieldSet) (res graphql.Marshaler) {
				defer func() {
					if r := recover(); r != nil {
						ec.Error(ctx, ec.Recover(ctx, r))
					}
				}()
				res = ec._Query_todo(ctx, field)
				if res == graphql.RequiredNull {
					atomic.AddUint32(&fs.Invalids, 1)
				}
				return res
			}

			rrm := func(ctx context.Context) graphql.Marshaler {
				return ec.OperationContext.RootResolverMiddleware(ctx,
					func(ctx context.Context) graphql.Marshaler { return innerFunc(ctx, out) })
			}

			out.Concurrently(i, func(ctx context.Context) graphql.Marshaler { return rrm(innerCtx) })
		case "other":
			out.Values[i] = ec.something(ctx)
		}
}

func (ec *executionContext) _Mutation(ctx context.Context, sel ast.SelectionSet) graphql.Marshaler {
		switch field.Name {
		case "addTodo":
			out.Values[i] = ec.OperationContext.RootResolverMiddleware(innerCtx, func(ctx context.Context) (res graphql.Marshaler) {
				return ec._Mutation_addTodo(ctx, field)
			})
			if out.Values[i] == graphql.Null {
				out.Invalids++
			}
		}
}
`
	f := execFuncs([]byte(src))
	f.rootFields()
	got := string(f.join())
	for _, want := range []string{
		"\t\tcase \"todo\":\n\t\t\tec.queryField(innerCtx, out, i, field, graphql.RequiredNull, ec._Query_todo)\n\t\tcase \"other\":\n\t\t\tout.Values[i] = ec.something(ctx)\n",
		"\t\tcase \"addTodo\":\n\t\t\tec.mutationField(innerCtx, out, i, field, ec._Mutation_addTodo)\n\t\t}\n",
	} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(got) {
			t.Errorf("missing:\n%s\nin:\n%s", want, got)
		}
	}
	if n := len(regexp.MustCompile(`func \(ec \*executionContext\) queryField\(`).FindAllString(got, -1)); n != 1 {
		t.Errorf("queryField declared %d times", n)
	}
}
