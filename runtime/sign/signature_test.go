package sign

import (
	"strings"
	"testing"
)

// Vectors computed with backendjs's own signing code.
const exp2100 = 4102444800000

func TestVectorV1(t *testing.T) {
	s := Signature{Version: 4, Login: "test", Expires: exp2100}
	r := Request{Method: "GET", Host: "localhost:8000", Path: "/account/get", Query: "name=Test%2BUser&id=1&&_count=10&empty="}
	if got := Canonical(s, r); got != "4\n\ntest\nGET\nlocalhost\n/account/get\n_count=10&empty=&id=1&name=Test%2BUser\n4102444800000\n\n\n" {
		t.Fatalf("canonical %q", got)
	}
	checkVector(t, Sign(s, r, "test"), "4||test|BBausqbI5JAqB2f6N2KvP6aNbbadQhWb1jt3LEK0f2s=|4102444800000||")
}

func TestVectorV2(t *testing.T) {
	body := `{"id":"123","ping":1}`
	s := Signature{Version: 4, Tag: "web", Login: "admin@example.com", Expires: exp2100, Checksum: Checksum([]byte(body))}
	if s.Checksum != "O5x9Iu1wV60QKFyk+gq7Dz3wH0w=" {
		t.Fatalf("checksum %s", s.Checksum)
	}
	r := Request{Method: "POST", Host: "API.Example.COM", Path: "/counter/incr", ContentType: "application/json; charset=utf-8"}
	if got := Canonical(s, r); got != "4\nweb\nadmin@example.com\nPOST\napi.example.com\n/counter/incr\n\n4102444800000\napplication/json; charset=utf-8\nO5x9Iu1wV60QKFyk+gq7Dz3wH0w=\n" {
		t.Fatalf("canonical %q", got)
	}
	checkVector(t, Sign(s, r, "s3cr3t!"), "4|web|admin@example.com|jpNIYGk43FbX3gwmNrWGoGQ6UJDSst4bYRY9G8MIs+M=|4102444800000|O5x9Iu1wV60QKFyk+gq7Dz3wH0w=|")
}

func TestVectorV3(t *testing.T) {
	s := Signature{Version: 1, Login: "test", Expires: exp2100}
	r := Request{Method: "GET", Host: "127.0.0.1", Path: "/ping", Query: "b=2&a=1"}
	if got := Canonical(s, r); got != "GET\n127.0.0.1\n/ping\na=1&b=2\n4102444800000\n\n\n" {
		t.Fatalf("canonical %q", got)
	}
	checkVector(t, Sign(s, r, "secret"), "1||test|sEVa2s1HF/STM9J7Kl4emxfoZhw=|4102444800000||")
}

func TestVectorV4Session(t *testing.T) {
	s := Signature{Version: 2, Login: "test", Expires: exp2100}
	r := Request{Host: "www.example.com"}
	if got := Canonical(s, r); got != "2\n\ntest\n*\nexample.com\n/\n*\n4102444800000\n*\n*\n" {
		t.Fatalf("canonical %q", got)
	}
	checkVector(t, Sign(s, r, "test"), "2||test|vQa8/cIviOezfDU13A7qXLNWuXwfwzRcULG1/3/zKwQ=|4102444800000||")
}

func TestVectorV5AccessTokenSignature(t *testing.T) {
	s := Signature{Version: 3, Login: "test", Expires: exp2100}
	checkVector(t, Sign(s, Request{Host: "www.example.com"}, Key(3, "test", "", "tok1")), "3||test|D26f7+s25UGwC9pope8rF3f1Rw3YxvZVUwT2Z824uPU=|4102444800000||")
}

func TestVectorV6Form(t *testing.T) {
	s := Signature{Version: 4, Login: "test", Expires: exp2100}
	r := Request{Method: "POST", Host: "localhost", Path: "/account/update", Query: "name=New+Name&alias=n2", ContentType: "application/x-www-form-urlencoded; charset=utf-8"}
	if !strings.Contains(Canonical(s, r), "\nalias=n2&name=New+Name\n") {
		t.Fatalf("canonical %q", Canonical(s, r))
	}
	checkVector(t, Sign(s, r, "test"), "4||test|slg0fHcR/i61QP8OYauIdjPaZaIvEJrFfdmA0ChrOg8=|4102444800000||")
}

func TestVectorV7InQuery(t *testing.T) {
	sig, err := Parse("4||test|1QLevSnvnpz6ITf4OdI/HtH9B3ARZxE9sQ4VvEp7r3A=|4102444800000||")
	if err != nil {
		t.Fatal(err)
	}
	r := Request{Method: "GET", Host: "localhost", Path: "/account/get", Query: "id=1&bk-signature=4%7C%7Ctest%7C1QLevSnvnpz6ITf4OdI%2FHtH9B3ARZxE9sQ4VvEp7r3A%3D%7C4102444800000%7C%7C"}
	if !Valid(sig, r, "test") {
		t.Fatalf("signature in the query does not verify; canonical %q", Canonical(sig, r))
	}
}

