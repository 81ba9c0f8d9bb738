package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestStatic(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "js"), 0o755)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>home</p>"), 0o644)
	os.WriteFile(filepath.Join(dir, "js", "app.js"), []byte(strings.Repeat("let a = 1;\n", 200)), 0o644)
	os.WriteFile(filepath.Join(dir, ".env"), []byte("SECRET=1"), 0o644)
	os.WriteFile(filepath.Join(t.TempDir(), "outside"), []byte("x"), 0o644)
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("outside"), 0o644)
	os.Symlink(outside, filepath.Join(dir, "link.txt"))
	files := DirFS(dir)
	embedded := fstest.MapFS{"logo.svg": {Data: []byte("<svg/>")}, "index.html": {Data: []byte("embedded")}}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { Error(w, 404, "NotFound", "no route "+r.URL.Path) })
	get := func(s http.Handler, path string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w
	}
	s := NewStatic(false, files, embedded).Then(api)
	w := get(s, "/")
	if w.Code != 200 || w.Body.String() != "<p>home</p>" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("/: %d %q %v", w.Code, w.Body, w.Header())
	}
	etag := w.Header().Get("ETag")
	if w = get(s, "/index.html", "If-None-Match", etag); w.Code != 304 || w.Body.Len() != 0 {
		t.Fatalf("If-None-Match: %d", w.Code)
	}
	if w = get(s, "/index.html", "If-Modified-Since", w.Header().Get("Last-Modified")); w.Code != 304 {
		t.Fatalf("If-Modified-Since: %d", w.Code)
	}
	w = get(s, "/js/app.js", "Accept-Encoding", "gzip, br")
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(w.Header().Get("Content-Type"), "javascript") {
		t.Fatalf("gzip: %d %v", w.Code, w.Header())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); len(b) != 2200 {
		t.Fatalf("gzip body: %d bytes", len(b))
	}
	if w = get(s, "/logo.svg"); w.Code != 200 || w.Body.String() != "<svg/>" {
		t.Fatalf("embedded: %d %q", w.Code, w.Body)
	}
	for _, p := range []string{"/.env", "/js/", "/missing.png", "/link.txt", "/../" + filepath.Base(outside), "/%2e%2e/etc/passwd", "/js/..%2f..%2fetc/passwd"} {
		if w = get(s, p); w.Code != 404 || strings.Contains(w.Body.String(), "SECRET") || strings.Contains(w.Body.String(), "outside") {
			t.Errorf("%s: %d %q", p, w.Code, w.Body)
		}
	}
	spa := NewStatic(true, files).Then(api)
	if w = get(spa, "/settings/profile", "Accept", "text/html"); w.Code != 200 || w.Body.String() != "<p>home</p>" {
		t.Fatalf("spa page: %d %q", w.Code, w.Body)
	}
	if w = get(spa, "/todo/missing.json", "Accept", "text/html"); w.Code != 404 {
		t.Fatalf("spa asset: %d", w.Code)
	}
}

// TestServePublic: only the public files are served before the signature
// check, never a path the server routes.
func TestServePublic(t *testing.T) {
	files := fstest.MapFS{"index.html": {Data: []byte("home")}, "app.js": {Data: []byte("js")}, "data.json": {Data: []byte("{}")}, "tasks/x.js": {Data: []byte("shadow")}}
	s := NewStatic(true, files)
	routed := func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/tasks/") }
	for path, want := range map[string]bool{"/": true, "/app.js": true, "/data.json": false, "/tasks/x.js": false, "/missing.js": false, "/settings": true} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept", "text/html")
		w := httptest.NewRecorder()
		if got := s.ServePublic(w, req, routed); got != want {
			t.Errorf("%s: served %v, want %v", path, got, want)
		}
	}
}

func TestCORS(t *testing.T) {
	c, err := NewCORS([]string{"https://app.example.com", `^https://[a-z]+\.example\.org$`})
	if err != nil {
		t.Fatal(err)
	}
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	do := func(method, origin string, preflight bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/todo/add", nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if preflight {
			req.Header.Set("Access-Control-Request-Method", "POST")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	w := do("OPTIONS", "https://app.example.com", true)
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" || !strings.Contains(w.Header().Get("Access-Control-Allow-Headers"), "bk-signature") || w.Header().Get("Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("preflight: %d %v", w.Code, w.Header())
	}
	if w = do("OPTIONS", "https://evil.example.net", true); w.Code != 403 || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("preflight from another origin: %d %v", w.Code, w.Header())
	}
	if w = do("GET", "https://api.example.org", false); w.Header().Get("Access-Control-Allow-Origin") != "https://api.example.org" || w.Body.String() != "ok" {
		t.Fatalf("pattern: %v", w.Header())
	}
	if w = do("GET", "https://evil.example.net", false); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("another origin: %v", w.Header())
	}
	if w = do("OPTIONS", "", false); w.Code != 204 || w.Header().Get("Allow") == "" {
		t.Fatalf("plain OPTIONS: %d", w.Code)
	}
	if !c.Trusted("https://app.example.com") || c.Trusted("https://evil.example.net") {
		t.Fatal("Trusted")
	}
	any, _ := NewCORS([]string{"*"})
	if any.Trusted("https://x.com") {
		t.Fatal("* must not carry credentials")
	}
}

// TestGzipped: an asset embedded gzip-compressed goes as it is to a client
// that takes gzip, and decompressed to one that does not.
func TestGzipped(t *testing.T) {
	page := strings.Repeat("<p>the documentation page</p>\n", 100)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(page))
	zw.Close()
	for accept, want := range map[string]bool{"gzip, deflate": true, "br;q=1, gzip;q=0.5": true, "": false, "gzip;q=0": false, "identity": false} {
		r := httptest.NewRequest(http.MethodGet, "/doc", nil)
		if accept != "" {
			r.Header.Set("Accept-Encoding", accept)
		}
		w := httptest.NewRecorder()
		Gzipped(w, r, z.Bytes())
		gz := w.Header().Get("Content-Encoding") == "gzip"
		if gz != want {
			t.Fatalf("Accept-Encoding %q: gzip %v, want %v", accept, gz, want)
		}
		body := w.Body.Bytes()
		if gz {
			if !bytes.Equal(body, z.Bytes()) {
				t.Fatalf("Accept-Encoding %q: the gzip bytes were not sent as they are", accept)
			}
			continue
		}
		if string(body) != page {
			t.Fatalf("Accept-Encoding %q: got %d bytes, want the page decompressed", accept, len(body))
		}
	}
}
