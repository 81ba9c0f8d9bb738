package files

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/bkgen/bkgen/runtime/db"
)

// Local keeps the files in a directory. Each file holds its content type
// on its first line, then the content, so that one rename makes a write
// (written to a temporary file first) visible whole. Keys are opened
// through os.Root, so none reaches outside the directory.
type Local struct {
	root *os.Root
}

// NewLocal opens (creating it) the directory dir.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	if err := root.MkdirAll(".tmp", 0o755); err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	return &Local{root: root}, nil
}

// Close releases the directory.
func (l *Local) Close() error { return l.root.Close() }

// local refuses the keys the directory keeps for itself (.tmp) as well.
func localKey(key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	for _, part := range strings.Split(key, "/") {
		if strings.HasPrefix(part, ".") {
			return db.Invalid("file", "key", "%q is not a file key (no part may start with .)", key)
		}
	}
	return nil
}

func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, ctype string) error {
	if err := localKey(key); err != nil {
		return err
	}
	if strings.ContainsAny(ctype, "\r\n") || len(ctype) > 255 {
		return db.Invalid("file", "content_type", "not a content type")
	}
	b := make([]byte, 8)
	rand.Read(b)
	tmp := path.Join(".tmp", hex.EncodeToString(b))
	f, err := l.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return unavailable("put", err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			l.root.Remove(tmp)
		}
	}()
	w := bufio.NewWriter(f)
	w.WriteString(ctype + "\n")
	if _, err := io.Copy(w, readerCtx{ctx, r}); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return unavailable("put", err)
	}
	if err := f.Close(); err != nil {
		return unavailable("put", err)
	}
	if dir := path.Dir(key); dir != "." {
		if err := l.root.MkdirAll(dir, 0o755); err != nil {
			return unavailable("put", err)
		}
	}
	if err := l.root.Rename(tmp, key); err != nil {
		return unavailable("put", err)
	}
	done = true
	return nil
}

// readerCtx stops a copy when ctx ends.
type readerCtx struct {
	ctx context.Context
	r   io.Reader
}

func (r readerCtx) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := localKey(key); err != nil {
		return nil, Info{}, err
	}
	f, err := l.root.Open(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Info{}, notFound(key)
	}
	if err != nil {
		return nil, Info{}, unavailable("get", err)
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		if err == nil {
			return nil, Info{}, notFound(key)
		}
		return nil, Info{}, unavailable("get", err)
	}
	br := bufio.NewReader(f)
	ctype, err := br.ReadString('\n')
	if err != nil {
		f.Close()
		return nil, Info{}, unavailable("get", fmt.Errorf("%s: no content type line", key))
	}
	info := Info{Key: key, Size: st.Size() - int64(len(ctype)), ContentType: strings.TrimSuffix(ctype, "\n"), Mtime: st.ModTime()}
	return struct {
		io.Reader
		io.Closer
	}{br, f}, info, nil
}

func notFound(key string) error { return fmt.Errorf("files: %s: %w", key, db.ErrNotFound) }

func (l *Local) Del(ctx context.Context, key string) error {
	if err := localKey(key); err != nil {
		return err
	}
	err := l.root.Remove(key)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return unavailable("del", err)
	}
	return nil
}

func (l *Local) List(ctx context.Context, prefix string, fn func(Info) bool) error {
	if err := checkPrefix(prefix); err != nil {
		return err
	}
	dir := "."
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir = prefix[:i]
	}
	var found []Info
	err := fs.WalkDir(l.root.FS(), dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != "." {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.HasPrefix(p, prefix) {
			return nil
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		found = append(found, Info{Key: p, Size: st.Size(), Mtime: st.ModTime()})
		return ctx.Err()
	})
	if err != nil {
		return unavailable("list", err)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Key < found[j].Key })
	for _, in := range found {
		if rc, info, err := l.Get(ctx, in.Key); err == nil { // the size without the type line
			rc.Close()
			in.Size = info.Size
		}
		if !fn(in) {
			return nil
		}
	}
	return nil
}