func TestVectorV8AuthSecret(t *testing.T) {
	s := Signature{Version: 4, Login: "test", Expires: exp2100}
	checkVector(t, Sign(s, Request{Method: "GET", Host: "localhost", Path: "/account/get"}, Key(4, "test", "2fa", "")), "4||test|PA9KOqF8/1D1E+qZCOkPvc7v6E9xepoKcoAn6wSFLiQ=|4102444800000||")
}

func checkVector(t *testing.T, s Signature, want string) {
	t.Helper()
	if s.String() != want {
		t.Fatalf("signature\n%s\nwant\n%s", s, want)
	}
	p, err := Parse(want)
	if err != nil || p != s {
		t.Fatalf("parse %q: %+v, %v", want, p, err)
	}
}

func TestTamperFails(t *testing.T) {
	s := Signature{Version: 4, Login: "test", Expires: exp2100}
	r := Request{Method: "GET", Host: "localhost", Path: "/todo/get", Query: "id=1"}
	s = Sign(s, r, "test")
	for _, bad := range []Request{
		{Method: "POST", Host: "localhost", Path: "/todo/get", Query: "id=1"},
		{Method: "GET", Host: "evil", Path: "/todo/get", Query: "id=1"},
		{Method: "GET", Host: "localhost", Path: "/todo/del", Query: "id=1"},
		{Method: "GET", Host: "localhost", Path: "/todo/get", Query: "id=2"},
		{Method: "GET", Host: "localhost", Path: "/todo/get", Query: "id=1", ContentType: "application/json"},
	} {
		if Valid(s, bad, "test") {
			t.Errorf("tampered request verifies: %+v", bad)
		}
	}
	if Valid(s, r, "other") {
		t.Error("another secret verifies")
	}
	if !Valid(s, Request{Method: "GET", Host: "LOCALHOST:9", Path: "/todo/get", Query: "id=1"}, "test") {
		t.Error("host case and port must not matter")
	}
}

func TestParseRejects(t *testing.T) {
	for _, v := range []string{"", "4", "4||test|h|1|", "4||b\xffb|h|1||", "4||test|h|1|||x", "x||test|h|1||", "4|| |h|1||", "4||test||1||", "4||test|h|||", "4||test|h|-5||", "0||test|h|1||", strings.Repeat("a", 3000)} {
		if _, err := Parse(v); err == nil {
			t.Errorf("Parse(%q) accepted", v)
		}
	}
}

func TestDomain(t *testing.T) {
	for in, want := range map[string]string{"www.example.com": "example.com", "localhost": "localhost", "a.b.example.co.uk": "b.example.co.uk", "127.0.0.1": "0.0.1", "Example.COM:8000": "example.com", "[::1]:80": "[::1]"} {
		if got := Domain(in); got != want {
			t.Errorf("Domain(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse: any header value parses to a well-formed signature or fails,
// never panics; a parsed one formats back to an equivalent value.
func FuzzParse(f *testing.F) {
	f.Add("4||test|BBausqbI5JAqB2f6N2KvP6aNbbadQhWb1jt3LEK0f2s=|4102444800000||")
	f.Add("4|web|a@b|x|1|c|")
	f.Add("|||||||")
	f.Fuzz(func(t *testing.T, v string) {
		s, err := Parse(v)
		if err != nil {
			return
		}
		if s.Login == "" || s.HMAC == "" || s.Expires <= 0 || s.Version < 1 {
			t.Fatalf("parsed an incomplete signature %+v from %q", s, v)
		}
		again, err := Parse(s.String())
		if err != nil || again != s {
			t.Fatalf("round trip of %q: %+v, %v", v, again, err)
		}
	})
}

// FuzzCanonicalQuery: the canonical query is independent of piece order,
// keeps no empty or bk-signature piece, and never panics.
func FuzzCanonicalQuery(f *testing.F) {
	f.Add("b=2&a=1&&bk-signature=x&empty=")
	f.Add("&&&")
	f.Add("a=%2B&a=+")
	f.Fuzz(func(t *testing.T, q string) {
		c := CanonicalQuery(q)
		parts := strings.Split(q, "&")
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
		if CanonicalQuery(strings.Join(parts, "&")) != c {
			t.Fatalf("order changes the canonical query of %q", q)
		}
		for _, p := range strings.Split(c, "&") {
			if c != "" && (p == "" || strings.HasPrefix(p, HeaderName)) {
				t.Fatalf("canonical %q keeps %q", c, p)
			}
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	s := Sign(Signature{Version: 4, Login: "test", Expires: exp2100}, Request{Method: "GET", Host: "localhost:8000", Path: "/todo/get", Query: "id=0123456789abcdef0123456789abcdef"}, "secret")
	hdr := s.String()
	r := Request{Method: "GET", Host: "localhost:8000", Path: "/todo/get", Query: "id=0123456789abcdef0123456789abcdef"}
	b.ReportAllocs()
	for b.Loop() {
		p, err := Parse(hdr)
		if err != nil || !Valid(p, r, "secret") {
			b.Fatal("does not verify")
		}
	}
}
