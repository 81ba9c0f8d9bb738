package limit

import (
	"net/http"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := New(10, 2, 100*time.Millisecond) // 1 token per 10 ms, bursts of 2
	now := time.Unix(1000, 0)
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Take("a", now); ok != want {
			t.Fatalf("take %d: %v", i, ok)
		}
	}
	if ok, wait := l.Take("a", now); ok || wait != 10*time.Millisecond {
		t.Fatalf("wait %v", wait)
	}
	if ok, _ := l.Take("b", now); !ok {
		t.Fatal("keys share a bucket")
	}
	if ok, _ := l.Take("a", now.Add(10*time.Millisecond)); !ok {
		t.Fatal("no refill")
	}
	// refill is capped at the burst
	later := now.Add(time.Hour)
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Take("a", later); ok != want {
			t.Fatalf("after an hour, take %d: %v", i, ok)
		}
	}
	var none *Limiter
	if ok, _ := none.Take("a", now); !ok || New(0, 0, 0) != nil {
		t.Fatal("a nil limiter limits")
	}
}

func TestClientIP(t *testing.T) {
	for addr, want := range map[string]string{"1.2.3.4:5": "1.2.3.4", "[::ffff:1.2.3.4]:5": "1.2.3.4", "[2001:db8::1]:5": "2001:db8::1", "@": "@"} {
		if got := ClientIP(&http.Request{RemoteAddr: addr}); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
}
