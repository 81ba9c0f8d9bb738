package gql

import (
	"bytes"
	"io"
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
