package db

import (
	"testing"
	"time"
)

func TestMatches(t *testing.T) {
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		op   Op
		v    any
		vals []any
		want bool
	}{
		{OpEq, "a", []any{"a"}, true},
		{OpNe, "a", []any{"a"}, false},
		{OpIn, int64(2), []any{int64(1), int64(2)}, true},
		{OpBetween, at, []any{at.Add(-time.Hour), at}, true},
		{OpGt, 1.5, []any{1.5}, false},
		{OpBeginsWith, "p001", []any{"p0"}, true},
		{OpNotContains, "abc", []any{"b"}, false},
		{OpGt, "a", []any{int64(1)}, false}, // mixed kinds: no match, no panic
		{OpLt, at, []any{"x"}, false},
	} {
		if got := Match(c.op, c.v, c.vals); got != c.want {
			t.Errorf("Match(%s, %v, %v) = %v", c.op, c.v, c.vals, got)
		}
	}
}
