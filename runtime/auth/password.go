package auth

import (
	"errors"

	"golang.org/x/crypto/bcrypt"
)

// Passwords are optional: an account always has a secret (the HMAC key of
// its signatures, which must stay readable), and may also have a password
// for /login, kept only as a bcrypt hash.

// MinPassword is the shortest password accepted.
const MinPassword = 8

// HashPassword returns the bcrypt hash of a password.
func HashPassword(pw string) (string, error) {
	if len(pw) < MinPassword {
		return "", errors.New("the password must have at least 8 characters")
	}
	if len(pw) > 72 { // bcrypt's limit; longer ones would be cut silently
		return "", errors.New("the password must have at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}

// dummyHash is compared when the login is unknown or has no password, so
// that the reply takes the same time either way. It is a constant (the hash
// of "bkgen timing equaliser" at bcrypt.DefaultCost): making it at init cost
// every process start, shell commands included, 60 ms.
var dummyHash = []byte("$2a$10$DTBUqq4B2aCrWgxK4CDJmO.PIcfV5JgYbaMLO11Hr7G9ads1ivZwy")

// CheckPassword reports whether pw matches hash (empty: no password).
func CheckPassword(hash, pw string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
