package admin

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestHandler: the files with the CSP and their types, gzip passed
// through or undone, 304 on the ETag, nothing else served.
func TestHandler(t *testing.T) {
	h := Handler()
	do := func(method, path string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := do("GET", "/admin/")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `<script type="module" src="/admin/app.js">`) || w.Header().Get("Content-Security-Policy") != CSP {
		t.Fatalf("/admin/: %d %q", w.Code, w.Header())
	}
	if w := do("GET", "/admin"); w.Code != http.StatusMovedPermanently {
		t.Fatalf("/admin: %d", w.Code)
	}
	plain := do("GET", "/admin/vendor/uPlot.iife.min.js")
	if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" || !strings.Contains(plain.Body.String(), "uPlot") || !strings.HasPrefix(plain.Header().Get("Content-Type"), "text/javascript") {
		t.Fatalf("a vendor file without gzip: %d %q", plain.Code, plain.Header())
	}
	gz := do("GET", "/admin/vendor/uPlot.iife.min.js", "Accept-Encoding", "gzip, br")
	zr, err := gzip.NewReader(gz.Body)
	if err != nil || gz.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip: %v %q", err, gz.Header())
	}
	if b, _ := io.ReadAll(zr); string(b) != plain.Body.String() {
		t.Fatal("the gzip body differs from the plain one")
	}
	if w := do("GET", "/admin/app.js", "If-None-Match", do("GET", "/admin/app.js").Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Fatalf("ETag: %d", w.Code)
	}
	for _, p := range []string{"/admin/vendor/LICENSE.react", "/admin/vendor/VERSIONS", "/admin/../admin.go", "/admin/nothing.js"} {
		if w := do("GET", p); w.Code != 404 {
			t.Errorf("%s: %d, want 404", p, w.Code)
		}
	}
	if w := do("POST", "/admin/"); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", w.Code)
	}
	// the path rule that opens the files matches them and nothing else
	allow := regexp.MustCompile(Allow)
	for p := range files() {
		if !allow.MatchString(p) {
			t.Errorf("Allow does not open %s", p)
		}
	}
	for _, p := range []string{"/admin/x/y.js", "/admin/../system/stats/get", "/admin/vendor/a/b.js", "/adminx", "/admin/app.json"} {
		if allow.MatchString(p) {
			t.Errorf("Allow opens %s", p)
		}
	}
	t.Logf("the console adds %d KiB to the binary", Size()/1024)
}
