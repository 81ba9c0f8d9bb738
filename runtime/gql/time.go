package gql

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bkgen/bkgen/runtime/db"
)

// The Time scalar of the generated schemas (gqlgen finds MarshalTime and
// UnmarshalTime by the model name gen gives it). It takes what the REST API
// takes, through db.ParseTime: RFC 3339 with or without fractional seconds,
// a date alone, or Unix milliseconds as a number or a string; it shows
// times as the REST replies do (RFC 3339, microseconds, UTC).

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
			return time.Time{}, db.Invalid("", "", "not a time: send %s", db.TimeForms)
		}
		s = strconv.FormatInt(int64(x), 10)
	default:
		return time.Time{}, db.Invalid("", "", "not a time: send %s", db.TimeForms)
	}
	t, err := db.ParseTime(s)
	if err != nil {
		// a 400: the presenter names the field from the error's path
		return time.Time{}, db.Invalid("", "", "%v", err)
	}
	return db.Time(t), nil
}
