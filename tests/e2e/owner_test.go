package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// ownedTable is a table with an owner column, one of each shape the model
// accepts (schema/owned.go, schema/album.go).
type ownedTable struct {
	name, gql string
	owner     string // the owner column
	keyOwner  bool   // the owner is a key part
	keys      []string
	pub, priv string // a pub column and an owner-only one
	counter   string // "" when the table has none
	fields    string // the GraphQL selection of a row
}

var ownedTables = []ownedTable{
	{name: "photo", gql: "Photo", owner: "owner_id", keys: []string{"album_id", "id"}, pub: "name", priv: "caption", fields: "album_id id name owner_id caption"},
	{name: "bookmark", gql: "Bookmark", owner: "owner_id", keys: []string{"id"}, pub: "url", priv: "note", counter: "hits", fields: "id owner_id url note hits"},
	{name: "score", gql: "Score", owner: "owner_id", keys: []string{"id"}, pub: "title", priv: "note", counter: "points", fields: "id owner_id title note points"},
	{name: "stat", gql: "Stat", owner: "owner_id", keyOwner: true, keys: []string{"owner_id", "name"}, pub: "name", priv: "note", counter: "value", fields: "owner_id name note value"},
}

// key is the key of row n of the table, under owner for a key owner.
func (o ownedTable) key(n, owner string) map[string]any {
	k := map[string]any{}
	for _, c := range o.keys {
		k[c] = n
	}
	if o.keyOwner {
		k[o.owner] = owner
	}
	return k
}

