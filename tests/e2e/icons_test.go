package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/tests/testenv"
)

// Icons (bk_icon) on the real binary: every backend for the rows, the
// local directory and S3 for the images.

// pngOf is a w×h PNG.
func pngOf(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.RGBA{200, 10, 10, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a PNG whose header says w×h pixels, with a tiny body: a
// decompression bomb before it is inflated.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		binary.Write(&b, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// multipartIcon is a multipart body with the image in the part icon and
// the other fields as parts.
func multipartIcon(data []byte, fields map[string]string) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("icon", "me.png")
	fw.Write(data)
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

func s3Args(t *testing.T) []string {
	return []string{"-files-store", "s3", "-files-s3-endpoint", testenv.S3URL(), "-files-s3-path-style", "-files-s3-bucket", "bkgen-e2e",
		"-files-s3-prefix", "icons" + randomSuffix(), "-files-s3-access-key", "k", "-files-s3-secret-key", "s"}
}

func TestIcons(t *testing.T) {
	for _, c := range []struct{ name, backend, files string }{
		{"sqlite-local", "sqlite", "local"}, {"sqlite-s3", "sqlite", "s3"},
		{"pgsql", "pgsql", "local"}, {"mysql", "mysql", "local"}, {"dynamodb", "dynamodb", "local"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := backendArgs(t)[c.backend]
			if c.files == "s3" {
				args = append(args, s3Args(t)...)
			}
			s := start(t, append(args, "-files-max-size", "2000000")...)
			icons(t, s, args[1], c.files == "local")
		})
	}
}

// image decodes an image reply.
func decodeImage(t *testing.T, res *http.Response, b []byte) image.Config {
	t.Helper()
	if res.StatusCode != 200 {
		t.Fatalf("image: %d %s", res.StatusCode, b)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("image: %v (%s)", err, res.Header.Get("Content-Type"))
	}
	return cfg
}

// storedFiles are the files under the local storage of home.
func storedFiles(t *testing.T, home, under string) []string {
	var out []string
	filepath.WalkDir(filepath.Join(home, "var", "files", under), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			out = append(out, path)
		}
		return nil
	})
	return out
}

