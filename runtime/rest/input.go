package rest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-faster/jx"
	"github.com/google/uuid"

	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/web"
)

// Input is the parameters of one request to a table route: the query of a
// GET, or the form or JSON body of a POST. The generated decoders read
// column values out of it with the readers below (Str, Int, Time, …), one
// line per column; the first bad value is kept (Err) and the readers after
// it do nothing, so a decoder reads like a list of columns, not a ladder of
// error checks. Every message names the column and what it takes, in our
// words (photo.width: "abc" is not an integer).
type Input struct {
	table string
	form  url.Values        // a query or a form body
	json  map[string]jx.Raw // a JSON body's top-level fields; nil for a form
	err   error
}

// ReadInput reads the parameters of r, a request to a route of table: the
// query of a GET, a JSON or form body of a POST (what openapi.yaml
// documents). A body that cannot be read is an error in the one shape
// (web.ErrorOf): 400 for what the client sent, 413 over the size limit,
// 415 for another content type.
func ReadInput(r *http.Request, table string) (*Input, error) {
	in := &Input{table: table}
	if r.Method != http.MethodPost {
		in.form = r.URL.Query()
		return in, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	ct := r.Header.Get("Content-Type")
	media, _, _ := mime.ParseMediaType(ct)
	switch {
	case media == "application/json":
		in.json, err = readObject(body)
		return in, err
	case media == "application/x-www-form-urlencoded", ct == "" && len(body) == 0:
		in.form, err = url.ParseQuery(string(body))
		if err != nil {
			return nil, web.BadRequest("BadEscape", "the form body has a bad % escape")
		}
		return in, nil
	}
	return nil, &web.Problem{Status: http.StatusUnsupportedMediaType, Code: "UnsupportedMediaType", Message: "content type must be application/json or application/x-www-form-urlencoded"}
}

// readObject reads a JSON body: an object of column values and controls.
// A repeated field keeps its last value, as JSON decoders do.
func readObject(body []byte) (map[string]jx.Raw, error) {
	d := jx.DecodeBytes(body)
	switch d.Next() {
	case jx.Object:
	case jx.Invalid:
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, web.BadRequest("InvalidValue", "the JSON body is empty or cut short")
		}
		return nil, web.BadRequest("InvalidValue", "the body is not valid JSON")
	default:
		return nil, web.BadRequest("InvalidValue", "the JSON body must be an object of column values")
	}
	out := map[string]jx.Raw{}
	err := d.ObjBytes(func(d *jx.Decoder, key []byte) error {
		raw, err := d.Raw()
		out[string(key)] = raw
		return err
	})
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, web.BadRequest("InvalidValue", "the JSON body is empty or cut short")
		}
		return nil, web.BadRequest("InvalidValue", "the body is not valid JSON")
	}
	if err := d.Skip(); !errors.Is(err, io.EOF) {
		return nil, web.BadRequest("InvalidValue", "the JSON body has more after the object")
	}
	return out, nil
}

// Err is the first bad value the readers met, or nil.
func (in *Input) Err() error { return in.err }

// IsJSON reports whether the parameters came as a JSON body.
func (in *Input) IsJSON() bool { return in.json != nil }

// fail keeps the first bad value: col is a column of the table, or a
// control parameter (_count), which messages name alone.
func (in *Input) fail(col, format string, args ...any) {
	if in.err != nil {
		return
	}
	if strings.HasPrefix(col, "_") {
		in.err = web.BadRequest("InvalidValue", col+": "+fmt.Sprintf(format, args...))
		return
	}
	in.err = db.Invalid(in.table, col, format, args...)
}

// text is the value of a query or form parameter; more than one is refused
// (which of them would count is not the client's to guess).
func (in *Input) text(name string) (string, bool) {
	vs, ok := in.form[name]
	if !ok || in.err != nil {
		return "", false
	}
	if len(vs) > 1 {
		in.fail(name, "given more than once; send one value")
		return "", false
	}
	return vs[0], true
}

// raw is the value of a field of a JSON body, with what kind of JSON value
// it is.
func (in *Input) raw(name string) (*jx.Decoder, jx.Type, bool) {
	raw, ok := in.json[name]
	if !ok || in.err != nil {
		return nil, jx.Invalid, false
	}
	d := jx.DecodeBytes(raw)
	return d, d.Next(), true
}

// quoteValue is how a client's value is quoted in a message, cut to a sane
// length.
func quoteValue(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}

