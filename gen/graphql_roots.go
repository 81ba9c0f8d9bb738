package gen

import (
	"bytes"
	"regexp"
)

// gqlgen writes each field of Query as a case of _Query with three closures
// of its own (the resolver call under recover, the root resolver middleware,
// the concurrent run), and each field of Mutation as a case of _Mutation with
// one. With a few fields per table the two methods are the largest functions
// of the package: at 300 synthetic tables _Query was 13,900 lines and
// _Mutation 9,700, and the compiler's work on a function grows faster than
// its size (inlining's check of reassigned variables and SSA's phi placement
// walk the whole function for each of its variables and closures):
// generated/graphql took 62 s of compiler time and 4.2 GB. Each case here
// becomes one call of a method that does what the case did, written once
// (queryField, mutationField): 43 s and 3.4 GB (issue 16).
var (
	queryCase = regexp.MustCompile(`(?m)^\t\tcase "(\w+)":
\t\t\tfield := field

\t\t\tinnerFunc := func\(ctx context\.Context, fs \*graphql\.FieldSet\) \(res graphql\.Marshaler\) \{
\t\t\t\tdefer func\(\) \{
\t\t\t\t\tif r := recover\(\); r != nil \{
\t\t\t\t\t\tec\.Error\(ctx, ec\.Recover\(ctx, r\)\)
\t\t\t\t\t\}
\t\t\t\t\}\(\)
\t\t\t\tres = ec\.(_Query_\w+)\(ctx, field\)
\t\t\t\tif res == graphql\.(RequiredNull|Null) \{
\t\t\t\t\tatomic\.AddUint32\(&fs\.Invalids, 1\)
\t\t\t\t\}
\t\t\t\treturn res
\t\t\t\}

\t\t\trrm := func\(ctx context\.Context\) graphql\.Marshaler \{
\t\t\t\treturn ec\.OperationContext\.RootResolverMiddleware\(ctx,
\t\t\t\t\tfunc\(ctx context\.Context\) graphql\.Marshaler \{ return innerFunc\(ctx, out\) \}\)
\t\t\t\}

\t\t\tout\.Concurrently\(i, func\(ctx context\.Context\) graphql\.Marshaler \{ return rrm\(innerCtx\) \}\)
`)
	mutationCase = regexp.MustCompile(`(?m)^\t\tcase "(\w+)":
\t\t\tout\.Values\[i\] = ec\.OperationContext\.RootResolverMiddleware\(innerCtx, func\(ctx context\.Context\) \(res graphql\.Marshaler\) \{
\t\t\t\treturn ec\.(_Mutation_\w+)\(ctx, field\)
\t\t\t\}\)
\t\t\tif out\.Values\[i\] == graphql\.Null \{
\t\t\t\tout\.Invalids\+\+
\t\t\t\}
`)
)

// rootFieldMethods are what each rewritten case calls: the text of gqlgen's
// case, with the field's resolver and its null as parameters.
const rootFieldMethods = `
// queryField runs the root field of Query at i concurrently, as gqlgen's case of
// it in _Query did (gen/graphql_roots.go): resolve is the field's method, and a
// result equal to invalid (the null of a non-null field) marks the set invalid.
func (ec *executionContext) queryField(innerCtx context.Context, out *graphql.FieldSet, i int, field graphql.CollectedField, invalid graphql.Marshaler, resolve func(context.Context, graphql.CollectedField) graphql.Marshaler) {
	innerFunc := func(ctx context.Context, fs *graphql.FieldSet) (res graphql.Marshaler) {
		defer func() {
			if r := recover(); r != nil {
				ec.Error(ctx, ec.Recover(ctx, r))
			}
		}()
		res = resolve(ctx, field)
		if res == invalid {
			atomic.AddUint32(&fs.Invalids, 1)
		}
		return res
	}

	rrm := func(ctx context.Context) graphql.Marshaler {
		return ec.OperationContext.RootResolverMiddleware(ctx,
			func(ctx context.Context) graphql.Marshaler { return innerFunc(ctx, out) })
	}

	out.Concurrently(i, func(ctx context.Context) graphql.Marshaler { return rrm(innerCtx) })
}

// mutationField runs the root field of Mutation at i, as gqlgen's case of it in
// _Mutation did (gen/graphql_roots.go): resolve is the field's method.
func (ec *executionContext) mutationField(innerCtx context.Context, out *graphql.FieldSet, i int, field graphql.CollectedField, resolve func(context.Context, graphql.CollectedField) graphql.Marshaler) {
	out.Values[i] = ec.OperationContext.RootResolverMiddleware(innerCtx, func(ctx context.Context) (res graphql.Marshaler) {
		return resolve(ctx, field)
	})
	if out.Values[i] == graphql.Null {
		out.Invalids++
	}
}
`

// rootFields rewrites the cases of _Query and _Mutation that have gqlgen's
// shape as calls of queryField and mutationField, and adds those two to the
// file. A case of another shape is left as gqlgen wrote it.
// TestRootFieldsOfExample fails when a gqlgen upgrade changes the shape.
func (f *execFile) rootFields() {
	rewritten := false
	rewrite := func(fn string, re *regexp.Regexp, call string) {
		if body := f.body(fn); re.Match(body) {
			f.set(fn, re.ReplaceAll(body, []byte(call)))
			rewritten = true
		}
	}
	rewrite("_Query", queryCase, "\t\tcase \"${1}\":\n\t\t\tec.queryField(innerCtx, out, i, field, graphql.${3}, ec.${2})\n")
	rewrite("_Mutation", mutationCase, "\t\tcase \"${1}\":\n\t\t\tec.mutationField(innerCtx, out, i, field, ec.${2})\n")
	if !rewritten {
		return
	}
	last := len(f.pieces) - 1
	f.pieces[last] = append(bytes.TrimRight(f.pieces[last], "\n"), []byte("\n"+rootFieldMethods)...)
}
