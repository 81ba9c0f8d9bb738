package auth

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
)

type countingAccounts struct {
	m     map[string]Account
	reads int
}

func (c *countingAccounts) Get(_ context.Context, login string) (*Account, error) {
	c.reads++
	a, ok := c.m[login]
	if !ok {
		return nil, ErrNoAccount
	}
	return &a, nil
}
func (c *countingAccounts) Put(_ context.Context, a *Account) error { c.m[a.Login] = *a; return nil }
func (c *countingAccounts) Del(_ context.Context, l string) error   { delete(c.m, l); return nil }
func (c *countingAccounts) List(context.Context) ([]Account, error) { return nil, nil }

func TestCachedAccounts(t *testing.T) {
	base := &countingAccounts{m: map[string]Account{"a": {Login: "a", Secret: "s1"}}}
	c := NewCachedAccounts(base, time.Minute, 2).(*CachedAccounts)
	now := time.Now()
	c.now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if acc, err := c.Get(ctx, "a"); err != nil || acc.Secret != "s1" {
			t.Fatal(acc, err)
		}
	}
	if base.reads != 1 {
		t.Fatalf("%d reads, want 1", base.reads)
	}
	acc, _ := c.Get(ctx, "a")
	acc.Secret = "changed by the caller" // a copy: the cache keeps its own
	if got, _ := c.Get(ctx, "a"); got.Secret != "s1" {
		t.Fatal("the cache hands out its own copy")
	}
	// a change through the cache takes effect at once
	c.Put(ctx, &Account{Login: "a", Secret: "s2"})
	if got, _ := c.Get(ctx, "a"); got.Secret != "s2" {
		t.Fatalf("secret %s after Put", got.Secret)
	}
	// a change elsewhere, within ttl
	base.m["a"] = Account{Login: "a", Secret: "s3"}
	now = now.Add(2 * time.Minute)
	if got, _ := c.Get(ctx, "a"); got.Secret != "s3" {
		t.Fatalf("secret %s after ttl", got.Secret)
	}
	// unknown logins are not cached; deletions take effect at once
	c.Get(ctx, "nobody")
	c.Get(ctx, "nobody")
	c.Del(ctx, "a")
	if _, err := c.Get(ctx, "a"); err != ErrNoAccount {
		t.Fatal("deleted account still cached")
	}
	if len(c.m) > 2 {
		t.Fatal("unbounded")
	}
}

func TestAnnouncedAndForget(t *testing.T) {
	ctx := context.Background()
	shared := &countingAccounts{m: map[string]Account{"a": {Login: "a", Secret: "s1"}}}
	var announced []string
	writer := Announced{Accounts: shared, Announce: func(_ context.Context, login string) { announced = append(announced, login) }}
	reader := NewCachedAccounts(shared, time.Hour, 10).(*CachedAccounts) // another process's cache
	reader.Get(ctx, "a")
	writer.Put(ctx, &Account{Login: "a", Secret: "s2"})
	if got, _ := reader.Get(ctx, "a"); got.Secret != "s1" {
		t.Fatal("the reader's cache was not expected to see the change yet")
	}
	for _, l := range announced {
		reader.Forget(l)
	}
	if got, _ := reader.Get(ctx, "a"); got.Secret != "s2" {
		t.Fatalf("secret %s after Forget", got.Secret)
	}
	writer.Del(ctx, "a")
	if len(announced) != 2 || announced[0] != "a" || announced[1] != "a" {
		t.Fatalf("announced %v, want [a a]", announced)
	}
}

// BenchmarkCheck is the whole per-request check of a signed GET: lookup of
// the signature, parse, canonical string, HMAC, the (cached) account.
func BenchmarkCheck(b *testing.B) {
	base := &countingAccounts{m: map[string]Account{"load": {Login: "load", ID: "id1", Secret: "load-secret"}}}
	ch, err := NewChecker(Config{MaxAge: time.Hour}, NewCachedAccounts(base, time.Minute, 100), 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "http://127.0.0.1:8000/todo/get?id=0123456789abcdef0123456789abcdef", nil)
	req.Header.Set(sign.HeaderName, (&sign.Transport{Login: "load", Secret: "load-secret", TTL: time.Hour}).Signature(req, nil).String())
	b.ReportAllocs()
	for b.Loop() {
		if acc, err := ch.Check(req); err != nil || acc == nil {
			b.Fatal(err)
		}
	}
}