// keep stores a value read for a column that cannot be null (ok: the
// request has one; null: it is JSON null, which such a column refuses).
func keep[T any](in *Input, col string, v T, null, ok bool, p *T, set *bool) {
	switch {
	case !ok:
	case null:
		in.fail(col, "cannot be null")
	default:
		*p, *set = v, true
	}
}

// keepNull stores a value read for a nullable column: JSON null clears it.
func keepNull[T any](v T, null, ok bool, p **T, set *bool) {
	if !ok {
		return
	}
	*set = true
	if null {
		*p = nil
		return
	}
	x := v // a copy made here: taking v's address would move v to the heap on every call, given or not
	*p = &x
}

// scalar reads col's value: a query or form value with text, which says
// what is wrong with it ("" when nothing is), or a JSON value with raw,
// which reports whether it is one of its kind (else jsonBad).
func scalar[T any](in *Input, col string, text func(string) (T, string), raw func(*jx.Decoder, jx.Type) (T, bool), jsonBad string) (v T, null, ok bool) {
	if in.json == nil {
		s, ok := in.text(col)
		if !ok {
			return v, false, false
		}
		v, bad := text(s)
		if bad != "" {
			in.fail(col, "%s %s", quoteValue(s), bad)
			return v, false, false
		}
		return v, false, true
	}
	d, typ, ok := in.raw(col)
	switch {
	case !ok:
		return v, false, false
	case typ == jx.Null:
		return v, true, true
	}
	if v, ok := raw(d, typ); ok {
		return v, false, true
	}
	in.fail(col, "%s", jsonBad)
	return v, false, false
}

// Str reads a string column (an enum's value too).
func Str[T ~string](in *Input, col string, p *T, set *bool) {
	s, null, ok := in.str(col)
	keep(in, col, T(s), null, ok, p, set)
}

// NStr reads a nullable string column: null (JSON) clears it.
func NStr[T ~string](in *Input, col string, p **T, set *bool) {
	s, null, ok := in.str(col)
	keepNull(T(s), null, ok, p, set)
}

// str is a string value, from a query, a form or a JSON string.
func (in *Input) str(col string) (string, bool, bool) {
	return scalar(in, col, func(s string) (string, string) { return s, "" }, func(d *jx.Decoder, typ jx.Type) (string, bool) {
		if typ != jx.String {
			return "", false
		}
		s, err := d.Str()
		return s, err == nil
	}, "not a JSON string")
}

// UUID reads a uuid column.
func UUID(in *Input, col string, p *uuid.UUID, set *bool) {
	u, null, ok := in.uuid(col)
	keep(in, col, u, null, ok, p, set)
}

// NUUID reads a nullable uuid column: null (JSON) clears it.
func NUUID(in *Input, col string, p **uuid.UUID, set *bool) {
	u, null, ok := in.uuid(col)
	keepNull(u, null, ok, p, set)
}

func (in *Input) uuid(col string) (uuid.UUID, bool, bool) {
	s, null, ok := in.str(col)
	if !ok || null {
		return uuid.UUID{}, null, ok
	}
	u, err := uuid.Parse(s)
	if err != nil {
		in.fail(col, "not a uuid: %s", quoteValue(s))
		return uuid.UUID{}, false, false
	}
	return u, false, true
}

// Int reads an integer column of any Go integer type, refusing a value the
// type cannot hold.
func Int[T db.Integer](in *Input, col string, p *T, set *bool) {
	n, null, ok := in.int(col)
	if ok && !null && int64(T(n)) != n {
		in.fail(col, "%d is out of range for %T", n, *p)
		return
	}
	keep(in, col, T(n), null, ok, p, set)
}

// NInt reads a nullable integer column: null (JSON) clears it.
func NInt[T db.Integer](in *Input, col string, p **T, set *bool) {
	n, null, ok := in.int(col)
	if ok && !null && int64(T(n)) != n {
		in.fail(col, "%d is out of range for %T", n, T(n))
		return
	}
	keepNull(T(n), null, ok, p, set)
}

// int is an integer value: digits in a query or form, a JSON integer.
func (in *Input) int(col string) (int64, bool, bool) {
	return scalar(in, col, func(s string) (int64, string) {
		n, err := strconv.ParseInt(s, 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange):
			return 0, "is out of range"
		case err != nil:
			return 0, "is not an integer"
		}
		return n, ""
	}, func(d *jx.Decoder, typ jx.Type) (int64, bool) {
		if typ != jx.Number {
			return 0, false
		}
		n, err := d.Int64()
		return n, err == nil
	}, "not an integer")
}

// Float reads a floating-point column; NaN and the infinities are refused
// (no backend keeps them, and JSON cannot show them).
func Float[T db.Floating](in *Input, col string, p *T, set *bool) {
	f, null, ok := in.float(col)
	keep(in, col, T(f), null, ok, p, set)
}

