package auth

import (
	"context"
)

// Who is calling, as the handlers see it.

type ctxKey struct{}

// FromContext returns the account of a signed request, or nil.
func FromContext(ctx context.Context) *Account {
	a, _ := ctx.Value(ctxKey{}).(*Account)
	return a
}

// WithAccount returns ctx carrying a.
func WithAccount(ctx context.Context, a *Account) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// Viewer is who reads a reply, for column visibility.
type Viewer struct {
	ID    string // the account id; empty on open paths
	Admin bool
}

// ViewerOf returns the viewer of a request's context.
func ViewerOf(ctx context.Context) Viewer {
	if a := FromContext(ctx); a != nil {
		return Viewer{ID: a.ID, Admin: a.IsAdmin()}
	}
	return Viewer{}
}
