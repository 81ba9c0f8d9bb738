// Command baseline is the hand-written comparison server of the load
// benchmark: the three operations bkapp is measured on (get a todo by key,
// add a todo, select 20 todos), written by hand with net/http,
// database/sql or pgx and encoding/json, on the same pool setup.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
)

type todo struct {
	ID    string     `json:"id"`
	Name  string     `json:"name"`
	Descr string     `json:"descr"`
	Due   *time.Time `json:"due,omitempty"`
	Done  bool       `json:"done"`
	Mtime int64      `json:"mtime"`
}

func main() {
	pool := flag.String("pool", "sqlite", "sqlite or pgsql")
	dsn := flag.String("dsn", "", "SQLite file or PostgreSQL URL")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	ctx := context.Background()
	var p *db.Pool
	var err error
	if *pool == "pgsql" {
		p, err = sqldb.OpenPostgres(ctx, *dsn, 25, nil)
	} else {
		p, err = sqldb.OpenSQLite(*dsn, nil)
	}
	if err != nil {
		log.Fatal(err)
	}
	ph := func(n int) string {
		if *pool == "pgsql" {
			return fmt.Sprintf("$%d", n)
		}
		return "?"
	}
	getSQL := `SELECT "id", "name", "descr", "due", "done", "mtime" FROM "todo" WHERE "id" = ` + ph(1)
	addSQL := `INSERT INTO "todo" ("id", "name", "descr", "due", "done", "mtime") VALUES (` + ph(1) + `, ` + ph(2) + `, ` + ph(3) + `, NULL, ` + ph(4) + `, ` + ph(5) + `)`
	selSQL := `SELECT "id", "name", "descr", "due", "done", "mtime" FROM "todo" ORDER BY "id" LIMIT 20`

	scan := func(sc func(...any) error, t *todo) error {
		if *pool == "pgsql" {
			return sc(&t.ID, &t.Name, &t.Descr, &t.Due, &t.Done, &t.Mtime)
		}
		var due sql.NullString
		if err := sc(&t.ID, &t.Name, &t.Descr, &due, &t.Done, &t.Mtime); err != nil {
			return err
		}
		if due.Valid {
			tm, err := time.Parse(db.TimeFormat, due.String)
			if err != nil {
				return err
			}
			t.Due = &tm
		}
		return nil
	}
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	fail := func(w http.ResponseWriter, status int, msg string) {
		reply(w, status, map[string]any{"status": status, "message": msg, "code": "Error"})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /todo/get", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		if id == "" {
			fail(w, 400, "id is missing")
			return
		}
		var t todo
		var err error
		if *pool == "pgsql" {
			err = scan(sqldb.PGX(p).QueryRow(r.Context(), getSQL, id).Scan, &t)
		} else {
			err = scan(sqldb.Reader(p).QueryRowContext(r.Context(), getSQL, id).Scan, &t)
		}
		if err != nil {
			fail(w, 404, "not found")
			return
		}
		reply(w, 200, t)
	})
	mux.HandleFunc("GET /todo/add", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		b := make([]byte, 16)
		rand.Read(b)
		t := todo{ID: hex.EncodeToString(b), Name: q.Get("name"), Descr: q.Get("descr"), Mtime: time.Now().UnixMilli()}
		if t.Name == "" || len(t.Name) > 128 {
			fail(w, 400, "bad name")
			return
		}
		var err error
		if *pool == "pgsql" {
			_, err = sqldb.PGX(p).Exec(r.Context(), addSQL, t.ID, t.Name, t.Descr, t.Done, t.Mtime)
		} else {
			_, err = sqldb.Writer(p).ExecContext(r.Context(), addSQL, t.ID, t.Name, t.Descr, t.Done, t.Mtime)
		}
		if err != nil {
			fail(w, 500, err.Error())
			return
		}
		reply(w, 200, t)
	})
	mux.HandleFunc("GET /todo/select", func(w http.ResponseWriter, r *http.Request) {
		out := struct {
			Count int    `json:"count"`
			Data  []todo `json:"data"`
		}{Data: make([]todo, 0, 20)}
		var rows db.Rows
		if *pool == "pgsql" {
			rs, err := sqldb.PGX(p).Query(r.Context(), selSQL)
			if err != nil {
				fail(w, 500, err.Error())
				return
			}
			defer rs.Close()
			rows = rs
		} else {
			rs, err := sqldb.Reader(p).QueryContext(r.Context(), selSQL)
			if err != nil {
				fail(w, 500, err.Error())
				return
			}
			defer rs.Close()
			rows = rs
		}
		for rows.Next() {
			var t todo
			if err := scan(rows.Scan, &t); err != nil {
				fail(w, 500, err.Error())
				return
			}
			out.Data = append(out.Data, t)
		}
		out.Count = len(out.Data)
		reply(w, 200, out)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "msg=listening addr=%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}
