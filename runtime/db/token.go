package db

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// Page tokens are opaque and tamper-proof: base64url(JSON values ‖ MAC) where
// the values are the sort and key columns of the last row of the page
// (keyset paging: no gap and no duplicate while rows are added or removed),
// and the MAC is HMAC-SHA256 over the table, sort, direction and values. A
// token altered, or made for another table or ordering, is ErrBadToken.

const (
	macLen      = 16
	maxTokenLen = 4096
)

func tokenMAC(secret []byte, scope string, payload []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}

func encodeToken(secret []byte, scope string, vals []any) (string, error) {
	out := make([]any, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case time.Time:
			out[i] = x.UTC().Format(TimeFormat)
		default: // []byte is base64 in JSON; the rest are JSON types
			out[i] = v
		}
	}
	payload, err := json.Marshal(out)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(append(payload, tokenMAC(secret, scope, payload)...)), nil
}

func decodeToken(secret []byte, scope, tok string, cols []*Column) ([]any, error) {
	if len(tok) > maxTokenLen {
		return nil, ErrBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) <= macLen {
		return nil, ErrBadToken
	}
	payload, mac := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(mac, tokenMAC(secret, scope, payload)) {
		return nil, ErrBadToken
	}
	var vals []any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&vals); err != nil || len(vals) != len(cols) {
		return nil, ErrBadToken
	}
	for i, v := range vals {
		c := cols[i]
		if v == nil {
			if !c.Nullable {
				return nil, ErrBadToken
			}
			continue
		}
		if c.Kind == KindBytes {
			s, ok := v.(string)
			b, err := base64.StdEncoding.DecodeString(s)
			if !ok || err != nil {
				return nil, ErrBadToken
			}
			vals[i] = b
			continue
		}
		cv, err := canon(c.Kind, v)
		if err != nil {
			return nil, ErrBadToken
		}
		vals[i] = cv
	}
	return vals, nil
}
