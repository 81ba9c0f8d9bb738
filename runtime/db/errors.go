package db

import (
	"errors"
	"fmt"
	"net/http"
)

// Errors every backend returns for the same situation. Wrap-aware: test them
// with errors.Is.
var (
	// ErrNotFound: Get found no row with that key.
	ErrNotFound = &Error{Status: http.StatusNotFound, Code: "NotFound", Message: "record not found"}
	// ErrExists: Add found a row with that key (or a unique index value).
	ErrExists = &Error{Status: http.StatusConflict, Code: "AlreadyExists", Message: "record already exists"}
	// ErrUnsupported: the backend cannot do what was asked; never silently ignored.
	ErrUnsupported = &Error{Status: http.StatusBadRequest, Code: "Unsupported", Message: "operation not supported"}
	// ErrBadToken: a page token that was not issued by this table and query, or was altered.
	ErrBadToken = &Error{Status: http.StatusBadRequest, Code: "InvalidToken", Message: "invalid page token"}
)

// Error is an error with the HTTP status and code the API layers reply with.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is matches any *Error with the same code, so that errors built with
// Unsupportedf still satisfy errors.Is(err, ErrUnsupported).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Unsupportedf returns an ErrUnsupported carrying the reason.
func Unsupportedf(format string, args ...any) error {
	return &Error{Status: ErrUnsupported.Status, Code: ErrUnsupported.Code, Message: fmt.Sprintf(format, args...)}
}

// ValidationError reports input that breaks the schema: a wrong type, an
// unknown column, a value over the maximum length, a missing key part, …
type ValidationError struct {
	Table  string
	Column string // empty when the error is not about one column
	Msg    string
}

func (e *ValidationError) Error() string {
	switch {
	case e.Column != "":
		return e.Table + "." + e.Column + ": " + e.Msg
	case e.Table != "":
		return e.Table + ": " + e.Msg
	}
	return e.Msg
}

// Invalid builds a ValidationError.
func Invalid(table, column, format string, args ...any) error {
	return &ValidationError{Table: table, Column: column, Msg: fmt.Sprintf(format, args...)}
}

// MissingKey reports an empty primary-key part.
func MissingKey(table, column string) error {
	return &ValidationError{Table: table, Column: column, Msg: "primary key part is missing"}
}

// HTTPStatus maps an error from this package to an HTTP status and a code for
// the one error shape {"status","message","code"}; other errors are 500.
func HTTPStatus(err error) (status int, code string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Status, e.Code
	}
	var v *ValidationError
	if errors.As(err, &v) {
		return http.StatusBadRequest, "InvalidValue"
	}
	return http.StatusInternalServerError, "Error"
}
