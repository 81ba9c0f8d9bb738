package db

import (
	"regexp"
	"testing"

	"entgo.io/ent/schema/field"
)

// same reports whether two validators agree on every value: both pass, or
// both fail with the same message.
func same[T any](t *testing.T, name string, ours, ents []func(T) error, values []T) {
	t.Helper()
	if len(ours) != len(ents) {
		t.Fatalf("%s: %d validators, ent has %d", name, len(ours), len(ents))
	}
	for i := range ours {
		for _, v := range values {
			a, b := ours[i](v), ents[i](v)
			if (a == nil) != (b == nil) || (a != nil && a.Error() != b.Error()) {
				t.Errorf("%s #%d on %v: ours %v, ent's %v", name, i, v, a, b)
			}
		}
	}
}

func entValidators[T any](t *testing.T, vs []any) []func(T) error {
	out := make([]func(T) error, len(vs))
	for i, v := range vs {
		f, ok := v.(func(T) error)
		if !ok {
			t.Fatalf("ent validator %d is %T", i, v)
		}
		out[i] = f
	}
	return out
}

// TestValidatorsAsEnt: runtime/db's validators check and say exactly what
// ent's builders' do (the generated store uses ours, gen/fieldsrc.go).
func TestValidatorsAsEnt(t *testing.T) {
	re := regexp.MustCompile(`^[a-z]+$`)
	strs := []string{"", "a", "abc", "abcd", "ÅÅÅ", "ÅÅÅÅ", "AB", "abcdefgh"}
	same(t, "string", []func(string) error{MinLen[string](1), MaxLen[string](4), MinLen[string](2), MaxRuneLen(3), MinRuneLen(3), MatchRegexp(re)},
		entValidators[string](t, field.String("s").NotEmpty().MaxLen(4).MinLen(2).MaxRuneLen(3).MinRuneLen(3).Match(re).Descriptor().Validators), strs)

	bytes := [][]byte{nil, {1}, {1, 2}, {1, 2, 3}}
	same(t, "bytes", []func([]byte) error{MinLen[[]byte](1), MaxLen[[]byte](2), MinLen[[]byte](2)},
		entValidators[[]byte](t, field.Bytes("b").NotEmpty().MaxLen(2).MinLen(2).Descriptor().Validators), bytes)

	ints := []int{-10, -1, 0, 1, 5, 10, 11}
	same(t, "int", []func(int) error{Min[int](1), Max[int](-1), Min[int](0), Min[int](-3), Max[int](7), Range[int](0, 10)},
		entValidators[int](t, field.Int("n").Positive().Negative().NonNegative().Min(-3).Max(7).Range(0, 10).Descriptor().Validators), ints)

	i64 := []int64{-1, 0, 1, 1 << 40}
	same(t, "int64", []func(int64) error{Min[int64](1), Max[int64](1 << 35)},
		entValidators[int64](t, field.Int64("n").Positive().Max(1<<35).Descriptor().Validators), i64)

	floats := []float64{-1, -1e-06, -1e-07, 0, 1e-07, 1e-06, 0.5, 2}
	same(t, "float", []func(float64) error{Min[float64](1e-06), Max[float64](-1e-06), Min[float64](0.25), Range[float64](-0.5, 1)},
		entValidators[float64](t, field.Float("f").Positive().Negative().Min(0.25).Range(-0.5, 1).Descriptor().Validators), floats)
}
