// Package rest holds what the generated REST handlers share: turning
// select parameters (column conditions, _ops and the other control
// parameters) into a store query, column picking for _select, and JSON
// column decoding.
package rest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-faster/jx"
	"github.com/google/uuid"

	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/web"
)

// Control is the control parameters of a select.
type Control struct {
	Ops, Token, Select, Sort string
	Count                    int
	Desc, Total              bool
}

// Select collects the column conditions of a select request.
type Select struct {
	table string
	cols  []string
	vals  map[string][]any
	raw   map[string]bool // the value came as JSON: a list stays a list
}

// NewSelect starts a select on table.
func NewSelect(table string) *Select {
	return &Select{table: table, vals: map[string][]any{}, raw: map[string]bool{}}
}

// Str adds a condition value from a query string or form field.
func (s *Select) Str(col, v string) {
	s.cols = append(s.cols, col)
	s.vals[col] = []any{v}
}

// Raw adds a condition value from a JSON body: a scalar, a list (for in
// and between) or null (is null).
func (s *Select) Raw(col string, raw jx.Raw) error {
	if raw == nil {
		return nil
	}
	d := jx.DecodeBytes(raw)
	var vals []any
	var one func() error
	one = func() error {
		switch d.Next() {
		case jx.String:
			v, err := d.Str()
			vals = append(vals, v)
			return err
		case jx.Number:
			n, err := d.Num()
			vals = append(vals, n.String())
			return err
		case jx.Bool:
			b, err := d.Bool()
			if b {
				vals = append(vals, "true")
			} else {
				vals = append(vals, "false")
			}
			return err
		case jx.Null:
			vals = append(vals, nil)
			return d.Null()
		}
		return db.Invalid(s.table, col, "a condition value must be a string, number, bool, null or a list of them")
	}
	var err error
	if d.Next() == jx.Array {
		err = d.Arr(func(d *jx.Decoder) error { return one() })
	} else {
		err = one()
	}
	if err != nil {
		if _, ok := err.(*db.ValidationError); ok {
			return err
		}
		return db.Invalid(s.table, col, "bad JSON value: %v", err)
	}
	s.cols = append(s.cols, col)
	s.vals[col] = vals
	s.raw[col] = true
	return nil
}

// Query builds the store query: _ops gives operators as col,op pairs
// (separated by commas or |); in and between split a string value on |, or
// on commas when it has no |; null and not_null need no value.
func (s *Select) Query(c Control) (db.Query, error) {
	ops := map[string]db.Op{}
	order := append([]string(nil), s.cols...)
	if c.Ops != "" {
		parts := strings.FieldsFunc(c.Ops, func(r rune) bool { return r == ',' || r == '|' })
		if len(parts)%2 != 0 {
			return db.Query{}, db.Invalid(s.table, "", "_ops takes col,op pairs: %q", c.Ops)
		}
		for i := 0; i < len(parts); i += 2 {
			op, err := db.ParseOp(strings.TrimSpace(parts[i+1]))
			if err != nil {
				return db.Query{}, db.Invalid(s.table, parts[i], "%v", err)
			}
			col := strings.TrimSpace(parts[i])
			ops[col] = op
			if _, ok := s.vals[col]; !ok {
				if op != db.OpNull && op != db.OpNotNull {
					return db.Query{}, db.Invalid(s.table, col, "_ops names %s but the request has no %s value", col, col)
				}
				order = append(order, col)
			}
		}
	}
	q := db.Query{Count: c.Count, Token: c.Token, Sort: c.Sort, Desc: c.Desc, Total: c.Total}
	if c.Select != "" {
		q.Select = splitList(c.Select)
	}
	for _, col := range order {
		op, hasOp := ops[col]
		vals := s.vals[col]
		if !hasOp {
			op = db.OpEq
			if len(vals) > 1 {
				op = db.OpIn
			} else if len(vals) == 1 && vals[0] == nil {
				op = db.OpNull
			}
		}
		if op == db.OpNull || op == db.OpNotNull {
			vals = nil
		} else if (op == db.OpIn || op == db.OpBetween) && len(vals) == 1 && !s.raw[col] {
			str, _ := vals[0].(string)
			vals = nil
			for _, v := range splitValues(str) {
				vals = append(vals, v)
			}
		}
		q.Where = append(q.Where, db.Cond{Col: col, Op: op, Values: vals})
	}
	return q, nil
}

