package rest

import (
	"time"

	"github.com/go-faster/jx"
)

// The field writers of the generated encoders (generated/rest's tEncode):
// a column's field when the policy shows it, a null value left out. One
// line per column in every table's encoder instead of an if block each.

// FieldStr writes the string field name when shown.
func FieldStr(e *jx.Encoder, shown bool, name, v string) {
	if shown {
		e.FieldStart(name)
		e.Str(v)
	}
}

// FieldInt writes the integer field name when shown.
func FieldInt(e *jx.Encoder, shown bool, name string, v int64) {
	if shown {
		e.FieldStart(name)
		e.Int64(v)
	}
}

// FieldFloat writes the number field name when shown.
func FieldFloat(e *jx.Encoder, shown bool, name string, v float64) {
	if shown {
		e.FieldStart(name)
		e.Float64(v)
	}
}

// FieldBool writes the boolean field name when shown.
func FieldBool(e *jx.Encoder, shown bool, name string, v bool) {
	if shown {
		e.FieldStart(name)
		e.Bool(v)
	}
}

// FieldTime writes the time field name when shown (EncodeTime).
func FieldTime(e *jx.Encoder, shown bool, name string, v time.Time) {
	if shown {
		e.FieldStart(name)
		EncodeTime(e, v)
	}
}

// FieldBytes writes the base64 field name when shown and not null.
func FieldBytes(e *jx.Encoder, shown bool, name string, v []byte) {
	if shown && v != nil {
		e.FieldStart(name)
		e.Base64(v)
	}
}

// FieldNStr writes the nullable string field name when shown and not null.
func FieldNStr(e *jx.Encoder, shown bool, name string, p *string) {
	if shown && p != nil {
		FieldStr(e, true, name, *p)
	}
}

// FieldNInt writes the nullable integer field name when shown and not null.
func FieldNInt(e *jx.Encoder, shown bool, name string, p *int64) {
	if shown && p != nil {
		FieldInt(e, true, name, *p)
	}
}

// FieldNFloat writes the nullable number field name when shown and not null.
func FieldNFloat(e *jx.Encoder, shown bool, name string, p *float64) {
	if shown && p != nil {
		FieldFloat(e, true, name, *p)
	}
}

// FieldNBool writes the nullable boolean field name when shown and not null.
func FieldNBool(e *jx.Encoder, shown bool, name string, p *bool) {
	if shown && p != nil {
		FieldBool(e, true, name, *p)
	}
}

// FieldNTime writes the nullable time field name when shown and not null.
func FieldNTime(e *jx.Encoder, shown bool, name string, p *time.Time) {
	if shown && p != nil {
		FieldTime(e, true, name, *p)
	}
}
