package e2e

// The tests of a hostile, signed client (issue 13): each holds on the real
// binary over HTTP, on SQLite and PostgreSQL (and DynamoDB where the store
// is involved), and failed on the server before the fixes.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
)

// as returns a client of s signing as login.
func (s *server) as(t *testing.T, login, secret string) *server {
	return &server{t: t, base: s.base, client: &http.Client{Transport: &sign.Transport{Login: login, Secret: secret}}}
}

// hostileSetup starts a server on backend with two plain accounts, dan and
// eve, and dan's photo p1 with a caption only dan (and admins) may read.
func hostileSetup(t *testing.T, backend string, extra ...string) (admin, dan, eve *server, args []string) {
	args = append(backendArgs(t)[backend], extra...)
	admin = start(t, args...)
	shell(t, args, "account-add", "-login", "dan", "-secret", "dans-secret")
	shell(t, args, "account-add", "-login", "eve", "-secret", "eves-secret")
	dan, eve = admin.as(t, "dan", "dans-secret"), admin.as(t, "eve", "eves-secret")
	return admin, dan, eve, args
}

var hostileBackends = []string{"sqlite", "pgsql", "dynamodb"}

// TestPageTokensRevealNothing: sorting by a column the caller cannot read
// is refused, and a token made while sorting by a column the caller can
// read (its own rows) does not show the sort value.
func TestPageTokensRevealNothing(t *testing.T) {
	for _, backend := range hostileBackends {
		t.Run(backend, func(t *testing.T) {
			admin, dan, eve, _ := hostileSetup(t, backend)
			album := uniq(t, "a")
			for i := range 3 {
				want(t, dan.postJSON("/photo/add", map[string]any{"album_id": album, "id": fmt.Sprint("p", i), "name": "n", "caption": fmt.Sprint("hush-", i)}), 200)
			}
			danID := dan.get("/photo/get", q("album_id", album, "id", "p0")).str("owner_id")
			// eve may not order dan's rows by dan's caption, nor anyone's by the admin or secure columns
			for _, sort := range []string{"caption", "moderation", "secret", "width"} {
				r := eve.get("/photo/select", q("album_id", album, "_sort", sort, "_count", "1"))
				if r.status != 403 && r.status != 400 {
					t.Fatalf("eve sorts by %s: %d %s", sort, r.status, r.raw)
				}
			}
			want(t, admin.get("/photo/select", q("album_id", album, "_sort", "secret")), 403)
			// dan pages through his own rows by caption: the tokens are opaque
			// (DynamoDB sorts by the range key only)
			sortBy, second := "caption", "hush-1"
			if backend == "dynamodb" {
				sortBy = "id"
			}
			r := dan.get("/photo/select", q("album_id", album, "owner_id", danID, "_sort", sortBy, "_count", "1"))
			want(t, r, 200)
			tok := r.str("next_token")
			raw, err := base64.RawURLEncoding.DecodeString(tok)
			if err != nil || tok == "" {
				t.Fatalf("token %q: %v", tok, err)
			}
			if bytes.Contains(raw, []byte("hush")) || bytes.Contains(raw, []byte(album)) {
				t.Fatalf("the page token shows row values: %q", raw)
			}
			next := dan.get("/photo/select", q("album_id", album, "owner_id", danID, "_sort", sortBy, "_count", "1", "_token", tok))
			if want(t, next, 200); next.body["data"].([]any)[0].(map[string]any)["caption"] != second {
				t.Fatalf("second page: %s", next.raw)
			}
			// GraphQL: the same rules
			g := admin.gql(t, eve.client, `query($a: String!) { photos(where: [{column: album_id, values: [$a]}], sort: caption, first: 1) { nodes { id } } }`, map[string]any{"a": album})
			if len(g.Errors) == 0 || g.Errors[0].Extensions["code"] != "NotReadable" {
				t.Fatalf("GraphQL sort by a hidden column: %+v", g)
			}
			// gqlparser takes a variable's enum value in any case ("CAPTION"): the column
			// enums are strings in Go, so the other spelling must not get past the rule
			for _, v := range []map[string]any{
				{"a": album, "s": "CAPTION", "c": "album_id", "o": "eq", "v": album},
				{"a": album, "s": "id", "c": "CAPTION", "o": "begins_with", "v": "hush"},
				{"a": album, "s": "id", "c": "caption", "o": "BEGINS_WITH", "v": "hush"},
			} {
				g := admin.gql(t, eve.client, `query($a: String!, $s: PhotoColumn, $c: PhotoColumn!, $o: Op, $v: String!) { photos(where: [{column: album_id, values: [$a]}, {column: $c, op: $o, values: [$v]}], sort: $s, first: 5) { nodes { id caption } } }`, v)
				if len(g.Errors) == 0 || (g.Errors[0].Extensions["code"] != "InvalidValue" && g.Errors[0].Extensions["code"] != "NotReadable") {
					t.Fatalf("GraphQL with %v: %+v", v, g)
				}
			}
		})
	}
}