func merge(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// ownerAPI is one protocol (REST or GraphQL) as one account calls it: each
// write returns the row (or the rows changed) and the error code, "" for none.
type ownerAPI interface {
	add(o ownedTable, row map[string]any) (map[string]any, string)
	put(o ownedTable, row map[string]any) (map[string]any, string)
	update(o ownedTable, row map[string]any) (float64, string)
	incr(o ownedTable, row map[string]any) (map[string]any, string)
	del(o ownedTable, key map[string]any) string
	get(o ownedTable, key map[string]any) map[string]any // nil when missing
	count(o ownedTable, col, val string) int             // rows of a select on col = val
}

type restAPI struct{ s *server }

func (a restAPI) write(path string, body map[string]any) (map[string]any, string) {
	r := a.s.postJSON(path, body)
	if r.status != 200 {
		return nil, r.str("code")
	}
	return r.body, ""
}
func (a restAPI) add(o ownedTable, row map[string]any) (map[string]any, string) {
	return a.write("/"+o.name+"/add", row)
}
func (a restAPI) put(o ownedTable, row map[string]any) (map[string]any, string) {
	return a.write("/"+o.name+"/put", row)
}
func (a restAPI) incr(o ownedTable, row map[string]any) (map[string]any, string) {
	return a.write("/"+o.name+"/incr", row)
}
func (a restAPI) update(o ownedTable, row map[string]any) (float64, string) {
	r, code := a.write("/"+o.name+"/update", row)
	n, _ := r["affected_rows"].(float64)
	return n, code
}
func (a restAPI) del(o ownedTable, key map[string]any) string {
	_, code := a.write("/"+o.name+"/del", key)
	return code
}
func (a restAPI) get(o ownedTable, key map[string]any) map[string]any {
	r, _ := a.write("/"+o.name+"/get", key)
	return r
}
func (a restAPI) count(o ownedTable, col, val string) int {
	r, code := a.write("/"+o.name+"/select", map[string]any{col: val})
	if code != "" {
		a.s.t.Fatalf("select %s %s=%s: %s", o.name, col, val, code)
	}
	rows, _ := r["data"].([]any)
	return len(rows)
}

type gqlAPI struct {
	t *testing.T
	s *server
	c *http.Client
}

func (a gqlAPI) do(doc string, vars map[string]any, field string) (any, string) {
	a.t.Helper()
	r := a.s.gql(a.t, a.c, doc, vars)
	if len(r.Errors) > 0 {
		code, _ := r.Errors[0].Extensions["code"].(string)
		if code == "" {
			a.t.Fatalf("%s: %+v", doc, r.Errors)
		}
		return nil, code
	}
	return r.Data[field], ""
}
func (a gqlAPI) row(op string, o ownedTable, row map[string]any) (map[string]any, string) {
	v, code := a.do(fmt.Sprintf("mutation($in: %sInput!) { %s%s(input: $in) { %s } }", o.gql, op, o.gql, o.fields), map[string]any{"in": row}, op+o.gql)
	m, _ := v.(map[string]any)
	return m, code
}
func (a gqlAPI) add(o ownedTable, row map[string]any) (map[string]any, string) {
	return a.row("add", o, row)
}
func (a gqlAPI) put(o ownedTable, row map[string]any) (map[string]any, string) {
	return a.row("put", o, row)
}
func (a gqlAPI) incr(o ownedTable, row map[string]any) (map[string]any, string) {
	return a.row("incr", o, row)
}
func (a gqlAPI) update(o ownedTable, row map[string]any) (float64, string) {
	v, code := a.do(fmt.Sprintf("mutation($in: %sInput!) { update%s(input: $in) }", o.gql, o.gql), map[string]any{"in": row}, "update"+o.gql)
	n, _ := v.(float64)
	return n, code
}

// keyArgs are the GraphQL variables and arguments of a key.
func keyArgs(o ownedTable) (string, string) {
	var decl, args []string
	for _, k := range o.keys {
		decl = append(decl, "$"+k+": String!")
		args = append(args, k+": $"+k)
	}
	return strings.Join(decl, ", "), strings.Join(args, ", ")
}
func (a gqlAPI) del(o ownedTable, key map[string]any) string {
	decl, args := keyArgs(o)
	_, code := a.do(fmt.Sprintf("mutation(%s) { del%s(%s) }", decl, o.gql, args), key, "del"+o.gql)
	return code
}
func (a gqlAPI) get(o ownedTable, key map[string]any) map[string]any {
	decl, args := keyArgs(o)
	field := strings.ToLower(o.gql[:1]) + o.gql[1:]
	v, code := a.do(fmt.Sprintf("query(%s) { %s(%s) { %s } }", decl, field, args, o.fields), key, field)
	if code == "NotFound" {
		return nil
	}
	if code != "" {
		a.t.Fatalf("get %s: %s", o.name, code)
	}
	m, _ := v.(map[string]any)
	return m
}
func (a gqlAPI) count(o ownedTable, col, val string) int {
	field := strings.ToLower(o.gql[:1]) + o.gql[1:] + "s"
	v, code := a.do(fmt.Sprintf(`query($v: String!) { %s(where: [{column: %s, values: [$v]}]) { nodes { %s } } }`, field, col, o.keys[0]), map[string]any{"v": val}, field)
	if code != "" {
		a.t.Fatalf("select %s %s=%s: %s", o.name, col, val, code)
	}
	nodes, _ := v.(map[string]any)["nodes"].([]any)
	return len(nodes)
}

// TestOwnerMatrix: for every owner column shape the model accepts, every
// operation on REST and GraphQL, as the owner, another account and an
// admin: the owner is the caller on add, put and incr (a forged one is
// replaced); only the owner and admins change, count and read the row's
// owner-only columns; another account's writes are 403 NotOwner and change
// nothing.
func TestOwnerMatrix(t *testing.T) {
	for _, backend := range []string{"sqlite", "pgsql", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			args := backendArgs(t)[backend]
			s := start(t, args...)
			shell(t, args, "account-add", "-login", "ann", "-secret", "anns-secret")
			shell(t, args, "account-add", "-login", "bob", "-secret", "bobs-secret")
			ann, bob := s.as(t, "ann", "anns-secret"), s.as(t, "bob", "bobs-secret")
			annID, bobID := ann.get("/auth", nil).str("id"), bob.get("/auth", nil).str("id")
			if annID == "" || bobID == "" || annID == bobID {
				t.Fatalf("account ids %q %q", annID, bobID)
			}
			protocols := []struct {
				name string
				apis func(t *testing.T) (ann, bob, admin ownerAPI)
			}{
				{"rest", func(t *testing.T) (ownerAPI, ownerAPI, ownerAPI) {
					as := func(c *http.Client) ownerAPI { return restAPI{&server{t: t, base: s.base, client: c}} }
					return as(ann.client), as(bob.client), as(s.client)
				}},
				{"graphql", func(t *testing.T) (ownerAPI, ownerAPI, ownerAPI) {
					return gqlAPI{t, s, ann.client}, gqlAPI{t, s, bob.client}, gqlAPI{t, s, s.client}
				}},
			}
			for _, p := range protocols {
				for _, o := range ownedTables {
					t.Run(p.name+"/"+o.name, func(t *testing.T) {
						a, b, c := p.apis(t)
						ownerMatrix(t, o, a, b, c, annID, bobID, p.name)
					})
				}
			}
		})
	}
}

