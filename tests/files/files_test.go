// Package files_test holds the file storage to one behaviour on both
// drivers: a local directory and S3 (a real S3-protocol server, gofakes3,
// started by scripts/services.sh).
package files_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/files"
	"github.com/bkgen/bkgen/tests/testenv"
)

func drivers(t *testing.T) map[string]files.Store {
	ctx := context.Background()
	local, err := files.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close() })
	b := make([]byte, 5)
	rand.Read(b)
	s3, err := files.NewS3(ctx, files.S3Options{Bucket: "bkgen-test", Prefix: "t" + hex.EncodeToString(b), Endpoint: testenv.S3URL(),
		Region: "us-east-1", PathStyle: true, AccessKey: "test", SecretKey: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]files.Store{"local": local, "s3": s3}
}

func read(t *testing.T, st files.Store, key string) (string, files.Info) {
	t.Helper()
	rc, info, err := st.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), info
}

func put(t *testing.T, st files.Store, key, content, ctype string) {
	t.Helper()
	if err := st.Put(context.Background(), key, strings.NewReader(content), int64(len(content)), ctype); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func keys(t *testing.T, st files.Store, prefix string) []string {
	t.Helper()
	var out []string
	if err := st.List(context.Background(), prefix, func(in files.Info) bool { out = append(out, in.Key); return true }); err != nil {
		t.Fatal(err)
	}
	return out
}

// failing fails after n bytes, as a client that goes away mid-upload.
type failing struct{ n int }

func (f *failing) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("client went away")
	}
	k := min(len(p), f.n)
	for i := range k {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

func TestStore(t *testing.T) {
	for name, st := range drivers(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			t.Run("put get overwrite", func(t *testing.T) {
				put(t, st, "icons/a/1.png", "first", "image/png")
				if got, info := read(t, st, "icons/a/1.png"); got != "first" || info.ContentType != "image/png" || info.Size != 5 || info.Mtime.IsZero() {
					t.Fatalf("got %q %+v", got, info)
				}
				put(t, st, "icons/a/1.png", "second, longer", "image/jpeg")
				if got, info := read(t, st, "icons/a/1.png"); got != "second, longer" || info.ContentType != "image/jpeg" || info.Size != 14 {
					t.Fatalf("after overwrite %q %+v", got, info)
				}
			})
			t.Run("unknown size and large", func(t *testing.T) {
				big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
				if err := st.Put(ctx, "big.bin", io.MultiReader(bytes.NewReader(big)), -1, "application/octet-stream"); err != nil {
					t.Fatal(err)
				}
				if got, info := read(t, st, "big.bin"); got != string(big) || info.Size != int64(len(big)) {
					t.Fatalf("big: %d bytes, info %+v", len(got), info)
				}
			})
			t.Run("missing and delete", func(t *testing.T) {
				if _, _, err := st.Get(ctx, "nope/x"); !errors.Is(err, db.ErrNotFound) {
					t.Fatalf("missing: %v", err)
				}
				put(t, st, "del/me", "x", "text/plain")
				if err := st.Del(ctx, "del/me"); err != nil {
					t.Fatal(err)
				}
				if _, _, err := st.Get(ctx, "del/me"); !errors.Is(err, db.ErrNotFound) {
					t.Fatalf("deleted: %v", err)
				}
				if err := st.Del(ctx, "del/me"); err != nil {
					t.Fatalf("delete of a missing file: %v", err)
				}
			})
			t.Run("list", func(t *testing.T) {
				for _, k := range []string{"l/b/2", "l/a", "l/b/1", "l/ab", "m/x"} {
					put(t, st, k, k, "text/plain")
				}
				if got := strings.Join(keys(t, st, "l/"), ","); got != "l/a,l/ab,l/b/1,l/b/2" {
					t.Fatalf("list l/: %s", got)
				}
				if got := strings.Join(keys(t, st, "l/a"), ","); got != "l/a,l/ab" {
					t.Fatalf("list l/a: %s", got)
				}
				if got := keys(t, st, "zz/"); len(got) != 0 {
					t.Fatalf("list of nothing: %v", got)
				}
				n := 0
				st.List(ctx, "l/", func(in files.Info) bool { n++; return n < 2 })
				if n != 2 {
					t.Fatalf("List went on after false: %d", n)
				}
				var sizes []int64
				st.List(ctx, "l/b/", func(in files.Info) bool { sizes = append(sizes, in.Size); return true })
				if fmt.Sprint(sizes) != "[5 5]" {
					t.Fatalf("listed sizes %v", sizes)
				}
			})
			t.Run("bad keys", func(t *testing.T) {
				for _, k := range []string{"", "/abs", "a/../b", "..", "a//b", "a/", "a b", "a\\b", "a?b", strings.Repeat("a", files.MaxKey+1), "./a"} {
					var invalid *db.ValidationError
					if err := st.Put(ctx, k, strings.NewReader("x"), 1, ""); !errors.As(err, &invalid) {
						t.Errorf("put %q: %v", k, err)
					}
					if _, _, err := st.Get(ctx, k); !errors.As(err, &invalid) {
						t.Errorf("get %q: %v", k, err)
					}
				}
			})
			t.Run("a failed upload leaves the old file", func(t *testing.T) {
				put(t, st, "keep/me", "old", "text/plain")
				if err := st.Put(ctx, "keep/me", &failing{n: 100000}, -1, "text/plain"); err == nil {
					t.Fatal("a failing upload succeeded")
				}
				if got, _ := read(t, st, "keep/me"); got != "old" {
					t.Fatalf("after a failed upload: %q", got)
				}
				if got := keys(t, st, "keep/"); len(got) != 1 {
					t.Fatalf("a failed upload left %v", got)
				}
			})
			t.Run("concurrent writes", func(t *testing.T) {
				// readers see one writer's content whole, never a mix
				contents := make([]string, 8)
				for i := range contents {
					contents[i] = strings.Repeat(string(rune('a'+i)), 64<<10)
				}
				put(t, st, "race/one", contents[0], "text/plain")
				var wg sync.WaitGroup
				for i := range contents {
					wg.Add(2)
					go func() {
						defer wg.Done()
						if err := st.Put(ctx, "race/one", strings.NewReader(contents[i]), int64(len(contents[i])), "text/plain"); err != nil {
							t.Error(err)
						}
					}()
					go func() {
						defer wg.Done()
						rc, _, err := st.Get(ctx, "race/one")
						if err != nil {
							t.Error(err)
							return
						}
						defer rc.Close()
						b, _ := io.ReadAll(rc)
						if len(b) != 64<<10 || strings.Count(string(b), string(b[:1])) != len(b) {
							t.Errorf("a reader saw a mixed or partial file (%d bytes)", len(b))
						}
					}()
				}
				wg.Wait()
				got, _ := read(t, st, "race/one")
				if len(got) != 64<<10 || strings.Count(got, got[:1]) != len(got) {
					t.Fatalf("final file mixed: %d bytes", len(got))
				}
			})
		})
	}
}

// TestS3Down: a server that does not answer is db.ErrUnavailable (503), and
// nothing is written.
func TestS3Down(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ctx := context.Background()
	st, err := files.NewS3(ctx, files.S3Options{Bucket: "b", Endpoint: "http://" + addr, Region: "us-east-1", PathStyle: true, AccessKey: "k", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "a", strings.NewReader("x"), 1, ""); !errors.Is(err, db.ErrUnavailable) {
		t.Fatalf("put: %v", err)
	}
	if _, _, err := st.Get(ctx, "a"); !errors.Is(err, db.ErrUnavailable) {
		t.Fatalf("get: %v", err)
	}
	if err := st.List(ctx, "", func(files.Info) bool { return true }); !errors.Is(err, db.ErrUnavailable) {
		t.Fatalf("list: %v", err)
	}
	if err := st.Del(ctx, "a"); !errors.Is(err, db.ErrUnavailable) {
		t.Fatalf("del: %v", err)
	}
}
