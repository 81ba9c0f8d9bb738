package module

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/files"
	"github.com/bkgen/bkgen/runtime/imaging"
	"github.com/bkgen/bkgen/runtime/web"
)

// Icons (backendjs's bk_icon): images an account keeps by prefix and type
// ("account" for its own icon, any other name for the icons of its
// objects), each a row of bk_icon and an image in the file storage. What
// the routes do with them is generated (templates/modules.go.tmpl); what
// is the same for every application is here: names, who may see an icon
// (acl_allow), and storing and serving its image.
//
// An image is written under a new name on each put, the version (the
// time in ns) in its file name, and the row names the version: a reader
// that has the row finds its image, a put that fails leaves the old icon
// whole, and the versions a put replaced are removed after its row is
// written (Tidy).

// iconName are the characters of a prefix and a type: one file-name part.
var iconName = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$`)

// IconName checks a prefix or type.
func IconName(field, s string) error {
	if s == "" {
		return db.Invalid("icon", field, "is required")
	}
	if !iconName.MatchString(s) {
		return db.Invalid("icon", field, "%q is not a name (letters, digits, . _ -, at most 64)", s)
	}
	return nil
}

// IconRef is the second key part of an icon: prefix and type.
func IconRef(prefix, typ string) string { return prefix + ":" + typ }

// IconDir is the storage directory of the versions of one icon.
func IconDir(prefix, id, typ string) string { return "icon/" + prefix + "/" + id + "/" + typ + "/" }

// IconFile is the storage key of a version of an icon.
func IconFile(prefix, id, typ string, ver int64, ext string) string {
	return IconDir(prefix, id, typ) + fmt.Sprintf("%019d.%s", ver, ext)
}

// IconURL is the public address of an icon (served when acl_allow is all).
func IconURL(prefix, id, typ string) string { return "/image/" + prefix + "/" + id + "/" + typ }

// ParseImagePath splits /image/PREFIX/ID/TYPE; ok false when path is not one.
func ParseImagePath(path string) (prefix, id, typ string, ok bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/image/"), "/")
	if len(parts) != 3 || !strings.HasPrefix(path, "/image/") {
		return "", "", "", false
	}
	for _, s := range parts {
		if !iconName.MatchString(s) {
			return "", "", "", false
		}
	}
	return parts[0], parts[1], parts[2], true
}

// ACL checks and normalises acl_allow, who besides the owner and admins
// may see an icon: "" nobody, "all" everybody (and the public
// /image/ address), "auth" every signed account, or a comma-separated
// list of account ids (at most max).
func ACL(s string, max int) (string, error) {
	switch s = strings.TrimSpace(s); s {
	case "", "all", "auth":
		return s, nil
	}
	ids, err := IDs("icon", "acl_allow", s, max)
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		if id == "all" || id == "auth" || strings.ContainsAny(id, " \t") {
			return "", db.Invalid("icon", "acl_allow", "is all, auth, or account ids")
		}
	}
	return strings.Join(ids, ","), nil
}

// MayView reports whether v may see an icon of owner with acl.
func MayView(acl string, v auth.Viewer, owner string) bool {
	if v.Admin || v.ID != "" && v.ID == owner {
		return true
	}
	switch acl {
	case "all":
		return true
	case "auth":
		return v.ID != ""
	case "":
		return false
	}
	if v.ID == "" {
		return false
	}
	for _, id := range strings.Split(acl, ",") {
		if id == v.ID {
			return true
		}
	}
	return false
}

// ImageOptions reads what a request asks of an image: _width, _height
// (a box, aspect kept), _ext (png, jpeg, gif) and _quality (jpeg).
func ImageOptions(p map[string]string) (imaging.Options, error) {
	var o imaging.Options
	for _, f := range []struct {
		name string
		to   *int
	}{{"_width", &o.Width}, {"_height", &o.Height}, {"_quality", &o.Quality}} {
		n, ok, err := Int(p, "icon", f.name)
		if err != nil {
			return o, err
		}
		if ok {
			if n < 0 || n > 100_000 {
				return o, db.Invalid("icon", f.name, "%d is out of range", n)
			}
			*f.to = int(n)
		}
	}
	o.Ext = strings.ToLower(p["_ext"])
	return o, nil
}

// Images keeps the images of icons in the file storage.
type Images struct {
	Files  files.Store
	Limits imaging.Limits
}

// busy is the 503 of an image that could not get its turn.
func busy(err error) error {
	var b *imaging.Busy
	if errors.As(err, &b) {
		return &web.Problem{Status: http.StatusServiceUnavailable, Code: "Busy", Message: "too many images are being processed; try again"}
	}
	return err
}

// Store reads data as an image (sniffed, bounded, re-encoded as o asks)
// and writes it as version ver of the icon; it returns the image and its
// key.
func (im *Images) Store(ctx context.Context, prefix, id, typ string, ver int64, data []byte, o imaging.Options) (*imaging.Result, string, error) {
	if im.Files == nil {
		return nil, "", errNoFiles
	}
	res, err := imaging.Process(ctx, data, o, im.Limits)
	if err != nil {
		return nil, "", busy(err)
	}
	key := IconFile(prefix, id, typ, ver, res.Ext)
	if err := files.CheckKey(key); err != nil {
		return nil, "", db.Invalid("icon", "id", "not an id of a stored icon")
	}
	if err := im.Files.Put(ctx, key, bytes.NewReader(res.Data), int64(len(res.Data)), res.ContentType); err != nil {
		return nil, "", err
	}
	return res, key, nil
}

var errNoFiles = &web.Problem{Status: http.StatusServiceUnavailable, Code: "Unavailable", Message: "no file storage"}

// Tidy removes the versions of an icon that its row no longer names: those
// older than current (the row's version, 0 when the row is gone) and own
// (the version the caller wrote) when it is not current. A newer version
// of a put still in flight stays: that put tidies after itself.
func (im *Images) Tidy(ctx context.Context, prefix, id, typ string, current, own int64) error {
	if im.Files == nil {
		return nil
	}
	var stale []string
	err := im.Files.List(ctx, IconDir(prefix, id, typ), func(f files.Info) bool {
		if v, ok := version(f.Key); ok && v != current && (v < current || v == own) {
			stale = append(stale, f.Key)
		}
		return true
	})
	if err != nil {
		return err
	}
	for _, k := range stale {
		if err := im.Files.Del(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// version is the version in an icon's file key.
func version(key string) (int64, bool) {
	name := key[strings.LastIndexByte(key, '/')+1:]
	v, _, ok := strings.Cut(name, ".")
	if !ok || len(v) != 19 {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// Remove deletes every version of an icon.
func (im *Images) Remove(ctx context.Context, prefix, id, typ string) error {
	return im.Tidy(ctx, prefix, id, typ, 1<<62, 0)
}

// Serve writes version ver of an icon (ext its format) as o asks: the
// stored image itself, or a scaled or converted one (never larger than
// stored). The ETag names the version and o, so a client that has it gets
// 304 before any storage is read; cache is the Cache-Control of the reply.
func (im *Images) Serve(w http.ResponseWriter, r *http.Request, prefix, id, typ string, ver int64, ext string, o imaging.Options, cache string) {
	if im.Files == nil {
		web.Fail(w, errNoFiles)
		return
	}
	o.NoUpscale = true
	etag := fmt.Sprintf(`"%d-%d-%d-%s-%d"`, ver, o.Width, o.Height, o.Ext, o.Quality)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cache)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	// an error is never cached as the image, nor kept under its ETag
	fail := func(err error) {
		h.Del("ETag")
		h.Set("Cache-Control", "no-store")
		web.Fail(w, err)
	}
	rc, info, err := im.Files.Get(r.Context(), IconFile(prefix, id, typ, ver, ext))
	if err != nil {
		fail(err)
		return
	}
	defer rc.Close()
	mod := time.Unix(0, ver).UTC().Format(http.TimeFormat)
	if o.Width == 0 && o.Height == 0 && (o.Ext == "" || o.Ext == ext || o.Ext == "jpg" && ext == "jpeg") && o.Quality == 0 {
		h.Set("Content-Type", "image/"+ext)
		h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
		h.Set("Last-Modified", mod)
		io.Copy(w, rc)
		return
	}
	data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		fail(db.Unavailable("files: get", err))
		return
	}
	res, err := imaging.Process(r.Context(), data, o, im.Limits)
	if err != nil {
		fail(busy(err))
		return
	}
	h.Set("Content-Type", res.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(res.Data)))
	h.Set("Last-Modified", mod)
	w.Write(res.Data)
}
