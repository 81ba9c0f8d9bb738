package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
)

// Sessions (signature version 2) and access tokens (version 3) carry a
// signature made for the account when it logged in. They are sealed with
// AES-256-GCM (ours on purpose: backendjs used AES-192-CBC with an MD5 key
// and no integrity), so a client can neither read nor forge one. The
// signature inside still has to verify against the account, so changing
// the account's secret ends its sessions, and changing its token_secret
// ends its access tokens.

// Sealer encrypts and authenticates session cookies or access tokens.
type Sealer struct{ aead cipher.AEAD }

// NewSealer derives the AES key from secret.
func NewSealer(secret string) *Sealer {
	key := sha256.Sum256([]byte("bkgen seal\x00" + secret))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic(err) // a 32-byte key never fails
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &Sealer{aead: aead}
}

// Seal returns base64url(nonce ‖ ciphertext) of s.
func (x *Sealer) Seal(s sign.Signature) string {
	nonce := make([]byte, x.aead.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(x.aead.Seal(nonce, nonce, []byte(s.String()), nil))
}

// ErrBadSeal is a token or cookie that was not sealed by this server.
var ErrBadSeal = errors.New("invalid token")

// Open returns the signature sealed in v.
func (x *Sealer) Open(v string) (sign.Signature, error) {
	if len(v) > 2*sign.MaxSignatureLen {
		return sign.Signature{}, ErrBadSeal
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	n := x.aead.NonceSize()
	if err != nil || len(b) < n+x.aead.Overhead() {
		return sign.Signature{}, ErrBadSeal
	}
	plain, err := x.aead.Open(nil, b[:n], b[n:], nil)
	if err != nil {
		return sign.Signature{}, ErrBadSeal
	}
	return sign.Parse(string(plain))
}

// Issue makes the version 2 (session) or 3 (access token) signature of acc
// for host, valid for age.
//
// The tag holds the time of issue (ms), checked against the account's
// session_epoch: /logout ends the sessions issued before it.
func Issue(version int, acc *Account, host string, age time.Duration, now time.Time) sign.Signature {
	s := sign.Signature{Version: version, Tag: strconv.FormatInt(now.UnixMilli(), 10), Login: acc.Login, Expires: now.Add(age).UnixMilli()}
	return sign.Sign(s, sign.Request{Host: host}, sign.Key(version, acc.Secret, acc.AuthSecret, acc.TokenSecret))
}
