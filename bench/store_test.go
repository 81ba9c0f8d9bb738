// Package bench measures the generated store against hand-written code
// doing the same queries on the same pool, in the same run:
//
//	make bench            # or: go test -run '^$' -bench . -benchmem ./bench/
//
// Each benchmark has a /generated and a /baseline variant; compare them
// with benchstat or the ratio script in bench/ratio.sh.
package bench

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/dynamo"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
)

const rows = 1000

type target struct {
	name string
	pool *db.Pool
	st   *store.Store
}

var targets []target

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		os.Exit(m.Run()) // plain `go test ./...`: no benchmark, no setup
	}
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "bkbench")
	lite, err := sqldb.OpenSQLite(filepath.Join(dir, "bench.db"), []byte("k"))
	if err != nil {
		panic(err)
	}
	targets = append(targets, target{"sqlite", lite, store.New(lite)})
	url := os.Getenv("BK_TEST_PGSQL")
	if url == "" {
		url = "postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	admin, err := sqldb.OpenPostgres(ctx, url, 2, nil)
	if err != nil {
		panic(fmt.Sprintf("PostgreSQL is required (make services): %v", err))
	}
	sqldb.Exec(ctx, admin, "DROP SCHEMA IF EXISTS bk_bench CASCADE")
	if _, err := sqldb.Exec(ctx, admin, "CREATE SCHEMA bk_bench"); err != nil {
		panic(err)
	}
	// synchronous_commit=off on both sides: a commit's fsync is disk time
	// that varies by ±20% between runs and would hide the code's cost.
	pg, err := sqldb.OpenPostgres(ctx, url+"&search_path=bk_bench&synchronous_commit=off", 25, []byte("k"))
	if err != nil {
		panic(err)
	}
	targets = append(targets, target{"pgsql", pg, store.New(pg)})
	myURL := os.Getenv("BK_TEST_MYSQL")
	if myURL == "" {
		myURL = "mysql://root@127.0.0.1:3306/test"
	}
	myAdmin, err := sqldb.OpenMySQL(ctx, myURL, 2, nil)
	if err != nil {
		panic(fmt.Sprintf("MySQL or MariaDB is required (make services): %v", err))
	}
	sqldb.Exec(ctx, myAdmin, "DROP DATABASE IF EXISTS bk_bench")
	if _, err := sqldb.Exec(ctx, myAdmin, "CREATE DATABASE bk_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		panic(err)
	}
	my, err := sqldb.OpenMySQL(ctx, myURL[:strings.LastIndex(myURL, "/")]+"/bk_bench", 25, []byte("k"))
	if err != nil {
		panic(err)
	}
	targets = append(targets, target{"mysql", my, store.New(my)})
	dynURL := os.Getenv("BK_TEST_DYNAMODB")
	if dynURL == "" {
		dynURL = "http://127.0.0.1:4567"
	}
	dyn, err := dynamo.Open(ctx, dynamo.Options{Endpoint: dynURL, TablePrefix: fmt.Sprintf("bench%d_", os.Getpid())}, []byte("k"))
	if err != nil {
		panic(fmt.Sprintf("DynamoDB is required (make services starts dynalite): %v", err))
	}
	targets = append(targets, target{"dynamodb", dyn, store.New(dyn)})
	for _, t := range targets {
		if err := t.st.CreateTables(ctx); err != nil {
			panic(err)
		}
		for i := 0; i < rows; i++ {
			if err := t.st.Todo.Put(ctx, &store.Todo{ID: key(i), Name: fmt.Sprint("todo ", i), Descr: "a description of some length", Due: ptr(time.Now())}); err != nil {
				panic(err)
			}
			if err := t.st.Photo.Put(ctx, &store.Photo{AlbumID: "album", ID: key(i), Name: fmt.Sprint("photo ", i), Width: i, Height: i}); err != nil {
				panic(err)
			}
		}
	}
	// the baseline prepares its statements once, as one would by hand
	// (the store keeps its own prepared statements too)
	for q, st := range map[string]**sql.Stmt{getSQLite: &myGet, putMySQL: &myPut, selSQLite: &mySel} {
		if *st, err = sqldb.Writer(my).PrepareContext(ctx, q); err != nil {
			panic(err)
		}
	}
	// Warm up every path (JIT of dynalite, server caches, prepared
	// statements) so that the variant measured first is not the one that
	// pays for it.
	for _, t := range targets {
		for i := 0; i < 1000; i++ {
			t.st.Todo.Get(ctx, store.TodoKey{ID: key(i % rows)})
			baselineGet(ctx, t, key(i%rows))
			baselineSelect(ctx, t, "")
			t.st.Photo.Select(ctx, db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq("album")}, Count: 20})
		}
	}
	code := m.Run()
	lite.Close()
	pg.Close()
	my.Close()
	sqldb.Exec(ctx, myAdmin, "DROP DATABASE bk_bench")
	myAdmin.Close()
	for _, name := range []string{"todo", "photo", "album", "meter", "note"} {
		dynamo.Client(dyn).DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(dynTable(name))})
	}
	dyn.Close()
	sqldb.Exec(ctx, admin, "DROP SCHEMA bk_bench CASCADE")
	admin.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// calls counts the invocations of each benchmark function (go test -count
