package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
)

// signed builds a request signed by login/secret, then lets tamper change it
// after signing.
func (s *server) signed(t *testing.T, login, secret, method, path, ctype string, body []byte, ttl time.Duration, tamper func(*http.Request)) reply {
	t.Helper()
	req, _ := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	tr := &sign.Transport{Login: login, Secret: secret, TTL: ttl}
	if ttl < 0 {
		tr.TTL = time.Millisecond
		tr.Now = func() time.Time { return time.Now().Add(-time.Minute) }
	}
	req.Header.Set(sign.HeaderName, tr.Signature(req, body).String())
	if tamper != nil {
		tamper(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	r := reply{status: res.StatusCode, raw: buf.String()}
	r.body = map[string]any{}
	if strings.HasPrefix(buf.String(), "{") {
		_ = jsonUnmarshal(buf.Bytes(), &r.body)
	}
	return r
}

func TestAuth(t *testing.T) {
	args := []string{"-home", t.TempDir(), "-api-allow-admin", "^/meter/", "-api-deny-path", "^/note/", "-api-allow-path", "^/album/get$",
		"-api-allow-account-editor", "^/album/", "-api-deny-account-guest", "^/photo/"}
	s := start(t, args...)
	shell(t, args, "account-add", "-login", "bob", "-secret", "bobs-secret")
	shell(t, args, "account-add", "-login", "ed", "-secret", "eds-secret", "-type", "editor")
	shell(t, args, "account-add", "-login", "gus", "-secret", "gus-secret", "-type", "guest,editor")
	unsigned := &server{t: t, base: s.base}
	const sec = 30 * time.Second

	cases := []struct {
		name   string
		r      func(t *testing.T) reply
		status int
		msg    string
	}{
		{"open path, no signature", func(t *testing.T) reply { return unsigned.get("/ping", nil) }, 200, ""},
		{"allowed by api-allow-path", func(t *testing.T) reply { return unsigned.get("/album/get", q("id", "x")) }, 404, "record not found"},
		{"no signature", func(t *testing.T) reply { return unsigned.get("/todo/select", nil) }, 417, "No login provided"},
		{"garbage signature", func(t *testing.T) reply {
			req, _ := http.NewRequest("GET", s.base+"/todo/select", nil)
			req.Header.Set("bk-signature", "4||x|"+strings.Repeat("|", 20))
			return unsigned.do(req)
		}, 417, "No login provided"},
		{"signed GET", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "GET", "/todo/select?_count=5", "", nil, sec, nil)
		}, 200, ""},
		{"signed form POST", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "POST", "/todo/add", "application/x-www-form-urlencoded", []byte("name=signed+form"), sec, nil)
		}, 200, ""},
		{"signed JSON POST with checksum", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "POST", "/todo/add", "application/json", []byte(`{"name":"signed json"}`), sec, nil)
		}, 200, ""},
		{"signature in the query", func(t *testing.T) reply {
			req, _ := http.NewRequest("GET", s.base+"/todo/select?_count=1", nil)
			sig := (&sign.Transport{Login: "bob", Secret: "bobs-secret"}).Signature(req, nil)
			return unsigned.get("/todo/select", url.Values{"_count": {"1"}, "bk-signature": {sig.String()}})
		}, 200, ""},
		{"duplicate query keys: signed as sent, then refused clearly", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "GET", "/todo/select?_count=2&_count=3", "", nil, sec, nil)
		}, 400, "given more than once"},
		{"non-UTF-8 bytes in the signature", func(t *testing.T) reply {
			req, _ := http.NewRequest("GET", s.base+"/todo/select", nil)
			req.Header.Set("bk-signature", "4||b\xff\xfeb|x|"+fmt.Sprint(time.Now().Add(sec).UnixMilli())+"||")
			return unsigned.do(req)
		}, 417, "No login provided"},
		{"a login no account can have", func(t *testing.T) reply {
			return s.signed(t, strings.Repeat("l", 300), "x", "GET", "/todo/select", "", nil, sec, nil)
		}, 404, "No account record found"},
		{"oversized signature header", func(t *testing.T) reply {
			req, _ := http.NewRequest("GET", s.base+"/todo/select", nil)
			req.Header.Set("bk-signature", "4||bob|"+strings.Repeat("x", 5000)+"|4102444800000||")
			return unsigned.do(req)
		}, 417, "No login provided"},
		{"unknown login", func(t *testing.T) reply { return s.signed(t, "nobody", "x", "GET", "/todo/select", "", nil, sec, nil) }, 404, "No account record found"},
		{"wrong secret", func(t *testing.T) reply { return s.signed(t, "bob", "wrong", "GET", "/todo/select", "", nil, sec, nil) }, 401, "Not authenticated"},
		{"tampered query", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "GET", "/todo/select?_count=1", "", nil, sec, func(r *http.Request) { r.URL.RawQuery = "_count=2" })
		}, 401, "Not authenticated"},
		{"tampered path", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "GET", "/todo/select", "", nil, sec, func(r *http.Request) { r.URL.Path = "/photo/select" })
		}, 401, "Not authenticated"},
		{"tampered host", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "GET", "/todo/select", "", nil, sec, func(r *http.Request) { r.Host = "evil.example.com" })
		}, 401, "Not authenticated"},
		{"tampered form body", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "POST", "/todo/add", "application/x-www-form-urlencoded", []byte("name=a"), sec, func(r *http.Request) {
				r.Body = ioNop("name=b")
				r.ContentLength = 6
			})
		}, 401, "Not authenticated"},
		{"tampered JSON body: checksum", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "POST", "/todo/add", "application/json", []byte(`{"name":"a"}`), sec, func(r *http.Request) {
				r.Body = ioNop(`{"name":"b"}`)
			})
		}, 400, "checksum"},
		{"expired", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "GET", "/todo/select", "", nil, -1, nil)
		}, 406, "Expired request"},
		{"expires too far ahead", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "GET", "/todo/select", "", nil, 30*24*time.Hour, nil)
		}, 406, "too far in the future"},
		{"session version in a header", func(t *testing.T) reply {
			sig := sign.Sign(sign.Signature{Version: 2, Login: "bob", Expires: time.Now().Add(sec).UnixMilli()}, sign.Request{Host: "127.0.0.1"}, "bobs-secret")
			req, _ := http.NewRequest("GET", s.base+"/todo/select", nil)
			req.Header.Set("bk-signature", sig.String())
			return unsigned.do(req)
		}, 416, "Invalid request"},
		{"admin path, not an admin", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "GET", "/meter/incr?id=c&likes=1", "", nil, sec, nil)
		}, 401, "Restricted access"},
		{"admin path, admin", func(t *testing.T) reply {
			return s.signed(t, adminLogin, adminSecret, "GET", "/meter/incr?id=c&likes=1", "", nil, sec, nil)
		}, 200, ""},
		{"allow-account: not of the type", func(t *testing.T) reply {
			return s.signed(t, "bob", "bobs-secret", "GET", "/album/select?id=x", "", nil, sec, nil)
		}, 401, "Access is not allowed"},
		{"allow-account: of the type", func(t *testing.T) reply {
			return s.signed(t, "ed", "eds-secret", "GET", "/album/select?id=x", "", nil, sec, nil)
		}, 200, ""},
		{"deny-account: of the type", func(t *testing.T) reply {
			return s.signed(t, "gus", "gus-secret", "GET", "/photo/select?album_id=x", "", nil, sec, nil)
		}, 401, "Access denied"},
		{"deny-account: not of the type", func(t *testing.T) reply {
			return s.signed(t, "ed", "eds-secret", "GET", "/photo/select?album_id=x", "", nil, sec, nil)
		}, 200, ""},
		{"denied path", func(t *testing.T) reply {
			return s.signed(t, adminLogin, adminSecret, "GET", "/note/get?id=1", "", nil, sec, nil)
		}, 403, "Access denied"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.r(t)
			if r.status != c.status || !strings.Contains(r.raw, c.msg) {
				t.Fatalf("status %d %s, want %d with %q", r.status, r.raw, c.status, c.msg)
			}
			if c.status >= 400 && (r.body["status"] != float64(c.status) || r.body["code"] == nil) {
				t.Fatalf("not the one error shape: %s", r.raw)
			}
		})
	}
	// nothing written by the refused requests
	r := s.get("/todo/select", q("_total", "1"))
	if r.num("count") != 2 {
		t.Fatalf("%v todos, want the 2 signed adds: %s", r.num("count"), r.raw)
	}
}
