package gql

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// costGuard bounds the work of a document before gqlgen validates it.
// Validation, the complexity count and execution all expand fragment
// spreads: a small document whose fragments each spread the next one twice
// costs 2^n there, and a field repeated thousands of times in one selection
// costs n² in the overlapping-fields rule. So the guard parses the document
// itself with a token limit (linear) and counts its selections as they
// would be after expanding fragments, each fragment counted once and
// multiplied by its spreads (linear in the document), refusing it before
// any of that work starts. A document found in the query cache passed the
// guard already.
type costGuard struct {
	cache     graphql.Cache[*ast.QueryDocument]
	maxTokens int
	maxFields int
	maxDepth  int
}

// maxRepeat is how often one response name may appear in one selection
// set, fragments spread into it included: gqlparser's overlapping-fields
// rule compares every pair of them (and their sub-selections), so 1,000
// repeats of one field cost 100 ms where 1,000 distinct ones cost 1.
const maxRepeat = 20

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = costGuard{}

func (g costGuard) ExtensionName() string                   { return "CostGuard" }
func (g costGuard) Validate(graphql.ExecutableSchema) error { return nil }

func (g costGuard) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if g.cache != nil {
		if _, ok := g.cache.Get(ctx, p.Query); ok {
			return nil
		}
	}
	return g.check(p.Query)
}

// check parses query within the token limit and measures it.
func (g costGuard) check(query string) *gqlerror.Error {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, g.maxTokens)
	if err != nil {
		if ge, ok := err.(*gqlerror.Error); ok {
			return ge
		}
		return gqlerror.Errorf("the query does not parse")
	}
	m := measure{frags: doc.Fragments, memo: map[string]size{}, names: map[string]map[string]int{}, limit: g.maxFields + 1}
	for _, op := range doc.Operations {
		s := m.set(op.SelectionSet)
		if m.repeated != "" {
			return gqlerror.Errorf("the query selects %q more than %d times in one selection", m.repeated, maxRepeat)
		}
		if s.fields > g.maxFields {
			return gqlerror.Errorf("the query selects more than %d fields once its fragments are expanded", g.maxFields)
		}
		if s.depth > g.maxDepth {
			return gqlerror.Errorf("the query is %d levels deep, more than the %d allowed", s.depth, g.maxDepth)
		}
	}
	return nil
}

// size is what a selection set costs once expanded: its fields at every
// level, and its depth. Both saturate at the limit, so 2^n cannot overflow.
type size struct{ fields, depth int }

type measure struct {
	frags    ast.FragmentDefinitionList
	memo     map[string]size           // per fragment, computed once
	names    map[string]map[string]int // per fragment: its response names at its top level
	limit    int
	repeated string // a response name found more than maxRepeat times in one set
}

func (m *measure) add(a, b int) int { return min(a+b, m.limit) }

func (m *measure) set(set ast.SelectionSet) size {
	var out size
	if m.repeated == "" {
		counts := map[string]int{}
		m.count(set, counts)
	}
	for _, s := range set {
		var in size
		switch x := s.(type) {
		case *ast.Field:
			in = m.set(x.SelectionSet)
			in.fields = m.add(in.fields, 1)
			in.depth = min(in.depth+1, m.limit)
		case *ast.InlineFragment:
			in = m.set(x.SelectionSet)
		case *ast.FragmentSpread:
			in = m.fragment(x.Name)
		}
		out.fields = m.add(out.fields, in.fields)
		out.depth = max(out.depth, in.depth)
	}
	return out
}

// count adds the response names of set's top level (fragments spread or
// inlined in it included) to counts, noting one past maxRepeat. A
// fragment's names are collected once; the counts saturate.
func (m *measure) count(set ast.SelectionSet, counts map[string]int) {
	add := func(name string, n int) {
		c := min(counts[name]+n, maxRepeat+1)
		counts[name] = c
		if c > maxRepeat && m.repeated == "" {
			m.repeated = name
		}
	}
	for _, s := range set {
		switch x := s.(type) {
		case *ast.Field:
			name := x.Alias
			if name == "" {
				name = x.Name
			}
			add(name, 1)
		case *ast.InlineFragment:
			m.count(x.SelectionSet, counts)
		case *ast.FragmentSpread:
			for name, n := range m.fragmentNames(x.Name) {
				add(name, n)
			}
		}
		if m.repeated != "" {
			return
		}
	}
}

// fragmentNames returns the response names at a fragment's top level, with
// their counts, computed once (a cycle counts as nothing, as in fragment).
func (m *measure) fragmentNames(name string) map[string]int {
	if n, ok := m.names[name]; ok {
		return n
	}
	m.names[name] = nil
	f := m.frags.ForName(name)
	if f == nil {
		return nil
	}
	counts := map[string]int{}
	m.count(f.SelectionSet, counts)
	m.names[name] = counts
	return counts
}

// fragment measures a fragment once. A fragment met again while it is
// being measured is a cycle, which validation refuses: it counts as
// nothing here.
func (m *measure) fragment(name string) size {
	if s, ok := m.memo[name]; ok {
		return s
	}
	m.memo[name] = size{}
	f := m.frags.ForName(name)
	if f == nil {
		return size{}
	}
	s := m.set(f.SelectionSet)
	m.memo[name] = s
	return s
}
