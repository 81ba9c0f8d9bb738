package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/bkgen/bkgen/tests/testenv"
)

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fetch is a GET whose body is kept whole (not decoded).
func fetch(t *testing.T, c *server, path string) (*http.Response, []byte) {
	t.Helper()
	res, err := c.client.Get(c.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// TestFiles: /file/put|get|del on the local directory and on S3, each
// account in its own namespace, the type sniffed, pages never inline.
func TestFiles(t *testing.T) {
	for name, extra := range map[string][]string{
		"local": nil,
		"s3": {"-files-store", "s3", "-files-s3-endpoint", testenv.S3URL(), "-files-s3-path-style", "-files-s3-bucket", "bkgen-e2e",
			"-files-s3-prefix", "e2e" + strings.ReplaceAll(t.Name(), "/", "") + randomSuffix(), "-files-s3-access-key", "k", "-files-s3-secret-key", "s"},
	} {
		t.Run(name, func(t *testing.T) {
			s := start(t, append(backendArgs(t)["sqlite"], append(extra, "-files-max-size", "100000")...)...)
			ann, annID := addAccount(t, s, "ann")
			bob, _ := addAccount(t, s, "bob")
			img := pngBytes(t)

			// the raw body, a lying content type: the bytes say what it is
			req, _ := http.NewRequest(http.MethodPost, s.base+"/file/put?prefix=pics&name=a.png", bytes.NewReader(img))
			req.Header.Set("Content-Type", "text/html")
			r := ann.do(req)
			if want(t, r, 200); r.str("type") != "image/png" || r.num("size") != float64(len(img)) {
				t.Fatalf("put raw: %s", r.raw)
			}
			res, b := fetch(t, ann, "/file/get?prefix=pics&name=a.png")
			if res.StatusCode != 200 || !bytes.Equal(b, img) || res.Header.Get("Content-Type") != "image/png" || res.Header.Get("Content-Disposition") != "" {
				t.Fatalf("get: %d %s %q", res.StatusCode, res.Header, b)
			}
			// bob has a namespace of his own; an admin names ann's
			if res, _ := fetch(t, bob, "/file/get?prefix=pics&name=a.png"); res.StatusCode != 404 {
				t.Fatalf("bob read ann's file: %d", res.StatusCode)
			}
			if res, b := fetch(t, s, "/file/get?prefix=pics&name=a.png&id="+annID); res.StatusCode != 200 || !bytes.Equal(b, img) {
				t.Fatalf("admin get: %d", res.StatusCode)
			}
			if res, _ := fetch(t, bob, "/file/get?prefix=pics&name=a.png&id="+annID); res.StatusCode != 404 {
				t.Fatalf("id is for admins only: %d", res.StatusCode)
			}

			// multipart, and base64 in JSON
			var mp bytes.Buffer
			mw := multipart.NewWriter(&mp)
			fw, _ := mw.CreateFormFile("data", "page.html")
			fw.Write([]byte("<html><script>alert(1)</script></html>"))
			mw.Close()
			req, _ = http.NewRequest(http.MethodPost, s.base+"/file/put?prefix=docs&name=page.html", &mp)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			want(t, ann.do(req), 200)
			res, _ = fetch(t, ann, "/file/get?prefix=docs&name=page.html")
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/octet-stream" || res.Header.Get("Content-Disposition") != "attachment" ||
				res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("an uploaded page is served inline: %d %v", res.StatusCode, res.Header)
			}
			r = ann.postJSON("/file/put", map[string]any{"prefix": "notes", "name": "n/1.txt", "data": base64.StdEncoding.EncodeToString([]byte("hello"))})
			if want(t, r, 200); !strings.HasPrefix(r.str("type"), "text/plain") {
				t.Fatalf("json put: %s", r.raw)
			}
			if _, b := fetch(t, ann, "/file/get?prefix=notes&name=n/1.txt"); string(b) != "hello" {
				t.Fatalf("json put read back %q", b)
			}

			// bad input, nothing written
			want(t, ann.postJSON("/file/put", map[string]any{"name": "x", "data": "aGk="}), 400)
			want(t, ann.postJSON("/file/put", map[string]any{"prefix": "p", "name": "../../etc/passwd", "data": "aGk="}), 400)
			want(t, ann.postJSON("/file/put", map[string]any{"prefix": "p", "name": "x", "data": "not base64!"}), 400)
			want(t, bob.postJSON("/file/put", map[string]any{"prefix": "notes/" + annID, "name": "x", "data": "aGk="}), 400)
			want(t, ann.postJSON("/file/put", map[string]any{"prefix": "p", "name": "x"}), 400)
			big := base64.StdEncoding.EncodeToString(make([]byte, 100001))
			want(t, ann.postJSON("/file/put", map[string]any{"prefix": "p", "name": "x", "data": big}), 413)
			if res, _ := fetch(t, ann, "/file/get?prefix=p&name=x"); res.StatusCode != 404 {
				t.Fatalf("a refused upload was written: %d", res.StatusCode)
			}
			want(t, (&server{t: t, base: s.base}).get("/file/get", q("prefix", "pics", "name", "a.png")), 417)

			want(t, ann.get("/file/del", q("prefix", "pics", "name", "a.png")), 200)
			if res, _ := fetch(t, ann, "/file/get?prefix=pics&name=a.png"); res.StatusCode != 404 {
				t.Fatalf("deleted file: %d", res.StatusCode)
			}
			want(t, ann.get("/file/del", q("prefix", "pics", "name", "a.png")), 200)
		})
	}
}

func randomSuffix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}
