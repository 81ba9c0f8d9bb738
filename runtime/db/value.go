package db

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// TimeFormat is how times are kept where the database has no time type
// (SQLite text, page tokens): fixed width, UTC, µs, so text order is time order.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// Time returns t in its canonical form: UTC, truncated to microseconds
// (PostgreSQL's precision, kept on every backend for one behaviour).
func Time(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// JSONArg encodes a JSON column value; nil slices and maps are NULL.
func JSONArg(v any, isNil bool) (any, error) {
	if isNil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// BytesArg is the canonical value of a []byte column: empty is NULL, as
// DynamoDB cannot store an empty binary value.
func BytesArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// NewUUID returns a random id in backendjs's uuid format: 32 lowercase hex
// characters.
func NewUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b[6] = (b[6] & 0x0f) | 0x40 // version 4
	b[8] = (b[8] & 0x3f) | 0x80 // RFC 4122 variant
	return hex.EncodeToString(b[:])
}

// NowMS is the value of "now" columns: Unix time in milliseconds.
func NowMS() int64 { return time.Now().UnixMilli() }

// canon converts a condition value to the canonical Go value of kind k.
// Strings are parsed, so API layers may pass raw query-string values.
func canon(k Kind, v any) (any, error) {
	switch k {
	case KindString:
		switch x := v.(type) {
		case string:
			return x, nil
		case fmt.Stringer: // uuid.UUID, enum types
			return x.String(), nil
		}
	case KindInt:
		switch x := v.(type) {
		case int:
			return int64(x), nil
		case int8:
			return int64(x), nil
		case int16:
			return int64(x), nil
		case int32:
			return int64(x), nil
		case int64:
			return x, nil
		case uint8:
			return int64(x), nil
		case uint16:
			return int64(x), nil
		case uint32:
			return int64(x), nil
		case float64: // JSON numbers
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x), nil
			}
		case json.Number:
			return parseInt(string(x))
		case string:
			return parseInt(x)
		}
	case KindFloat:
		switch x := v.(type) {
		case float64:
			return x, nil
		case float32:
			return float64(x), nil
		case int:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case json.Number:
			return parseFloat(string(x))
		case string:
			return parseFloat(x)
		}
	case KindBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(x) {
			case "true", "1", "t", "yes", "on":
				return true, nil
			case "false", "0", "f", "no", "off":
				return false, nil
			}
			return nil, fmt.Errorf("%q is not a boolean", x)
		}
	case KindTime:
		switch x := v.(type) {
		case time.Time:
			return Time(x), nil
		case string:
			return parseTime(x)
		}
	case KindBytes:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	}
	return nil, fmt.Errorf("a %T value does not fit a %s column", v, k)
}

func parseInt(s string) (any, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not an integer", s)
	}
	return n, nil
}

func parseFloat(s string) (any, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return f, nil
}

func parseTime(s string) (any, error) {
	t, err := ParseTime(s)
	if err != nil {
		return nil, err
	}
	return Time(t), nil
}

// TimeForms says which times a client may send, for error messages.
const TimeForms = "an RFC 3339 time (2030-01-01T10:00:00Z, fractional seconds optional), a date (2030-01-01, midnight UTC) or Unix milliseconds"

// ParseTime reads a time as clients send it, in every input (query, form,
// JSON, GraphQL, conditions): RFC 3339 with or without fractional seconds,
// a date alone (midnight UTC), or Unix milliseconds, which backendjs clients
// send from Date.now().
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, TimeFormat, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	// years 1 to 9999, what RFC 3339 replies can show
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && ms >= -62135596800000 && ms <= 253402300799999 {
		return time.UnixMilli(ms).UTC(), nil
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return time.Time{}, fmt.Errorf("%q is not a time: send %s", s, TimeForms)
}

// Validators converts the validators of an ent field descriptor to typed
// functions once, at init; generated code calls them on every write.
func Validators[T any](table, column string, vs []any) []func(T) error {
	out := make([]func(T) error, 0, len(vs))
	for _, v := range vs {
		f, ok := v.(func(T) error)
		if !ok {
			panic(fmt.Sprintf("bkgen: validator of %s.%s is %T, want func(%T) error", table, column, v, *new(T)))
		}
		out = append(out, f)
	}
	return out
}

// Validate runs validators and wraps the first failure in a ValidationError.
func Validate[T any](table, column string, v T, fns []func(T) error) error {
	for _, f := range fns {
		if err := f(v); err != nil {
			return &ValidationError{Table: table, Column: column, Msg: err.Error()}
		}
	}
	return nil
}

// Default returns the default of an ent field descriptor as a function: ent
// allows both a value and a func() T.
func Default[T any](table, column string, d any) func() T {
	switch x := d.(type) {
	case func() T:
		return x
	case T:
		return func() T { return x }
	}
	panic(fmt.Sprintf("bkgen: default of %s.%s is %T, want %T or func() %T", table, column, d, *new(T), *new(T)))
}

// Constant is a default given as a value, as a function.
func Constant[T any](v T) func() T { return func() T { return v } }

// CheckEnum reports a value that is not one of the column's enum values.
func CheckEnum(table, column, v string, values []string) error {
	for _, e := range values {
		if v == e {
			return nil
		}
	}
	return &ValidationError{Table: table, Column: column, Msg: fmt.Sprintf("%q is not one of %s", v, strings.Join(values, ", "))}
}
