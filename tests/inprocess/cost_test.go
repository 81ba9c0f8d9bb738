package inprocess

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/generated/server"
	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
	"github.com/bkgen/bkgen/runtime/gql"
	"github.com/bkgen/bkgen/runtime/module"
)

// gqlHandler is the GraphQL handler of the example schema on a SQLite file
// of the test's own, with the default limits.
func gqlHandler(tb testing.TB) http.Handler { return gqlHandlerWith(tb, false) }

// gqlHandlerWith is gqlHandler, with or without the fast path.
func gqlHandlerWith(tb testing.TB, noFastPath bool) http.Handler {
	p, err := sqldb.OpenSQLite(filepath.Join(tb.TempDir(), "x.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	if err := store.New(p).CreateTables(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return gql.Handler(server.App(nil).GraphQL(module.Env{Pool: p}), gql.Config{Complexity: 10000, Depth: 10, CacheSize: 100, NoFastPath: noFastPath})
}

func post(h http.Handler, query string) *httptest.ResponseRecorder {
	b, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// worstDocs are the most expensive documents found for the validator and
// the executor, each as large as the limits let through or just past them.
func worstDocs() map[string]string {
	var bomb strings.Builder
	bomb.WriteString("query { ...F0 }\n")
	for i := range 40 {
		fmt.Fprintf(&bomb, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	bomb.WriteString("fragment F40 on Query { todos { nodes { id } } }\n")
	// fragments spread side by side, each repeating the field: the
	// overlapping-fields rule compares every pair
	var wide strings.Builder
	wide.WriteString("query { todos { nodes { ")
	for i := range 60 {
		fmt.Fprintf(&wide, "...W%d ", i)
	}
	wide.WriteString("} } }\n")
	for i := range 60 {
		fmt.Fprintf(&wide, "fragment W%d on Todo { %s}\n", i, strings.Repeat("id ", 15))
	}
	return map[string]string{
		"fragment bomb (2^40)":            bomb.String(),
		"one field 999 times":             "{ todos { nodes { " + strings.Repeat("id ", 997) + "} } }",
		"one field 4990 times":            "{ todos { nodes { " + strings.Repeat("id ", 4990) + "} } }",
		"60 fragments of 15 equal fields": wide.String(),
		"997 distinct aliases":            "{ todos { nodes { " + aliases(997) + "} } }",
		"20 lists of 45 fields":           "{ " + strings.Repeat("todos { nodes { "+aliases(45)+"} } ", 20) + "}",
		"20 fields 20 times":              "{ todos { nodes { " + strings.Repeat("id name descr due done mtime a: id b: id c: id d: id e: name f: name g: name h: name i: done j: done k: due l: due m: mtime n: mtime ", 20) + "} } }",
	}
}

func aliases(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: name ", i)
	}
	return b.String()
}

// BenchmarkGraphQLWorstCase: the time the server spends on each of the worst
// documents (refused or answered), against a plain by-key query measured in
// the same run as the baseline.
func BenchmarkGraphQLWorstCase(b *testing.B) {
	h := gqlHandler(b)
	b.Run("baseline: todo by key", func(b *testing.B) {
		for b.Loop() {
			post(h, `{ todo(id: "x") { id name } }`)
		}
	})
	for name, doc := range worstDocs() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				post(h, doc+" ") // never from the query cache
			}
		})
	}
}

// TestGraphQLWorstCaseRefused: each worst document gets an answer (refused
// or run) and the handler stays usable; the times are logged, and measured
// by BenchmarkGraphQLWorstCase.
func TestGraphQLWorstCaseRefused(t *testing.T) {
	h := gqlHandler(t)
	for name, doc := range worstDocs() {
		begin := time.Now()
		w := post(h, doc)
		var r struct {
			Errors []struct{ Message string } `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
			t.Fatalf("%s: %d %s", name, w.Code, w.Body.String())
		}
		msg := "answered"
		if len(r.Errors) > 0 {
			msg = r.Errors[0].Message
		}
		t.Logf("%-32s %8v  %s", name, time.Since(begin).Round(time.Microsecond), msg)
	}
	if w := post(h, `{ todos { nodes { id } } }`); w.Code != 200 || strings.Contains(w.Body.String(), "errors") {
		t.Fatalf("a plain query after them: %d %s", w.Code, w.Body.String())
	}
}

// FuzzGraphQL: any document is answered with JSON, never a 5xx or a panic.
// The cost guard keeps each one cheap: an input that runs away hangs the
// fuzzer, which reports it (make fuzz; the slowest inputs are in the note of
// issue 13).
func FuzzGraphQL(f *testing.F) {
	h := gqlHandler(f)
	for _, doc := range worstDocs() {
		f.Add(doc)
	}
	for _, s := range []string{
		`{ todos { nodes { id } } }`, `query Q($a: String!) { todo(id: $a) { id } }`, `mutation { addTodo(input: {name: "x"}) { id } }`,
		`{ __schema { types { name fields { name } } } }`, `fragment A on Query { ...A } { ...A }`, `{ todos(where: [{column: name, op: in, values: ["a","b"]}]) { nodes { id } } }`,
		`{`, `}}}}`, `query { ...on Query { ...on Query { todos { nodes { id } } } } }`, "\x00", `{ todo(id: "\u0000") { id } }`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		w := post(h, doc)
		if w.Code >= 500 || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%d for %q: %s", w.Code, doc, w.Body.String())
		}
	})
}
