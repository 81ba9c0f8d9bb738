package module

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/files"
	"github.com/bkgen/bkgen/runtime/imaging"
)

func TestACL(t *testing.T) {
	for in, want := range map[string]string{"": "", "all": "all", " auth ": "auth", "b, a,b": "b,a"} {
		if got, err := ACL(in, 10); err != nil || got != want {
			t.Errorf("ACL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"all,auth", "a,all", "a,b,c", "a b"} {
		if _, err := ACL(in, 2); err == nil {
			t.Errorf("ACL(%q) accepted", in)
		}
	}
	owner, other, admin, anon := auth.Viewer{ID: "o"}, auth.Viewer{ID: "x"}, auth.Viewer{ID: "z", Admin: true}, auth.Viewer{}
	for _, c := range []struct {
		acl  string
		v    auth.Viewer
		want bool
	}{
		{"", owner, true}, {"", admin, true}, {"", other, false}, {"", anon, false},
		{"all", anon, true}, {"auth", anon, false}, {"auth", other, true},
		{"x,y", other, true}, {"y", other, false}, {"x", anon, false}, {"x,", auth.Viewer{}, false},
	} {
		if got := MayView(c.acl, c.v, "o"); got != c.want {
			t.Errorf("MayView(%q, %+v) = %v", c.acl, c.v, got)
		}
	}
}

func TestParseImagePath(t *testing.T) {
	if p, id, typ, ok := ParseImagePath("/image/account/abc-1/0"); !ok || p != "account" || id != "abc-1" || typ != "0" {
		t.Fatalf("%q %q %q %v", p, id, typ, ok)
	}
	for _, bad := range []string{"/image/a/b", "/image/a/b/c/d", "/image/../b/c", "/image/a/./c", "/image/a//c", "/img/a/b/c", "/image/a/b/.c"} {
		if _, _, _, ok := ParseImagePath(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseImagePath(f *testing.F) {
	f.Add("/image/account/id/0")
	f.Add("/image/../../etc")
	f.Fuzz(func(t *testing.T, path string) {
		p, id, typ, ok := ParseImagePath(path)
		if ok && files.CheckKey(IconFile(p, id, typ, 1, "png")) != nil {
			t.Fatalf("%q gives a key outside the icons: %q", path, IconFile(p, id, typ, 1, "png"))
		}
	})
}

func FuzzACL(f *testing.F) {
	f.Add("a,b")
	f.Add("all")
	f.Fuzz(func(t *testing.T, s string) {
		acl, err := ACL(s, 5)
		if err != nil {
			return
		}
		if again, err := ACL(acl, 5); err != nil || again != acl {
			t.Fatalf("ACL(%q) = %q, not stable: %q %v", s, acl, again, err)
		}
	})
}

func testPNG(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{1, 2, 3, 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// keys lists the stored versions of an icon.
func keys(t *testing.T, st files.Store, dir string) []string {
	var out []string
	if err := st.List(context.Background(), dir, func(f files.Info) bool { out = append(out, f.Key); return true }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImages: versions are written beside each other; Tidy keeps the one
// the row names and a newer one still in flight; Remove leaves nothing.
func TestImages(t *testing.T) {
	ctx := context.Background()
	st, err := files.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	im := &Images{Files: st, Limits: imaging.DefaultLimits}
	dir := IconDir("p", "id", "t")
	for _, ver := range []int64{10, 20, 30} {
		if _, _, err := im.Store(ctx, "p", "id", "t", ver, testPNG(t, 8, 4), imaging.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	// the put of 20 won the row; 30 is in flight; 10 is replaced
	if err := im.Tidy(ctx, "p", "id", "t", 20, 20); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, st, dir); len(got) != 2 || !strings.HasSuffix(got[0], "0000000000000000020.png") || !strings.HasSuffix(got[1], "0000000000000000030.png") {
		t.Fatalf("after tidy: %v", got)
	}
	// the put of 30 lost to 20 (its row write came first): it removes its own
	if err := im.Tidy(ctx, "p", "id", "t", 20, 30); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, st, dir); len(got) != 1 {
		t.Fatalf("after the loser's tidy: %v", got)
	}
	// serving: as stored, scaled (never up), 304 by ETag
	serve := func(o imaging.Options, etag string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/x", nil)
		if etag != "" {
			r.Header.Set("If-None-Match", etag)
		}
		im.Serve(w, r, "p", "id", "t", 20, "png", o, "private")
		return w
	}
	w := serve(imaging.Options{}, "")
	if cfg, err := png.DecodeConfig(w.Body); w.Code != 200 || err != nil || cfg.Width != 8 {
		t.Fatalf("as stored: %d %v %+v", w.Code, err, cfg)
	}
	w = serve(imaging.Options{Width: 4}, "")
	if cfg, err := png.DecodeConfig(w.Body); w.Code != 200 || err != nil || cfg.Width != 4 || cfg.Height != 2 {
		t.Fatalf("scaled: %d %v %+v", w.Code, err, cfg)
	}
	w = serve(imaging.Options{Width: 400}, "")
	if cfg, err := png.DecodeConfig(w.Body); w.Code != 200 || err != nil || cfg.Width != 8 {
		t.Fatalf("never upscaled: %d %v %+v", w.Code, err, cfg)
	}
	if w := serve(imaging.Options{Width: 4}, w.Header().Get("ETag")); w.Code != 200 {
		t.Fatalf("another size is another ETag: %d", w.Code)
	}
	etag := serve(imaging.Options{}, "").Header().Get("ETag")
	if w := serve(imaging.Options{}, etag); w.Code != 304 || w.Body.Len() != 0 {
		t.Fatalf("revalidated: %d", w.Code)
	}
	if err := im.Remove(ctx, "p", "id", "t"); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, st, dir); len(got) != 0 {
		t.Fatalf("after remove: %v", got)
	}
	if w := serve(imaging.Options{}, ""); w.Code != 404 {
		t.Fatalf("removed: %d", w.Code)
	}
}

func TestImageOptions(t *testing.T) {
	o, err := ImageOptions(map[string]string{"_width": "10", "_height": "", "_ext": "JPG", "_quality": "70"})
	if err != nil || o.Width != 10 || o.Height != 0 || o.Ext != "jpg" || o.Quality != 70 {
		t.Fatalf("%+v %v", o, err)
	}
	for _, p := range []map[string]string{{"_width": "x"}, {"_height": "-1"}, {"_quality": "1e9"}} {
		if _, err := ImageOptions(p); err == nil {
			t.Errorf("%v accepted", p)
		}
	}
}