// runs them repeatedly), so pair can alternate which side runs first: the
// first side of a pair right after another target's heavy load (dynalite's
// garbage collection on the other core) would otherwise always pay for it.
var calls = map[string]int{}

func pair(b *testing.B, name string, generated, baseline func(b *testing.B)) {
	calls[b.Name()+"/"+name]++
	first, second := generated, baseline
	n1, n2 := "generated", "baseline"
	if calls[b.Name()+"/"+name]%2 == 0 {
		first, second, n1, n2 = baseline, generated, n2, n1
	}
	b.Run(name+"/"+n1, first)
	b.Run(name+"/"+n2, second)
}

func key(i int) string  { return fmt.Sprintf("k%06d", i) }
func ptr[T any](v T) *T { return &v }

// The baseline reads a todo the way one would by hand: fixed SQL, scanned
// into the same struct, NULL-able columns through sql.Null*/pointers.
const (
	getSQLite = `SELECT "id", "name", "descr", "due", "done", "mtime" FROM "todo" WHERE "id" = ? LIMIT 1`
	getPG     = `SELECT "id", "name", "descr", "due", "done", "mtime" FROM "todo" WHERE "id" = $1 LIMIT 1`
	putSQLite = `INSERT INTO "todo" ("id", "name", "descr", "due", "done", "mtime") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name", "descr" = excluded."descr", "due" = excluded."due", "done" = excluded."done", "mtime" = excluded."mtime"`
	putPG     = `INSERT INTO "todo" ("id", "name", "descr", "due", "done", "mtime") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name", "descr" = excluded."descr", "due" = excluded."due", "done" = excluded."done", "mtime" = excluded."mtime"`
	selSQLite = `SELECT "album_id", "id", "name", "width", "height" FROM "photo" WHERE "album_id" = ? AND "id" > ? ORDER BY "album_id", "id" LIMIT 21`
	selPG     = `SELECT "album_id", "id", "name", "width", "height" FROM "photo" WHERE "album_id" = $1 AND "id" > $2 ORDER BY "album_id", "id" LIMIT 21`
	// MySQL takes SQLite's statements but its upsert (ANSI_QUOTES on, as the store's sessions have)
	putMySQL = `INSERT INTO "todo" ("id", "name", "descr", "due", "done", "mtime") VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "name" = VALUES("name"), "descr" = VALUES("descr"), "due" = VALUES("due"), "done" = VALUES("done"), "mtime" = VALUES("mtime")`
)

func isMySQL(t target) bool { return t.pool.Dialect() == "mysql" }

var myGet, myPut, mySel *sql.Stmt // the baseline's prepared MySQL statements

func baselineGet(ctx context.Context, t target, id string) (*store.Todo, error) {
	if dynamo.Client(t.pool) != nil {
		return dynGet(ctx, t, id)
	}
	r := new(store.Todo)
	if sqldb.PGX(t.pool) != nil {
		err := sqldb.PGX(t.pool).QueryRow(ctx, getPG, id).Scan(&r.ID, &r.Name, &r.Descr, &r.Due, &r.Done, &r.Mtime)
		return r, err
	}
	if isMySQL(t) {
		var due sql.NullTime
		err := myGet.QueryRowContext(ctx, id).Scan(&r.ID, &r.Name, &r.Descr, &due, &r.Done, &r.Mtime)
		if due.Valid {
			r.Due = &due.Time
		}
		return r, err
	}
	var due sql.NullString
	err := sqldb.Reader(t.pool).QueryRowContext(ctx, getSQLite, id).Scan(&r.ID, &r.Name, &r.Descr, &due, &r.Done, &r.Mtime)
	if due.Valid {
		tm, err := time.Parse(db.TimeFormat, due.String)
		if err != nil {
			return nil, err
		}
		r.Due = &tm
	}
	return r, err
}

