// Command baseline is the hand-written comparison server of the load
// benchmark: the operations bkapp is measured on (get a todo by key, add a
// todo, select 20 todos a keyset page at a time), written the way a Go
// programmer would write them with nothing but net/http, encoding/json and a
// database driver: database/sql over SQLite (WAL, synchronous=NORMAL, one
// writer and -readers reader connections, every statement prepared once), or
// a pgxpool (which prepares and caches its statements itself). It shares no
// code with bkgen's runtime except, with -signed, the backendjs signature
// primitives (sign.Parse, sign.Valid), which both servers must compute alike.
//
// The replies have the shapes bkapp's have: the row as an object without
// absent fields, {"count","data","next_token"} for a page, and
// {"status","message","code"} for an error.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite"
)

type todo struct {
	ID    string     `json:"id"`
	Name  string     `json:"name"`
	Descr string     `json:"descr"`
	Due   *time.Time `json:"due,omitempty"`
	Done  bool       `json:"done"`
	Mtime int64      `json:"mtime"`
}

type page struct {
	Count int    `json:"count"`
	Data  []todo `json:"data"`
	Next  string `json:"next_token,omitempty"`
}

// store is the three queries and the account lookup on one database.
type store interface {
	get(ctx context.Context, id string, t *todo) error
	add(ctx context.Context, t *todo) error
	page(ctx context.Context, after string, n int, out []todo) ([]todo, error)
	secret(ctx context.Context, login string) (secret, authSecret string, err error)
}

const cols = `"id", "name", "descr", "due", "done", "mtime"`

func main() {
	pool := flag.String("pool", "sqlite", "sqlite or pgsql")
	dsn := flag.String("dsn", "", "SQLite file or PostgreSQL URL")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	readers := flag.Int("readers", 8, "SQLite reader connections (bkapp's default)")
	conns := flag.Int("conns", 25, "PostgreSQL connections (bkapp's default)")
	signed := flag.Bool("signed", false, "require a backendjs v4 bk-signature on every request")
	flag.Parse()
	ctx := context.Background()
	var st store
	var err error
	if *pool == "pgsql" {
		st, err = openPG(ctx, *dsn, *conns)
	} else {
		st, err = openSQLite(*dsn, *readers)
	}
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /todo/get", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		if id == "" {
			fail(w, 400, "id is required", "MissingParameter")
			return
		}
		var t todo
		if err := st.get(r.Context(), id, &t); err != nil {
			if errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows) {
				fail(w, 404, "record not found", "NotFound")
			} else {
				fail(w, 500, "database error", "Internal")
			}
			return
		}
		reply(w, 200, &t)
	})
	mux.HandleFunc("GET /todo/add", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		t := todo{ID: newID(), Name: q.Get("name"), Descr: q.Get("descr"), Mtime: time.Now().UnixMilli()}
		if t.Name == "" || len(t.Name) > 128 || len(t.Descr) > 4096 {
			fail(w, 400, "name is required, at most 128 bytes; descr at most 4096", "InvalidParameter")
			return
		}
		if err := st.add(r.Context(), &t); err != nil {
			fail(w, 500, "database error", "Internal")
			return
		}
		reply(w, 200, &t)
	})
	mux.HandleFunc("GET /todo/select", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		n := 20
		if c := q.Get("_count"); c != "" {
			if _, err := fmt.Sscan(c, &n); err != nil || n < 1 || n > 1000 {
				fail(w, 400, "_count must be 1 to 1000", "InvalidParameter")
				return
			}
		}
		var after string
		if tok := q.Get("_token"); tok != "" {
			b, err := base64.RawURLEncoding.DecodeString(tok)
			if err != nil {
				fail(w, 400, "bad _token", "InvalidParameter")
				return
			}
			after = string(b)
		}
		// one row more than asked tells whether a next page exists
		rows, err := st.page(r.Context(), after, n+1, make([]todo, 0, n+1))
		if err != nil {
			fail(w, 500, "database error", "Internal")
			return
		}
		p := page{Data: rows}
		if len(rows) > n {
			p.Data = rows[:n]
			p.Next = base64.RawURLEncoding.EncodeToString([]byte(rows[n-1].ID))
		}
		p.Count = len(p.Data)
		reply(w, 200, &p)
	})
	var h http.Handler = mux
	if *signed {
		h = requireSignature(st, mux)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "msg=listening addr=%s\n", ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	log.Fatal(srv.Serve(ln))
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, msg, code string) {
	reply(w, status, map[string]any{"status": status, "message": msg, "code": code})
}

