package db

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Errors every backend returns for the same situation. Wrap-aware: test them
// with errors.Is.
var (
	// ErrNotFound: Get found no row with that key.
	ErrNotFound = &Error{Code: "NotFound", Message: "record not found"}
	// ErrExists: Add found a row with that key (or a unique index value).
	ErrExists = &Error{Code: "AlreadyExists", Message: "record already exists"}
	// ErrUnsupported: the backend cannot do what was asked; never silently ignored.
	ErrUnsupported = &Error{Code: "Unsupported", Message: "operation not supported"}
	// ErrCondition: a conditional write (Put or Incr with expected
	// conditions) found the row there and not matching them; nothing was
	// written.
	ErrCondition = &Error{Code: "ConditionFailed", Message: "the row does not match the expected conditions"}
	// ErrUnavailable: the database does not answer (down, unreachable,
	// restarting, out of connections); the request may succeed later.
	ErrUnavailable = &Error{Code: "Unavailable", Message: "the database is unavailable, try again shortly"}
	// ErrOverflow: an increment would take a counter past the 64-bit
	// integer range; nothing was written.
	ErrOverflow = &Error{Code: "Overflow", Message: "the counter would go past the 64-bit integer range"}
	// ErrRefused: an application rule (a row hook) refused the write or
	// the read; Refuse gives the reason.
	ErrRefused = &Error{Code: "Refused", Message: "refused"}
	// ErrBadToken: a page token that was not issued by this table and query, or was altered.
	ErrBadToken = &Error{Code: "InvalidToken", Message: "invalid page token"}
)

// Error is a storage error: a code (the vocabulary every backend shares)
// and a message safe to show. It carries no HTTP status: the web layer
// decides that from the code (web.ErrorOf), as PocketBase's apis does.
type Error struct {
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
	return &Error{Code: ErrUnsupported.Code, Message: fmt.Sprintf(format, args...)}
}

// Refuse returns an ErrRefused carrying the reason, in words the caller may
// read: what a row hook returns to refuse a write (a 403 over HTTP).
func Refuse(format string, args ...any) error {
	return &Error{Code: ErrRefused.Code, Message: fmt.Sprintf(format, args...)}
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

// Unavailable is the error of an operation (what: "get todo (dynamodb)")
// that failed because the database did not answer (Outage).
func Unavailable(what string, err error) error { return &unavailable{what: what, err: err} }

// unavailable is an operation that failed because the database did not
// answer. It is ErrUnavailable to errors.Is and errors.As (so the API replies
// 503 with ErrUnavailable's message, never the driver's), and keeps the
// driver's error for the log.
type unavailable struct {
	what string // "get todo (pgsql)"
	err  error
}

func (u *unavailable) Error() string   { return u.what + ": database unavailable: " + u.err.Error() }
func (u *unavailable) Unwrap() []error { return []error{ErrUnavailable, u.err} }

// Outage reports whether err means that the database could not be reached
// or cannot serve now, rather than that the request was wrong.
func Outage(err error) bool {
	var ne net.Error
	var pe *pgconn.PgError
	var ce *pgconn.ConnectError
	switch {
	case errors.As(err, &pe):
		// 08: connection exception; 53: insufficient resources; 57P: shutdown
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "53") || strings.HasPrefix(pe.Code, "57P")
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), pgconn.Timeout(err):
		return true
	}
	msg := err.Error()
	// SQLite busy or locked past its timeout; a closed pgx pool
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "closed pool")
}
