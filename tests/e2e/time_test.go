package e2e

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestTimeInputs: a time column takes RFC 3339 with or without fractional
// seconds, a date alone (midnight UTC) and Unix milliseconds, in a query, a
// form, a JSON body (a string or a number), a condition and GraphQL (a
// literal or a variable); replies are RFC 3339. A bad one is a 400 naming
// the column and what it takes, in our words.
func TestTimeInputs(t *testing.T) {
	for _, backend := range []string{"sqlite", "pgsql", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backendArgs(t)[backend]...)
			const want = "2030-01-01T00:00:00Z"
			inputs := []struct {
				name string
				add  func(due any) reply
			}{
				{"query", func(due any) reply { return s.get("/todo/add", url.Values{"name": {"q"}, "due": {toStr(due)}}) }},
				{"form", func(due any) reply { return s.postForm("/todo/add", url.Values{"name": {"f"}, "due": {toStr(due)}}) }},
				{"json", func(due any) reply { return s.postJSON("/todo/add", map[string]any{"name": "j", "due": due}) }},
			}
			values := []any{"2030-01-01", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00.000Z", "2030-01-01T01:00:00+01:00", "1893456000000"}
			for _, in := range inputs {
				for _, v := range append(values, int64(1893456000000)) {
					if _, isNum := v.(int64); isNum && in.name != "json" {
						continue
					}
					r := in.add(v)
					if r.status != 200 {
						t.Fatalf("%s due=%v: %d %s", in.name, v, r.status, r.raw)
					}
					got := s.get("/todo/get", url.Values{"id": {r.str("id")}})
					if got.str("due") != want {
						t.Fatalf("%s due=%v: stored %s", in.name, v, got.raw)
					}
				}
				for _, bad := range []any{"2030-13-01", "tomorrow", "2030-01-01T00:00", true} {
					if _, isBool := bad.(bool); isBool && in.name != "json" {
						continue
					}
					r := in.add(bad)
					msg := r.str("message")
					if r.status != 400 || !strings.Contains(msg, "due") || !strings.Contains(msg, "Unix milliseconds") || leaks(msg) {
						t.Fatalf("%s due=%v: %d %s", in.name, bad, r.status, r.raw)
					}
				}
			}
			// conditions take the same forms
			for _, v := range values {
				r := s.get("/todo/select", url.Values{"due": {v.(string)}, "_total": {"1"}})
				if r.status != 200 || r.num("count") != 16 {
					t.Fatalf("select due=%v: %s", v, r.raw)
				}
			}
			// GraphQL: literals and variables, strings and numbers
			for _, c := range []struct {
				doc  string
				vars map[string]any
			}{
				{`mutation { addTodo(input: {name: "g", due: "2030-01-01"}) { due } }`, nil},
				{`mutation { addTodo(input: {name: "g", due: 1893456000000}) { due } }`, nil},
				{`mutation($d: Time) { addTodo(input: {name: "g", due: $d}) { due } }`, map[string]any{"d": "2030-01-01T00:00:00Z"}},
				{`mutation($d: Time) { addTodo(input: {name: "g", due: $d}) { due } }`, map[string]any{"d": 1893456000000}},
			} {
				r := s.gql(t, s.client, c.doc, c.vars)
				if len(r.Errors) > 0 || path(r.Data, "addTodo", "due") != want {
					t.Fatalf("%s %v: %+v", c.doc, c.vars, r)
				}
			}
			r := s.gql(t, s.client, `mutation($d: Time) { addTodo(input: {name: "g", due: $d}) { due } }`, map[string]any{"d": "soon"})
			if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "due: ") || !strings.Contains(r.Errors[0].Message, "Unix milliseconds") || leaks(r.Errors[0].Message) {
				t.Fatalf("a bad time in GraphQL: %+v", r)
			}
		})
	}
}

var ogenOperation = regexp.MustCompile(`operation [A-Z]`)

func toStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// leaks reports the internals of a parser in an error message: ogen's
// operation names, Go time layouts, Go type names.
func leaks(msg string) bool {
	if ogenOperation.MatchString(msg) {
		return true
	}
	for _, s := range []string{"decode ", "2006-01-02", "15:04:05", "Go value", "interface {}", "jx.", "strconv.", "parsing "} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
