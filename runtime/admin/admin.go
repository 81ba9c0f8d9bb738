// Package admin serves the admin console at /admin/: a page, its script and
// styles and the third-party assets it uses (GraphiQL with React, uPlot for
// the charts; pinned npm releases fetched by scripts/admin-assets.sh),
// embedded, under a Content-Security-Policy that runs only scripts of this
// origin. The console holds no power of its own: every request it makes is
// a call of the API with the admin's session, checked like any other.
package admin

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/bkgen/bkgen/runtime/config"
)

//go:embed assets
var assets embed.FS

// Config is the console's parameters.
type Config struct {
	Off            bool
	SampleInterval time.Duration
}

// Params declares them.
func (c *Config) Params(s *config.Set) {
	s.Bool(&c.Off, "admin-off", false, "do not serve the admin console at /admin/")
	s.Duration(&c.SampleInterval, "admin-sample-interval", 5*time.Second, "time between two samples of the admin console's live charts (the last 720 are kept)")
}

// CSP is the console's Content-Security-Policy: scripts, styles, fonts and
// requests of this origin only (inline styles are allowed: GraphiQL's
// editor sets them; inline scripts are not).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// Allow is the path rule that opens the console's files (not its data:
// that comes from the API, which needs an admin's session).
const Allow = `^/admin(/|/[a-z0-9-]+\.(html|js|css)|/vendor/[A-Za-z0-9.-]+\.(js|css))?$`

// file is one asset: its bytes (gzip-compressed for the vendor ones), type
// and ETag.
type file struct {
	data  []byte
	gz    bool
	ctype string
	etag  string
}

// files are the assets by URL path, read at the first request (not at
// start: a process that serves no console page keeps them out of memory).
var files = sync.OnceValue(func() map[string]*file {
	out := map[string]*file{}
	fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := assets.ReadFile(p)
		name := strings.TrimPrefix(p, "assets/")
		f := &file{data: b}
		if strings.HasSuffix(name, ".gz") {
			name, f.gz = strings.TrimSuffix(name, ".gz"), true
		}
		f.ctype = mime.TypeByExtension(path.Ext(name))
		if f.ctype == "" {
			return nil // licenses, VERSIONS: not served
		}
		sum := sha256.Sum256(b)
		f.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		out["/admin/"+name] = f
		return nil
	})
	out["/admin/"] = out["/admin/index.html"]
	return out
})

// Size is the bytes the console adds to the binary.
func Size() int {
	n := 0
	for p, f := range files() {
		if p != "/admin/" {
			n += len(f.data)
		}
	}
	return n
}

// Handler serves the console's files.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.URL.Path == "/admin" {
			http.Redirect(w, r, "/admin/", http.StatusMovedPermanently)
			return
		}
		f := files()[r.URL.Path]
		if f == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Type", f.ctype)
		h.Set("Cache-Control", "no-cache") // revalidated by ETag: a new binary's files are seen at once
		h.Set("ETag", f.etag)
		h.Add("Vary", "Accept-Encoding")
		if r.Header.Get("If-None-Match") == f.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if !f.gz {
			w.Write(f.data)
			return
		}
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.Set("Content-Encoding", "gzip")
			w.Write(f.data)
			return
		}
		zr, err := gzip.NewReader(bytes.NewReader(f.data))
		if err != nil {
			http.Error(w, "asset unreadable", http.StatusInternalServerError)
			return
		}
		io.Copy(w, zr)
	})
}
