package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/bkgen/bkgen/runtime/sign"
)

type gqlReply struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (s *server) gql(t *testing.T, c *http.Client, query string, vars map[string]any) gqlReply {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	res, err := c.Post(s.base+"/graphql", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r gqlReply
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("graphql reply %d is not JSON: %s", res.StatusCode, raw)
	}
	return r
}

func path(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	return v
}

func TestGraphQL(t *testing.T) {
	for _, name := range []string{"sqlite", "pgsql", "mysql", "dynamodb"} {
		t.Run(name, func(t *testing.T) {
			args := backendArgs(t)[name]
			s := start(t, args...)
			admin := s.client
			shell(t, args, "account-add", "-login", "gina", "-secret", "ginas-secret")
			shell(t, args, "account-add", "-login", "hank", "-secret", "hanks-secret")
			gina := &http.Client{Transport: &sign.Transport{Login: "gina", Secret: "ginas-secret"}}
			hank := &http.Client{Transport: &sign.Transport{Login: "hank", Secret: "hanks-secret"}}

			// mutations and a query by key
			r := s.gql(t, admin, `mutation($n: String) { addTodo(input: {name: $n, descr: "2 l"}) { id name mtime } }`, map[string]any{"n": "milk"})
			if len(r.Errors) > 0 {
				t.Fatalf("add: %+v", r.Errors)
			}
			id := path(r.Data, "addTodo", "id").(string)
			r = s.gql(t, admin, `query($id: String!) { todo(id: $id) { name descr done } }`, map[string]any{"id": id})
			if path(r.Data, "todo", "name") != "milk" || path(r.Data, "todo", "done") != false {
				t.Fatalf("get: %+v", r)
			}
			r = s.gql(t, admin, `mutation($id: String) { updateTodo(input: {id: $id, done: true}) }`, map[string]any{"id": id})
			if path(r.Data, "updateTodo") != float64(1) {
				t.Fatalf("update: %+v", r)
			}
			r = s.gql(t, admin, `mutation($id: String) { putTodo(input: {id: $id, name: "oat milk"}) { name done } }`, map[string]any{"id": id})
			if path(r.Data, "putTodo", "name") != "oat milk" || path(r.Data, "putTodo", "done") != false {
				t.Fatalf("put: %+v", r)
			}
			r = s.gql(t, admin, `mutation { addTodo(input: {name: "gone"}) { id } }`, nil)
			gone := path(r.Data, "addTodo", "id")
			r = s.gql(t, admin, `mutation($id: String!) { delTodo(id: $id) }`, map[string]any{"id": gone})
			if path(r.Data, "delTodo") != true {
				t.Fatalf("del: %+v", r)
			}
			if r = s.gql(t, admin, `query($id: String!) { todo(id: $id) { id } }`, map[string]any{"id": gone}); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "NotFound" {
				t.Fatalf("deleted row: %+v", r)
			}
			r = s.gql(t, admin, `mutation { incrMeter(input: {id: "c", likes: 3}) { likes label } }`, nil)
			if path(r.Data, "incrMeter", "likes") != float64(3) || path(r.Data, "incrMeter", "label") != "new" {
				t.Fatalf("incr: %+v", r)
			}

			// pages with cursors, over an album
			for i := 0; i < 7; i++ {
				r = s.gql(t, admin, fmt.Sprintf(`mutation { addPhoto(input: {album_id: "a", id: "p%d", name: "n%d", width: %d}) { id } }`, i, i, i), nil)
				if len(r.Errors) > 0 {
					t.Fatalf("add photo: %+v", r.Errors)
				}
			}
			var ids []string
			after := any(nil)
			for pages := 0; pages < 5; pages++ {
				r = s.gql(t, admin, `query($after: String) { photos(where: [{column: album_id, values: ["a"]}], first: 3, after: $after) { nodes { id } endCursor hasNextPage } }`, map[string]any{"after": after})
				if len(r.Errors) > 0 {
					t.Fatalf("photos: %+v", r.Errors)
				}
				for _, n := range path(r.Data, "photos", "nodes").([]any) {
					ids = append(ids, n.(map[string]any)["id"].(string))
				}
				if path(r.Data, "photos", "hasNextPage") != true {
					break
				}
				after = path(r.Data, "photos", "endCursor")
			}
			if strings.Join(ids, ",") != "p0,p1,p2,p3,p4,p5,p6" {
				t.Fatalf("pages: %v", ids)
			}
			r = s.gql(t, admin, `{ photos(where: [{column: album_id, values: ["a"]}, {column: width, op: between, values: ["2", "3"]}]) { nodes { id } } }`, nil)
			if len(path(r.Data, "photos", "nodes").([]any)) != 2 {
				t.Fatalf("between: %+v", r)
			}

			// errors carry the REST status and code
			for _, c := range []struct{ q, code string }{
				{`{ todo(id: "nope") { id } }`, "NotFound"},
				{`mutation { addTodo(input: {name: ""}) { id } }`, "InvalidValue"},
				{`{ photos(where: [{column: album_id, values: ["a"]}], first: 5000) { nodes { id } } }`, "InvalidValue"},
				{`{ photos(after: "garbage", where: [{column: album_id, values: ["a"]}]) { nodes { id } } }`, "InvalidToken"},
			} {
				r = s.gql(t, admin, c.q, nil)
				if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != c.code || strings.Contains(r.Errors[0].Message, "input:") {
					t.Fatalf("%s: %+v, want code %s", c.q, r.Errors, c.code)
				}
			}
			r = s.gql(t, admin, `{ todos { nodes { nope } } }`, nil)
			if len(r.Errors) == 0 {
				t.Fatal("an unknown field was accepted")
			}
			if r = s.gql(t, admin, `query($id: String!) { todo(id: $id) { id } }`, map[string]any{"id": 12}); len(r.Errors) == 0 {
				t.Fatal("a variable of the wrong type was accepted")
			}
			var many strings.Builder // 100 aliases of a 50-row list: over the complexity limit
			many.WriteString("{")
			for i := 0; i < 100; i++ {
				fmt.Fprintf(&many, " a%d: todos(first: 50) { nodes { id name descr } }", i)
			}
			many.WriteString(" }")
			if r = s.gql(t, admin, many.String(), nil); len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "complexity") {
				t.Fatalf("a huge query: %+v", r.Errors)
			}
			res, err := admin.Post(s.base+"/graphql", "application/json", strings.NewReader(`[{"query":"{ todos { nodes { id } } }"},{"query":"{ todos { nodes { id } } }"}]`))
			if err != nil || res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Fatalf("a batch body: %v %v", err, res.StatusCode)
			}

			// visibility: the owner sees its row, another account sees pub columns, fields it may not see are null
			r = s.gql(t, gina, `mutation { addPhoto(input: {album_id: "g", id: "1", name: "beach", width: 640, owner_id: "someone"}) { owner_id width } }`, nil)
			if len(r.Errors) > 0 || path(r.Data, "addPhoto", "owner_id") == "someone" {
				t.Fatalf("owner not forced: %+v", r)
			}
			r = s.gql(t, hank, `{ photo(album_id: "g", id: "1") { name width owner_id } }`, nil)
			if path(r.Data, "photo", "name") != "beach" || path(r.Data, "photo", "width") != nil || path(r.Data, "photo", "owner_id") != nil {
				t.Fatalf("another account sees %+v", r.Data)
			}
			r = s.gql(t, hank, `mutation { updatePhoto(input: {album_id: "g", id: "1", name: "stolen"}) }`, nil)
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "NotOwner" {
				t.Fatalf("another account updated the row: %+v", r)
			}
			r = s.gql(t, gina, `{ photo(album_id: "g", id: "1") { name width } }`, nil)
			if path(r.Data, "photo", "width") != float64(640) || path(r.Data, "photo", "name") != "beach" {
				t.Fatalf("the owner sees %+v", r.Data)
			}

			// unsigned requests are refused like REST ones; deep queries are limited
			res, err = http.Post(s.base+"/graphql", "application/json", strings.NewReader(`{"query":"{ todos { nodes { id } } }"}`))
			if err != nil || res.StatusCode != 417 {
				t.Fatalf("unsigned: %v %v", err, res.StatusCode)
			}
			deep := "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }" // 12 levels
			r = s.gql(t, admin, deep, nil)
			if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "levels deep") {
				t.Fatalf("deep query: %+v", r.Errors)
			}
		})
	}
}
