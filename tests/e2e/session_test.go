package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSessionsAndTokens(t *testing.T) {
	// a short account cache, so that a revocation made by another process
	// (the shell) shows within the test
	args := []string{"-home", t.TempDir(), "-api-access-token-secret", "e2e-token-key", "-api-login-rate", "5", "-api-account-cache-ttl", "300ms"}
	s := start(t, args...)
	shell(t, args, "account-add", "-login", "carol", "-secret", "carols-secret")
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	call := func(c *http.Client, method, path string, form url.Values) (int, map[string]any, string) {
		t.Helper()
		var res *http.Response
		var err error
		if method == "POST" {
			res, err = c.PostForm(s.base+path, form)
		} else {
			res, err = c.Get(s.base + path)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		m := map[string]any{}
		json.Unmarshal(b, &m)
		return res.StatusCode, m, string(b)
	}

	// login with a secret, asking for a token and a session
	st, body, raw := call(browser, "POST", "/login", url.Values{"login": {"carol"}, "secret": {"carols-secret"}, "_accesstoken": {"1"}, "_session": {"1"}})
	if st != 200 || body["login"] != "carol" || strings.Contains(raw, "carols-secret") || body["bk-access-token"] == nil {
		t.Fatalf("login: %d %s", st, raw)
	}
	token := body["bk-access-token"].(string)
	cookies := jar.Cookies(mustURL(t, s.base))
	if len(cookies) != 1 || cookies[0].Name != "bk-session" {
		t.Fatalf("session cookie: %v", cookies)
	}

	// the session works for a browser, and /auth tells who it is
	if st, _, raw := call(browser, "GET", "/todo/select", nil); st != 200 {
		t.Fatalf("session request: %d %s", st, raw)
	}
	if st, body, _ := call(browser, "GET", "/auth", nil); st != 200 || body["login"] != "carol" {
		t.Fatalf("/auth with the session: %d %v", st, body)
	}
	// a cross-site request may not ride on the session
	req, _ := http.NewRequest("GET", s.base+"/todo/select", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res, _ := browser.Do(req); res.StatusCode != 403 {
		t.Fatalf("cross-site with the session: %d", res.StatusCode)
	}

	// the token works in a header and in the query
	plain := http.DefaultClient
	req, _ = http.NewRequest("GET", s.base+"/todo/select", nil)
	req.Header.Set("bk-access-token", token)
	if res, _ := plain.Do(req); res.StatusCode != 200 {
		t.Fatalf("token in a header: %d", res.StatusCode)
	}
	if st, _, raw := call(plain, "GET", "/todo/select?bk-access-token="+url.QueryEscape(token), nil); st != 200 {
		t.Fatalf("token in the query: %d %s", st, raw)
	}
	if st, _, _ := call(plain, "GET", "/todo/select?bk-access-token="+url.QueryEscape(token[:len(token)-2]+"AA"), nil); st != 417 {
		t.Fatalf("tampered token: %d", st)
	}

	// revoke: a new token_secret ends the token; made by another process,
	// it takes effect within api-account-cache-ttl
	shell(t, args, "account-token-reset", "-login", "carol")
	time.Sleep(400 * time.Millisecond)
	if st, _, _ := call(plain, "GET", "/todo/select?bk-access-token="+url.QueryEscape(token), nil); st != 401 {
		t.Fatalf("revoked token: %d, want 401", st)
	}

	// logout ends the session
	if st, _, _ := call(browser, "GET", "/logout", nil); st != 200 {
		t.Fatal("logout")
	}
	if st, _, _ := call(browser, "GET", "/todo/select", nil); st != 417 {
		t.Fatalf("after logout: %d, want 417", st)
	}

	// wrong secret and unknown login look the same; then the rate limit
	st1, _, raw1 := call(plain, "POST", "/login", url.Values{"login": {"carol"}, "secret": {"wrong"}})
	st2, _, raw2 := call(plain, "POST", "/login", url.Values{"login": {"nobody"}, "secret": {"wrong"}})
	if st1 != 401 || st2 != 401 || raw1 != raw2 {
		t.Fatalf("login failures differ: %d %s / %d %s", st1, raw1, st2, raw2)
	}
	limited := false
	for i := 0; i < 10; i++ {
		if st, _, _ := call(plain, "POST", "/login", url.Values{"login": {"carol"}, "secret": {"wrong"}}); st == 429 {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("/login is not rate limited")
	}
	if st, _, _ := call(plain, "GET", "/login", nil); st != 417 && st != 429 {
		t.Fatalf("/login without parameters: %d", st)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