// TestConditionsAreNoOracle: a caller cannot filter or count by what it
// cannot read: admin columns are refused, owner-only ones match only its
// own rows.
func TestConditionsAreNoOracle(t *testing.T) {
	for _, backend := range hostileBackends {
		t.Run(backend, func(t *testing.T) {
			admin, dan, eve, _ := hostileSetup(t, backend)
			album := uniq(t, "a")
			want(t, dan.postJSON("/photo/add", map[string]any{"album_id": album, "id": "p1", "name": "n", "caption": "launch codes", "width": 7}), 200)
			want(t, admin.get("/photo/update", q("album_id", album, "id", "p1", "moderation", "flagged")), 200)
			count := func(c *server, kv ...string) float64 {
				t.Helper()
				r := c.get("/photo/select", q(append([]string{"album_id", album}, kv...)...))
				want(t, r, 200)
				return r.num("count")
			}
			// dan, the owner, finds his row by its caption; eve finds nothing, however asked
			if n := count(dan, "caption", "launch", "_ops", "caption,begins_with"); n != 1 {
				t.Fatalf("the owner's own filter: %v rows", n)
			}
			for _, kv := range [][]string{
				{"caption", "l", "_ops", "caption,begins_with"},
				{"caption", "launch codes"},
				{"caption", "launch", "_ops", "caption,begins_with", "_total", "1"},
				{"width", "7"},
				{"owner_id", dan.get("/photo/get", q("album_id", album, "id", "p1")).str("owner_id")},
			} {
				if n := count(eve, kv...); n != 0 {
					t.Fatalf("eve learns from %v: %v rows", kv, n)
				}
			}
			if n := count(eve); n != 1 {
				t.Fatalf("eve's plain select: %v rows", n)
			}
			// admin columns: refused to non-admins, whatever the owner
			for _, c := range []*server{dan, eve} {
				want(t, c.get("/photo/select", q("album_id", album, "moderation", "f", "_ops", "moderation,begins_with")), 403)
			}
			if n := count(admin, "moderation", "flagged"); n != 1 {
				t.Fatalf("admin filter: %v", n)
			}
			// GraphQL where: the same
			g := admin.gql(t, eve.client, `query($a: String!) { photos(where: [{column: album_id, values: [$a]}, {column: caption, op: begins_with, values: ["l"]}]) { nodes { id } } }`, map[string]any{"a": album})
			if len(g.Errors) != 0 || len(path(g.Data, "photos", "nodes").([]any)) != 0 {
				t.Fatalf("GraphQL where on an owner-only column: %+v", g)
			}
			g = admin.gql(t, eve.client, `query($a: String!) { photos(where: [{column: album_id, values: [$a]}, {column: moderation, values: ["flagged"]}]) { nodes { id } } }`, map[string]any{"a": album})
			if len(g.Errors) == 0 || g.Errors[0].Extensions["status"] != float64(403) {
				t.Fatalf("GraphQL where on an admin column: %+v", g)
			}
		})
	}
}