func splitValues(s string) []string {
	if strings.Contains(s, "|") {
		return strings.Split(s, "|")
	}
	return strings.Split(s, ",")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Pick returns which columns of t a reply shows for a _select list: nil
// (all) when empty; the key columns always.
func Pick(sel string, t *db.Schema) ([]bool, error) {
	if sel == "" {
		return nil, nil
	}
	pick := make([]bool, len(t.Columns))
	for _, name := range splitList(sel) {
		c := t.Col(name)
		if c < 0 {
			return nil, db.Invalid(t.Name, "", "unknown column %q in _select", name)
		}
		pick[c] = true
	}
	for _, k := range t.Keys {
		pick[k] = true
	}
	return pick, nil
}

// DecodeJSON decodes a JSON column value from a request body.
func DecodeJSON(table, col string, raw jx.Raw, dst any) error {
	if err := json.Unmarshal(raw, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			if te.Field == "" {
				return db.Invalid(table, col, "not %s (got a %s)", describe(reflect.TypeOf(dst).Elem()), te.Value)
			}
			return db.Invalid(table, col, "not %s (a %s at %s)", describe(reflect.TypeOf(dst).Elem()), te.Value, te.Field)
		}
		return db.Invalid(table, col, "not valid JSON")
	}
	return nil
}

// describe names a Go type as JSON sees it, for the messages of DecodeJSON:
// a list of strings, an object.
func describe(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return describe(t.Elem())
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "base64 bytes"
		}
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describe(t.Elem()), "a "), "an ") + "s"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a JSON value"
}

// ParseTime reads a time column's value from a query or a form (see
// db.ParseTime for what it takes).
func ParseTime(table, col, s string) (time.Time, error) {
	t, err := db.ParseTime(s)
	if err != nil {
		return time.Time{}, db.Invalid(table, col, "%v", err)
	}
	return db.Time(t), nil
}

// DecodeTime reads a time column's value from a JSON body: a string as
// ParseTime takes it, or a number of Unix milliseconds. null reports null.
func DecodeTime(table, col string, raw jx.Raw) (t time.Time, null bool, err error) {
	d := jx.DecodeBytes(raw)
	switch d.Next() {
	case jx.Null:
		return time.Time{}, true, nil
	case jx.String:
		s, err := d.Str()
		if err == nil {
			t, err = ParseTime(table, col, s)
		}
		return t, false, err
	case jx.Number:
		if n, err := d.Int64(); err == nil {
			t, err := ParseTime(table, col, strconv.FormatInt(n, 10))
			return t, false, err
		}
	}
	return time.Time{}, false, db.Invalid(table, col, "not a time: send %s", db.TimeForms)
}

// EncodeJSON encodes a JSON column value for a reply.
func EncodeJSON(v any) jx.Raw {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// Need reports a key column the request did not give.
func Need(given bool, table, col string) error {
	if given {
		return nil
	}
	return db.MissingKey(table, col)
}

// RandomSecret returns 32 random bytes as base64url, for new secrets.
func RandomSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// UUIDOrZero parses a uuid key argument; a bad one gives the zero uuid,
// which the key check reports as a missing key part.
func UUIDOrZero(s string) uuid.UUID {
	u, err := uuid.Parse(s)
	if err != nil {
		return uuid.UUID{}
	}
	return u
}

// NoAccount refuses a write to a table with an owner by a caller without an
// account.
func NoAccount(table string) error {
	return &web.Problem{Status: http.StatusForbidden, Code: "NotOwner", Message: table + ": only an account can write these rows (they belong to their owner)"}
}

// NotOwner is the refusal of a write to a row of another account.
func NotOwner(table string) error {
	return &web.Problem{Status: http.StatusForbidden, Code: "NotOwner", Message: table + ": the row belongs to another account"}
}

// QueryOf builds the query of a select given as a map of parameters (the
// built-in routes read them so): column conditions with _ops, and the
// control parameters, as the generated selects take them. A name that is
// neither is refused with the nearest one, never silently dropped (a
// misspelt condition would select every row).
func QueryOf[R any](t *db.Table[R], p map[string]string) (db.Query, error) {
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	sort.Strings(names) // the same SQL for the same request
	s := NewSelect(t.Name)
	var c Control
	for _, k := range names {
		v := p[k]
		var err error
		switch k {
		case "_ops":
			c.Ops = v
		case "_token":
			c.Token = v
		case "_select":
			c.Select = v
		case "_sort":
			c.Sort = v
		case "_count":
			if c.Count, err = strconv.Atoi(v); err != nil {
				return db.Query{}, db.Invalid(t.Name, "", "_count is not a number: %q", v)
			}
		case "_desc", "_total":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return db.Query{}, db.Invalid(t.Name, "", "%s is not a boolean: %q", k, v)
			}
			if k == "_desc" {
				c.Desc = b
			} else {
				c.Total = b
			}
		case "bk-signature", "bk-access-token":
		default:
			if t.Col(k) < 0 {
				cols := make([]string, 0, len(t.Columns))
				for _, col := range t.Columns {
					if !col.Secure {
						cols = append(cols, col.Name)
					}
				}
				hint := ""
				if best, ok := config.Nearest(k, cols); ok {
					hint = fmt.Sprintf("; did you mean %q?", best)
				}
				return db.Query{}, db.Invalid(t.Name, "", "no parameter %q%s", k, hint)
			}
			s.Str(k, v)
		}
	}
	return s.Query(c)
}
