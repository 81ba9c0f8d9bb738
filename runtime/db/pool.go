package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/bkgen/bkgen/runtime/cache"
	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/metrics"
)

// Config selects and configures database pools, with backendjs's parameter
// names (-db-pool, -db-sqlite-pool, -db-pgsql-pool, -db-create-tables).
type Config struct {
	Pool             string // default pool: sqlite or pgsql
	SQLitePool       string // SQLite database file, or a name resolved to HOME/var/NAME.db
	SQLiteSync       string // normal or full: SQLite's synchronous pragma
	PgsqlPool        string // PostgreSQL URL
	PgsqlMax         int    // PostgreSQL connections (default 25, like backendjs SQL pools)
	CreateTables     bool   // create missing tables, indexes and columns at start
	DynamoDBPool     string // DynamoDB endpoint URL, or "default" for the AWS endpoint of the region
	DynamoDBScan     bool   // let Select scan a whole table when no key condition is given
	DynamoDBPrefix   string // prefix of every DynamoDB table name
	DynamoDBEventual bool   // eventually consistent reads
	TokenSecret      string // key of the page-token MAC; random per process when empty
	Home             string // application home; the SQLite file defaults to HOME/var/default.db
}

// Params declares the pool parameters (backendjs names) on s.
func (c *Config) Params(s *config.Set) {
	s.String(&c.Pool, "db-pool", "sqlite", "default database pool: sqlite, pgsql or dynamodb")
	s.String(&c.SQLitePool, "db-sqlite-pool", "default", "SQLite database: a file path, or a NAME for HOME/var/NAME.db")
	s.String(&c.SQLiteSync, "db-sqlite-sync", "normal", "SQLite durability: normal (WAL; an acknowledged write can be lost on power loss or an OS crash, never on a process crash) or full (fsync on every commit)")
	s.String(&c.PgsqlPool, "db-pgsql-pool", "", "PostgreSQL URL, postgres://user:pass@host:port/db")
	s.Int(&c.PgsqlMax, "db-pgsql-max", 25, "PostgreSQL pool size (connections)")
	s.String(&c.DynamoDBPool, "db-dynamodb-pool", "default", "DynamoDB endpoint URL (http://127.0.0.1:4567 for dynalite), or default for AWS with the standard credential chain and region")
	s.Bool(&c.DynamoDBScan, "db-dynamodb-scan", false, "let DynamoDB selects without a key condition scan the whole table")
	s.String(&c.DynamoDBPrefix, "db-dynamodb-prefix", "", "prefix of every DynamoDB table name")
	s.Bool(&c.DynamoDBEventual, "db-dynamodb-eventual", false, "eventually consistent DynamoDB reads (cheaper; a read right after a write may miss it)")
	s.Bool(&c.CreateTables, "db-create-tables", false, "create missing tables, indexes and columns at start (never drops); always on for SQLite")
	s.String(&c.TokenSecret, "db-token-secret", "", "secret that signs page tokens; set it when several processes serve one database")
}

// Pool is one database connection pool with its dialect.
type Pool struct {
	Name    string // "sqlite" or "pgsql"
	dialect *dialect
	// SQLite: one writer connection (SQLite allows one writer; queuing in
	// Go beats SQLITE_BUSY retries) and a pool of readers (WAL lets them run
	// beside the writer).
	sqlW, sqlR *sql.DB
	pg         *pgxpool.Pool
	// conn is a driver package's connection (NewPool), closed by closeConn.
	conn      any
	closeConn func()
	secret    []byte
	cache     cache.Cache // read-through cache of bk.Cache tables; nil: none
	metrics   *metrics.Registry
}

// NewPool is how a driver package makes the pool of one of its
// connections: name is the driver (the -db-pool value, and what
// bk.SkipPools names), conn is handed back by Conn to the driver's Opener,
// close closes it. An empty secret (of the page tokens) gets a random one.
func NewPool(name string, conn any, close func(), secret []byte) *Pool {
	return &Pool{Name: name, conn: conn, closeConn: close, secret: tokenSecret(secret)}
}

// Conn returns the connection a driver package gave NewPool; nil for the
// built-in SQL pools.
func (p *Pool) Conn() any { return p.conn }

// Dialect names the pool's database: sqlite, pgsql or dynamodb.
func (p *Pool) Dialect() string { return p.Name }

// Pools is the registry of open pools by name.
type Pools struct {
	Default *Pool
	byName  map[string]*Pool
}