// NFloat reads a nullable floating-point column: null (JSON) clears it.
func NFloat[T db.Floating](in *Input, col string, p **T, set *bool) {
	f, null, ok := in.float(col)
	keepNull(T(f), null, ok, p, set)
}

func (in *Input) float(col string) (float64, bool, bool) {
	return scalar(in, col, func(s string) (float64, string) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, "is not a number"
		}
		return f, ""
	}, func(d *jx.Decoder, typ jx.Type) (float64, bool) {
		if typ != jx.Number {
			return 0, false
		}
		f, err := d.Float64()
		return f, err == nil && !math.IsInf(f, 0)
	}, "not a number")
}

// Bool reads a boolean column: true or false (1, 0, t, f in a query, as
// strconv.ParseBool takes them).
func Bool(in *Input, col string, p *bool, set *bool) {
	b, null, ok := in.bool(col)
	keep(in, col, b, null, ok, p, set)
}

// NBool reads a nullable boolean column: null (JSON) clears it.
func NBool(in *Input, col string, p **bool, set *bool) {
	b, null, ok := in.bool(col)
	keepNull(b, null, ok, p, set)
}

func (in *Input) bool(col string) (bool, bool, bool) {
	return scalar(in, col, func(s string) (bool, string) {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return false, "is not true or false"
		}
		return b, ""
	}, func(d *jx.Decoder, typ jx.Type) (bool, bool) {
		if typ != jx.Bool {
			return false, false
		}
		b, err := d.Bool()
		return b, err == nil
	}, "not true or false")
}

// Time reads a time column: what db.ParseTime takes, or Unix milliseconds
// as a JSON number.
func Time(in *Input, col string, p *time.Time, set *bool) {
	t, null, ok := in.time(col)
	keep(in, col, t, null, ok, p, set)
}

// NTime reads a nullable time column: null (JSON) clears it.
func NTime(in *Input, col string, p **time.Time, set *bool) {
	t, null, ok := in.time(col)
	keepNull(t, null, ok, p, set)
}

func (in *Input) time(col string) (t time.Time, null, ok bool) {
	if in.err != nil {
		return time.Time{}, false, false
	}
	var err error
	if in.json == nil {
		s, ok := in.text(col)
		if !ok {
			return time.Time{}, false, false
		}
		t, err = ParseTime(in.table, col, s)
	} else {
		raw, ok := in.json[col]
		if !ok {
			return time.Time{}, false, false
		}
		t, null, err = DecodeTime(in.table, col, raw)
	}
	if err != nil {
		in.err = err
		return time.Time{}, false, false
	}
	return t, null, true
}

// Bytes reads a bytes column: base64 (standard alphabet, padded), in a
// query, a form or a JSON string; JSON null clears it.
func Bytes(in *Input, col string, p *[]byte, set *bool) {
	s, null, ok := in.str(col)
	if !ok {
		return
	}
	if null {
		*p, *set = nil, true
		return
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		in.fail(col, "not base64 bytes")
		return
	}
	*p, *set = b, true
}

// JSON reads a JSON column (a list, a map, a struct) into dst, a pointer to
// the field: only from a JSON body, as forms and queries are flat.
func JSON(in *Input, col string, dst any, set *bool) {
	raw, ok := in.json[col]
	if !ok || in.err != nil {
		return
	}
	if err := DecodeJSON(in.table, col, raw, dst); err != nil {
		in.err = err
		return
	}
	*set = true
}

// cond adds the request's condition on col to s, if it has one: a string
// (query, form) or a raw JSON value (a list for in and between, null).
func (in *Input) cond(s *Select, col string) {
	if in.json == nil {
		if v, ok := in.text(col); ok {
			s.Str(col, v)
		}
		return
	}
	if raw, ok := in.json[col]; ok && in.err == nil {
		if err := s.Raw(col, raw); err != nil {
			in.err = err
		}
	}
}

// control reads the control parameters of a select.
func (in *Input) control() Control {
	var c Control
	ctlStr(in, "_ops", &c.Ops)
	ctlStr(in, "_token", &c.Token)
	ctlStr(in, "_select", &c.Select)
	ctlStr(in, "_sort", &c.Sort)
	var set bool
	Int(in, "_count", &c.Count, &set)
	Bool(in, "_desc", &c.Desc, &set)
	Bool(in, "_total", &c.Total, &set)
	return c
}

func ctlStr(in *Input, name string, p *string) {
	var set bool
	Str(in, name, p, &set)
}
