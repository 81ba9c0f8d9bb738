package db

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"math"
	"sync"
	"time"
)

// Page tokens are opaque and tamper-proof: base64url(nonce ‖ AES-256-GCM
// sealed payload), with the scope (table, sort column, direction) as the
// additional data. The payload holds the sort and key values of the last
// row of the page (keyset paging: no gap and no duplicate while rows come
// and go). It is encrypted, not only authenticated, because the sort value
// may be a column the caller cannot read: a readable token sorted by it
// would hand that column out row by row. A token altered, or made for
// another table or order, is ErrBadToken.
//
// The payload is a compact binary encoding, one tagged value per order
// column, so that neither side needs reflection.

const (
	maxTokenLen = 4096

	tagNil byte = iota
	tagString
	tagInt
	tagFloat
	tagFalse
	tagTrue
	tagTime
	tagBytes
)

var aeads sync.Map // string(secret) -> cipher.AEAD (safe for concurrent use)

// tokenAEAD returns the cipher of secret; the key is SHA-256 of a label and
// the secret, so that a secret of any length gives an AES-256 key and the
// page-token key is not the key of anything else made from the same secret.
func tokenAEAD(secret []byte) cipher.AEAD {
	if a, ok := aeads.Load(string(secret)); ok {
		return a.(cipher.AEAD)
	}
	key := sha256.Sum256(append([]byte("bkgen page token\x00"), secret...))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	v, _ := aeads.LoadOrStore(string(secret), a)
	return v.(cipher.AEAD)
}

func encodeToken(secret []byte, scope string, vals []any) (string, error) {
	a := tokenAEAD(secret)
	ns := a.NonceSize()
	buf, err := appendValues(make([]byte, ns, 64), vals)
	if err != nil {
		return "", err
	}
	if _, err := rand.Read(buf[:ns]); err != nil {
		return "", err
	}
	out := a.Seal(buf[:ns], buf[:ns], buf[ns:], []byte(scope))
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// appendValues appends the binary encoding of canonical values to buf: one
// tag byte per value, then varints or length-prefixed bytes.
func appendValues(buf []byte, vals []any) ([]byte, error) {
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			buf = append(buf, tagNil)
		case string:
			buf = append(buf, tagString)
			buf = binary.AppendUvarint(buf, uint64(len(x)))
			buf = append(buf, x...)
		case int64:
			buf = append(buf, tagInt)
			buf = binary.AppendVarint(buf, x)
		case float64:
			buf = append(buf, tagFloat)
			buf = binary.BigEndian.AppendUint64(buf, math.Float64bits(x))
		case bool:
			if x {
				buf = append(buf, tagTrue)
			} else {
				buf = append(buf, tagFalse)
			}
		case time.Time:
			buf = append(buf, tagTime)
			buf = binary.AppendVarint(buf, x.Unix())
			buf = binary.AppendUvarint(buf, uint64(x.Nanosecond()))
		case []byte:
			buf = append(buf, tagBytes)
			buf = binary.AppendUvarint(buf, uint64(len(x)))
			buf = append(buf, x...)
		default:
			return nil, Invalid("", "", "cannot encode a %T value", v)
		}
	}
	return buf, nil
}

func decodeToken(secret []byte, scope, tok string, cols []*Column) ([]any, error) {
	if len(tok) > maxTokenLen {
		return nil, ErrBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	a := tokenAEAD(secret)
	ns := a.NonceSize()
	if err != nil || len(raw) < ns+a.Overhead() {
		return nil, ErrBadToken
	}
	payload, err := a.Open(raw[ns:ns], raw[:ns], raw[ns:], []byte(scope))
	if err != nil {
		return nil, ErrBadToken
	}
	// The tag holds, so the payload is ours; the checks in decodeValues
	// keep a decoder bug (or a leaked secret) from becoming a panic.
	vals := make([]any, len(cols))
	if !decodeValues(payload, cols, func(i int, v any) bool { vals[i] = v; return true }) {
		return nil, ErrBadToken
	}
	return vals, nil
}

// decodeValues decodes what appendValues wrote for cols, giving each value
// to put; it reports false on any malformed or mistyped input.
func decodeValues(p []byte, cols []*Column, put func(i int, v any) bool) bool {
	for i, c := range cols {
		if len(p) == 0 {
			return false
		}
		tag := p[0]
		p = p[1:]
		var v any
		switch tag {
		case tagNil:
			if !c.Nullable && !c.nilOK() {
				return false
			}
		case tagString, tagBytes:
			n, k := binary.Uvarint(p)
			if k <= 0 || n > uint64(len(p)-k) {
				return false
			}
			b := p[k : k+int(n)]
			p = p[k+int(n):]
			if tag == tagString {
				v = string(b)
			} else {
				v = append([]byte{}, b...)
			}
		case tagInt:
			n, k := binary.Varint(p)
			if k <= 0 {
				return false
			}
			v, p = n, p[k:]
		case tagFloat:
			if len(p) < 8 {
				return false
			}
			v, p = math.Float64frombits(binary.BigEndian.Uint64(p)), p[8:]
		case tagFalse, tagTrue:
			v = tag == tagTrue
		case tagTime:
			sec, k := binary.Varint(p)
			if k <= 0 {
				return false
			}
			ns, k2 := binary.Uvarint(p[k:])
			if k2 <= 0 || ns >= 1e9 {
				return false
			}
			v, p = time.Unix(sec, int64(ns)).UTC(), p[k+k2:]
		default:
			return false
		}
		if v != nil && !kindHolds(c.Kind, v) {
			return false
		}
		if !put(i, v) {
			return false
		}
	}
	return len(p) == 0
}

// kindHolds reports whether canonical value v belongs to kind k.
func kindHolds(k Kind, v any) bool {
	switch v.(type) {
	case string:
		return k == KindString || k == KindJSON // JSON's canonical value is its text
	case int64:
		return k == KindInt
	case float64:
		return k == KindFloat
	case bool:
		return k == KindBool
	case time.Time:
		return k == KindTime
	case []byte:
		return k == KindBytes
	}
	return false
}

// nilOK reports whether a non-nullable column may still have the canonical
// value nil: empty JSON and bytes values are NULL (JSONArg, BytesArg).
func (c *Column) nilOK() bool { return c.Kind == KindJSON || c.Kind == KindBytes }

// EncodeToken seals the values that resume a select (the last row's sort
// values) into an opaque page token bound to scope, with the pool's secret.
func (p *Pool) EncodeToken(scope string, vals []any) (string, error) {
	return encodeToken(p.secret, scope, vals)
}

// DecodeToken opens a page token of EncodeToken: ErrBadToken unless this
// pool issued it for scope.
func (p *Pool) DecodeToken(scope, tok string, cols []*Column) ([]any, error) {
	return decodeToken(p.secret, scope, tok, cols)
}
