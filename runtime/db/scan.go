package db

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// Scan targets used by generated Dest functions. Each is a struct holding one
// pointer, so boxing it in an interface allocates nothing. Each implements
// database/sql's Scanner (SQLite: avoids database/sql's reflection fallback)
// and pgx's typed scanner interfaces (PostgreSQL: binary decoding, no text
// round trip). NULL reads as the zero value; the N* variants hold pointers
// and read NULL as nil.

// Str scans text into a string.
type Str struct{ P *string }

func (d Str) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*d.P = ""
	case string:
		*d.P = x
	case []byte:
		*d.P = string(x)
	default:
		return fmt.Errorf("cannot scan %T into string", src)
	}
	return nil
}
func (d Str) ScanText(v pgtype.Text) error { *d.P = v.String; return nil }

// NStr scans nullable text into a *string.
type NStr struct{ P **string }

func (d NStr) Scan(src any) error {
	if src == nil {
		*d.P = nil
		return nil
	}
	var s string
	if err := (Str{&s}).Scan(src); err != nil {
		return err
	}
	*d.P = &s
	return nil
}
func (d NStr) ScanText(v pgtype.Text) error {
	if !v.Valid {
		*d.P = nil
		return nil
	}
	s := v.String
	*d.P = &s
	return nil
}

// Integer is every Go integer type a column may have.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32
}

func toInt64(src any) (int64, bool, error) {
	switch x := src.(type) {
	case nil:
		return 0, false, nil
	case int64:
		return x, true, nil
	case float64:
		return int64(x), true, nil
	case bool:
		if x {
			return 1, true, nil
		}
		return 0, true, nil
	case []byte:
		n, err := strconv.ParseInt(string(x), 10, 64)
		return n, true, err
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, true, err
	}
	return 0, false, fmt.Errorf("cannot scan %T into an integer", src)
}

// Int scans an integer.
type Int[T Integer] struct{ P *T }

func (d Int[T]) Scan(src any) error {
	n, _, err := toInt64(src)
	*d.P = T(n)
	return err
}
func (d Int[T]) ScanInt64(v pgtype.Int8) error { *d.P = T(v.Int64); return nil }

// NInt scans a nullable integer.
type NInt[T Integer] struct{ P **T }

func (d NInt[T]) Scan(src any) error {
	n, ok, err := toInt64(src)
	if !ok || err != nil {
		*d.P = nil
		return err
	}
	v := T(n)
	*d.P = &v
	return nil
}
func (d NInt[T]) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		*d.P = nil
		return nil
	}
	x := T(v.Int64)
	*d.P = &x
	return nil
}

// Floating is every Go float type a column may have.
type Floating interface{ ~float32 | ~float64 }

func toFloat(src any) (float64, bool, error) {
	switch x := src.(type) {
	case nil:
		return 0, false, nil
	case float64:
		return x, true, nil
	case int64:
		return float64(x), true, nil
	case []byte:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, true, err
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, true, err
	}
	return 0, false, fmt.Errorf("cannot scan %T into a float", src)
}

// Float scans a floating-point number.
type Float[T Floating] struct{ P *T }

func (d Float[T]) Scan(src any) error {
	f, _, err := toFloat(src)
	*d.P = T(f)
	return err
}
func (d Float[T]) ScanFloat64(v pgtype.Float8) error { *d.P = T(v.Float64); return nil }

// NFloat scans a nullable floating-point number.
type NFloat[T Floating] struct{ P **T }

func (d NFloat[T]) Scan(src any) error {
	f, ok, err := toFloat(src)
	if !ok || err != nil {
		*d.P = nil
		return err
	}
	v := T(f)
	*d.P = &v
	return nil
}
func (d NFloat[T]) ScanFloat64(v pgtype.Float8) error {
	if !v.Valid {
		*d.P = nil
		return nil
	}
	x := T(v.Float64)
	*d.P = &x
	return nil
}

// Bool scans a boolean (SQLite keeps 0/1).
type Bool struct{ P *bool }

func (d Bool) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*d.P = false
	case bool:
		*d.P = x
	default:
		n, _, err := toInt64(src)
		if err != nil {
			return err
		}
		*d.P = n != 0
	}
	return nil
}
func (d Bool) ScanBool(v pgtype.Bool) error { *d.P = v.Bool; return nil }

