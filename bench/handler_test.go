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
)

// BenchmarkHandlerSelect is GET /todo/select?_count=20 through the generated
// ogen server and handler, in process (no network), next to
// BenchmarkHandlerSelectBaseline: the same query and reply hand-written with
// database/sql and encoding/json. The load test (bench/load) measures the
// same over HTTP with many clients.
func BenchmarkHandlerSelect(b *testing.B) {
	p, _ := db.OpenSQLite(filepath.Join(b.TempDir(), "x.db"), nil)
	st := store.New(p)
	st.CreateTables(context.Background())
	for i := 0; i < 500; i++ {
		st.Todo.Add(context.Background(), &store.Todo{Name: fmt.Sprint("n", i), Descr: "d"})
	}
	h, _ := server.App().API(p, nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/todo/select?_count=20", nil))
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}

func BenchmarkHandlerSelectBaseline(b *testing.B) {
	p, _ := db.OpenSQLite(filepath.Join(b.TempDir(), "x.db"), nil)
	st := store.New(p)
	st.CreateTables(context.Background())
	for i := 0; i < 500; i++ {
		st.Todo.Add(context.Background(), &store.Todo{Name: fmt.Sprint("n", i), Descr: "d"})
	}
	type todo struct {
		ID    string     `json:"id"`
		Name  string     `json:"name"`
		Descr string     `json:"descr"`
		Due   *time.Time `json:"due,omitempty"`
		Done  bool       `json:"done"`
		Mtime int64      `json:"mtime"`
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs, err := p.SQLRead().QueryContext(r.Context(), `SELECT "id", "name", "descr", "due", "done", "mtime" FROM "todo" ORDER BY "id" LIMIT 20`)
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
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/todo/select?_count=20", nil))
	}
}
