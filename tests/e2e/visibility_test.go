package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bkgen/bkgen/runtime/sign"
)

// TestVisibility: photo has owner_id (owner), name (pub), secret (secure)
// and moderation (admin). The owner sees its row but the admin column; another
// account sees the keys and pub columns; an admin sees all but the secret.
func TestVisibility(t *testing.T) {
	args := []string{"-home", t.TempDir()}
	s := start(t, args...)
	shell(t, args, "account-add", "-login", "dan", "-secret", "dans-secret")
	shell(t, args, "account-add", "-login", "eve", "-secret", "eves-secret")
	as := func(login, secret string) *server {
		return &server{t: t, base: s.base, client: &http.Client{Transport: &sign.Transport{Login: login, Secret: secret}}}
	}
	dan, eve := as("dan", "dans-secret"), as("eve", "eves-secret")
	admin := s

	// dan adds a photo, trying to set the admin column and another owner
	r := dan.postJSON("/photo/add", map[string]any{"album_id": "a", "id": "p1", "name": "beach", "width": 640, "owner_id": "someone-else", "moderation": "approved"})
	want(t, r, 200)
	danID := r.str("owner_id")
	// a secure column is no input of the API: refused, not silently dropped
	want(t, dan.postJSON("/photo/add", map[string]any{"album_id": "a", "id": "p2", "name": "x", "secret": "s"}), 400)
	if danID == "" || danID == "someone-else" {
		t.Fatalf("owner not forced to the caller: %s", r.raw)
	}
	if _, has := r.body["moderation"]; has {
		t.Fatalf("a non-admin set or sees an admin column: %s", r.raw)
	}
	get := func(c *server) reply { return c.get("/photo/get", q("album_id", "a", "id", "p1")) }
	checkCols := func(who string, r reply, has, hasNot []string) {
		t.Helper()
		want(t, r, 200)
		for _, c := range has {
			if _, ok := r.body[c]; !ok {
				t.Errorf("%s does not see %s: %s", who, c, r.raw)
			}
		}
		for _, c := range hasNot {
			if _, ok := r.body[c]; ok {
				t.Errorf("%s sees %s: %s", who, c, r.raw)
			}
		}
		if strings.Contains(r.raw, `"secret"`) {
			t.Errorf("%s sees the secure column: %s", who, r.raw)
		}
	}
	checkCols("the owner", get(dan), []string{"album_id", "id", "name", "owner_id", "width", "kind"}, []string{"moderation"})
	checkCols("another account", get(eve), []string{"album_id", "id", "name"}, []string{"owner_id", "width", "kind", "moderation"})
	want(t, admin.get("/photo/update", q("album_id", "a", "id", "p1", "moderation", "approved")), 200)
	checkCols("an admin", get(admin), []string{"album_id", "id", "name", "owner_id", "width", "moderation"}, nil)
	// the same rule in select pages
	page := eve.get("/photo/select", q("album_id", "a"))
	want(t, page, 200)
	row := page.body["data"].([]any)[0].(map[string]any)
	if _, ok := row["width"]; ok || row["name"] != "beach" {
		t.Fatalf("select shows another account %v", row)
	}
	// another account cannot change, replace or delete the row
	want(t, eve.get("/photo/update", q("album_id", "a", "id", "p1", "name", "stolen")), 403)
	want(t, eve.get("/photo/put", q("album_id", "a", "id", "p1", "name", "taken over")), 403)
	want(t, eve.get("/photo/del", q("album_id", "a", "id", "p1")), 403)
	if r := get(dan); r.str("name") != "beach" || r.str("owner_id") != danID {
		t.Fatalf("another account changed the row: %s", r.raw)
	}
	// the owner can
	if r := dan.get("/photo/update", q("album_id", "a", "id", "p1", "width", "800")); r.num("affected_rows") != 1 {
		t.Fatalf("the owner cannot update: %s", r.raw)
	}
	// a non-admin cannot change the admin column either
	want(t, dan.get("/photo/update", q("album_id", "a", "id", "p1", "moderation", "rejected")), 200)
	if r := get(admin); r.str("moderation") != "approved" {
		t.Fatalf("a non-admin changed an admin column: %s", r.raw)
	}
}