// NBool scans a nullable boolean.
type NBool struct{ P **bool }

func (d NBool) Scan(src any) error {
	if src == nil {
		*d.P = nil
		return nil
	}
	var b bool
	if err := (Bool{&b}).Scan(src); err != nil {
		return err
	}
	*d.P = &b
	return nil
}
func (d NBool) ScanBool(v pgtype.Bool) error {
	if !v.Valid {
		*d.P = nil
		return nil
	}
	b := v.Bool
	*d.P = &b
	return nil
}

// ToTime reads a time as a database returns it (time.Time, or text in one
// of the layouts the backends write); ok false for NULL.
func ToTime(src any) (time.Time, bool, error) {
	switch x := src.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return x.UTC(), true, nil
	case string:
		t, err := time.Parse(TimeFormat, x)
		if err != nil {
			t, err = time.Parse(time.RFC3339Nano, x)
		}
		return t.UTC(), true, err
	case []byte:
		return ToTime(string(x))
	}
	return time.Time{}, false, fmt.Errorf("cannot scan %T into a time", src)
}

// TimeDest scans a time (SQLite keeps TimeFormat text).
type TimeDest struct{ P *time.Time }

func (d TimeDest) Scan(src any) error {
	t, _, err := ToTime(src)
	*d.P = t
	return err
}
func (d TimeDest) ScanTimestamptz(v pgtype.Timestamptz) error { *d.P = v.Time.UTC(); return nil }

// NTime scans a nullable time.
type NTime struct{ P **time.Time }

func (d NTime) Scan(src any) error {
	t, ok, err := ToTime(src)
	if !ok || err != nil {
		*d.P = nil
		return err
	}
	x := t // a copy: &t would put t on the heap for a NULL too
	*d.P = &x
	return nil
}
func (d NTime) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		*d.P = nil
		return nil
	}
	t := v.Time.UTC()
	*d.P = &t
	return nil
}

// Bytes scans binary data; the bytes are copied out of driver memory.
type Bytes struct{ P *[]byte }

func (d Bytes) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*d.P = nil
	case []byte:
		*d.P = append([]byte(nil), x...)
	case string:
		*d.P = []byte(x)
	default:
		return fmt.Errorf("cannot scan %T into bytes", src)
	}
	return nil
}
func (d Bytes) ScanBytes(v []byte) error {
	if v == nil {
		*d.P = nil
		return nil
	}
	*d.P = append([]byte{}, v...)
	return nil
}

// JSON scans JSON text into any Go value with encoding/json; NULL leaves
// the zero value.
type JSON[T any] struct{ P *T }

func (d JSON[T]) Scan(src any) error {
	var zero T
	*d.P = zero
	switch x := src.(type) {
	case nil:
		return nil
	case string:
		return json.Unmarshal([]byte(x), d.P)
	case []byte:
		return json.Unmarshal(x, d.P)
	}
	return fmt.Errorf("cannot scan %T into JSON", src)
}
func (d JSON[T]) ScanText(v pgtype.Text) error {
	var zero T
	*d.P = zero
	if !v.Valid {
		return nil
	}
	return json.Unmarshal([]byte(v.String), d.P)
}

// UUID scans text into a uuid.UUID (zero for NULL).
type UUID struct{ P *uuid.UUID }

func (d UUID) Scan(src any) error {
	var s string
	if err := (Str{&s}).Scan(src); err != nil || s == "" {
		*d.P = uuid.UUID{}
		return err
	}
	u, err := uuid.Parse(s)
	*d.P = u
	return err
}
func (d UUID) ScanText(v pgtype.Text) error { return d.Scan(nilIfInvalid(v)) }

// NUUID scans nullable text into a *uuid.UUID.
type NUUID struct{ P **uuid.UUID }

func (d NUUID) Scan(src any) error {
	if src == nil {
		*d.P = nil
		return nil
	}
	var u uuid.UUID
	if err := (UUID{&u}).Scan(src); err != nil {
		return err
	}
	*d.P = &u
	return nil
}
func (d NUUID) ScanText(v pgtype.Text) error { return d.Scan(nilIfInvalid(v)) }

func nilIfInvalid(v pgtype.Text) any {
	if !v.Valid {
		return nil
	}
	return v.String
}
