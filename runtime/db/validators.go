package db

import (
	"errors"
	"regexp"
	"unicode/utf8"
)

// The validators of ent's field builders (MaxLen, Min, Match, ...), written
// again with the same checks and messages, so that the generated store
// builds a schema's validators without calling its Fields(): that call
// links code which makes the linker keep every exported method of the
// program (gen/fieldsrc.go). Validate wraps their errors with the table
// and column.

var (
	errTooLong      = errors.New("value is greater than the required length")
	errTooShort     = errors.New("value is less than the required length")
	errTooManyRunes = errors.New("value is greater than the required rune length")
	errTooFewRunes  = errors.New("value is less than the required rune length")
	errNoMatch      = errors.New("value does not match validation")
	errOutOfRange   = errors.New("value out of range")
)

// Number is a column type that ent's Min, Max and Range apply to.
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// MaxLen is ent's MaxLen: at most n bytes.
func MaxLen[T ~string | ~[]byte](n int) func(T) error {
	return func(v T) error {
		if len(v) > n {
			return errTooLong
		}
		return nil
	}
}

// MinLen is ent's MinLen (and NotEmpty, MinLen(1)): at least n bytes.
func MinLen[T ~string | ~[]byte](n int) func(T) error {
	return func(v T) error {
		if len(v) < n {
			return errTooShort
		}
		return nil
	}
}

// MaxRuneLen is ent's MaxRuneLen: at most n characters.
func MaxRuneLen(n int) func(string) error {
	return func(v string) error {
		if utf8.RuneCountInString(v) > n {
			return errTooManyRunes
		}
		return nil
	}
}

// MinRuneLen is ent's MinRuneLen: at least n characters.
func MinRuneLen(n int) func(string) error {
	return func(v string) error {
		if utf8.RuneCountInString(v) < n {
			return errTooFewRunes
		}
		return nil
	}
}

// MatchRegexp is ent's Match (db.Match is a query's).
func MatchRegexp(re *regexp.Regexp) func(string) error {
	return func(v string) error {
		if !re.MatchString(v) {
			return errNoMatch
		}
		return nil
	}
}

// Min is ent's Min (and Positive and NonNegative).
func Min[T Number](min T) func(T) error {
	return func(v T) error {
		if v < min {
			return errOutOfRange
		}
		return nil
	}
}

// Max is ent's Max (and Negative).
func Max[T Number](max T) func(T) error {
	return func(v T) error {
		if v > max {
			return errOutOfRange
		}
		return nil
	}
}

// Range is ent's Range: min ≤ v ≤ max.
func Range[T Number](min, max T) func(T) error {
	return func(v T) error {
		if v < min || v > max {
			return errOutOfRange
		}
		return nil
	}
}
