package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
)

// TestAccountChangeReachesServers: a new secret set by the shell, another
// process, ends the old one on a running server at once when both share
// Redis. The account cache lasts an hour here, so only the announcement
// can make the server forget the cached account.
func TestAccountChangeReachesServers(t *testing.T) {
	args := []string{"-home", t.TempDir(), "-pubsub", "redis://127.0.0.1:6379/0", "-api-account-cache-ttl", "1h"}
	s := start(t, args...)
	shell(t, args, "account-add", "-login", "dave", "-secret", "daves-old-secret")
	as := func(secret string) *server {
		return &server{t: t, base: s.base, client: &http.Client{Transport: &sign.Transport{Login: "dave", Secret: secret}}}
	}
	old := as("daves-old-secret")
	if r := old.get("/todo/select", nil); r.status != 200 {
		t.Fatalf("dave's first request: %d %s", r.status, r.raw)
	}

	shell(t, args, "account-secret", "-login", "dave", "-secret", "daves-new-secret")
	var r reply
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if r = old.get("/todo/select", nil); r.status != 200 {
			break
		}
	}
	if r.status != 401 {
		t.Fatalf("the old secret after the shell changed it: %d %s, want 401", r.status, r.raw)
	}
	if r := as("daves-new-secret").get("/todo/select", nil); r.status != 200 {
		t.Fatalf("the new secret: %d %s", r.status, r.raw)
	}
}