// Get returns the pool with that name, or nil.
func (p *Pools) Get(name string) *Pool {
	if name == "" {
		return p.Default
	}
	return p.byName[name]
}

// Close closes every pool.
func (p *Pools) Close() {
	for _, x := range p.byName {
		x.Close()
	}
}

// drivers are the pool openers of the driver packages, by -db-pool name.
var drivers = map[string]func(ctx context.Context, c Config) (*Pool, error){}

// RegisterDriver makes -db-pool name open a pool with open; a driver
// package calls it from init (runtime/db/drivers imports them all).
func RegisterDriver(name string, open func(ctx context.Context, c Config) (*Pool, error)) {
	drivers[name] = open
}

// Open opens the default pool named by c.Pool.
func Open(ctx context.Context, c Config) (*Pools, error) {
	var (
		p   *Pool
		err error
	)
	secret := []byte(c.TokenSecret)
	switch c.Pool {
	case "sqlite", "":
		path := c.SQLitePool
		if path == "" {
			path = "default"
		}
		if !strings.ContainsAny(path, "/.") && path != ":memory:" {
			path = filepath.Join(c.Home, "var", path+".db")
		}
		p, err = OpenSQLiteSync(path, secret, c.SQLiteSync)
	case "pgsql", "postgres", "postgresql":
		if c.PgsqlPool == "" {
			return nil, errors.New("db: -db-pool pgsql needs -db-pgsql-pool URL")
		}
		p, err = OpenPostgres(ctx, c.PgsqlPool, c.PgsqlMax, secret)
	default:
		open, ok := drivers[c.Pool]
		if !ok {
			names := []string{"sqlite", "pgsql"}
			for n := range drivers {
				names = append(names, n)
			}
			sort.Strings(names[2:])
			return nil, fmt.Errorf("db: unknown pool %q (want %s)", c.Pool, strings.Join(names, ", "))
		}
		p, err = open(ctx, c)
	}
	if err != nil {
		return nil, err
	}
	return &Pools{Default: p, byName: map[string]*Pool{p.Name: p}}, nil
}

// OpenSQLite opens (creating it when missing) the SQLite database at path in
// WAL mode. An empty secret gets a random one.
func OpenSQLite(path string, secret []byte) (*Pool, error) {
	return OpenSQLiteSync(path, secret, "normal")
}

// OpenSQLiteSync is OpenSQLite with the synchronous pragma: normal (an
// acknowledged transaction survives a crash of the process, and may be
// lost on power loss or an OS crash) or full (it survives those too, at one
// fsync per commit).
func OpenSQLiteSync(path string, secret []byte, synchronous string) (*Pool, error) {
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
	return &Pool{Name: "sqlite", dialect: sqliteDialect, sqlW: w, sqlR: r, secret: tokenSecret(secret)}, nil
}

// OpenPostgres opens a pgx pool. Its size defaults to 25 connections: request
// handlers wait on the network, not the CPU, so the pgx default (the number of
// CPUs) would queue them. A pool_max_conns in the URL wins.
func OpenPostgres(ctx context.Context, url string, max int, secret []byte) (*Pool, error) {
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
	return &Pool{Name: "pgsql", dialect: pgsqlDialect, pg: pg, secret: tokenSecret(secret)}, nil
}

func tokenSecret(s []byte) []byte {
	if len(s) > 0 {
		return s
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

// Close closes the pool's connections.
func (p *Pool) Close() {
	if p.sqlW != nil {
		p.sqlW.Close()
		p.sqlR.Close()
	}
	if p.pg != nil {
		p.pg.Close()
	}
	if p.closeConn != nil {
		p.closeConn()
	}
}

// Exec runs a hand-written statement (placeholders in the pool's own style:
// ? for SQLite, $1 for PostgreSQL) and returns the rows affected.
func (p *Pool) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	if p.sqlW == nil && p.pg == nil {
		return 0, Unsupportedf("%s: no SQL statements", p.Name)
	}
	return p.exec(ctx, q, args)
}

// SQL returns the database/sql handle of a SQLite pool (the writer) for
// hand-written queries; nil for other pools.
func (p *Pool) SQL() *sql.DB { return p.sqlW }

// SQLRead returns the read-only database/sql handle of a SQLite pool; nil
// for other pools.
func (p *Pool) SQLRead() *sql.DB { return p.sqlR }

// PGX returns the pgx pool of a PostgreSQL pool; nil for other pools.
func (p *Pool) PGX() *pgxpool.Pool { return p.pg }
