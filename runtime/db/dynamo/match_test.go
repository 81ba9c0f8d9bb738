package dynamo

import (
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/db"
)

func TestMatches(t *testing.T) {
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		op   db.Op
		v    any
		vals []any
		want bool
	}{
		{db.OpEq, "a", []any{"a"}, true},
		{db.OpNe, "a", []any{"a"}, false},
		{db.OpIn, int64(2), []any{int64(1), int64(2)}, true},
		{db.OpBetween, at, []any{at.Add(-time.Hour), at}, true},
		{db.OpGt, 1.5, []any{1.5}, false},
		{db.OpBeginsWith, "p001", []any{"p0"}, true},
		{db.OpNotContains, "abc", []any{"b"}, false},
		{db.OpGt, "a", []any{int64(1)}, false}, // mixed kinds: no match, no panic
		{db.OpLt, at, []any{"x"}, false},
	} {
		if got := matches(c.op, c.v, c.vals); got != c.want {
			t.Errorf("matches(%s, %v, %v) = %v", c.op, c.v, c.vals, got)
		}
	}
}
