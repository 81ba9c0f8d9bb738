package db

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Op is a condition operator of Select, DelAll, UpdateAll and Update's
// expected conditions.
type Op string

const (
	OpEq          Op = "eq"
	OpNe          Op = "ne"
	OpGt          Op = "gt"
	OpGe          Op = "ge"
	OpLt          Op = "lt"
	OpLe          Op = "le"
	OpIn          Op = "in"
	OpBetween     Op = "between"
	OpBeginsWith  Op = "begins_with"
	OpContains    Op = "contains"
	OpNotContains Op = "not_contains"
	OpNull        Op = "null"
	OpNotNull     Op = "not_null"
)

// Ops lists every operator, in documentation order.
var Ops = []Op{OpEq, OpNe, OpGt, OpGe, OpLt, OpLe, OpIn, OpBetween, OpBeginsWith, OpContains, OpNotContains, OpNull, OpNotNull}

// ParseOp accepts an operator name, its backendjs aliases ("=", "<>", "!=",
// ">", ">=", "<", "<=", "like%", "not contains", "null", "not null") included.
func ParseOp(s string) (Op, error) {
	switch s {
	case "eq", "=", "":
		return OpEq, nil
	case "ne", "<>", "!=":
		return OpNe, nil
	case "gt", ">":
		return OpGt, nil
	case "ge", ">=":
		return OpGe, nil
	case "lt", "<":
		return OpLt, nil
	case "le", "<=":
		return OpLe, nil
	case "in":
		return OpIn, nil
	case "between":
		return OpBetween, nil
	case "begins_with", "like%":
		return OpBeginsWith, nil
	case "contains":
		return OpContains, nil
	case "not_contains", "not contains":
		return OpNotContains, nil
	case "null":
		return OpNull, nil
	case "not_null", "not null":
		return OpNotNull, nil
	}
	return "", &ValidationError{Msg: fmt.Sprintf("unknown operator %q", s)}
}

// Cond is one condition: column Col compared with Values by Op. Values are Go
// values of the column's type, or strings that parse as one (the API layers
// pass query-string values through unchanged and get a ValidationError back).
// A zero value — 0, "" or false — is a real condition.
type Cond struct {
	Col    string
	Op     Op
	Values []any
}

// Query is the input of Select.
type Query struct {
	Where  []Cond
	Count  int      // page size; 0 means DefaultCount, more than MaxCount is an error
	Token  string   // next_token of the previous page
	Sort   string   // column to order by; default: the primary key
	Desc   bool     // descending order
	Select []string // columns to read; key and sort columns are always read
	Total  bool     // count matching rows instead of returning them
}

const (
	DefaultCount = 50
	MaxCount     = 1000
)

// Page is one page of Select results.
type Page[R any] struct {
	Rows  []R
	Next  string // empty on the last page
	Total int64  // with Query.Total only
}

// Field is a typed column handle used to build conditions:
//
//	store.TodoCols.Name.Eq("milk")
type Field[T any] struct{ Name string }

func (f Field[T]) cond(op Op, vs ...T) Cond {
	c := Cond{Col: f.Name, Op: op, Values: make([]any, len(vs))}
	for i, v := range vs {
		c.Values[i] = v
	}
	return c
}

func (f Field[T]) Eq(v T) Cond           { return f.cond(OpEq, v) }
func (f Field[T]) Ne(v T) Cond           { return f.cond(OpNe, v) }
func (f Field[T]) Gt(v T) Cond           { return f.cond(OpGt, v) }
func (f Field[T]) Ge(v T) Cond           { return f.cond(OpGe, v) }
func (f Field[T]) Lt(v T) Cond           { return f.cond(OpLt, v) }
func (f Field[T]) Le(v T) Cond           { return f.cond(OpLe, v) }
func (f Field[T]) In(vs ...T) Cond       { return f.cond(OpIn, vs...) }
func (f Field[T]) Between(lo, hi T) Cond { return f.cond(OpBetween, lo, hi) }
func (f Field[T]) BeginsWith(p string) Cond {
	return Cond{Col: f.Name, Op: OpBeginsWith, Values: []any{p}}
}
func (f Field[T]) Contains(s string) Cond { return Cond{Col: f.Name, Op: OpContains, Values: []any{s}} }
func (f Field[T]) NotContains(s string) Cond {
	return Cond{Col: f.Name, Op: OpNotContains, Values: []any{s}}
}
func (f Field[T]) IsNull() Cond  { return Cond{Col: f.Name, Op: OpNull} }
func (f Field[T]) NotNull() Cond { return Cond{Col: f.Name, Op: OpNotNull} }

