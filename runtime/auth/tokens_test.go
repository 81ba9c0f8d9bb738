package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
	"golang.org/x/crypto/bcrypt"
)

func TestSealRoundTrip(t *testing.T) {
	x := NewSealer("k")
	acc := &Account{Login: "bob", Secret: "s", TokenSecret: "t1"}
	sig := Issue(3, acc, "api.example.com", time.Hour, time.Now())
	tok := x.Seal(sig)
	got, err := x.Open(tok)
	if err != nil || got != sig {
		t.Fatalf("open: %+v %v", got, err)
	}
	if !sign.Valid(got, sign.Request{Host: "www.example.com"}, sign.Key(3, "s", "", "t1")) {
		t.Fatal("token signature does not verify for the domain")
	}
	if sign.Valid(got, sign.Request{Host: "www.example.com"}, sign.Key(3, "s", "", "t2")) {
		t.Fatal("a new token_secret must revoke the token")
	}
	if _, err := NewSealer("other").Open(tok); err == nil {
		t.Fatal("opened with another key")
	}
	b := []byte(tok)
	b[len(b)/2] ^= 1
	if _, err := x.Open(string(b)); err == nil {
		t.Fatal("tampered token opened")
	}
	if x.Seal(sig) == tok {
		t.Fatal("two seals are equal: the nonce is not random")
	}
}

// FuzzOpen: any token is opened or refused, never a panic.
func FuzzOpen(f *testing.F) {
	x := NewSealer("k")
	f.Add(x.Seal(sign.Signature{Version: 3, Login: "a", HMAC: "h", Expires: 1}))
	f.Add("")
	f.Add(strings.Repeat("A", 100))
	f.Fuzz(func(t *testing.T, v string) { x.Open(v) })
}

// TestDummyHash: the timing equaliser is a valid hash of the default cost,
// so that comparing against it costs what a real one does.
func TestDummyHash(t *testing.T) {
	if cost, err := bcrypt.Cost(dummyHash); err != nil || cost != bcrypt.DefaultCost {
		t.Fatalf("cost %d, %v", cost, err)
	}
	if bcrypt.CompareHashAndPassword(dummyHash, []byte("bkgen timing equaliser")) != nil {
		t.Fatal("not the hash of its text")
	}
}