// TestPutOwnership: two accounts putting one new key at once: one wins,
// the other gets 403, and the row is the winner's; a put over another
// account's row is 403 and changes nothing.
func TestPutOwnership(t *testing.T) {
	for _, backend := range hostileBackends {
		t.Run(backend, func(t *testing.T) {
			_, dan, eve, _ := hostileSetup(t, backend)
			album := uniq(t, "a")
			for round := range 10 {
				id := fmt.Sprint("p", round)
				start := make(chan struct{})
				var wg sync.WaitGroup
				replies := make([]reply, 2)
				for i, c := range []*server{dan, eve} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						replies[i] = c.do(putReq(c, album, id, []string{"dan", "eve"}[i]))
					}()
				}
				close(start)
				wg.Wait()
				ok := 0
				for _, r := range replies {
					switch r.status {
					case 200:
						ok++
					case 403:
					default:
						t.Fatalf("round %d: %d %s", round, r.status, r.raw)
					}
				}
				if ok != 1 {
					t.Fatalf("round %d: %d of 2 puts of one new key succeeded: %s / %s", round, ok, replies[0].raw, replies[1].raw)
				}
				winner, name := dan, "dan"
				if replies[1].status == 200 {
					winner, name = eve, "eve"
				}
				if r := winner.get("/photo/get", q("album_id", album, "id", id)); r.str("owner_id") == "" || r.str("name") != name {
					t.Fatalf("round %d: the row is not the winner's: %s", round, r.raw)
				}
			}
		})
	}
}

func putReq(c *server, album, id, name string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, c.base+"/photo/put?"+q("album_id", album, "id", id, "name", name).Encode(), nil)
	return req
}

// TestForeignWritesRefused: update and del of another account's row are
// 403, never {"affected_rows":0} or {}; of a missing row they stay 0 and {}.
func TestForeignWritesRefused(t *testing.T) {
	for _, backend := range []string{"sqlite", "pgsql"} {
		t.Run(backend, func(t *testing.T) {
			_, dan, eve, _ := hostileSetup(t, backend)
			album := uniq(t, "a")
			want(t, dan.postJSON("/photo/add", map[string]any{"album_id": album, "id": "p1", "name": "mine"}), 200)
			want(t, eve.get("/photo/update", q("album_id", album, "id", "p1", "name", "stolen")), 403)
			want(t, eve.get("/photo/del", q("album_id", album, "id", "p1")), 403)
			want(t, eve.postJSON("/photo/del", map[string]any{"album_id": album, "id": "p1"}), 403)
			g := dan.gql(t, eve.client, `mutation($a: String!) { delPhoto(album_id: $a, id: "p1") }`, map[string]any{"a": album})
			if len(g.Errors) == 0 || g.Errors[0].Extensions["status"] != float64(403) {
				t.Fatalf("GraphQL del of another's row: %+v", g)
			}
			if r := dan.get("/photo/get", q("album_id", album, "id", "p1")); r.str("name") != "mine" {
				t.Fatalf("the row changed: %s", r.raw)
			}
			if r := eve.get("/photo/update", q("album_id", album, "id", "none", "name", "x")); r.status != 200 || r.num("affected_rows") != 0 {
				t.Fatalf("update of a missing row: %d %s", r.status, r.raw)
			}
			want(t, eve.get("/photo/del", q("album_id", album, "id", "none")), 200)
		})
	}
}

