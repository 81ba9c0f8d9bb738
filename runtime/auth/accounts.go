package auth

import (
	"context"
	"errors"
	"strings"
)

// What the signature check needs of the accounts (bk_auth).

// Account is what the signature check needs of a bk_auth row.
type Account struct {
	ID, Login, Name, Type string
	Secret                string
	AuthSecret            string
	TokenSecret           string
	PasswordHash          string // bcrypt; empty when the account has no password
	Expires               int64  // ms; 0 never
	SessionEpoch          int64  // ms; sessions issued before it are over (/logout)
}

// Types returns the account's comma-separated types.
func (a *Account) Types() []string {
	var out []string
	for _, t := range strings.Split(a.Type, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// IsAdmin reports the admin type.
func (a *Account) IsAdmin() bool { return a.HasType("admin") }

// HasType reports whether typ is one of the account's types, without
// splitting them (it runs on every request).
func (a *Account) HasType(typ string) bool {
	for rest := a.Type; rest != ""; {
		var t string
		t, rest, _ = strings.Cut(rest, ",")
		if strings.TrimSpace(t) == typ {
			return true
		}
	}
	return false
}

// ErrNoAccount is returned by an Accounts for an unknown login.
var ErrNoAccount = errors.New("no such account")

// Accounts reads and writes bk_auth; generated code provides it.
type Accounts interface {
	Get(ctx context.Context, login string) (*Account, error)
	Put(ctx context.Context, a *Account) error
	Del(ctx context.Context, login string) error
	List(ctx context.Context) ([]Account, error)
}