// Opt is an optional assignment in a generated Changes struct: only fields
// with Set true are written by Update.
type Opt[T any] struct {
	Val T
	Set bool
}

// Some returns an Opt that sets the column to v.
func Some[T any](v T) Opt[T] { return Opt[T]{Val: v, Set: true} }

// SomeIf is Some(v) when ok, else an Opt that leaves the column alone.
func SomeIf[T any](ok bool, v T) Opt[T] {
	if !ok {
		return Opt[T]{}
	}
	return Opt[T]{Val: v, Set: true}
}

// Into is how a generated store reads a change: when o is set, its value
// goes into the row's field and col onto sets (a line per column, and one
// instantiation per Go type rather than a block per column of every table).
func (o Opt[T]) Into(field *T, sets []Set, col int) []Set {
	if !o.Set {
		return sets
	}
	*field = o.Val
	return append(sets, Set{Col: col})
}

// CheckText refuses text that not every database can store: PostgreSQL
// rejects NUL bytes and invalid UTF-8 where SQLite would keep them, so both
// are a ValidationError everywhere.
func CheckText(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if strings.IndexByte(s, 0) >= 0 {
		return errors.New("text may not contain NUL bytes")
	}
	if !utf8.ValidString(s) {
		return errors.New("text is not valid UTF-8")
	}
	return nil
}

// CheckTexts runs CheckText on the canonical values of a whole row (by
// column position) and names the column of the first it refuses.
func (t *Schema) CheckTexts(vals []any) error {
	for c, v := range vals {
		if err := CheckText(v); err != nil {
			return &ValidationError{Table: t.Name, Column: t.Columns[c].Name, Msg: err.Error()}
		}
	}
	return nil
}

// Rows is what pgx.Rows and *sql.Rows have in common.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanRows scans every row into the targets next returns for it.
func ScanRows(rows Rows, next func() []any) error {
	for rows.Next() {
		if err := rows.Scan(next()...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ValuesString is a map key for a list of canonical values (a row key).
func ValuesString(vals []any) string {
	var b strings.Builder
	for _, v := range vals {
		b.WriteString(fmt.Sprintf("%T:%v\x00", v, v))
	}
	return b.String()
}

// Selectable reports which operators apply to a kind: a condition outside
// this list is a ValidationError on every backend.
func opAllowed(k Kind, op Op) bool {
	switch op {
	case OpNull, OpNotNull:
		return true
	case OpBeginsWith, OpContains, OpNotContains:
		return k == KindString
	case OpGt, OpGe, OpLt, OpLe, OpBetween:
		return k == KindString || k == KindInt || k == KindFloat || k == KindTime
	case OpEq, OpNe, OpIn:
		return k != KindJSON
	}
	return false
}

// Cond validates c against the table: the column exists, the operator fits
// its kind and the values are of its type. It returns the column position and
// canonical values.
func (t *Schema) Cond(c Cond) (int, []any, error) {
	col := t.Col(c.Col)
	if col < 0 {
		return 0, nil, Invalid(t.Name, "", "unknown column %q", c.Col)
	}
	k := t.Columns[col].Kind
	op := c.Op
	if op == "" {
		op = OpEq
	}
	if !opAllowed(k, op) {
		return 0, nil, Invalid(t.Name, c.Col, "operator %s does not apply to a %s column", op, k)
	}
	want := 1
	switch op {
	case OpNull, OpNotNull:
		want = 0
	case OpBetween:
		want = 2
	case OpIn:
		if len(c.Values) == 0 {
			return 0, nil, Invalid(t.Name, c.Col, "operator in needs at least one value")
		}
		if len(c.Values) > MaxCount {
			return 0, nil, Invalid(t.Name, c.Col, "operator in takes at most %d values", MaxCount)
		}
		want = len(c.Values)
	}
	if len(c.Values) != want {
		return 0, nil, Invalid(t.Name, c.Col, "operator %s needs %d value(s), got %d", op, want, len(c.Values))
	}
	vals := make([]any, len(c.Values))
	for i, v := range c.Values {
		if v == nil {
			return 0, nil, Invalid(t.Name, c.Col, "a nil value: use the null operator")
		}
		cv, err := canon(k, v)
		if err == nil {
			err = CheckText(cv)
		}
		if err != nil {
			return 0, nil, Invalid(t.Name, c.Col, "%v", err)
		}
		vals[i] = cv
	}
	return col, vals, nil
}
