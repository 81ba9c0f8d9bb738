package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStamp: the stamp matches while nothing generate reads or writes
// changes, and not once a source, a flag or an output file does.
func TestStamp(t *testing.T) {
	root := t.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/x\n")
	write("schema/a.go", "package schema\n")
	write("generated/store/a.go", "package store\n")
	schema, out := filepath.Join(root, "schema"), filepath.Join(root, "generated")
	args := []string{"-q"}
	in, ok := inputsHash(schema, out, args)
	if !ok || upToDate(out, in) {
		t.Fatal("up to date without a stamp")
	}
	writeStamp(out, in)
	if again, _ := inputsHash(schema, out, args); again != in || !upToDate(out, again) {
		t.Fatal("not up to date right after the stamp")
	}
	write("generated/store/b.go", "package store\n") // the output changes: not counted as input
	if again, _ := inputsHash(schema, out, args); again != in || upToDate(out, again) {
		t.Fatal("an output file changed and generate would skip")
	}
	os.Remove(filepath.Join(out, "store", "b.go"))
	if !upToDate(out, in) {
		t.Fatal("the output is back as it was")
	}
	if other, _ := inputsHash(schema, out, []string{"-name", "other"}); other == in {
		t.Fatal("flags are not an input")
	}
	write("schema/a.go", "package schema\n\n// changed\n")
	if changed, _ := inputsHash(schema, out, args); changed == in {
		t.Fatal("a schema change is not an input")
	}
	write("schema/a.go", "package schema\n")
	write("internal/helper.go", "package internal\n") // a package the schema may import
	if changed, _ := inputsHash(schema, out, args); changed == in {
		t.Fatal("a module source is not an input")
	}
}