func ownerMatrix(t *testing.T, o ownedTable, ann, bob, admin ownerAPI, annID, bobID, tag string) {
	note := "ann's " + tag
	k := o.key(tag+"1", annID)
	// add: a forged owner is replaced by the caller (for a key owner, the key
	// becomes the caller's)
	row, code := ann.add(o, merge(o.key(tag+"1", bobID), map[string]any{o.owner: bobID, o.priv: note, o.pub: tag + "1"}))
	if code != "" || row[o.owner] != annID {
		t.Fatalf("add as ann with owner bob: %v %s", row, code)
	}
	if o.keyOwner && admin.get(o, o.key(tag+"1", bobID)) != nil {
		t.Fatal("ann added a row under bob's key")
	}
	// get: only the owner and admins see owner-only columns
	if r := ann.get(o, k); r == nil || r[o.priv] != note || r[o.owner] != annID {
		t.Fatalf("the owner's get: %v", r)
	}
	if r := bob.get(o, k); r == nil || r[o.priv] != nil || r[o.owner] != nil && !o.keyOwner || r[o.pub] == nil {
		t.Fatalf("another account's get: %v", r)
	}
	if r := admin.get(o, k); r == nil || r[o.priv] != note {
		t.Fatalf("the admin's get: %v", r)
	}
	// select: a condition on an owner-only column counts the caller's rows only
	for who, want := range map[string]int{"ann": 1, "bob": 0, "admin": 1} {
		api := map[string]ownerAPI{"ann": ann, "bob": bob, "admin": admin}[who]
		if n := api.count(o, o.priv, note); n != want {
			t.Fatalf("select %s=%q as %s: %d rows, want %d", o.priv, note, who, n, want)
		}
	}
	// update
	if n, code := bob.update(o, merge(k, map[string]any{o.priv: "bob was here"})); code != "NotOwner" || n != 0 {
		t.Fatalf("another account's update: %v %q", n, code)
	}
	if n, code := ann.update(o, merge(k, map[string]any{o.priv: note + " 2"})); code != "" || n != 1 {
		t.Fatalf("the owner's update: %v %q", n, code)
	}
	if n, code := admin.update(o, merge(k, map[string]any{o.priv: note + " 3"})); code != "" || n != 1 {
		t.Fatalf("the admin's update: %v %q", n, code)
	}
	// put
	r, code := bob.put(o, merge(k, map[string]any{o.priv: "taken over", o.pub: "x"}))
	if o.keyOwner {
		// the key is stamped with bob's id: bob's own row, not ann's
		if code != "" || r[o.owner] != bobID {
			t.Fatalf("another account's put on a key owner: %v %q", r, code)
		}
	} else if code != "NotOwner" {
		t.Fatalf("another account's put: %v %q", r, code)
	}
	if r, code := ann.put(o, merge(k, map[string]any{o.priv: note + " 4", o.pub: tag + "1"})); code != "" || r[o.owner] != annID {
		t.Fatalf("the owner's put: %v %q", r, code)
	}
	if r, code := admin.put(o, merge(k, map[string]any{o.owner: annID, o.priv: note + " 5", o.pub: tag + "1"})); code != "" || r[o.owner] != annID {
		t.Fatalf("the admin's put: %v %q", r, code)
	}
	// incr
	if o.counter != "" {
		one := map[string]any{o.counter: 1}
		if r, code := bob.incr(o, merge(k, one)); code != "NotOwner" {
			t.Fatalf("another account's incr: %v %q", r, code)
		}
		if r, code := ann.incr(o, merge(k, one)); code != "" || num(r[o.counter]) != 1 {
			t.Fatalf("the owner's incr: %v %q", r, code)
		}
		if r, code := admin.incr(o, merge(k, one)); code != "" || num(r[o.counter]) != 2 {
			t.Fatalf("the admin's incr: %v %q", r, code)
		}
		// a row incr makes is the caller's
		nk := o.key(tag+"new", bobID)
		if r, code := bob.incr(o, merge(nk, one)); code != "" || r[o.owner] != bobID {
			t.Fatalf("incr of a missing row: %v %q", r, code)
		}
		if r := admin.get(o, nk); r == nil || r[o.owner] != bobID {
			t.Fatalf("the row incr made: %v", r)
		}
		if !o.keyOwner {
			if r, code := ann.incr(o, merge(nk, one)); code != "NotOwner" {
				t.Fatalf("incr of the row another account made: %v %q", r, code)
			}
		}
	}
	if r := admin.get(o, k); r == nil || r[o.priv] != note+" 5" || r[o.owner] != annID {
		t.Fatalf("after the writes of another account: %v", r)
	}
	// del
	if code := bob.del(o, k); code != "NotOwner" {
		t.Fatalf("another account's del: %q", code)
	}
	if admin.get(o, k) == nil {
		t.Fatal("another account deleted the row")
	}
	if code := ann.del(o, k); code != "" || admin.get(o, k) != nil {
		t.Fatalf("the owner's del: %q", code)
	}
	k2 := o.key(tag+"2", annID)
	if _, code := ann.add(o, merge(k2, map[string]any{o.pub: tag + "2"})); code != "" {
		t.Fatalf("add: %q", code)
	}
	if code := admin.del(o, k2); code != "" || admin.get(o, k2) != nil {
		t.Fatalf("the admin's del: %q", code)
	}
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case json.Number:
		f, _ := x.Float64()
		return f
	}
	return -1
}
