package gen

import (
	"strings"
	"testing"
)

// TestGeneratedIsFresh fails when generated/ does not match what bkgen makes
// from schema/ now: run `go generate ./...` and commit the result.
func TestGeneratedIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the schema with go run")
	}
	m, err := Load("../schema")
	if err != nil {
		t.Fatal(err)
	}
	m.Name = "bkapp" // as in schema/generate.go
	files, err := Render(m)
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff("../generated", files); len(d) > 0 {
		t.Fatalf("generated/ is stale; run go generate ./... and commit:\n  %s", strings.Join(d, "\n  "))
	}
}