// TestOnlySignedParameters: a captured signed form POST replayed with
// parameters added to its URL is refused, and so is a signed body without
// its checksum; nothing the attacker added is used.
func TestOnlySignedParameters(t *testing.T) {
	for _, backend := range []string{"sqlite", "pgsql"} {
		t.Run(backend, func(t *testing.T) {
			admin, dan, _, _ := hostileSetup(t, backend)
			form := "application/x-www-form-urlencoded"
			for _, tc := range []struct{ path, body, extra string }{
				{"/account/update", "name=dan2", "secret=hijacked"},
				{"/account/update", "name=dan2", "type=admin"},
				{"/auth", "", "_session=1"},
				{"/auth", "", "_accesstoken=1"},
				{"/todo/add", "name=x", "descr=injected"},
			} {
				r := admin.signed(t, "dan", "dans-secret", "POST", tc.path, form, []byte(tc.body), 0, func(req *http.Request) {
					req.URL.RawQuery = tc.extra
				})
				if want(t, r, 400); r.str("code") != "UNSIGNED" {
					t.Fatalf("%s with ?%s: %s", tc.path, tc.extra, r.raw)
				}
			}
			// dan's secret and type are what they were
			if r := dan.get("/auth", nil); r.status != 200 || r.str("type") != "" {
				t.Fatalf("dan after the replays: %d %s", r.status, r.raw)
			}
			// a JSON body signed without its checksum: the body is not signed
			body := []byte(`{"name":"forged"}`)
			req, _ := http.NewRequest(http.MethodPost, admin.base+"/todo/add", nil)
			req.Header.Set("Content-Type", "application/json")
			tr := &sign.Transport{Login: "dan", Secret: "dans-secret"}
			req.Header.Set(sign.HeaderName, tr.Signature(req, nil).String())
			req.Body, req.ContentLength = ioNop(string(body)), int64(len(body))
			if r := (&server{t: t, base: admin.base}).do(req); r.status != 400 || r.str("code") != "UNSIGNED" {
				t.Fatalf("a body without its checksum: %d %s", r.status, r.raw)
			}
			// signed the normal way, the same requests work
			want(t, dan.postForm("/account/update", url.Values{"name": {"dan3"}}), 200)
			want(t, dan.postJSON("/todo/add", map[string]any{"name": "fine"}), 200)
		})
	}
}

// TestLogoutEndsTheSession: a copy of the session cookie stops working at
// /logout, on every server of the database.
func TestLogoutEndsTheSession(t *testing.T) {
	for _, backend := range []string{"sqlite", "pgsql"} {
		t.Run(backend, func(t *testing.T) {
			s, _, _, _ := hostileSetup(t, backend)
			jar, _ := cookiejar.New(nil)
			browser := &http.Client{Jar: jar}
			res, err := browser.PostForm(s.base+"/login", url.Values{"login": {"dan"}, "secret": {"dans-secret"}, "_session": {"1"}})
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("login: %v %v", res, err)
			}
			res.Body.Close()
			cookie := jar.Cookies(mustURL(t, s.base))[0]
			copied := func() int {
				req, _ := http.NewRequest("GET", s.base+"/auth", nil)
				req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			if st := copied(); st != 200 {
				t.Fatalf("the session before logout: %d", st)
			}
			res, err = browser.Get(s.base + "/logout")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("logout: %v %v", res, err)
			}
			res.Body.Close()
			if st := copied(); st != 401 {
				t.Fatalf("a copied cookie after /logout: %d, want 401", st)
			}
			// logging in again gives a session that works
			res, _ = browser.PostForm(s.base+"/login", url.Values{"login": {"dan"}, "secret": {"dans-secret"}, "_session": {"1"}})
			res.Body.Close()
			res, _ = browser.Get(s.base + "/auth")
			if res.Body.Close(); res.StatusCode != 200 {
				t.Fatalf("a new session after logout: %d", res.StatusCode)
			}
		})
	}
}

