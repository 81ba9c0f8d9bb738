package gql

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/go-faster/jx"

	"github.com/bkgen/bkgen/runtime/config"
)

// checkBody refuses, in our words, a POST body that is not one GraphQL
// request ({"query": "...", "operationName", "variables", "extensions"}):
// gqlgen's own message names its Go types and echoes the body back. body
// is the JSON body it read (nil for any other request, or one whose read
// failed: gqlgen reports that), which r carries again for gqlgen.
func checkBody(r *http.Request) (body []byte, msg string, ok bool) {
	if r.Method != http.MethodPost || r.Body == nil {
		return nil, "", true
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return nil, "", true // gqlgen answers other types (and SSE negotiates its own)
	}
	b, err := io.ReadAll(r.Body) // bounded by -graphql-max-body
	if err != nil {
		return nil, "", true // gqlgen reports the read error (413 included)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	msg, ok = bodyProblem(b)
	return b, msg, ok
}

// requestFields are the fields of a GraphQL request and the JSON type of
// each; requestNames lists them for suggestions.
var (
	requestFields = map[string]jx.Type{"query": jx.String, "operationName": jx.String, "variables": jx.Object, "extensions": jx.Object}
	requestNames  = []string{"query", "operationName", "variables", "extensions"}
)

// bodyProblem is what is wrong with a GraphQL request body, if anything.
func bodyProblem(b []byte) (string, bool) {
	if !jx.Valid(b) {
		return "the body is not valid JSON", false
	}
	d := jx.DecodeBytes(b)
	switch d.Next() {
	case jx.Object:
	case jx.Array:
		return "batched requests are not supported: send one operation per request", false
	default:
		return `the body must be a JSON object: {"query": "...", "variables": {...}}`, false
	}
	problem, hasQuery := "", false
	err := d.ObjBytes(func(d *jx.Decoder, key []byte) error {
		if problem != "" {
			return d.Skip()
		}
		want, ok := requestFields[string(key)]
		if !ok {
			problem = fmt.Sprintf("unknown field %s in the request body", strconv.Quote(string(key)))
			if best, ok := config.Nearest(string(key), requestNames); ok {
				problem += fmt.Sprintf("; did you mean %q?", best)
			}
			return d.Skip()
		}
		got := d.Next()
		if got != want && (got != jx.Null || string(key) == "query") {
			problem = fmt.Sprintf("%s must be %s", key, map[jx.Type]string{jx.String: "a string", jx.Object: "an object"}[want])
			return d.Skip()
		}
		hasQuery = hasQuery || string(key) == "query"
		return d.Skip()
	})
	switch {
	case err != nil:
		return "the body is not valid JSON", false
	case problem != "":
		return problem, false
	case !hasQuery:
		return `the request has no "query"`, false
	}
	return "", true
}
