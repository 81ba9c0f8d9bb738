package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/bkgen/bkgen/generated/server"
	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
)

// BenchmarkHandlerSelect is GET /todo/select?_count=20 through the generated
// REST handler (runtime/rest.Table over generated/rest), in process (no network), next to
// BenchmarkHandlerSelectBaseline: the same query and reply hand-written with
// database/sql and encoding/json. The load test (bench/load) measures the
// same over HTTP with many clients.
func BenchmarkHandlerSelect(b *testing.B) {
	p, _ := todoPool(b, 500)
	h, err := server.App(nil).API(p, nil)
	if err != nil {
		b.Fatal(err)
	}
	serveGET(b, h, "/todo/select?_count=20")
}

func BenchmarkHandlerSelectBaseline(b *testing.B) {
	p, _ := todoPool(b, 500)
	type todo struct {
		ID    string     `json:"id"`
		Name  string     `json:"name"`
		Descr string     `json:"descr"`
		Due   *time.Time `json:"due,omitempty"`
		Done  bool       `json:"done"`
		Mtime int64      `json:"mtime"`
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs, err := sqldb.Reader(p).QueryContext(r.Context(), `SELECT "id", "name", "descr", "due", "done", "mtime" FROM "todo" ORDER BY "id" LIMIT 20`)
		if err != nil {
			panic(err)
		}
		defer rs.Close()
		out := struct {
			Count int    `json:"count"`
			Data  []todo `json:"data"`
		}{}
		for rs.Next() {
			var t todo
			var due sql.NullString
			rs.Scan(&t.ID, &t.Name, &t.Descr, &due, &t.Done, &t.Mtime)
			out.Data = append(out.Data, t)
		}
		out.Count = len(out.Data)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	serveGET(b, h, "/todo/select?_count=20")
}

// todoPool opens a SQLite database in a temporary directory with the tables
// and n todos, and returns it with the todos' ids.
func todoPool(b *testing.B, n int) (*db.Pool, []string) {
	p, err := sqldb.OpenSQLite(filepath.Join(b.TempDir(), "x.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	st := store.New(p)
	if err := st.CreateTables(context.Background()); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, n)
	for i := range ids {
		r := &store.Todo{Name: fmt.Sprint("n", i), Descr: "d"}
		if err := st.Todo.Add(context.Background(), r); err != nil {
			b.Fatal(err)
		}
		ids[i] = r.ID
	}
	return p, ids
}

// serveGET is the benchmark loop: GET url on h, in process; a reply other
// than 200 fails the benchmark.
func serveGET(b *testing.B, h http.Handler, url string) {
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", url, nil))
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}
