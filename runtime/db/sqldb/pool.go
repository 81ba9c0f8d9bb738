package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bkgen/bkgen/runtime/db"
	"github.com/jackc/pgx/v5/pgxpool"
)

// conn is what a SQL pool holds (db.Pool.Conn). SQLite: one writer
// connection (SQLite allows one writer; queuing in Go beats SQLITE_BUSY
// retries) and a pool of readers (WAL lets them run beside the writer).
// PostgreSQL: a pgx pool.
type conn struct {
	d    *dialect
	w, r *sql.DB
	pg   *pgxpool.Pool
	my   bool // MySQL, MariaDB: w and r are the one pool of connections
	// stmts are the prepared statements by text, of w, and rstmts of r
	// (SQLite's readers; MySQL has one pool: stmts). A statement with
	// arguments would otherwise be prepared again on every call: three round
	// trips on MySQL, and on SQLite about a fifth of a get's time (issue
	// 21's profile). database/sql prepares each on a connection the first
	// time it runs there.
	stmts, rstmts stmtCache
}

// stmtCache holds prepared statements of one database, at most maxStmts of
// them (the statements of a table's fixed operations and its common
// selects; text past that runs unprepared rather than filling the server's
// statement table).
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

const maxStmts = 512

// prepared returns the prepared statement of q on db, preparing it on first
// use; nil when the cache is full or q does not prepare (the caller then
// runs q as it is).
func (c *stmtCache) prepared(ctx context.Context, db *sql.DB, q string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[q]
	n := len(c.m)
	c.mu.RUnlock()
	if st != nil || n >= maxStmts {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[q]; st != nil {
		return st
	}
	st, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
	c.mu.Unlock()
}

func (c *conn) close() {
	c.stmts.close()
	c.rstmts.close()
	if c.w != nil {
		c.w.Close()
		if c.r != c.w {
			c.r.Close()
		}
	}
	if c.pg != nil {
		c.pg.Close()
	}
}

func init() {
	db.RegisterDriver("sqlite", func(ctx context.Context, c db.Config) (*db.Pool, error) {
		path := c.SQLitePool
		if path == "" {
			path = "default"
		}
		if !strings.ContainsAny(path, "/.") && path != ":memory:" {
			path = filepath.Join(c.Home, "var", path+".db")
		}
		return OpenSQLiteSync(path, []byte(c.TokenSecret), c.SQLiteSync)
	})
	pgsql := func(ctx context.Context, c db.Config) (*db.Pool, error) {
		if c.PgsqlPool == "" {
			return nil, errors.New("db: -db-pool pgsql needs -db-pgsql-pool URL")
		}
		return OpenPostgres(ctx, c.PgsqlPool, c.PgsqlMax, []byte(c.TokenSecret))
	}
	for _, name := range []string{"pgsql", "postgres", "postgresql"} {
		db.RegisterDriver(name, pgsql)
	}
}

// Backend is the driver's db.Opener: the backend of table t on a SQL pool.
func Backend[R any](p *db.Pool, t *db.Table[R]) (db.Backend[R], bool) {
	c, ok := p.Conn().(*conn)
	if !ok {
		return nil, false
	}
	return newSQLStore(p, c, t), true
}

// OpenSQLite opens (creating it when missing) the SQLite database at path in
// WAL mode. An empty secret gets a random one.
func OpenSQLite(path string, secret []byte) (*db.Pool, error) {
	return OpenSQLiteSync(path, secret, "normal")
}

// OpenSQLiteSync is OpenSQLite with the synchronous pragma: normal (an
// acknowledged transaction survives a crash of the process, and may be
// lost on power loss or an OS crash) or full (it survives those too, at one
// fsync per commit).
func OpenSQLiteSync(path string, secret []byte, synchronous string) (*db.Pool, error) {
	switch synchronous = strings.ToUpper(synchronous); synchronous {
	case "":
		synchronous = "NORMAL"
	case "NORMAL", "FULL":
	default:
		return nil, fmt.Errorf("db: -db-sqlite-sync %q: want normal or full", strings.ToLower(synchronous))
	}
	if dir := filepath.Dir(path); dir != "." && path != ":memory:" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("db: sqlite: %w", err)
		}
	}
	// busy_timeout covers readers meeting a checkpoint; synchronous=NORMAL is
	// durable in WAL mode except for the last transactions on power loss.
	base := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(" + synchronous + ")&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)"
	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("db: sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: sqlite: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	r.SetConnMaxLifetime(0)
	c := &conn{d: sqliteDialect, w: w, r: r}
	return db.NewPool("sqlite", c, c.close, secret), nil
}

// OpenPostgres opens a pgx pool. Its size defaults to 25 connections: request
// handlers wait on the network, not the CPU, so the pgx default (the number of
// CPUs) would queue them. A pool_max_conns in the URL wins.
func OpenPostgres(ctx context.Context, url string, max int, secret []byte) (*db.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: pgsql url: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		if max <= 0 {
			max = 25
		}
		cfg.MaxConns = int32(max)
	}
	pg, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("db: pgsql: %w", err)
	}
	if err := pg.Ping(ctx); err != nil {
		pg.Close()
		return nil, fmt.Errorf("db: pgsql: %w", err)
	}
	c := &conn{d: pgsqlDialect, pg: pg}
	return db.NewPool("pgsql", c, c.close, secret), nil
}

// Exec runs a hand-written statement on a SQL pool (placeholders in the
// pool's own style: ? for SQLite, $1 for PostgreSQL) and returns the rows
// affected.
func Exec(ctx context.Context, p *db.Pool, q string, args ...any) (int64, error) {
	c, ok := p.Conn().(*conn)
	if !ok {
		return 0, db.Unsupportedf("%s: no SQL statements", p.Name)
	}
	return c.exec(ctx, q, args)
}

// Writer returns the database/sql handle of a SQLite pool (the one writer)
// for hand-written statements; nil for other pools.
func Writer(p *db.Pool) *sql.DB {
	if c, ok := p.Conn().(*conn); ok {
		return c.w
	}
	return nil
}

// Reader returns the read-only database/sql handle of a SQLite pool; nil
// for other pools.
func Reader(p *db.Pool) *sql.DB {
	if c, ok := p.Conn().(*conn); ok {
		return c.r
	}
	return nil
}

// PGX returns the pgx pool of a PostgreSQL pool; nil for other pools.
func PGX(p *db.Pool) *pgxpool.Pool {
	if c, ok := p.Conn().(*conn); ok {
		return c.pg
	}
	return nil
}
