package app

import (
	"bytes"
	"context"

	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/files"
	"github.com/bkgen/bkgen/runtime/module"
	"github.com/bkgen/bkgen/runtime/web"
)

// /file/put, /file/get and /file/del (backendjs's bk_file): an account's
// own files, by prefix and name, in the -files-store storage. A file is the
// account's: it is kept under file/PREFIX/ACCOUNT/NAME, so nobody else reads,
// replaces or deletes it (an admin names another account with id). Its
// content type is sniffed from its bytes, never taken from the client, and
// it is served as an attachment unless it is an image, so that an uploaded
// page never runs as one of ours.

type fileAPI struct {
	st  files.Store
	max int64
}

func fileRoutes(mux *http.ServeMux, st files.Store, max int64) {
	h := &fileAPI{st: st, max: max}
	mux.HandleFunc("/file/put", h.put)
	mux.HandleFunc("/file/add", h.put)
	mux.HandleFunc("/file/get", h.get)
	mux.HandleFunc("/file/del", h.del)
}

var errFileNoLogin = &auth.Failure{Status: http.StatusExpectationFailed, Code: "NOLOGIN", Message: "No login provided"}

// key is the storage key of the file p names for the caller.
func fileKey(ctx context.Context, p map[string]string) (string, error) {
	acc := auth.FromContext(ctx)
	if acc == nil {
		return "", errFileNoLogin
	}
	prefix, name := strings.Trim(p["prefix"], "/"), strings.Trim(p["name"], "/")
	if prefix == "" || name == "" {
		return "", db.Invalid("file", "", "prefix and name are required")
	}
	if strings.Contains(prefix, "/") {
		// one segment: PREFIX/ACCOUNT/NAME reads one way only, so nobody
		// writes into another account's names with prefix=p/THEIR-ID
		return "", db.Invalid("file", "prefix", "one name, without /")
	}
	owner := acc.ID
	if id := p["id"]; id != "" && acc.IsAdmin() {
		owner = id
	}
	key := "file/" + prefix + "/" + owner + "/" + name // beside icon/, never in it
	if err := files.CheckKey(key); err != nil || strings.Contains(prefix+name, "..") {
		return "", db.Invalid("file", "name", "prefix and name are paths of letters, digits, . _ - and /")
	}
	return key, nil
}

// upload reads the file of a request: a multipart part (field _name,
// default data), a JSON or form field of base64, or the raw body.
func (h *fileAPI) upload(r *http.Request) (map[string]string, []byte, error) {
	return module.Upload(r, "file", "data", h.max)
}

func (h *fileAPI) put(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		web.MethodNotAllowed(w, r, "GET, POST")
		return
	}
	p, data, err := h.upload(r)
	if err == nil {
		var key string
		if key, err = fileKey(r.Context(), p); err == nil {
			ctype := http.DetectContentType(data)
			if err = h.st.Put(r.Context(), key, bytes.NewReader(data), int64(len(data)), ctype); err == nil {
				w.Header().Set("Cache-Control", "no-store")
				web.JSON(w, map[string]any{"prefix": p["prefix"], "name": p["name"], "size": len(data), "type": ctype})
				return
			}
		}
	}
	web.Fail(w, err)
}

// inline are the types served as themselves; any other file is an
// attachment (a download), never a page of this origin.
var inline = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

func (h *fileAPI) get(w http.ResponseWriter, r *http.Request) {
	p, err := auth.Params(r)
	var key string
	if err == nil {
		key, err = fileKey(r.Context(), p)
	}
	if err != nil {
		web.Fail(w, err)
		return
	}
	rc, info, err := h.st.Get(r.Context(), key)
	if err != nil {
		web.Fail(w, err)
		return
	}
	defer rc.Close()
	hd := w.Header()
	ctype := info.ContentType
	if !inline[ctype] {
		if ctype == "" || strings.HasPrefix(ctype, "text/html") || strings.Contains(ctype, "xml") || strings.Contains(ctype, "javascript") {
			ctype = "application/octet-stream"
		}
		hd.Set("Content-Disposition", "attachment")
	}
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-cache")
	io.Copy(w, rc)
}

func (h *fileAPI) del(w http.ResponseWriter, r *http.Request) {
	p, err := auth.Params(r)
	var key string
	if err == nil {
		key, err = fileKey(r.Context(), p)
	}
	if err == nil {
		if err = h.st.Del(r.Context(), key); err == nil {
			web.JSON(w, map[string]any{})
			return
		}
	}
	web.Fail(w, err)
}

// openFiles opens the file storage of the web role.
func openFiles(ctx context.Context, c files.Config, home string) (files.Store, error) {
	st, err := files.Open(ctx, c, home)
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	return st, nil
}