func icons(t *testing.T, s *server, home string, local bool) {
	ann, annID := addAccount(t, s, "ann")
	bob, bobID := addAccount(t, s, "bob")
	cat, _ := addAccount(t, s, "cat")
	anon := &server{t: t, base: s.base, client: http.DefaultClient}
	src := pngOf(t, 400, 200)

	// ann's account icon, multipart, for bob only
	ct, body := multipartIcon(src, map[string]string{"acl_allow": bobID, "descr": "me"})
	r := ann.raw(http.MethodPost, "/account/put/icon", ct, body)
	if want(t, r, 200); r.num("width") != 400 || r.num("height") != 200 || r.str("ext") != "png" || r.str("url") != "/image/account/"+annID+"/0" || r.str("acl_allow") != bobID {
		t.Fatalf("put: %s", r.raw)
	}
	// bob sees it, scaled; cat and the public address do not, as if it
	// did not exist
	res, b := fetch(t, bob, "/account/get/icon?_width=100&id="+annID)
	if cfg := decodeImage(t, res, b); cfg.Width != 100 || cfg.Height != 50 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("scaled: %+v %s", cfg, res.Header)
	}
	res, b = fetch(t, bob, "/account/get/icon?_width=80&_ext=jpeg&id="+annID)
	if cfg := decodeImage(t, res, b); cfg.Width != 80 || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("as jpeg: %+v %s", cfg, res.Header)
	}
	if res, b := fetch(t, cat, "/account/get/icon?id="+annID); res.StatusCode != 404 {
		t.Fatalf("cat read ann's icon: %d %s", res.StatusCode, b)
	}
	if res, _ := fetch(t, anon, "/image/account/"+annID+"/0"); res.StatusCode != 404 {
		t.Fatalf("a private icon is public: %d", res.StatusCode)
	}
	want(t, anon.get("/account/get/icon", q("id", annID)), 417)
	if got := rows(t, cat.get("/icon/select", q("id", annID))); len(got) != 0 {
		t.Fatalf("cat lists ann's icons: %v", got)
	}
	if got := rows(t, bob.get("/icon/select", q("id", annID))); len(got) != 1 || got[0]["descr"] != "me" || got[0]["acl_allow"] != nil {
		t.Fatalf("bob lists ann's icons (acl_allow is ann's): %v", got)
	}
	want(t, cat.get("/icon/select", q("id", annID, "_total", "1")), 400)
	// another account's icon is not yours to change
	want(t, bob.raw(http.MethodPost, "/account/put/icon?id="+annID, "image/png", src), 403)
	want(t, bob.get("/account/del/icon", q("id", annID)), 403)

	// an object's icon, the raw body, stored as a JPEG 64 wide, public
	r = ann.raw(http.MethodPost, "/icon/put?prefix=album&type=cover&acl_allow=all&_width=64&_ext=jpg", "image/png", src)
	if want(t, r, 200); r.num("width") != 64 || r.num("height") != 32 || r.str("ext") != "jpeg" {
		t.Fatalf("raw put: %s", r.raw)
	}
	pub := "/image/album/" + annID + "/cover"
	res, b = fetch(t, anon, pub)
	if cfg := decodeImage(t, res, b); cfg.Width != 64 || res.Header.Get("Content-Type") != "image/jpeg" ||
		!strings.HasPrefix(res.Header.Get("Cache-Control"), "public, max-age=") || res.Header.Get("ETag") == "" || res.Header.Get("Last-Modified") == "" {
		t.Fatalf("public: %+v %v", cfg, res.Header)
	}
	if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("public jpeg: %v", err)
	}
	req, _ := http.NewRequest(http.MethodGet, s.base+pub, nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if r := anon.do(req); r.status != 304 {
		t.Fatalf("revalidation: %d", r.status)
	}
	// base64 in JSON; a second image replaces the first, which goes
	r = ann.postJSON("/icon/put", map[string]any{"prefix": "album", "type": "cover", "icon": base64.StdEncoding.EncodeToString(pngOf(t, 30, 30))})
	if want(t, r, 200); r.num("width") != 30 || r.str("ext") != "png" || r.str("acl_allow") != "all" {
		t.Fatalf("base64 put (acl_allow kept): %s", r.raw)
	}
	if res2, b2 := fetch(t, anon, pub); decodeImage(t, res2, b2).Width != 30 || res2.Header.Get("ETag") == res.Header.Get("ETag") {
		t.Fatalf("replaced: %v", res2.Header)
	}
	if local {
		if got := storedFiles(t, home, "icon/album/"+annID+"/cover"); len(got) != 1 {
			t.Fatalf("the replaced image is kept: %v", got)
		}
	}

	// refused, with nothing written: a 50-megapixel bomb, a file that
	// lies about its type, a bad name, a box past the limit
	before := rows(t, ann.get("/icon/select", nil))
	if r := ann.get("/icon/select", q("_total", "1")); r.status != 200 || r.num("count") != float64(len(before)) || len(before) != 2 {
		t.Fatalf("own total: %s (%d rows)", r.raw, len(before))
	}
	for _, bad := range []struct {
		path, ctype string
		data        []byte
	}{
		{"/icon/put?prefix=x", "image/png", pngBomb(10000, 5000)},
		{"/icon/put?prefix=x", "image/png", []byte("<html><script>alert(1)</script></html>")},
		{"/icon/put?prefix=x", "image/png", src[:60]},
		{"/icon/put?prefix=../x", "image/png", src},
		{"/icon/put?prefix=x&_width=999999", "image/png", src},
		{"/icon/put?prefix=x&acl_allow=all,auth", "image/png", src},
	} {
		if r := ann.raw(http.MethodPost, bad.path, bad.ctype, bad.data); r.status != 400 || r.str("message") == "" {
			t.Fatalf("%s: %d %s", bad.path, r.status, r.raw)
		}
	}
	want(t, ann.raw(http.MethodPost, "/icon/put?prefix=x", "image/png", make([]byte, 2000001)), 413)
	if after := rows(t, ann.get("/icon/select", nil)); len(after) != len(before) {
		t.Fatalf("a refused upload was written: %v", after)
	}

	// GraphQL: the same routes
	g := ann.gql(t, ann.client, `mutation($i: String!) { putIcon(prefix: "gql", icon: $i, aclAllow: "auth", width: 10) { prefix type width height } }`,
		map[string]any{"i": base64.StdEncoding.EncodeToString(src)})
	if g.Errors != nil || path(g.Data, "putIcon", "width") != float64(10) || path(g.Data, "putIcon", "height") != float64(5) {
		t.Fatalf("putIcon: %v %v", g.Data, g.Errors)
	}
	g = cat.gql(t, cat.client, `query($id: String) { icons(id: $id) { nodes { prefix type acl_allow } } }`, map[string]any{"id": annID})
	if nodes, _ := path(g.Data, "icons", "nodes").([]any); g.Errors != nil || len(nodes) != 2 {
		t.Fatalf("cat sees ann's auth and all icons: %v %v", g.Data, g.Errors)
	}
	g = ann.gql(t, ann.client, `mutation { deleteIcon(prefix: "gql") }`, nil)
	if g.Errors != nil || path(g.Data, "deleteIcon") != float64(1) {
		t.Fatalf("deleteIcon: %v %v", g.Data, g.Errors)
	}

	// the account goes, its icons with it
	want(t, ann.get("/account/del", nil), 200)
	if res, _ := fetch(t, anon, pub); res.StatusCode != 404 {
		t.Fatalf("a deleted account's icon is served: %d", res.StatusCode)
	}
	if got := rows(t, s.get("/icon/select", q("id", annID))); len(got) != 0 {
		t.Fatalf("a deleted account's icons are kept: %v", got)
	}
	if local {
		if got := storedFiles(t, home, "icon"); len(got) != 0 {
			t.Fatalf("a deleted account's images are kept: %v", got)
		}
	}
}

// TestImageInChromium: the public address of an icon serves it to a page
// of the application in headless Chromium.
func TestImageInChromium(t *testing.T) {
	browser := chromium(t)
	web := t.TempDir()
	os.WriteFile(filepath.Join(web, "icon.html"), []byte(`<!doctype html><html><body><img id="i"><p id="out">waiting</p><script src="icon.js"></script></body></html>`), 0o644)
	os.WriteFile(filepath.Join(web, "icon.js"), []byte(`const i = document.getElementById("i"), out = document.getElementById("out");
i.onload = () => { out.textContent = "loaded " + i.naturalWidth + "x" + i.naturalHeight; };
i.onerror = () => { out.textContent = "failed"; };
i.src = location.hash.slice(1);
`), 0o644)
	s := start(t, "-home", t.TempDir(), "-api-web-dir", web)
	ann, annID := addAccount(t, s, "ann")
	want(t, ann.raw(http.MethodPost, "/account/put/icon?acl_allow=all&_width=120", "image/png", pngOf(t, 400, 200)), 200)
	dom := dumpDOM(t, browser, s.base+"/icon.html#/image/account/"+annID+"/0", 5*time.Second)
	if !strings.Contains(dom, "loaded 120x60") {
		t.Fatalf("the page did not show the icon:\n%s", dom)
	}
}
