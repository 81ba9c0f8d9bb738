// Package files keeps files (icons, images, uploads) by key, on a local
// directory or on S3-compatible storage, behind one interface: the same
// behaviour on both, held to it by one suite (files_test.go).
//
// Keys are relative paths of letters, digits and . _ - / (no "..", no
// leading or doubled "/"), at most MaxKey bytes. A write is all or nothing:
// a reader sees the old content or the new, never part of it. Storage that
// cannot be reached is db.ErrUnavailable (503), a missing file
// db.ErrNotFound (404).
package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/db"
)

// Store keeps files by key.
type Store interface {
	// Put writes the file key with the content of r (size bytes, -1:
	// unknown) and its content type, replacing one there.
	Put(ctx context.Context, key string, r io.Reader, size int64, ctype string) error
	// Get opens the file key; the caller closes it.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Del deletes the file key; a missing file is not an error.
	Del(ctx context.Context, key string) error
	// List calls fn with the files whose key starts with prefix, in key
	// order, until fn returns false (their key, size and time: S3 lists no
	// content type).
	List(ctx context.Context, prefix string, fn func(Info) bool) error
}

// Info describes a file.
type Info struct {
	Key         string
	Size        int64
	ContentType string
	Mtime       time.Time
}

// MaxKey bounds a key's length.
const MaxKey = 512

var keyChars = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// CheckKey refuses a key that is not a clean relative path.
func CheckKey(key string) error {
	switch {
	case key == "" || len(key) > MaxKey || !keyChars.MatchString(key):
		return db.Invalid("file", "key", "%q is not a file key (letters, digits, . _ - /; at most %d bytes)", key, MaxKey)
	case strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") || strings.Contains(key, "//"):
		return db.Invalid("file", "key", "%q is not a file key (a relative path)", key)
	}
	for _, part := range strings.Split(key, "/") {
		if part == "." || part == ".." {
			return db.Invalid("file", "key", "%q is not a file key (no . or .. parts)", key)
		}
	}
	return nil
}

// checkPrefix is CheckKey for a List prefix, which may be empty or end in "/".
func checkPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	return CheckKey(strings.TrimSuffix(prefix, "/"))
}

// unavailable wraps an error of storage that cannot be reached.
func unavailable(op string, err error) error { return db.Unavailable("files: "+op, err) }

// Config selects the storage.
type Config struct {
	Driver string // local or s3
	Dir    string // local: the directory (default HOME/var/files)
	S3     S3Options
	// MaxSize bounds one file (an upload is also bounded by -api-max-body).
	MaxSize int64
}

// Params declares the storage parameters on s.
func (c *Config) Params(s *config.Set) {
	s.String(&c.Driver, "files-store", "local", "where files (icons, uploads) are kept: local (a directory, -files-dir) or s3 (-files-s3-*)")
	s.Size(&c.MaxSize, "files-max-size", 10<<20, "largest file /file/put takes (bounded by -api-max-body too)")
	s.String(&c.Dir, "files-dir", "", "local file storage directory (default HOME/var/files)")
	s.String(&c.S3.Bucket, "files-s3-bucket", "", "S3 bucket of the files")
	s.String(&c.S3.Prefix, "files-s3-prefix", "", "key prefix of the files in the bucket")
	s.String(&c.S3.Endpoint, "files-s3-endpoint", "", "S3-compatible endpoint URL (default: AWS)")
	s.String(&c.S3.Region, "files-s3-region", "us-east-1", "S3 region")
	s.Bool(&c.S3.PathStyle, "files-s3-path-style", false, "address the bucket in the path (most S3-compatible servers) instead of the host name")
	s.String(&c.S3.AccessKey, "files-s3-access-key", "", "S3 access key (default: the standard AWS credential chain)")
	s.String(&c.S3.SecretKey, "files-s3-secret-key", "", "S3 secret key, with -files-s3-access-key")
}

// S3Options reach a bucket of S3 or of an S3-compatible server.
type S3Options struct {
	Bucket, Prefix, Endpoint, Region string
	PathStyle                        bool
	AccessKey, SecretKey             string // empty: the standard AWS credential chain
}

// Open returns the configured storage; home is the application's home.
func Open(ctx context.Context, c Config, home string) (Store, error) {
	switch c.Driver {
	case "", "local":
		dir := c.Dir
		if dir == "" {
			dir = filepath.Join(home, "var", "files")
		}
		return NewLocal(dir)
	case "s3":
		return openS3(ctx, c.S3)
	}
	return nil, errors.New("files: -files-store is local or s3, not " + fmt.Sprintf("%q", c.Driver))
}
