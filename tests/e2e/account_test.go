package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bkgen/bkgen/runtime/sign"
)

func TestAccounts(t *testing.T) {
	args := []string{"-home", t.TempDir(), "-api-allow-path", "^/account/add$"}
	s := start(t, args...) // s signs as the admin
	as := func(login, secret string) *server {
		return &server{t: t, base: s.base, client: &http.Client{Transport: &sign.Transport{Login: login, Secret: secret}}}
	}
	anon := &server{t: t, base: s.base}

	// an admin adds an account, with a type
	r := s.postForm("/account/add", url.Values{"login": {"frank"}, "secret": {"franks-secret"}, "name": {"Frank"}, "email": {"f@example.com"}, "type": {"editor"}, "status": {"vip"}})
	want(t, r, 200)
	frankID := r.str("id")
	// anyone may sign up where /account/add is allowed, but not set a type or an admin column
	r = anon.postForm("/account/add", url.Values{"login": {"grace"}, "secret": {"graces-secret"}, "name": {"Grace"}, "email": {"g@example.com"}, "type": {"admin"}, "status": {"vip"}})
	want(t, r, 200)
	graceID := r.str("id")
	if _, has := r.body["status"]; has {
		t.Fatalf("sign-up set an admin column: %s", r.raw)
	}
	want(t, anon.postForm("/account/add", url.Values{"login": {"grace"}, "secret": {"x"}}), 409)
	want(t, anon.postForm("/account/add", url.Values{"login": {"nosecret"}}), 400)
	grace := as("grace", "graces-secret")
	if r := grace.get("/auth", nil); r.str("type") != "" {
		t.Fatalf("sign-up got a type: %s", r.raw)
	}

	frank := as("frank", "franks-secret")
	r = frank.get("/account/get", nil)
	want(t, r, 200)
	if r.str("email") != "f@example.com" || r.str("login") != "frank" {
		t.Fatalf("own record: %s", r.raw)
	}
	r = frank.get("/account/get", q("id", graceID))
	want(t, r, 200)
	if r.str("name") != "Grace" || r.str("email") != "" || r.str("login") != "" {
		t.Fatalf("another account's record must show pub columns only: %s", r.raw)
	}
	r = frank.get("/account/select", nil)
	want(t, r, 200)
	if r.num("count") < 2 {
		t.Fatalf("select %s", r.raw)
	}
	for _, row := range r.body["data"].([]any) {
		m := row.(map[string]any)
		if m["id"] != frankID && m["email"] != nil {
			t.Fatalf("select shows another account's email: %v", m)
		}
	}

	// update and a new secret
	r = frank.postForm("/account/update", url.Values{"name": {"Frankie"}, "status": {"gold"}})
	want(t, r, 200)
	if r := frank.get("/account/get", nil); r.str("name") != "Frankie" {
		t.Fatalf("update %s", r.raw)
	}
	if r := s.get("/account/get", q("id", frankID)); r.str("status") != "vip" {
		t.Fatalf("a non-admin changed an admin column: %s", r.raw)
	}
	want(t, frank.postForm("/account/put/secret", url.Values{"secret": {"short"}}), 400)
	want(t, frank.postForm("/account/put/secret", url.Values{"secret": {"franks-new-secret"}}), 200)
	if r := frank.get("/account/get", nil); r.status != 401 {
		t.Fatalf("the old secret still works: %d", r.status)
	}
	frank = as("frank", "franks-new-secret")
	want(t, frank.get("/account/get", nil), 200)

	// a new secret through the API takes effect at once, cache or not
	want(t, frank.get("/account/get", nil), 200)

	// delete: the account is gone
	want(t, frank.get("/account/del", nil), 200)
	if r := frank.get("/account/get", nil); r.status != 404 {
		t.Fatalf("deleted account: %d %s", r.status, r.raw)
	}
	want(t, s.get("/account/get", q("id", frankID)), 404)
	want(t, anon.get("/account/get", nil), 417)
}

// TestShellAccounts: an account made in the shell is the one /account/add
// makes (its profile answers /account/get), and the shell sets what the
// signature check reads: auth_secret and expires.
func TestShellAccounts(t *testing.T) {
	for _, backend := range []string{"sqlite", "pgsql"} {
		t.Run(backend, func(t *testing.T) {
			args := append(backendArgs(t)[backend], "-api-account-cache-ttl", "0")
			s := start(t, args...)
			shell(t, args, "account-add", "-login", "zed", "-secret", "zeds-secret", "-name", "Zed")
			zed := s.as(t, "zed", "zeds-secret")
			if r := zed.get("/account/get", nil); r.status != 200 || r.str("name") != "Zed" {
				t.Fatalf("/account/get of a shell account: %d %s", r.status, r.raw)
			}
			want(t, zed.postForm("/account/update", url.Values{"name": {"Zed 2"}}), 200)
			if r := zed.get("/account/get", nil); r.str("name") != "Zed 2" {
				t.Fatalf("after /account/update: %s", r.raw)
			}
			// an auth_secret: the secret alone no longer signs
			shell(t, args, "account-secret", "-login", "zed", "-auth-secret", "zeds-second")
			want(t, zed.get("/auth", nil), 401)
			both := &server{t: t, base: s.base, client: &http.Client{Transport: &sign.Transport{Login: "zed", Secret: "zeds-secret", AuthSecret: "zeds-second"}}}
			want(t, both.get("/auth", nil), 200)
			shell(t, args, "account-secret", "-login", "zed", "-auth-secret", "-")
			want(t, zed.get("/auth", nil), 200)
			// expires
			shell(t, args, "account-secret", "-login", "zed", "-expires", "2000-01-01T00:00:00Z")
			want(t, zed.get("/auth", nil), 412)
			shell(t, args, "account-secret", "-login", "zed", "-expires", "0")
			want(t, zed.get("/auth", nil), 200)
			// /account/select takes a table select's conditions, under the read rule
			shell(t, args, "account-add", "-login", "yve", "-secret", "yves-secret", "-name", "Yve")
			want(t, zed.postForm("/account/update", url.Values{"email": {"zed@example.com"}}), 200)
			yve := s.as(t, "yve", "yves-secret")
			for _, c := range []struct {
				who  *server
				q    url.Values
				want float64
			}{
				{yve, q("name", "Nobody"), 0},
				{yve, q("name", "Zed 2"), 1},
				{yve, q("name", "Z", "_ops", "name,begins_with"), 1},
				{yve, q("email", "zed@example.com"), 0}, // not yve's to read
				{zed, q("email", "zed@example.com"), 1},
				{yve, q("name", "Y", "_ops", "name,begins_with", "_total", "true"), 1},
			} {
				r := c.who.get("/account/select", c.q)
				if want(t, r, 200); r.num("count") != c.want {
					t.Fatalf("/account/select %v: %s", c.q, r.raw)
				}
			}
			if r := yve.get("/account/select", q("nmae", "x")); r.status != 400 || !strings.Contains(r.str("message"), `did you mean "name"`) {
				t.Fatalf("an unknown condition: %d %s", r.status, r.raw)
			}
		})
	}
}
