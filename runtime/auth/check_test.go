package auth

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
)

// TestCheckHeaders: a signature and an access token are read from their
// headers, whatever the case of the header's name, as from the query.
func TestCheckHeaders(t *testing.T) {
	acc := Account{Login: "load", ID: "id1", Secret: "load-secret", TokenSecret: "t1"}
	base := &countingAccounts{m: map[string]Account{"load": acc}}
	ch, err := NewChecker(Config{MaxAge: time.Hour, TokenAge: time.Hour, TokenSecret: "tokens"}, base, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	url := "http://127.0.0.1:8000/todo/get?id=1"
	token := ch.tokens.Seal(Issue(3, &acc, "127.0.0.1", time.Hour, time.Now()))
	for _, name := range []string{sign.HeaderName, "Bk-Signature", TokenName, "BK-ACCESS-TOKEN"} {
		req := httptest.NewRequest("GET", url, nil)
		if name == TokenName || name == "BK-ACCESS-TOKEN" {
			req.Header.Set(name, token)
		} else {
			req.Header.Set(name, (&sign.Transport{Login: "load", Secret: "load-secret", TTL: time.Hour}).Signature(req, nil).String())
		}
		if got, err := ch.Check(req); err != nil || got == nil || got.Login != "load" {
			t.Errorf("%s: account %v, %v", name, got, err)
		}
	}
	// without a credential the path needs one
	if got, err := ch.Check(httptest.NewRequest("GET", url, nil)); err == nil {
		t.Errorf("no credential: account %v", got)
	}
}