// requireSignature checks a backendjs v4 signature as an application would
// by hand: parse the header, refuse an expired one, find the account's
// secret (kept 5 s, as bkapp's -api-account-cache-ttl), verify the HMAC.
func requireSignature(st store, next http.Handler) http.Handler {
	type entry struct {
		key  string
		when time.Time
	}
	var mu sync.RWMutex
	cache := map[string]entry{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sig, err := sign.Parse(r.Header.Get(sign.HeaderName))
		if err != nil || sig.Version != 4 {
			fail(w, 417, "no signature", "NoSignature")
			return
		}
		now := time.Now()
		if sig.Expires < now.UnixMilli() {
			fail(w, 401, "signature expired", "ExpiredSignature")
			return
		}
		mu.RLock()
		e, ok := cache[sig.Login]
		mu.RUnlock()
		if !ok || now.Sub(e.when) > 5*time.Second {
			secret, authSecret, err := st.secret(r.Context(), sig.Login)
			if err != nil {
				fail(w, 401, "bad signature", "BadSignature")
				return
			}
			e = entry{key: sign.Key(4, secret, authSecret, ""), when: now}
			mu.Lock()
			cache[sig.Login] = e
			mu.Unlock()
		}
		req := sign.Request{Method: r.Method, Host: r.Host, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type")}
		if !sign.Valid(sig, req, e.key) {
			fail(w, 401, "bad signature", "BadSignature")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sqliteStore has one writer connection and a pool of read-only readers,
// each statement prepared once (database/sql re-prepares a *sql.Stmt on a
// new connection by itself).
type sqliteStore struct {
	get1, first, after, acct *sql.Stmt
	insert                   *sql.Stmt
}

func openSQLite(path string, readers int) (*sqliteStore, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	s := &sqliteStore{}
	for _, p := range []struct {
		db  *sql.DB
		dst **sql.Stmt
		sql string
	}{
		{r, &s.get1, `SELECT ` + cols + ` FROM "todo" WHERE "id" = ?`},
		{r, &s.first, `SELECT ` + cols + ` FROM "todo" ORDER BY "id" LIMIT ?`},
		{r, &s.after, `SELECT ` + cols + ` FROM "todo" WHERE "id" > ? ORDER BY "id" LIMIT ?`},
		{r, &s.acct, `SELECT "secret", "auth_secret" FROM "bk_auth" WHERE "login" = ?`},
		{w, &s.insert, `INSERT INTO "todo" (` + cols + `) VALUES (?, ?, ?, ?, ?, ?)`},
	} {
		if *p.dst, err = p.db.Prepare(p.sql); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// scanSQLite reads a row; SQLite keeps times as text.
func scanSQLite(scan func(...any) error, t *todo) error {
	var due sql.NullString
	if err := scan(&t.ID, &t.Name, &t.Descr, &due, &t.Done, &t.Mtime); err != nil {
		return err
	}
	if due.Valid && due.String != "" {
		tm, err := time.Parse(time.RFC3339Nano, due.String)
		if err != nil {
			return err
		}
		t.Due = &tm
	}
	return nil
}

func (s *sqliteStore) get(ctx context.Context, id string, t *todo) error {
	return scanSQLite(s.get1.QueryRowContext(ctx, id).Scan, t)
}

func (s *sqliteStore) add(ctx context.Context, t *todo) error {
	_, err := s.insert.ExecContext(ctx, t.ID, t.Name, t.Descr, nil, t.Done, t.Mtime)
	return err
}

func (s *sqliteStore) page(ctx context.Context, after string, n int, out []todo) ([]todo, error) {
	var rows *sql.Rows
	var err error
	if after == "" {
		rows, err = s.first.QueryContext(ctx, n)
	} else {
		rows, err = s.after.QueryContext(ctx, after, n)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collect(rows, scanSQLite, out)
}

func (s *sqliteStore) secret(ctx context.Context, login string) (string, string, error) {
	var a, b string
	err := s.acct.QueryRowContext(ctx, login).Scan(&a, &b)
	return a, b, err
}

// pgStore is a pgxpool; pgx prepares each SQL text once per connection and
// caches it.
type pgStore struct{ p *pgxpool.Pool }

func openPG(ctx context.Context, url string, conns int) (*pgStore, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(conns)
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &pgStore{p: p}, p.Ping(ctx)
}

func scanPG(scan func(...any) error, t *todo) error {
	return scan(&t.ID, &t.Name, &t.Descr, &t.Due, &t.Done, &t.Mtime)
}

func (s *pgStore) get(ctx context.Context, id string, t *todo) error {
	return scanPG(s.p.QueryRow(ctx, `SELECT `+cols+` FROM "todo" WHERE "id" = $1`, id).Scan, t)
}

func (s *pgStore) add(ctx context.Context, t *todo) error {
	_, err := s.p.Exec(ctx, `INSERT INTO "todo" (`+cols+`) VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, t.Name, t.Descr, t.Due, t.Done, t.Mtime)
	return err
}

func (s *pgStore) page(ctx context.Context, after string, n int, out []todo) ([]todo, error) {
	var rows pgx.Rows
	var err error
	if after == "" {
		rows, err = s.p.Query(ctx, `SELECT `+cols+` FROM "todo" ORDER BY "id" LIMIT $1`, n)
	} else {
		rows, err = s.p.Query(ctx, `SELECT `+cols+` FROM "todo" WHERE "id" > $1 ORDER BY "id" LIMIT $2`, after, n)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collect(rows, scanPG, out)
}

// rows is what database/sql's and pgx's rows both have.
type rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}

// collect appends the rows read with scan to out.
func collect(rs rows, scan func(func(...any) error, *todo) error, out []todo) ([]todo, error) {
	for rs.Next() {
		var t todo
		if err := scan(rs.Scan, &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rs.Err()
}

func (s *pgStore) secret(ctx context.Context, login string) (string, string, error) {
	var a, b string
	err := s.p.QueryRow(ctx, `SELECT "secret", "auth_secret" FROM "bk_auth" WHERE "login" = $1`, login).Scan(&a, &b)
	return a, b, err
}
