// Package sign implements backendjs request signatures (the bk-signature
// header, versions 1 to 4, spec §1) wire-compatibly, so existing backendjs
// clients keep working, with the holes closed on purpose: comparisons are
// constant-time, an expiry too far in the future is refused (runtime/auth,
// which checks requests), and version 1 (HMAC-SHA1) works only when enabled.
// Transport is the client side. The package imports only the standard
// library, so that a client (generated/client) does not link the server.
package sign

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// HeaderName is the header (and query parameter) that carries a signature.
const HeaderName = "bk-signature"

// MaxSignatureLen bounds the header: a real one is under 300 bytes.
const MaxSignatureLen = 2048

// Signature is a parsed bk-signature value:
// VERSION|TAG|LOGIN|HMAC|EXPIRES|CHECKSUM|
type Signature struct {
	Version  int
	Tag      string
	Login    string
	HMAC     string
	Expires  int64 // ms since the epoch
	Checksum string
}

// ErrMalformed is a signature that does not parse; the request then counts
// as having no login (417), as in backendjs.
var ErrMalformed = errors.New("malformed signature")

// Parse reads a bk-signature value: seven |-separated fields, version,
// login, hmac and expires not empty. Unlike backendjs's unanchored regexp,
// the whole value must be the seven fields.
func Parse(v string) (Signature, error) {
	if len(v) > MaxSignatureLen || !utf8.ValidString(v) {
		return Signature{}, ErrMalformed
	}
	f := strings.Split(v, "|")
	if len(f) != 7 {
		return Signature{}, ErrMalformed
	}
	ver, err := strconv.Atoi(f[0])
	if err != nil || ver < 1 || ver > 9 {
		return Signature{}, ErrMalformed
	}
	login := strings.TrimSpace(f[2])
	exp, err := strconv.ParseInt(f[4], 10, 64)
	if login == "" || f[3] == "" || err != nil || exp <= 0 {
		return Signature{}, ErrMalformed
	}
	return Signature{Version: ver, Tag: f[1], Login: login, HMAC: f[3], Expires: exp, Checksum: f[5]}, nil
}

// String formats the signature as the header value.
func (s Signature) String() string {
	return strconv.Itoa(s.Version) + "|" + s.Tag + "|" + s.Login + "|" + s.HMAC + "|" + strconv.FormatInt(s.Expires, 10) + "|" + s.Checksum + "|"
}

// Request is what a signature covers, taken from an HTTP request.
type Request struct {
	Method      string
	Host        string // the Host header; the port is dropped and it is lowercased
	Path        string // the raw (still percent-encoded) path
	Query       string // the raw query, or the raw body of a form POST
	ContentType string // the full Content-Type header; lowercased
}

// Host lowercases a Host header and drops its port.
func Host(h string) string {
	if strings.HasPrefix(h, "[") { // IPv6 literal
		if i := strings.Index(h, "]"); i > 0 {
			return strings.ToLower(h[:i+1])
		}
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	return strings.ToLower(h)
}

// Domain is backendjs's domainName: the host without its first label when
// it has more than two (www.example.com → example.com; 127.0.0.1 → 0.0.1,
// a quirk kept for compatibility).
func Domain(host string) string {
	host = Host(host)
	parts := strings.Split(host, ".")
	if len(parts) > 2 {
		return strings.Join(parts[1:], ".")
	}
	return host
}

// CanonicalQuery is the query as signed: split on &, empty pieces and
// bk-signature pieces dropped, sorted as whole name=value strings, joined;
// nothing is decoded (+ and %2B differ).
func CanonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	keep := parts[:0]
	for _, p := range parts {
		if p != "" && !strings.HasPrefix(p, HeaderName) {
			keep = append(keep, p)
		}
	}
	sort.Strings(keep)
	return strings.Join(keep, "&")
}

// Canonical is the string a signature's HMAC covers (spec §1.2).
func Canonical(s Signature, r Request) string {
	exp := strconv.FormatInt(s.Expires, 10)
	var b strings.Builder
	// one allocation: the fields, their newlines and some room for the
	// canonical forms of the host and query
	b.Grow(len(s.Tag) + len(s.Login) + len(r.Method) + len(r.Host) + len(r.Path) + len(r.Query) + len(r.ContentType) + len(s.Checksum) + len(exp) + 16)
	line := func(v string) { b.WriteString(v); b.WriteByte('\n') }
	switch s.Version {
	case 1:
		for _, v := range []string{r.Method, Host(r.Host), r.Path, CanonicalQuery(r.Query), exp, strings.ToLower(r.ContentType), s.Checksum} {
			line(v)
		}
	case 2, 3:
		for _, v := range []string{strconv.Itoa(s.Version), s.Tag, s.Login, "*", Domain(r.Host), "/", "*", exp, "*", "*"} {
			line(v)
		}
	default:
		for _, v := range []string{strconv.Itoa(s.Version), s.Tag, s.Login, r.Method, Host(r.Host), r.Path, CanonicalQuery(r.Query), exp, strings.ToLower(r.ContentType), s.Checksum} {
			line(v)
		}
	}
	return b.String()
}

// Key is the HMAC key of an account for a signature version: the secret;
// secret:auth_secret for version 4 when the account has one;
// secret:token_secret for version 3 (access tokens).
func Key(version int, secret, authSecret, tokenSecret string) string {
	switch {
	case version == 3:
		return secret + ":" + tokenSecret
	case version == 4 && authSecret != "":
		return secret + ":" + authSecret
	}
	return secret
}

// Compute returns the base64 HMAC of the canonical string: SHA-1 for
// version 1, SHA-256 otherwise.
func Compute(s Signature, r Request, key string) string {
	var h func() hash.Hash = sha256.New
	if s.Version == 1 {
		h = sha1.New
	}
	m := hmac.New(h, []byte(key))
	m.Write([]byte(Canonical(s, r)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Sign fills s.HMAC for request r with key.
func Sign(s Signature, r Request, key string) Signature {
	s.HMAC = Compute(s, r, key)
	return s
}

// Valid reports, in constant time, whether s was signed for r with key.
func Valid(s Signature, r Request, key string) bool {
	return hmac.Equal([]byte(Compute(s, r, key)), []byte(s.HMAC))
}

// Checksum is the body checksum of a signature: base64(SHA-1(body)).
func Checksum(body []byte) string {
	sum := sha1.Sum(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Equal compares two secrets or checksums in constant time.
func Equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }
