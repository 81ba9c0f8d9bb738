package files

import (
	"path"
	"strings"
	"testing"
)

// FuzzCheckKey: an accepted key is a clean relative path inside the store.
func FuzzCheckKey(f *testing.F) {
	for _, k := range []string{"a/b.png", "../x", "a//b", "/a", "a/./b", "ok-1_2.txt"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if CheckKey(key) != nil {
			return
		}
		if path.Clean(key) != key || path.IsAbs(key) || len(key) > MaxKey {
			t.Fatalf("%q accepted", key)
		}
		for _, part := range strings.Split(key, "/") {
			if part == ".." || part == "." {
				t.Fatalf("%q accepted", key)
			}
		}
	})
}
