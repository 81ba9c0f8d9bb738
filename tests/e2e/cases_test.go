package e2e

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
)

type restCase struct {
	name string
	run  func(t *testing.T, s *server, backend string)
}

func want(t *testing.T, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	if status >= 400 { // the one error shape
		if r.num("status") != float64(status) || r.str("message") == "" || r.str("code") == "" || len(r.body) != 3 {
			t.Fatalf("error reply is not {status,message,code}: %s", r.raw)
		}
	}
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// uniq gives each case its own ids.
func uniq(t *testing.T, s string) string {
	return strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()) + "-" + s
}

// total counts the photos of an album.
func total(t *testing.T, s *server, album string) float64 {
	r := s.get("/photo/select", q("album_id", album, "_total", "1"))
	want(t, r, 200)
	return r.num("count")
}

func ids(t *testing.T, r reply) []string {
	t.Helper()
	var out []string
	data, _ := r.body["data"].([]any)
	for _, d := range data {
		out = append(out, d.(map[string]any)["id"].(string))
	}
	return out
}

var restCases = []restCase{
	{"ping", func(t *testing.T, s *server, _ string) {
		want(t, s.get("/ping", nil), 200)
	}},
	{"todo over GET with query parameters", func(t *testing.T, s *server, _ string) {
		r := s.get("/todo/add", q("name", uniq(t, "milk"), "descr", "2 litres", "due", "2026-12-01T10:00:00Z"))
		want(t, r, 200)
		id := r.str("id")
		if len(id) != 32 || r.num("mtime") == 0 || r.str("due") != "2026-12-01T10:00:00Z" {
			t.Fatalf("add reply %s", r.raw)
		}
		r = s.get("/todo/get", q("id", id))
		want(t, r, 200)
		if r.str("name") != uniq(t, "milk") || r.body["done"] != false {
			t.Fatalf("get %s", r.raw)
		}
		r = s.get("/todo/update", q("id", id, "done", "true"))
		want(t, r, 200)
		if r.num("affected_rows") != 1 {
			t.Fatalf("update %s", r.raw)
		}
		r = s.get("/todo/select", q("name", uniq(t, "milk")))
		want(t, r, 200)
		if r.num("count") != 1 || ids(t, r)[0] != id || r.body["data"].([]any)[0].(map[string]any)["done"] != true {
			t.Fatalf("select %s", r.raw)
		}
		want(t, s.get("/todo/del", q("id", id)), 200)
		want(t, s.get("/todo/get", q("id", id)), 404)
	}},
	{"todo over POST with JSON", func(t *testing.T, s *server, _ string) {
		r := s.postJSON("/todo/add", map[string]any{"name": uniq(t, "eggs"), "due": "2026-12-01T10:00:00.5Z", "done": true})
		want(t, r, 200)
		id := r.str("id")
		r = s.postJSON("/todo/get", map[string]any{"id": id})
		want(t, r, 200)
		if r.body["done"] != true || r.str("due") != "2026-12-01T10:00:00.5Z" {
			t.Fatalf("get %s", r.raw)
		}
		r = s.postJSON("/todo/update", map[string]any{"id": id, "due": nil, "descr": "dozen"})
		want(t, r, 200)
		r = s.postJSON("/todo/get", map[string]any{"id": id})
		if _, has := r.body["due"]; has || r.str("descr") != "dozen" {
			t.Fatalf("null did not clear due, or descr not set: %s", r.raw)
		}
		want(t, s.postJSON("/todo/del", map[string]any{"id": id}), 200)
		want(t, s.postJSON("/todo/get", map[string]any{"id": id}), 404)
	}},
	{"todo over POST with a form", func(t *testing.T, s *server, _ string) {
		r := s.postForm("/todo/add", q("name", uniq(t, "bread"), "done", "true"))
		want(t, r, 200)
		id := r.str("id")
		r = s.postForm("/todo/get", q("id", id))
		want(t, r, 200)
		if r.body["done"] != true {
			t.Fatalf("get %s", r.raw)
		}
		r = s.postForm("/todo/select", q("name", uniq(t, "bread"), "_select", "name"))
		want(t, r, 200)
		row := r.body["data"].([]any)[0].(map[string]any)
		if _, has := row["done"]; has || row["id"] != id {
			t.Fatalf("_select: %s", r.raw)
		}
		want(t, s.postForm("/todo/put", q("id", id, "name", "replaced")), 200)
		r = s.postForm("/todo/get", q("id", id))
		if r.str("name") != "replaced" || r.body["done"] != false {
			t.Fatalf("put did not replace the row: %s", r.raw)
		}
	}},
	{"photos: composite key, JSON columns, nullable, secure", func(t *testing.T, s *server, _ string) {
		album := uniq(t, "a")
		r := s.postJSON("/photo/add", map[string]any{"album_id": album, "id": "p1", "name": "beach", "tags": []string{"sea", "sun"},
			"exif": map[string]any{"iso": 100}, "caption": nil, "size": 1024, "thumb": "AAEC", "width": 640})
		want(t, r, 200)
		if strings.Contains(r.raw, "secret") || strings.Contains(r.raw, "s3cret") {
			t.Fatalf("a secure column in a reply: %s", r.raw)
		}
		r = s.get("/photo/get", q("album_id", album, "id", "p1"))
		want(t, r, 200)
		tags, _ := r.body["tags"].([]any)
		if len(tags) != 2 || r.body["exif"].(map[string]any)["iso"] != float64(100) || r.num("size") != 1024 || r.str("thumb") != "AAEC" || r.str("kind") != "jpeg" {
			t.Fatalf("get %s", r.raw)
		}
		if _, has := r.body["caption"]; has || strings.Contains(r.raw, "s3cret") {
			t.Fatalf("get %s", r.raw)
		}
		want(t, s.get("/photo/get", q("album_id", album)), 400) // a missing key part
	}},
	{"photos: pages with no duplicate and no gap", func(t *testing.T, s *server, _ string) {
		album := uniq(t, "a")
		var all []string
		for i := 0; i < 17; i++ {
			id := fmt.Sprintf("p%02d", i)
			all = append(all, id)
			want(t, s.get("/photo/add", q("album_id", album, "id", id, "width", fmt.Sprint(i%4))), 200)
		}
		var got []string
		token := ""
		for pages := 0; pages < 10; pages++ {
			p := q("album_id", album, "_count", "5")
			if token != "" {
				p.Set("_token", token)
			}
			r := s.get("/photo/select", p)
			want(t, r, 200)
			got = append(got, ids(t, r)...)
			token = r.str("next_token")
			if token == "" {
				break
			}
		}
		if strings.Join(got, ",") != strings.Join(all, ",") {
			t.Fatalf("pages gave %v", got)
		}
		r := s.postJSON("/photo/select", map[string]any{"album_id": album, "_count": 5, "_desc": true})
		want(t, r, 200)
		sort.Sort(sort.Reverse(sort.StringSlice(all)))
		if strings.Join(ids(t, r), ",") != strings.Join(all[:5], ",") {
			t.Fatalf("desc page %v", ids(t, r))
		}
	}},
	{"photos: operators", func(t *testing.T, s *server, _ string) {
		album := uniq(t, "a")
		for i, name := range []string{"Alpha", "alpha", "beta", "", "gamma"} {
			p := q("album_id", album, "id", fmt.Sprintf("p%d", i), "name", name, "width", fmt.Sprint(i))
			if i%2 == 0 {
				p.Set("caption", "c")
			}
			want(t, s.get("/photo/add", p), 200)
		}
		for _, c := range []struct {
			params url.Values
			ids    string
		}{
			{q("album_id", album, "name", "al", "_ops", "name,begins_with"), "p1"},
			{q("album_id", album, "width", "1|3", "_ops", "width,in"), "p1,p3"},
			{q("album_id", album, "width", "1,3", "_ops", "width,between"), "p1,p2,p3"},
			{q("album_id", album, "width", "0"), "p0"},
			{q("album_id", album, "name", ""), "p3"},
			{q("album_id", album, "_ops", "caption,null"), "p1,p3"},
			{q("album_id", album, "name", "lph", "_ops", "name|contains"), "p0,p1"},
			{q("album_id", album, "width", "2", "_ops", "width,gt"), "p3,p4"},
		} {
			r := s.get("/photo/select", c.params)
			want(t, r, 200)
			if got := strings.Join(ids(t, r), ","); got != c.ids {
				t.Errorf("%v: got %q, want %q", c.params, got, c.ids)
			}
		}
		r := s.postJSON("/photo/select", map[string]any{"album_id": album, "width": []int{0, 4}, "_ops": "width,in"})
		want(t, r, 200)
		if got := strings.Join(ids(t, r), ","); got != "p0,p4" {
			t.Fatalf("JSON list: %q", got)
		}
		if total(t, s, album) != 5 {
			t.Fatal("total")
		}
	}},
	{"counters", func(t *testing.T, s *server, _ string) {
		id := uniq(t, "c")
		want(t, s.get("/meter/incr", q("id", id, "likes", "2")), 200)
		r := s.postJSON("/meter/incr", map[string]any{"id": id, "likes": -1, "views": 5, "score": 0.5})
		want(t, r, 200)
		if r.num("likes") != 1 || r.num("views") != 5 || r.num("score") != 0.5 || r.str("label") != "new" {
			t.Fatalf("incr %s", r.raw)
		}
	}},
	{"errors: statuses, one shape, nothing written", func(t *testing.T, s *server, backend string) {
		album := uniq(t, "a")
		want(t, s.get("/photo/add", q("album_id", album, "id", "p1")), 200)
		want(t, s.get("/photo/add", q("album_id", album, "id", "p1")), 409)
		want(t, s.get("/photo/get", q("album_id", album, "id", "nope")), 404)
		want(t, s.get("/photo/add", q("album_id", album, "id", "p2", "width", "abc")), 400)
		want(t, s.get("/photo/add", q("album_id", album, "id", "p3", "kind", "bmp")), 400)
		want(t, s.get("/photo/add", q("album_id", album, "id", "p4", "name", strings.Repeat("x", 300))), 400)
		want(t, s.get("/photo/add", q("album_id", album, "id", "p5", "width", "-1")), 400)
		want(t, s.raw("POST", "/photo/add", "application/json", []byte(`{"album_id": "`+album+`", "id": "p6",`)), 400)
		want(t, s.raw("POST", "/photo/add", "application/json", []byte(`{"album_id": "`+album+`", "id": "p7", "width": "wide"}`)), 400)
		want(t, s.raw("POST", "/photo/add", "application/json", []byte(`{"album_id": "`+album+`", "id": "p8", "tags": {"no": "list"}}`)), 400)
		want(t, s.raw("POST", "/photo/add", "text/plain", []byte(`album_id=x`)), 415)
		want(t, s.raw("POST", "/photo/add", "application/json", bytes.Repeat([]byte(" "), 2<<20)), 413)
		want(t, s.raw("DELETE", "/photo/get", "", nil), 405)
		want(t, s.get("/no/such/route", nil), 404)
		want(t, s.get("/photo/select", q("album_id", album, "_ops", "width,regexp", "width", "1")), 400)
		want(t, s.get("/photo/select", q("album_id", album, "_ops", "width")), 400)
		want(t, s.get("/photo/select", q("album_id", album, "_count", "100000")), 400)
		want(t, s.get("/photo/select", q("album_id", album, "_count", "lots")), 400)
		want(t, s.get("/photo/select", q("album_id", album, "_token", "garbage")), 400)
		want(t, s.get("/photo/select", q("album_id", album, "_sort", "nope")), 400)
		want(t, s.get("/photo/select", q("album_id", album, "_select", "nope")), 400)
		want(t, s.get("/photo/select", q("album_id", album, "width", "x")), 400)
		want(t, s.get("/photo/select", q("album_id", album, "_desc", "maybe")), 400)
		if r := s.get("/photo/select", q("albm_id", album)); r.status != 400 || !strings.Contains(r.str("message"), `did you mean "album_id"`) {
			t.Fatalf("a misspelt condition: %s", r.raw)
		}
		want(t, s.get("/photo/get", q("album_id", album, "id", "p1", "width", "1")), 400)
		if backend == "dynamodb" { // documented: DynamoDB sorts by key columns only
			r := s.get("/photo/select", q("album_id", album, "_sort", "width"))
			want(t, r, 400)
			if r.str("code") != "Unsupported" {
				t.Fatalf("code %s", r.str("code"))
			}
		}
		if n := total(t, s, album); n != 1 {
			t.Fatalf("%v rows after the bad requests, want 1", n)
		}
	}},
	{"built-in routes", func(t *testing.T, s *server, _ string) {
		r := s.get("/data/keys/photo", nil)
		if r.status != 200 || strings.TrimSpace(r.raw) != `["album_id","id"]` {
			t.Fatalf("keys %s", r.raw)
		}
		r = s.get("/data/columns/todo", nil)
		want(t, r, 200)
		if len(r.body["columns"].([]any)) != 6 {
			t.Fatalf("columns %s", r.raw)
		}
		want(t, s.get("/data/columns/nope", nil), 404)
		r = s.get("/openapi.yaml", nil)
		if r.status != 200 || !strings.Contains(r.raw, "/todo/select:") {
			t.Fatal("openapi.yaml")
		}
		r = s.get("/doc", nil)
		if r.status != 200 || !strings.Contains(r.raw, "/photo/select") {
			t.Fatal("doc")
		}
	}},
}
