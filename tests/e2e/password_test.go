package e2e

import (
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/bkgen/bkgen/runtime/sign"
)

func TestPasswordLogin(t *testing.T) {
	args := []string{"-home", t.TempDir()}
	s := start(t, args...)
	shell(t, args, "account-add", "-login", "hal", "-secret", "hals-secret", "-password", "correct horse")
	anon := &server{t: t, base: s.base}

	r := anon.postForm("/login", url.Values{"login": {"hal"}, "password": {"correct horse"}})
	want(t, r, 200)
	if r.str("login") != "hal" || strings.Contains(r.raw, "$2") || strings.Contains(r.raw, "password") {
		t.Fatalf("login reply: %s", r.raw)
	}
	want(t, anon.postForm("/login", url.Values{"login": {"hal"}, "password": {"wrong horse"}}), 401)
	want(t, anon.postForm("/login", url.Values{"login": {"nobody"}, "password": {"correct horse"}}), 401)

	// the account changes its password; the old one stops working
	hal := &server{t: t, base: s.base, client: &http.Client{Transport: &sign.Transport{Login: "hal", Secret: "hals-secret"}}}
	want(t, hal.postForm("/account/put/secret", url.Values{"password": {"short"}}), 400)
	want(t, hal.postForm("/account/put/secret", url.Values{"password": {"battery staple"}}), 200)
	want(t, anon.postForm("/login", url.Values{"login": {"hal"}, "password": {"correct horse"}}), 401)
	want(t, anon.postForm("/login", url.Values{"login": {"hal"}, "password": {"battery staple"}}), 200)
	// the secret still signs: a password change does not touch it
	want(t, hal.get("/todo/select", nil), 200)

	out, err := exec.Command(bin, append(append([]string{}, args...), "shell", "account-add", "-login", "ivy", "-password", "short")...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "at least 8") {
		t.Fatalf("a short password was accepted: %s", out)
	}
}
