package db

import (
	"errors"
	"testing"
	"time"
)

var tokenCols = []*Column{{Name: "size", Kind: KindInt, Nullable: true}, {Name: "id", Kind: KindString, Key: 1}, {Name: "t", Kind: KindTime}, {Name: "b", Kind: KindBytes, Nullable: true}}

func TestTokenRoundTrip(t *testing.T) {
	secret := []byte("s")
	at := time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC)
	for _, vals := range [][]any{
		{int64(5), "a|b", at, []byte{0, 1}},
		{nil, "", time.Time{}, nil},
		{int64(-1 << 62), "ü\"\\", at, []byte{}},
	} {
		tok, err := encodeToken(secret, "photo|size|asc", vals)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeToken(secret, "photo|size|asc", tok, tokenCols)
		if err != nil {
			t.Fatalf("%v: %v", vals, err)
		}
		if got[0] != vals[0] || got[1] != vals[1] || !got[2].(time.Time).Equal(vals[2].(time.Time)) {
			t.Fatalf("round trip %v -> %v", vals, got)
		}
		if _, err := decodeToken(secret, "photo|size|desc", tok, tokenCols); !errors.Is(err, ErrBadToken) {
			t.Fatal("token accepted for another scope")
		}
		if _, err := decodeToken([]byte("other"), "photo|size|asc", tok, tokenCols); !errors.Is(err, ErrBadToken) {
			t.Fatal("token accepted with another secret")
		}
	}
}

// FuzzDecodeToken: any input is either a valid token or ErrBadToken, never
// a panic; a valid token decodes to values of the column kinds.
func FuzzDecodeToken(f *testing.F) {
	secret := []byte("s")
	tok, _ := encodeToken(secret, "x", []any{int64(1), "a", time.Now(), []byte("z")})
	f.Add(tok)
	f.Add("")
	f.Add("MzI=")
	f.Add("eyJpZCI6IkIiLCJpZDIiOiIzIn0")
	f.Add(tok[:len(tok)-3])
	f.Fuzz(func(t *testing.T, s string) {
		vals, err := decodeToken(secret, "x", s, tokenCols)
		if err != nil {
			if !errors.Is(err, ErrBadToken) {
				t.Fatalf("error %v is not ErrBadToken", err)
			}
			return
		}
		if len(vals) != len(tokenCols) {
			t.Fatalf("%d values", len(vals))
		}
	})
}

// FuzzCanon: condition values from query strings never panic and parse to
// the canonical type of the kind.
func FuzzCanon(f *testing.F) {
	for _, s := range []string{"1", "-0", "1e400", "NaN", "true", "2024-01-02T03:04:05Z", "1700000000000", "", " 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range []Kind{KindString, KindInt, KindFloat, KindBool, KindTime, KindBytes} {
			v, err := canon(k, s)
			if err != nil {
				continue
			}
			switch k {
			case KindInt:
				_ = v.(int64)
			case KindFloat:
				_ = v.(float64)
			case KindBool:
				_ = v.(bool)
			case KindTime:
				_ = v.(time.Time)
			case KindString:
				_ = v.(string)
			case KindBytes:
				_ = v.([]byte)
			}
		}
	})
}

func TestParseOp(t *testing.T) {
	for in, want := range map[string]Op{"=": OpEq, "<>": OpNe, "like%": OpBeginsWith, "not contains": OpNotContains, "not null": OpNotNull, "between": OpBetween} {
		if got, err := ParseOp(in); err != nil || got != want {
			t.Errorf("ParseOp(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseOp("regexp"); err == nil {
		t.Error("regexp accepted")
	}
}
