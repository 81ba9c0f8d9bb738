package gql

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bkgen/bkgen/runtime/db"
)

// The Time and Int64 scalars of the generated schemas: gqlgen finds
// MarshalX and UnmarshalX by the model name gen gives it (gql.Time,
// gql.Int64). Their errors are 400s naming the field, never gqlgen's 500.
// Time takes what the REST API takes, through db.ParseTime: RFC 3339 with or
// without fractional seconds, a date alone, or Unix milliseconds as a number
// or a string; it shows times as the REST replies do (RFC 3339, UTC).

// TimeLayout is how times are shown, as in the REST replies.
const TimeLayout = "2006-01-02T15:04:05.999999Z07:00"

// MarshalTime writes t as RFC 3339 in UTC.
func MarshalTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.UTC().Format(TimeLayout)))
	})
}

// UnmarshalTime reads a literal or a variable's value.
func UnmarshalTime(v any) (time.Time, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case int64:
		s = strconv.FormatInt(x, 10)
	case int:
		s = strconv.Itoa(x)
	case float64:
		if x != float64(int64(x)) {
			return time.Time{}, &scalarError{"not a time: send " + db.TimeForms}
		}
		s = strconv.FormatInt(int64(x), 10)
	default:
		return time.Time{}, &scalarError{"not a time: send " + db.TimeForms}
	}
	t, err := db.ParseTime(s)
	if err != nil {
		return time.Time{}, &scalarError{err.Error()}
	}
	return db.Time(t), nil
}

// scalarError is a value a scalar refused: the error presenter makes it a
// 400 InvalidValue naming the field, from the error's path.
type scalarError struct{ msg string }

func (e *scalarError) Error() string { return e.msg }

// MarshalInt64 writes an Int64 (gqlgen's).
func MarshalInt64(v int64) graphql.Marshaler { return graphql.MarshalInt64(v) }

// UnmarshalInt64 reads an Int64: an integer literal, a JSON number without a
// fraction, or a string of digits (a 64-bit value a JavaScript client keeps
// as a string).
func UnmarshalInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
		return 0, &scalarError{strconv.Quote(string(x)) + " is not a 64-bit integer"}
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n, nil
		}
		if len(x) > 40 {
			x = x[:40] + "…"
		}
		return 0, &scalarError{strconv.Quote(x) + " is not a 64-bit integer"}
	case float64:
		if x == float64(int64(x)) && x < 1<<63 && x >= -(1<<63) {
			return int64(x), nil
		}
	}
	return 0, &scalarError{"not a 64-bit integer"}
}
