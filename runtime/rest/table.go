package rest

import (
	"context"
	"net/http"
	"time"

	"github.com/go-faster/jx"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/web"
)

// Table is one table's REST routes, /NAME/get … /NAME/del, each as GET with
// query parameters and as POST with a JSON or form body (openapi.yaml
// documents them). What a route does is the same for every table, so it is
// written once here; what is the table's own comes from generated/rest:
// its typed decoder and encoder, and its writes (which GraphQL calls too),
// all under its Policy.
//
// The routes used to be ogen operations: twelve per table, each with its
// own parameter and body decoders, which made ~10,000 generated lines per
// table and most of the build time (issue 16; docs/development.md "Scale").
type Table[R any] struct {
	Policy *Policy[R]
	// Decode reads the columns a request gives into r, marking them in set
	// (len(set) is the number of columns); a bad value is in.Err().
	Decode func(in *Input, r *R, set []bool)
	// Encode writes r as the API shows it: the columns in show.
	Encode func(e *jx.Encoder, r *R, show []bool)
	// Get reads the row with r's key.
	Get    func(ctx context.Context, r *R) (*R, error)
	Select func(ctx context.Context, q db.Query) (*db.Page[R], error)
	// Read runs the table's read hooks on a row from an event (Event).
	Read func(ctx context.Context, r *R) (keep bool, err error)
	// The writes of generated/rest, for the caller v.
	Add, Put func(ctx context.Context, v auth.Viewer, r *R, set []bool) error
	Update   func(ctx context.Context, v auth.Viewer, r *R, set []bool) (int64, error)
	Incr     func(ctx context.Context, v auth.Viewer, r *R) (*R, error) // nil: no counters, no route
	Del      func(ctx context.Context, v auth.Viewer, r *R) error
}

// Routes registers the routes of table t on mux.
//
// What a Table does is written as functions of it, not as its methods: Go
// compiles every method of a generic type for each table in every package
// that sees the type (generated/rest's Handler shows it to every importer),
// and a function only where it is called (issue 16).
func Routes[R any](mux *Mux, t *Table[R]) {
	name := t.Policy.t.Name
	for op, h := range map[string]func(context.Context, *Table[R], *Input) (reply, error){
		"get": opGet[R], "select": opSelect[R], "add": opAdd[R], "put": opPut[R], "update": opUpdate[R], "del": opDel[R],
	} {
		mux.Handle("/"+name+"/"+op, handler(t, h))
	}
	if t.Incr != nil {
		mux.Handle("/"+name+"/incr", handler(t, opIncr[R]))
	}
}

// reply writes a route's result into e.
type reply func(e *jx.Encoder)

// handler serves one operation for both its methods.
func handler[R any](t *Table[R], op func(context.Context, *Table[R], *Input) (reply, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			web.MethodNotAllowed(w, r, "GET, POST")
			return
		}
		in, err := ReadInput(r, t.Policy.t.Name)
		var out reply
		if err == nil {
			out, err = op(r.Context(), t, in)
		}
		if err != nil {
			web.Fail(w, err)
			return
		}
		e := jx.GetEncoder()
		defer jx.PutEncoder(e)
		out(e)
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		w.Write(e.Bytes())
	})
}

// requestRow reads the columns the request gives; with key, every key column must
// be among them.
func requestRow[R any](t *Table[R], in *Input, key bool) (*R, []bool, error) {
	r := new(R)
	set := make([]bool, len(t.Policy.t.Columns))
	t.Decode(in, r, set)
	if err := in.Err(); err != nil {
		return nil, nil, err
	}
	if key {
		for _, k := range t.Policy.t.Keys {
			if !set[k] {
				return nil, nil, db.MissingKey(t.Policy.t.Name, t.Policy.t.Columns[k].Name)
			}
		}
	}
	return r, set, nil
}

// shown is the reply of one row, with the columns v may see of it.
func shown[R any](t *Table[R], v auth.Viewer, r *R, pick []bool) reply {
	show := t.Policy.Show(v, t.Policy.Owner(r), pick, nil)
	return func(e *jx.Encoder) { t.Encode(e, r, show) }
}

