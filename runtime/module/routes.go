package module

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/rest"
	"github.com/bkgen/bkgen/runtime/web"
)

// Handler is one module route: the request's signed parameters in, the
// reply (encoded as JSON) or an error out.
type Handler func(ctx context.Context, p map[string]string) (any, error)

// Route registers h at path on mux, for GET and POST (query, form or
// JSON body, as every route takes them).
func Route(mux *http.ServeMux, path string, h Handler) {
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			web.MethodNotAllowed(w, r, "GET, POST")
			return
		}
		p, err := auth.Params(r)
		if err == nil {
			var out any
			if out, err = h(r.Context(), p); err == nil {
				w.Header().Set("Cache-Control", "no-store")
				web.JSON(w, out)
				return
			}
		}
		web.Fail(w, err)
	})
}

// Row is r as v may see it under the table's policy: the columns shown,
// by name, with their canonical values. owner is the account the row
// belongs to.
func Row[R any](t *db.Table[R], vis *rest.Visibility, v auth.Viewer, owner string, r *R) map[string]any {
	show := vis.Show(v, owner, nil, nil)
	out := make(map[string]any, len(t.Columns))
	for i, c := range t.Columns {
		if !show[i] {
			continue
		}
		if val, err := t.Arg(r, i); err == nil {
			out[c.Name] = val
		}
	}
	return out
}

// Page is a page of rows as v may see them: {count, data, next_token}
// (or {count} for a _total query), the shape of every select.
func Page[R any](t *db.Table[R], vis *rest.Visibility, v auth.Viewer, q db.Query, page *db.Page[R], owner func(*R) string) map[string]any {
	if q.Total {
		return map[string]any{"count": page.Total}
	}
	data := make([]map[string]any, 0, len(page.Rows))
	for i := range page.Rows {
		data = append(data, Row(t, vis, v, owner(&page.Rows[i]), &page.Rows[i]))
	}
	out := map[string]any{"count": len(data), "data": data}
	if page.Next != "" {
		out["next_token"] = page.Next
	}
	return out
}

// Query is the select of a module route: the table's conditions and
// controls from p, under its read rule, with the conditions of the route
// (the caller's own rows) replacing any the client gave on those columns.
func Query[R any](t *db.Table[R], vis *rest.Visibility, v auth.Viewer, p map[string]string, drop []string, conds ...db.Cond) (db.Query, error) {
	given := make(map[string]string, len(p))
	for k, val := range p {
		given[k] = val
	}
	for _, k := range drop {
		delete(given, k)
	}
	for _, c := range conds {
		delete(given, c.Col)
	}
	q, err := rest.QueryOf(t, given)
	if err != nil {
		return q, err
	}
	q.Where = append(q.Where, conds...)
	return q, vis.Query(v, &q)
}

// Select is a module route's select of table t for v: Query, the store's
// select sel, and the Page reply.
func Select[R any](ctx context.Context, t *db.Table[R], vis *rest.Visibility, v auth.Viewer, p map[string]string, drop []string,
	sel func(context.Context, db.Query) (*db.Page[R], error), owner func(*R) string, conds ...db.Cond) (map[string]any, error) {
	q, err := Query(t, vis, v, p, drop, conds...)
	if err != nil {
		return nil, err
	}
	page, err := sel(ctx, q)
	if err != nil {
		return nil, err
	}
	return Page(t, vis, v, q, page, owner), nil
}

// Float reads a number parameter (ok false when absent).
func Float(p map[string]string, table, name string) (v float64, ok bool, err error) {
	s, ok := p[name]
	if !ok || s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, true, db.Invalid(table, name, "%q is not a number", s)
	}
	return v, true, nil
}

// Int reads an integer parameter (ok false when absent).
func Int(p map[string]string, table, name string) (v int64, ok bool, err error) {
	s, ok := p[name]
	if !ok || s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, true, db.Invalid(table, name, "%q is not an integer", s)
	}
	return v, true, nil
}

// Bool reads a boolean parameter: 1, true, t, yes (false when absent).
func Bool(p map[string]string, name string) bool {
	switch strings.ToLower(p[name]) {
	case "1", "true", "t", "yes":
		return true
	}
	return false
}

// IDs splits a comma-separated list of account ids, without blanks and
// repeats; more than max is an error.
func IDs(table, name, s string, max int) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, db.Invalid(table, name, "is required")
	}
	if len(out) > max {
		return nil, db.Invalid(table, name, "at most %d accounts", max)
	}
	return out, nil
}

// The readers of module replies for the GraphQL resolvers, which call the
// same routes.

// Get is the value of k in a row reply as a T, nil when it is hidden.
func Get[T any](m map[string]any, k string) *T {
	v, ok := m[k].(T)
	if !ok {
		return nil
	}
	return &v
}

// Value is the value of k in a row reply, the zero value when absent.
func Value[T any](m map[string]any, k string) T {
	v, _ := m[k].(T)
	return v
}

// Rows are the rows and the next token of a page reply.
func Rows(out any) ([]map[string]any, string) {
	m, _ := out.(map[string]any)
	rows, _ := m["data"].([]map[string]any)
	next, _ := m["next_token"].(string)
	return rows, next
}

// List is a reply that is a list of rows.
func List(out any) []map[string]any {
	rows, _ := out.([]map[string]any)
	return rows
}

// Count is the number k of a reply such as {"affected_rows": 1}.
func Count(out any, k string) int64 {
	switch m := out.(type) {
	case map[string]int64:
		return m[k]
	case map[string]int:
		return int64(m[k])
	case map[string]any:
		switch n := m[k].(type) {
		case int:
			return int64(n)
		case int64:
			return n
		}
	}
	return 0
}