func baselinePut(ctx context.Context, t target, r *store.Todo) error {
	r.Mtime = time.Now().UnixMilli()
	if dynamo.Client(t.pool) != nil {
		return dynPut(ctx, t, r)
	}
	if sqldb.PGX(t.pool) != nil {
		_, err := sqldb.PGX(t.pool).Exec(ctx, putPG, r.ID, r.Name, r.Descr, r.Due, r.Done, r.Mtime)
		return err
	}
	var due any
	if isMySQL(t) {
		if r.Due != nil {
			due = r.Due.UTC()
		}
		_, err := myPut.ExecContext(ctx, r.ID, r.Name, r.Descr, due, r.Done, r.Mtime)
		return err
	}
	if r.Due != nil {
		due = r.Due.UTC().Format(db.TimeFormat)
	}
	_, err := sqldb.Writer(t.pool).ExecContext(ctx, putSQLite, r.ID, r.Name, r.Descr, due, r.Done, r.Mtime)
	return err
}

func baselineSelect(ctx context.Context, t target, after string) ([]store.Photo, error) {
	if dynamo.Client(t.pool) != nil {
		return dynSelect(ctx, t, after)
	}
	out := make([]store.Photo, 0, 21)
	next := func() []any {
		out = append(out, store.Photo{})
		p := &out[len(out)-1]
		return []any{&p.AlbumID, &p.ID, &p.Name, &p.Width, &p.Height}
	}
	if sqldb.PGX(t.pool) != nil {
		rs, err := sqldb.PGX(t.pool).Query(ctx, selPG, "album", after)
		if err != nil {
			return nil, err
		}
		defer rs.Close()
		err = db.ScanRows(rs, next)
		return out, err
	}
	var rs *sql.Rows
	var err error
	if isMySQL(t) {
		rs, err = mySel.QueryContext(ctx, "album", after)
	} else {
		rs, err = sqldb.Reader(t.pool).QueryContext(ctx, selSQLite, "album", after)
	}
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	err = db.ScanRows(rs, next)
	return out, err
}

func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	for _, t := range targets {
		pair(b, t.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := t.st.Todo.Get(ctx, store.TodoKey{ID: key(i % rows)}); err != nil {
					b.Fatal(err)
				}
			}
		}, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := baselineGet(ctx, t, key(i%rows)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	due := time.Now()
	for _, t := range targets {
		pair(b, t.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r := &store.Todo{ID: key(i % rows), Name: "renamed", Descr: "a description of some length", Due: &due}
				if err := t.st.Todo.Put(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
		}, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r := &store.Todo{ID: key(i % rows), Name: "renamed", Descr: "a description of some length", Due: &due}
				if err := baselinePut(ctx, t, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSelect reads pages of 20 rows by partial key, continuing from
// the previous page (a keyset query on both sides; the generated side also
// signs and checks the page token).
func BenchmarkSelect(b *testing.B) {
	ctx := context.Background()
	cols := []string{"name", "width", "height"}
	for _, t := range targets {
		pair(b, t.name, func(b *testing.B) {
			b.ReportAllocs()
			q := db.Query{Where: []db.Cond{store.PhotoCols.AlbumID.Eq("album")}, Count: 20, Select: cols}
			for b.Loop() {
				page, err := t.st.Photo.Select(ctx, q)
				if err != nil || len(page.Rows) != 20 {
					b.Fatal(err, len(page.Rows))
				}
				q.Token = page.Next
				if len(page.Rows) < 20 || page.Rows[19].ID >= key(rows-21) {
					q.Token = ""
				}
			}
		}, func(b *testing.B) {
			b.ReportAllocs()
			after := ""
			for b.Loop() {
				ps, err := baselineSelect(ctx, t, after)
				if err != nil || len(ps) < 20 {
					b.Fatal(err, len(ps))
				}
				after = ps[19].ID
				if after >= key(rows-21) {
					after = ""
				}
			}
		})
	}
}
