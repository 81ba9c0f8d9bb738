package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Static serves the files of the application's browser client: HOME/web
// first, then an embedded fs.FS, with validators (ETag, Last-Modified, 304),
// gzip for text, content types by extension (else sniffed), no directory
// listings, no dot files and no path outside the roots (fs.FS paths cannot
// climb). A request for a file it does not have goes to next (the API's
// 404); with spa, a GET for a page (no extension, accepting HTML) gets
// index.html instead, for a client-side router.
//
// The files PublicFiles names are served before the signature check
// (ServePublic); the others, as ServeHTTP, after it. Opening those paths
// in the path rules instead would open every route that ends in .js too.
type Static struct {
	roots []fs.FS
	spa   bool
	gz    sync.Pool
}

// NewStatic serves the files of roots, the first that has one.
func NewStatic(spa bool, roots ...fs.FS) *Static {
	s := &Static{spa: spa}
	for _, r := range roots {
		if r != nil {
			s.roots = append(s.roots, r)
		}
	}
	return s
}

// Empty reports whether there is nothing to serve.
func (s *Static) Empty() bool { return len(s.roots) == 0 }

// PublicFiles are the files served without a signature: backendjs's
// default allow list of asset paths.
var PublicFiles = regexp.MustCompile(`^/$|\.(html|ico|gif|png|jpg|jpeg|webp|svg|ttf|eot|woff|woff2|js|mjs|css|map|txt)$|^/(js|css|fonts|public)/`)

// ServePublic serves r when it asks for a public file that exists (or,
// with spa, for a page: index.html) and reports whether it did; route
// tells a path the server routes elsewhere, which is never a file.
func (s *Static) ServePublic(w http.ResponseWriter, r *http.Request, route func(*http.Request) bool) bool {
	if s.Empty() || r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	// a route first: it is one map lookup for the API's operations, the
	// requests that matter, where the pattern of public files is not
	if route(r) {
		return false
	}
	name, ok := cleanName(r.URL.Path)
	if !ok {
		return false
	}
	public, page := PublicFiles.MatchString(r.URL.Path), s.page(r, name)
	if !public && !page {
		return false
	}
	return public && s.serve(w, r, name) || page && s.serve(w, r, "index.html")
}

// Then serves the files, and next the requests for what they do not have.
func (s *Static) Then(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.serveAny(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

// serveAny serves the file r asks for (or, with spa, index.html for a
// page) and reports whether there was one.
func (s *Static) serveAny(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	name, ok := cleanName(r.URL.Path)
	if !ok {
		return false
	}
	return s.serve(w, r, name) || s.page(r, name) && s.serve(w, r, "index.html")
}

// page reports a request a single-page app's index.html answers.
func (s *Static) page(r *http.Request, name string) bool {
	return s.spa && path.Ext(name) == "" && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// cleanName is the fs.FS name of a URL path; false for a dot file or
// directory (.git, .env), which is never served.
func cleanName(p string) (string, bool) {
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if name == "" {
		return "index.html", true
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return "", false
		}
	}
	if strings.HasSuffix(p, "/") {
		name += "/index.html"
	}
	return name, fs.ValidPath(name)
}

// serve writes the file name from the first root that has it; false when
// none has it as a regular file (a directory is served by its index.html).
func (s *Static) serve(w http.ResponseWriter, r *http.Request, name string) bool {
	for _, root := range s.roots {
		f, err := root.Open(name)
		if err != nil {
			continue
		}
		st, err := f.Stat()
		if err == nil && st.IsDir() {
			f.Close()
			if f, err = root.Open(path.Join(name, "index.html")); err != nil {
				continue
			}
			st, err = f.Stat()
		}
		if err != nil || !st.Mode().IsRegular() {
			f.Close()
			continue
		}
		s.file(w, r, name, f, st)
		f.Close()
		return true
	}
	return false
}

// compressible are the types worth gzipping.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") || strings.Contains(ctype, "json") || strings.Contains(ctype, "svg") || strings.Contains(ctype, "xml")
}

func (s *Static) file(w http.ResponseWriter, r *http.Request, name string, f fs.File, st fs.FileInfo) {
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	rs, seekable := f.(io.ReadSeeker)
	var body io.Reader = f
	if ctype == "" {
		// sniff the start, as http.ServeContent would
		var buf [512]byte
		n, _ := io.ReadFull(f, buf[:])
		ctype = http.DetectContentType(buf[:n])
		if seekable {
			rs.Seek(0, io.SeekStart)
		} else {
			body = io.MultiReader(strings.NewReader(string(buf[:n])), f)
		}
	}
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	// revalidate every time: a deploy shows at once, and an unchanged file
	// costs a 304
	h.Set("Cache-Control", "no-cache")
	mod := st.ModTime()
	etag := fmt.Sprintf(`"%x-%x"`, st.Size(), mod.UnixNano())
	gz := compressible(ctype) && st.Size() > 512 && r.Header.Get("Range") == "" && acceptsGzip(r)
	if compressible(ctype) {
		h.Add("Vary", "Accept-Encoding")
	}
	if gz {
		etag = etag[:len(etag)-1] + `-gz"`
	}
	h.Set("ETag", etag)
	if !mod.IsZero() {
		h.Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
	}
	if notModified(r, etag, mod) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if !gz && seekable {
		http.ServeContent(w, r, name, mod, rs) // ranges; the validators are set
		return
	}
	if gz {
		h.Set("Content-Encoding", "gzip")
	} else {
		h.Set("Content-Length", fmt.Sprint(st.Size()))
	}
	if r.Method == http.MethodHead {
		return
	}
	if !gz {
		io.Copy(w, body)
		return
	}
	zw, _ := s.gz.Get().(*gzip.Writer)
	if zw == nil {
		zw = gzip.NewWriter(w)
	} else {
		zw.Reset(w)
	}
	io.Copy(zw, body)
	zw.Close()
	s.gz.Put(zw)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			return strings.TrimSpace(q) != "q=0"
		}
	}
	return false
}

// notModified applies If-None-Match, else If-Modified-Since.
func notModified(r *http.Request, etag string, mod time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !mod.IsZero() && !mod.Truncate(time.Second).After(ims)
}

// DirFS is the files under dir, none outside it (symbolic links that lead
// out are refused: os.Root). A directory that does not exist yet is looked
// for again at each request until it does (an application's web/ may be
// made after the server starts); it then stays open for the life of the
// process.
func DirFS(dir string) fs.FS { return &lazyDir{dir: dir} }

type lazyDir struct {
	dir  string
	mu   sync.Mutex
	root fs.FS
}

func (d *lazyDir) Open(name string) (fs.File, error) {
	d.mu.Lock()
	root := d.root
	if root == nil {
		if r, err := os.OpenRoot(d.dir); err == nil {
			d.root, root = r.FS(), r.FS()
		}
	}
	d.mu.Unlock()
	if root == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return root.Open(name)
}

// Gzipped writes body, which is gzip-compressed (an asset embedded that way:
// generated/server's spec and documentation page), as it is to a client that
// accepts gzip and decompressed to one that does not. The caller sets the
// Content-Type.
func Gzipped(w http.ResponseWriter, r *http.Request, body []byte) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		Error(w, http.StatusInternalServerError, "Internal", "the embedded asset is not gzip")
		return
	}
	io.Copy(w, zr)
}
