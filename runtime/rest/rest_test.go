package rest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/go-faster/jx"

	"github.com/bkgen/bkgen/runtime/db"
)

func TestSelectQuery(t *testing.T) {
	s := NewSelect("photo")
	s.Str("album_id", "a1")
	s.Str("width", "1|3")
	s.Str("name", "al")
	if err := s.Raw("rating", jx.Raw(`[1.5, 2]`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Raw("caption", jx.Raw(`null`)); err != nil {
		t.Fatal(err)
	}
	q, err := s.Query(Control{Ops: "width,in|name,like%,rating,between,size,not_null", Count: 5, Token: "t", Select: "name, width", Sort: "width", Desc: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []db.Cond{
		{Col: "album_id", Op: db.OpEq, Values: []any{"a1"}},
		{Col: "width", Op: db.OpIn, Values: []any{"1", "3"}},
		{Col: "name", Op: db.OpBeginsWith, Values: []any{"al"}},
		{Col: "rating", Op: db.OpBetween, Values: []any{"1.5", "2"}},
		{Col: "caption", Op: db.OpNull},
		{Col: "size", Op: db.OpNotNull},
	}
	if !reflect.DeepEqual(q.Where, want) {
		t.Fatalf("where\n%#v\nwant\n%#v", q.Where, want)
	}
	if q.Count != 5 || q.Token != "t" || !reflect.DeepEqual(q.Select, []string{"name", "width"}) || q.Sort != "width" || !q.Desc {
		t.Fatalf("controls %+v", q)
	}
}

func TestSelectQueryErrors(t *testing.T) {
	for _, c := range []struct {
		ops, raw string
	}{
		{ops: "width"},         // not pairs
		{ops: "width,regexp"},  // unknown operator
		{ops: "nope,gt"},       // no value for a value operator
		{raw: `{"a": 1}`},      // objects are not values
		{raw: `[1, {"a": 1}]`}, // nor inside a list
		{raw: `"unterminated`}, // bad JSON
	} {
		s := NewSelect("photo")
		s.Str("width", "1")
		var err error
		if c.raw != "" {
			err = s.Raw("name", jx.Raw(c.raw))
		}
		if err == nil {
			_, err = s.Query(Control{Ops: c.ops})
		}
		var v *db.ValidationError
		if !errors.As(err, &v) {
			t.Errorf("%+v: error %v, want a ValidationError", c, err)
		}
	}
}

// FuzzSelect: any _ops string and JSON condition value give a query or a
// ValidationError, never a panic.
func FuzzSelect(f *testing.F) {
	f.Add("width,in|name,like%", `[1,"a",null,true]`)
	f.Add(",,,|", `"x"`)
	f.Add("a,null,b,not null", `1e400`)
	f.Fuzz(func(t *testing.T, ops, raw string) {
		s := NewSelect("photo")
		s.Str("width", "1,2")
		if err := s.Raw("name", jx.Raw(raw)); err != nil {
			var v *db.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("Raw(%q): %v is not a ValidationError", raw, err)
			}
			return
		}
		if _, err := s.Query(Control{Ops: ops}); err != nil {
			var v *db.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("Query(%q): %v is not a ValidationError", ops, err)
			}
		}
	})
}
