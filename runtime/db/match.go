package db

import (
	"bytes"
	"strings"
	"time"
)

// Match reports whether the canonical value v (nil for NULL) meets the
// condition op with its canonical values, as every backend must: NULL meets
// only null, ne and not_contains (SQL's IS DISTINCT FROM); values of two
// kinds never match. Drivers that filter in Go (DynamoDB's key filters, the
// memory driver) use it.
func Match(op Op, v any, vals []any) bool {
	switch op {
	case OpNull:
		return v == nil
	case OpNotNull:
		return v != nil
	}
	if v == nil {
		return op == OpNe || op == OpNotContains
	}
	for _, w := range vals {
		if _, ok := Compare(v, w); !ok { // validated input never gets here
			return false
		}
	}
	cmp := func(w any) int { c, _ := Compare(v, w); return c }
	switch op {
	case OpEq, "":
		return cmp(vals[0]) == 0
	case OpNe:
		return cmp(vals[0]) != 0
	case OpGt:
		return cmp(vals[0]) > 0
	case OpGe:
		return cmp(vals[0]) >= 0
	case OpLt:
		return cmp(vals[0]) < 0
	case OpLe:
		return cmp(vals[0]) <= 0
	case OpBetween:
		return cmp(vals[0]) >= 0 && cmp(vals[1]) <= 0
	case OpIn:
		for _, w := range vals {
			if cmp(w) == 0 {
				return true
			}
		}
		return false
	}
	sv, _ := v.(string)
	arg, _ := vals[0].(string)
	switch op {
	case OpBeginsWith:
		return strings.HasPrefix(sv, arg)
	case OpContains:
		return strings.Contains(sv, arg)
	case OpNotContains:
		return !strings.Contains(sv, arg)
	}
	return false
}

// Compare orders two non-NULL canonical values of one kind (strings and
// bytes byte-wise, false before true); ok is false for two kinds.
func Compare(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case int64:
		if y, ok := b.(int64); ok {
			return ordered(x, y), true
		}
	case float64:
		if y, ok := b.(float64); ok {
			return ordered(x, y), true
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			return ordered(boolInt(x), boolInt(y)), true
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y), true
		}
	}
	return 0, false
}

func ordered[T int64 | float64 | int](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