// TestSessionCSRF: the session is refused for a foreign Origin and for a
// same-site (sibling subdomain) request.
func TestSessionCSRF(t *testing.T) {
	s, _, _, _ := hostileSetup(t, "sqlite")
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	res, _ := browser.PostForm(s.base+"/login", url.Values{"login": {"dan"}, "secret": {"dans-secret"}, "_session": {"1"}})
	res.Body.Close()
	for _, h := range []map[string]string{
		{"Origin": "http://evil.example"},
		{"Origin": "null"},
		{"Sec-Fetch-Site": "same-site"},
		{"Sec-Fetch-Site": "cross-site"},
	} {
		req, _ := http.NewRequest("POST", s.base+"/todo/add", strings.NewReader("name=csrf"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		r := (&server{t: t, base: s.base, client: browser}).do(req)
		if r.status != 403 || r.str("code") != "CSRF" {
			t.Fatalf("session with %v: %d %s", h, r.status, r.raw)
		}
	}
	req, _ := http.NewRequest("POST", s.base+"/todo/add", strings.NewReader("name=ok"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	want(t, (&server{t: t, base: s.base, client: browser}).do(req), 200)
}

// TestBadInputIsA4xx: counters past int64, a client-chosen id where the
// database assigns them, unknown body fields, a bad % escape, an oversized
// chunked body: each a clear 4xx in the one shape, nothing written.
func TestBadInputIsA4xx(t *testing.T) {
	for _, backend := range hostileBackends {
		t.Run(backend, func(t *testing.T) {
			s, dan, _, _ := hostileSetup(t, backend)
			id := uniq(t, "c")
			want(t, s.get("/meter/incr", q("id", id, "likes", fmt.Sprint(int64(math.MaxInt64)))), 200)
			r := s.get("/meter/incr", q("id", id, "likes", "1"))
			if want(t, r, 400); r.str("code") != "Overflow" {
				t.Fatalf("overflow: %s", r.raw)
			}
			if r := s.get("/meter/get", q("id", id)); r.num("likes") != math.MaxInt64 {
				t.Fatalf("after the refused overflow: %s", r.raw)
			}
			if backend == "dynamodb" {
				return // the rest is the same HTTP layer
			}
			// note's id is the database's
			want(t, s.postJSON("/note/add", map[string]any{"id": 424242, "body": "squat"}), 400)
			want(t, s.postJSON("/note/put", map[string]any{"id": 424243, "body": "squat"}), 404)
			added := s.postJSON("/note/add", map[string]any{"body": "fine"})
			want(t, added, 200)
			want(t, s.postJSON("/note/put", map[string]any{"id": added.num("id"), "body": "replaced"}), 200)
			// unknown fields in bodies, with the nearest name
			for _, r := range []reply{
				dan.postJSON("/todo/add", map[string]any{"nme": "x"}),
				dan.postForm("/todo/add", url.Values{"nme": {"x"}}),
				dan.postJSON("/todo/select", map[string]any{"_cuont": 5}),
			} {
				if want(t, r, 400); !strings.Contains(r.str("message"), "did you mean") {
					t.Fatalf("unknown field: %s", r.raw)
				}
			}
			// a bad % escape says so, in the query and in a form body
			req, _ := http.NewRequest("GET", s.base+"/todo/select?name=100%zz", nil)
			if r := s.do(req); r.status != 400 || !strings.Contains(r.str("message"), "%-escape") {
				t.Fatalf("bad escape: %d %s", r.status, r.raw)
			}
			if r := dan.raw("POST", "/todo/add", "application/x-www-form-urlencoded", []byte("name=50%")); r.status != 400 || !strings.Contains(r.str("message"), "%-escape") {
				t.Fatalf("bad escape in a form: %d %s", r.status, r.raw)
			}
			// an oversized chunked body (no Content-Length) is a 413, signed
			// or not (/login is open)
			big := bytes.Repeat([]byte("a"), 2<<20)
			for _, c := range []struct {
				*server
				path, ctype string
			}{{s, "/todo/add", "application/json"}, {&server{t: t, base: s.base}, "/login", "application/x-www-form-urlencoded"}, {&server{t: t, base: s.base}, "/login", "application/json"}} {
				req, _ = http.NewRequest("POST", s.base+c.path, bytes.NewReader(big))
				req.ContentLength = -1 // chunked
				req.Header.Set("Content-Type", c.ctype)
				if r := c.do(req); r.status != 413 {
					t.Fatalf("oversized chunked body to %s: %d %s", c.path, r.status, r.raw)
				}
			}
			// hidden columns are absent, never null
			album := uniq(t, "a")
			want(t, dan.postJSON("/photo/add", map[string]any{"album_id": album, "id": "p1", "name": "n"}), 200)
			if r := s.as(t, "eve", "eves-secret").get("/photo/get", q("album_id", album, "id", "p1")); strings.Contains(r.raw, "null") || strings.Contains(r.raw, "thumb") {
				t.Fatalf("a hidden column shows: %s", r.raw)
			}
		})
	}
}

// TestGraphQLLimits: where and in lists are bounded (400, never 500).
func TestGraphQLLimits(t *testing.T) {
	s, dan, _, _ := hostileSetup(t, "sqlite")
	conds := strings.Repeat(`{column: name, values: ["x"]},`, 30)
	g := s.gql(t, dan.client, `{ todos(where: [`+conds+`]) { nodes { id } } }`, nil)
	if len(g.Errors) == 0 || g.Errors[0].Extensions["status"] != float64(400) {
		t.Fatalf("30 conditions: %+v", g)
	}
	vals := strings.Repeat(`"x",`, 500)
	g = s.gql(t, dan.client, `{ todos(where: [{column: name, op: in, values: [`+vals+`]}]) { nodes { id } } }`, nil)
	if len(g.Errors) == 0 || g.Errors[0].Extensions["status"] != float64(400) {
		t.Fatalf("500 values: %+v", g)
	}
	want(t, dan.get("/todo/select", q("name", strings.Repeat("x|", 200), "_ops", "name,in")), 400)
}

// TestGraphQLCostAttacks: documents whose cost explodes once fragments are
// expanded, or that repeat a field thousands of times, are refused before
// any of that work, and the server answers /ping all along.
func TestGraphQLCostAttacks(t *testing.T) {
	s, dan, _, _ := hostileSetup(t, "sqlite")
	var bomb strings.Builder
	bomb.WriteString("query { ...F0 }\n")
	for i := range 30 {
		fmt.Fprintf(&bomb, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	bomb.WriteString("fragment F30 on Query { todos { nodes { id name } } }\n")
	docs := map[string]string{
		"fragment bomb": bomb.String(),
		"8000 repeats":  "{ todos { nodes { " + strings.Repeat("id ", 8000) + "} } }",
		"1500 aliases":  "{ todos { nodes { " + strings.Repeat("a: id ", 1500) + "} } }",
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for name, doc := range docs {
		for range 4 { // concurrently: a core each would be busy for minutes before
			wg.Add(1)
			go func() {
				defer wg.Done()
				begin := time.Now()
				g := s.gql(t, dan.client, doc, nil)
				if len(g.Errors) == 0 {
					errs <- name + ": not refused"
				}
				t.Logf("%s refused in %v: %s", name, time.Since(begin).Round(time.Microsecond), g.Errors[0].Message)
			}()
		}
	}
	// /ping answers while they run
	for range 20 {
		want(t, s.get("/ping", nil), 200)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// a body over -graphql-max-body is a 413 before it is read whole
	big := `{"query":"{ todos { nodes { id } } }","variables":{"x":"` + strings.Repeat("a", 100<<10) + `"}}`
	if r := dan.raw("POST", "/graphql", "application/json", []byte(big)); r.status != 413 {
		t.Fatalf("a 100 KB GraphQL body: %d %s", r.status, r.raw)
	}
}
