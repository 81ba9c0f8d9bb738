package gen

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestOwnPkgName: the package that holds a table's code depends on the
// table's name alone, so that adding or dropping other tables moves no table
// (and compiles no other part again); the values are pinned, since a change
// of the hash would move every table of every application.
func TestOwnPkgName(t *testing.T) {
	for name, want := range map[string]string{"todo": "tables13", "bk_account": "tables10", "photo": "tables03", "synth1": "tables08"} {
		if got := ownPkgName(name); got != want {
			t.Errorf("ownPkgName(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestWriteRemovesDroppedTable: when a table leaves the schema, Write
// removes its file in generated/store and its own package's directory, and
// Diff reports both; files bkgen did not write stay.
func TestWriteRemovesDroppedTable(t *testing.T) {
	dir := t.TempDir()
	gen := func(pkg string) []byte { return []byte("// " + header + "\n\npackage " + pkg + "\n") }
	both := map[string][]byte{
		"store/store.go": gen("store"),
		"store/a.go":     gen("store"), "store/a/a.go": gen("a"),
		"store/b.go": gen("store"), "store/b/b.go": gen("b"),
	}
	if err := Write(dir, both); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "store", "c", "mine.go")
	os.MkdirAll(filepath.Dir(mine), 0o755)
	os.WriteFile(mine, []byte("package c\n"), 0o644)

	onlyA := map[string][]byte{"store/store.go": both["store/store.go"], "store/a.go": both["store/a.go"], "store/a/a.go": both["store/a/a.go"]}
	if d, want := Diff(dir, onlyA), []string{"store/b.go (no longer generated)", "store/b/b.go (no longer generated)"}; !reflect.DeepEqual(d, want) {
		t.Fatalf("Diff = %q, want %q", d, want)
	}
	if err := Write(dir, onlyA); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"store/b.go", "store/b"} {
		if _, err := os.Stat(filepath.Join(dir, gone)); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", gone, err)
		}
	}
	for _, kept := range []string{"store/a/a.go", "store/c/mine.go"} {
		if _, err := os.Stat(filepath.Join(dir, kept)); err != nil {
			t.Errorf("%s: %v", kept, err)
		}
	}
	if d := Diff(dir, onlyA); len(d) != 0 {
		t.Fatalf("after Write, Diff = %q", d)
	}
}
