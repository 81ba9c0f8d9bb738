package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDecodeErrors: every value the API cannot read is a 400 that names
// the column (or parameter) and what it takes, in our words: no ogen
// operation names, Go parser messages, Go types or byte offsets, on REST
// (query, form, JSON) and GraphQL alike.
func TestDecodeErrors(t *testing.T) {
	for _, backend := range []string{"sqlite", "pgsql"} {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backendArgs(t)[backend]...)
			photo := url.Values{"album_id": {"a"}, "name": {"n"}}
			with := func(k, v string) url.Values {
				q := url.Values{}
				for a, b := range photo {
					q[a] = b
				}
				q.Set(k, v)
				return q
			}
			form := func(body string) reply {
				return s.raw(http.MethodPost, "/photo/add", "application/x-www-form-urlencoded", []byte("album_id=a&name=n&"+body))
			}
			jsonBody := func(path, body string) reply {
				return s.raw(http.MethodPost, path, "application/json", []byte(body))
			}
			for _, c := range []struct {
				name string
				r    reply
				want string
			}{
				{"query int", s.get("/photo/add", with("width", "abc")), `photo.width: "abc" is not an integer`},
				{"query float", s.get("/photo/add", with("rating", "x")), `photo.rating: "x" is not a number`},
				{"query bool", s.get("/photo/add", with("hidden", "maybe")), `photo.hidden: "maybe" is not true or false`},
				{"query int64", s.get("/photo/add", with("size", "1.5")), `photo.size: "1.5" is not an integer`},
				{"query twice", s.get("/photo/add", url.Values{"album_id": {"a"}, "width": {"1", "2"}}), "photo.width: given more than once"},
				{"query control", s.get("/photo/select", url.Values{"_count": {"abc"}}), `_count: "abc" is not an integer`},
				{"query control bool", s.get("/photo/select", url.Values{"_total": {"2"}}), `_total: "2" is not true or false`},
				{"query counter", s.get("/meter/incr", url.Values{"id": {"x"}, "likes": {"abc"}}), `meter.likes: "abc" is not an integer`},
				{"form int", form("width=abc"), `photo.width: "abc" is not an integer`},
				{"form range", form("size=99999999999999999999999"), "photo.size: \"99999999999999999999999\" is out of range"},
				{"form twice", form("width=1&width=2"), "photo.width: given more than once"},
				{"json int", jsonBody("/photo/add", `{"album_id":"a","name":"n","width":"abc"}`), "photo.width: not an integer"},
				{"json fraction", jsonBody("/photo/add", `{"album_id":"a","name":"n","width":1.5}`), "photo.width: not an integer"},
				{"json bool", jsonBody("/photo/add", `{"album_id":"a","name":"n","hidden":"yes"}`), "photo.hidden: not true or false"},
				{"json bytes", jsonBody("/photo/add", `{"album_id":"a","name":"n","thumb":"%%%"}`), "photo.thumb: not base64 bytes"},
				{"json string", jsonBody("/photo/add", `{"album_id":"a","name":"n","caption":5}`), "photo.caption: not a JSON string"},
				{"json list", jsonBody("/photo/add", `{"album_id":"a","name":"n","tags":"x"}`), "photo.tags: not a list of strings"},
				{"json list item", jsonBody("/photo/add", `{"album_id":"a","name":"n","tags":[1]}`), "photo.tags: not a list of strings"},
				{"json object", jsonBody("/photo/add", `{"album_id":"a","name":"n","exif":"x"}`), "photo.exif: not an object"},
				{"json control", jsonBody("/photo/select", `{"_count":"x"}`), "_count: not an integer"},
				{"json trailing", jsonBody("/photo/add", `{"album_id":"a"} x`), "the JSON body has more after the object"},
				{"json array", jsonBody("/photo/add", `[1]`), "the JSON body must be an object"},
				{"json syntax", jsonBody("/photo/add", `{"album_id":"a",}`), "the body is not valid JSON"},
				{"json cut", jsonBody("/photo/add", `{"album_id":"a"`), ""},
			} {
				msg := c.r.str("message")
				if c.r.status != 400 || !strings.Contains(msg, c.want) || leaks(msg) || strings.Contains(msg, " at ") {
					t.Errorf("%s: %d %s", c.name, c.r.status, c.r.raw)
				}
			}
			// GraphQL: our scalars and the request body itself
			for _, c := range []struct {
				doc  string
				vars map[string]any
				want string
			}{
				{`mutation($w: Int64) { addPhoto(input: {album_id: "a", name: "n", width: $w}) { id } }`, map[string]any{"w": "abc"}, `width: "abc" is not a 64-bit integer`},
				{`mutation($w: Int64) { addPhoto(input: {album_id: "a", name: "n", width: $w}) { id } }`, map[string]any{"w": 1.5}, `width: "1.5" is not a 64-bit integer`},
				{`mutation { addPhoto(input: {album_id: "a", name: "n", width: "x"}) { id } }`, nil, `width: "x" is not a 64-bit integer`},
				{`mutation { addPhoto(input: {album_id: "a", name: "n", exif: "x"}) { id } }`, nil, "photo.exif: not an object"},
				{`mutation { addPhoto(input: {album_id: "a", name: "n", thumb: "%%"}) { id } }`, nil, "photo.thumb: not base64 bytes"},
			} {
				r := s.gql(t, s.client, c.doc, c.vars)
				if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, c.want) || leaks(r.Errors[0].Message) || r.Errors[0].Extensions["status"] != float64(400) {
					t.Errorf("%s %v: %+v", c.doc, c.vars, r.Errors)
				}
			}
			for body, want := range map[string]string{
				`{"query":5}`:         "query must be a string",
				`{"qeury":"{ a }"}`:   `did you mean \"query\"?`,
				`[{"query":"{ a }"}]`: "batched requests are not supported",
				`{"query":"{ a }",}`:  "not valid JSON",
			} {
				r := jsonBody("/graphql", body)
				if r.status != 400 || !strings.Contains(r.raw, want) || leaks(r.raw) || strings.Contains(r.raw, "RawParams") {
					t.Errorf("graphql body %s: %d %s", body, r.status, r.raw)
				}
			}
		})
	}
}
