package db

import (
	"context"
	"crypto/rand"
	"fmt"
	"sort"
	"strings"

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
	s.String(&c.Pool, "db-pool", "sqlite", "default database pool: sqlite, pgsql, dynamodb, or memory (nothing kept after the process ends)")
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

// Pool is one database connection pool: a driver's connection (Conn), the
// page-token secret, and the cache and metrics its stores use.
type Pool struct {
	Name string // the driver: sqlite, pgsql, dynamodb
	// conn is a driver package's connection (NewPool), closed by closeConn.
	conn      any
	closeConn func()
	secret    []byte
	cache     cache.Cache // read-through cache of bk.Cache tables; nil: none
	metrics   *metrics.Registry
	hooks     poolHooks // the tables' row hooks (HooksOf)
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

// Open opens the default pool named by c.Pool, with the driver registered
// under that name (runtime/db/drivers imports them all); "" is sqlite.
func Open(ctx context.Context, c Config) (*Pools, error) {
	name := c.Pool
	if name == "" {
		name = "sqlite"
	}
	open, ok := drivers[name]
	if !ok {
		names := make([]string, 0, len(drivers))
		for n := range drivers {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("db: unknown pool %q (want %s)", c.Pool, strings.Join(names, ", "))
	}
	p, err := open(ctx, c)
	if err != nil {
		return nil, err
	}
	return &Pools{Default: p, byName: map[string]*Pool{p.Name: p}}, nil
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
	if p.closeConn != nil {
		p.closeConn()
	}
}
