package gen

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/ogen-go/ogen"
)

var updateOperations = flag.Bool("update-operations", false, "rewrite testdata/operations.txt from openapi.yaml")

// TestDocumentedOperations holds openapi.yaml to the operations clients were
// given: every path, method, parameter (name, place, schema) and body
// content type, and the replies, listed one per line in
// testdata/operations.txt. The serving code may change (issue 16 moved the
// table routes off ogen); what clients see may not, unless this list is
// rewritten on purpose (go test ./gen -run DocumentedOperations
// -update-operations). Parsing with ogen also checks the document is an
// OpenAPI spec a client generator takes.
func TestDocumentedOperations(t *testing.T) {
	raw, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ogen.Parse(raw)
	if err != nil {
		t.Fatalf("openapi.yaml is not a valid spec: %v", err)
	}
	var lines []string
	for path, item := range spec.Paths {
		for _, m := range []struct {
			method string
			op     *ogen.Operation
		}{{"GET", item.Get}, {"POST", item.Post}, {"PUT", item.Put}, {"DELETE", item.Delete}, {"PATCH", item.Patch}} {
			if m.op == nil {
				continue
			}
			line := fmt.Sprintf("%s %s %s", m.method, path, m.op.OperationID)
			for _, p := range m.op.Parameters {
				line += fmt.Sprintf(" %s:%s:%s", p.In, p.Name, schemaOf(p.Schema))
			}
			if b := m.op.RequestBody; b != nil {
				types := make([]string, 0, len(b.Content))
				for ct, media := range b.Content {
					types = append(types, ct+"="+schemaOf(media.Schema))
				}
				sort.Strings(types)
				line += " body:" + strings.Join(types, ",")
			}
			codes := make([]string, 0, len(m.op.Responses))
			for code, r := range m.op.Responses {
				codes = append(codes, code+"="+r.Ref)
			}
			sort.Strings(codes)
			line += " -> " + strings.Join(codes, ",")
			lines = append(lines, line)
		}
	}
	if spec.Components != nil {
		for name, s := range spec.Components.Schemas {
			line := "schema " + name
			for _, p := range s.Properties {
				line += " " + p.Name + ":" + schemaOf(p.Schema)
			}
			lines = append(lines, line)
		}
	}
	sort.Strings(lines)
	got := strings.Join(lines, "\n") + "\n"
	const golden = "testdata/operations.txt"
	if *updateOperations {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		t.Errorf("openapi.yaml documents other operations than %s (%d lines now, %d before); first difference:\n%s", golden, len(gl), len(wl), firstDiff(wl, gl))
	}
}

// schemaOf names a schema briefly: its reference, or its type and format.
func schemaOf(s *ogen.Schema) string {
	if s == nil {
		return "-"
	}
	if s.Ref != "" {
		return s.Ref
	}
	out := s.Type
	if s.Format != "" {
		out += "/" + s.Format
	}
	if out == "" {
		out = "any"
	}
	return out
}

func firstDiff(want, got []string) string {
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			return "  before: " + w + "\n  now:    " + g
		}
	}
	return ""
}
