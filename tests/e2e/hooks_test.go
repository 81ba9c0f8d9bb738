package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
)

// TestHooks: the example application's hooks (cmd/bkapp/hooks.go) seen
// from outside: the row hook refuses a banned body and computes words over
// REST and GraphQL alike; the before hook keeps readers from writing posts
// on both APIs; the after hook adds reading_minutes to /post/get; the access
// check opens /post/select to anonymous callers; and the post-max-words
// parameter, set in etc/config, changes on a running server.
func TestHooks(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "etc"), 0o755)
	cfg := filepath.Join(home, "etc", "config")
	os.WriteFile(cfg, []byte("post-max-words=5\n"), 0o644)
	args := []string{"-home", home}
	admin := start(t, args...)
	shell(t, args, "account-add", "-login", "wri", "-secret", "wri-secret")
	shell(t, args, "account-add", "-login", "rd", "-secret", "rd-secret", "-type", "reader")
	wri, rd := admin.as(t, "wri", "wri-secret"), admin.as(t, "rd", "rd-secret")
	gqlAs := func(login, secret string) *http.Client {
		return &http.Client{Transport: &sign.Transport{Login: login, Secret: secret}}
	}

	// the row hook over REST: computed and refused
	r := wri.postJSON("/post/add", map[string]any{"title": "hello", "body": "one two three"})
	want(t, r, 200)
	if r.num("words") != 3 {
		t.Fatalf("words not computed: %s", r.raw)
	}
	id := r.str("id")
	r = wri.postJSON("/post/add", map[string]any{"title": "ad", "body": "buy Spam now"})
	if r.status != 403 || r.str("code") != "Refused" || !strings.Contains(r.str("message"), `"Spam"`) {
		t.Fatalf("banned body: %d %s", r.status, r.raw)
	}
	r = wri.postJSON("/post/update", map[string]any{"id": id, "body": "one two"})
	want(t, r, 200)
	if r = wri.get("/post/get", q("id", id)); r.num("words") != 2 {
		t.Fatalf("words not recomputed on update: %s", r.raw)
	}
	// the after hook: reading time added to the reply
	if _, ok := r.body["reading_minutes"]; !ok || r.num("reading_minutes") != 1 {
		t.Fatalf("no reading_minutes: %s", r.raw)
	}

	// the row hook over GraphQL: the same rule, the same error
	g := admin.gql(t, gqlAs("wri", "wri-secret"), `mutation($b: String) { addPost(input: {title: "g", body: $b}) { id words } }`, map[string]any{"b": "four words right here"})
	if len(g.Errors) > 0 || path(g.Data, "addPost", "words") != float64(4) {
		t.Fatalf("graphql add: %+v", g)
	}
	g = admin.gql(t, gqlAs("wri", "wri-secret"), `mutation { addPost(input: {title: "g", body: "spam"}) { id } }`, nil)
	if len(g.Errors) != 1 || g.Errors[0].Extensions["code"] != "Refused" || g.Errors[0].Extensions["status"] != float64(403) {
		t.Fatalf("graphql banned body: %+v", g)
	}

	// the before hook: readers may not write, over REST and over GraphQL
	r = rd.postJSON("/post/add", map[string]any{"title": "mine", "body": "x"})
	if r.status != 403 || r.str("message") != "readers may not write posts" {
		t.Fatalf("reader add: %d %s", r.status, r.raw)
	}
	g = admin.gql(t, gqlAs("rd", "rd-secret"), `mutation { addPost(input: {title: "mine"}) { id } }`, nil)
	if len(g.Errors) != 1 || g.Errors[0].Message != "readers may not write posts" || g.Errors[0].Extensions["status"] != float64(403) {
		t.Fatalf("graphql reader add: %+v", g)
	}
	if r = rd.get("/post/get", q("id", id)); r.status != 200 {
		t.Fatalf("reader get: %d %s", r.status, r.raw)
	}

	// the access check: /post/select is open, /post/get is not
	anon := &server{t: t, base: admin.base}
	if r = anon.get("/post/select", nil); r.status != 200 || r.num("count") != 2 {
		t.Fatalf("anonymous select: %d %s", r.status, r.raw)
	}
	if r = anon.get("/post/get", q("id", id)); r.status != 417 {
		t.Fatalf("anonymous get: %d %s", r.status, r.raw)
	}

	// post-max-words from etc/config, changed while the server runs
	six := map[string]any{"title": "long", "body": "a b c d e f"}
	if r = wri.postJSON("/post/add", six); r.status != 400 || !strings.Contains(r.str("message"), "more than 5") {
		t.Fatalf("six words with post-max-words=5: %d %s", r.status, r.raw)
	}
	reloads := strings.Count(admin.logs(), "config reloaded")
	os.WriteFile(cfg, []byte("post-max-words=60\n"), 0o644) // another size: the change is seen whatever the clock
	for end := time.Now().Add(10 * time.Second); strings.Count(admin.logs(), "config reloaded") == reloads; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("etc/config change not reloaded:\n%s", admin.logs())
		}
	}
	if r = wri.postJSON("/post/add", six); r.status != 200 || r.num("words") != 6 {
		t.Fatalf("six words with post-max-words=60: %d %s", r.status, r.raw)
	}
}
