package gql

import (
	"bytes"
	"context"
	"io"
	"math"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

type fakeRow map[string]string

func (r fakeRow) WriteGQLField(w io.Writer, name string) {
	v, ok := r[name]
	if !ok {
		io.WriteString(w, "null")
		return
	}
	graphql.MarshalString(v).MarshalGQL(w)
}

// TestRowAsFieldSet: Row writes what gqlgen's field set writes for the same
// fields (aliases, a repeated alias once, __typename, quoting).
func TestRowAsFieldSet(t *testing.T) {
	obj := fakeRow{"id": "a\"b", "name": "ünï\n"}
	field := func(alias, name string) graphql.CollectedField {
		return graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: name}}
	}
	for _, fields := range [][]graphql.CollectedField{
		nil,
		{field("id", "id")},
		{field("id", "id"), field("n", "name"), field("__typename", "__typename"), field("x", "hidden")},
		{field("k", "id"), field("k", "name"), field("m", "name"), field("wei\"rd", "id")},
	} {
		set := graphql.NewFieldSet(fields)
		for i, f := range fields {
			if f.Name == "__typename" {
				set.Values[i] = graphql.MarshalString("T")
			} else {
				set.Values[i] = Column(obj, f.Name)
			}
		}
		var want, got bytes.Buffer
		set.MarshalGQL(&want)
		Row(fields, "T", obj).MarshalGQL(&got)
		if got.String() != want.String() {
			t.Errorf("Row wrote %s, gqlgen's field set %s", got.String(), want.String())
		}
	}
}

type fakeModel struct{ name string }

func (m *fakeModel) WriteGQLField(w io.Writer, name string) {
	graphql.MarshalString(m.name).MarshalGQL(w)
}

// TestRows: a list is gqlgen's array of the objects; a nil element makes it
// null with an error at its index.
func TestRows(t *testing.T) {
	fields := []graphql.CollectedField{{Field: &ast.Field{Alias: "name", Name: "name"}}}
	oc := &graphql.OperationContext{}
	sel := ast.SelectionSet{&ast.Field{Alias: "name", Name: "name", Definition: &ast.FieldDefinition{Name: "name"}}}
	for _, v := range [][]*fakeModel{nil, {{"a"}}, {{"a"}, {"b"}, {"c"}}} {
		want := graphql.Array{}
		for _, m := range v {
			want = append(want, Row(fields, "T", m))
		}
		var wb, gb bytes.Buffer
		want.MarshalGQL(&wb)
		ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, nil)
		Rows(ctx, oc, sel, []string{"T"}, "T", v).MarshalGQL(&gb)
		if gb.String() != wb.String() {
			t.Errorf("Rows wrote %s, want %s", gb.String(), wb.String())
		}
	}
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, nil)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "nodes"}}})
	if m := Rows(ctx, oc, sel, []string{"T"}, "T", []*fakeModel{{"a"}, nil}); m != graphql.Null {
		t.Errorf("a list with a nil element is not null")
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "nodes[1]" {
		t.Errorf("errors %v, want one at nodes[1]", errs)
	}
}

// TestWritersAsGqlgen: the writers that do not call gqlgen's marshalers
// write what they write.
func TestWritersAsGqlgen(t *testing.T) {
	for _, v := range []int64{0, 7, -1, 99, 100, 1733500000000, math.MaxInt64, math.MinInt64} {
		var want, got, other bytes.Buffer
		graphql.MarshalInt64(v).MarshalGQL(&want)
		WriteInt64(&got, &v)
		WriteInt64(struct{ io.Writer }{&other}, &v) // not a bytes.Buffer
		if got.String() != want.String() || other.String() != want.String() {
			t.Errorf("WriteInt64(%d) = %s, %s; gqlgen %s", v, got.String(), other.String(), want.String())
		}
	}
	for _, v := range []bool{true, false} {
		var want, got bytes.Buffer
		graphql.MarshalBoolean(v).MarshalGQL(&want)
		WriteBool(&got, &v)
		if got.String() != want.String() {
			t.Errorf("WriteBool(%v) = %s; gqlgen %s", v, got.String(), want.String())
		}
	}
}