func opGet[R any](ctx context.Context, t *Table[R], in *Input) (reply, error) {
	var sel string
	ctlStr(in, "_select", &sel)
	r, _, err := requestRow(t, in, true)
	if err != nil {
		return nil, err
	}
	pick, err := Pick(sel, t.Policy.t)
	if err != nil {
		return nil, err
	}
	if r, err = t.Get(ctx, r); err != nil {
		return nil, err
	}
	return shown(t, auth.ViewerOf(ctx), r, pick), nil
}

// opSelect runs a select: every column the caller may see is a condition
// (RunSelect applies the read rule: what it may filter, sort and count by).
func opSelect[R any](ctx context.Context, t *Table[R], in *Input) (reply, error) {
	s := NewSelect(t.Policy.t.Name)
	for i := range t.Policy.t.Columns {
		if c := &t.Policy.t.Columns[i]; !c.Secure {
			in.cond(s, c.Name)
		}
	}
	c := in.control()
	if err := in.Err(); err != nil {
		return nil, err
	}
	p, err := RunSelect(ctx, t.Policy, t.Select, s, c)
	if err != nil {
		return nil, err
	}
	return func(e *jx.Encoder) {
		e.ObjStart()
		e.FieldStart("count")
		e.Int(p.Count)
		if !p.Total {
			e.FieldStart("data")
			e.ArrStart()
			for i := range p.Rows {
				t.Encode(e, &p.Rows[i], p.Show(i))
			}
			e.ArrEnd()
			if p.Next != "" {
				e.FieldStart("next_token")
				e.Str(p.Next)
			}
		}
		e.ObjEnd()
	}, nil
}

// opWrite runs add or put: the reply is the row as written, as the caller
// may see it.
func opWrite[R any](ctx context.Context, t *Table[R], in *Input, w func(context.Context, auth.Viewer, *R, []bool) error) (reply, error) {
	r, set, err := requestRow(t, in, false)
	if err != nil {
		return nil, err
	}
	v := auth.ViewerOf(ctx)
	if err := w(ctx, v, r, set); err != nil {
		return nil, err
	}
	return shown(t, v, r, nil), nil
}

func opAdd[R any](ctx context.Context, t *Table[R], in *Input) (reply, error) {
	return opWrite(ctx, t, in, t.Add)
}

func opPut[R any](ctx context.Context, t *Table[R], in *Input) (reply, error) {
	return opWrite(ctx, t, in, t.Put)
}

func opUpdate[R any](ctx context.Context, t *Table[R], in *Input) (reply, error) {
	r, set, err := requestRow(t, in, true)
	if err != nil {
		return nil, err
	}
	n, err := t.Update(ctx, auth.ViewerOf(ctx), r, set)
	if err != nil {
		return nil, err
	}
	return func(e *jx.Encoder) {
		e.ObjStart()
		e.FieldStart("affected_rows")
		e.Int64(n)
		e.ObjEnd()
	}, nil
}

func opIncr[R any](ctx context.Context, t *Table[R], in *Input) (reply, error) {
	r, _, err := requestRow(t, in, true)
	if err != nil {
		return nil, err
	}
	v := auth.ViewerOf(ctx)
	if r, err = t.Incr(ctx, v, r); err != nil {
		return nil, err
	}
	return shown(t, v, r, nil), nil
}

func opDel[R any](ctx context.Context, t *Table[R], in *Input) (reply, error) {
	r, _, err := requestRow(t, in, true)
	if err != nil {
		return nil, err
	}
	if err := t.Del(ctx, auth.ViewerOf(ctx), r); err != nil {
		return nil, err
	}
	return func(e *jx.Encoder) { e.ObjStart(); e.ObjEnd() }, nil
}

// Ping answers GET /ping: {} while the process serves.
func Ping(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		web.MethodNotAllowed(w, r, "GET")
		return
	}
	web.JSON(w, struct{}{})
}

// EncodeTime writes a time as replies show it: RFC 3339 in UTC with up to
// microseconds (what every backend keeps).
func EncodeTime(e *jx.Encoder, t time.Time) {
	var buf [40]byte
	e.ByteStr(t.UTC().AppendFormat(buf[:0], "2006-01-02T15:04:05.999999Z07:00"))
}

// EncodeJSONValue writes the value of a JSON column (encoding/json: the
// column's Go type is the user's); one that cannot be encoded is null.
func EncodeJSONValue(e *jx.Encoder, v any) {
	raw := EncodeJSON(v)
	if raw == nil {
		e.Null()
		return
	}
	e.Raw(raw)
}
