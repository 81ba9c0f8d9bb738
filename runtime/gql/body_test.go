package gql

import (
	"strings"
	"testing"
)

func TestBodyProblem(t *testing.T) {
	for body, want := range map[string]string{
		`{"query":"{ a }"}`: "",
		`{"query":"{ a }","variables":null,"operationName":null}`: "",
		`{"query":"{ a }","variables":{"x":1},"extensions":{}}`:   "",
		`{"query":5}`:                       "query must be a string",
		`{"query":null}`:                    "query must be a string",
		`{"query":"{ a }","variables":"x"}`: "variables must be an object",
		`{"qeury":"{ a }"}`:                 `did you mean "query"?`,
		`{"variables":{}}`:                  `no "query"`,
		`[{"query":"{ a }"}]`:               "batched requests are not supported",
		`[}`:                                "not valid JSON",
		`{"query":"{ a }"} x`:               "not valid JSON",
		`{"query":"{ a }"} {}`:              "not valid JSON",
		`"query"`:                           "must be a JSON object",
		``:                                  "not valid JSON",
	} {
		got, ok := bodyProblem([]byte(body))
		if ok != (want == "") || !strings.Contains(got, want) {
			t.Errorf("%s: %q %v, want %q", body, got, ok, want)
		}
	}
}

func FuzzBodyProblem(f *testing.F) {
	f.Add([]byte(`{"query":"{ a }","variables":{"x":[1,2]}}`))
	f.Add([]byte(`[{"query":1}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		msg, ok := bodyProblem(b)
		if ok == (msg != "") {
			t.Fatalf("%q: %q %v", b, msg, ok)
		}
	})
}
