// Package auth checks who makes a request: backendjs signatures (computed by
// runtime/sign), sessions and access tokens, against the accounts; the path
// rules of an account; and /auth, /login and /logout.
package auth
