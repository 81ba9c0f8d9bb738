package db

import (
	"context"
	"crypto/rand"
	"fmt"
	"maps"
	"slices"
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
	MySQLPool        string // MySQL or MariaDB URL
	MySQLMax         int    // MySQL connections
	CreateTables     bool   // create missing tables, indexes and columns at start
	DynamoDBPool     string // DynamoDB endpoint URL, or "default" for the AWS endpoint of the region
	DynamoDBScan     bool   // let Select scan a whole table when no key condition is given
	DynamoDBPrefix   string // prefix of every DynamoDB table name
	DynamoDBEventual bool   // eventually consistent reads
	TokenSecret      string // key of the page-token MAC; random per process when empty
	Home             string // application home; the SQLite file defaults to HOME/var/default.db
	// Named are the pools beside the default one, by name: each with its
	// driver and what that driver's -db-DRIVER-pool takes (a URL, a file).
	Named map[string]NamedPool
	// Tables routes a table to a named pool (-db-table-TABLE NAME); it wins
	// over the table's bk.Pool annotation.
	Tables map[string]string
}

// NamedPool is one pool beside the default: -db-DRIVER-pool-NAME VALUE.
type NamedPool struct {
	Driver string
	URL    string
}

// namedDrivers are the drivers a named pool may have, and the field of
// Config their value sets.
var namedDrivers = map[string]func(c *Config, v string){
	"sqlite":   func(c *Config, v string) { c.SQLitePool = v },
	"pgsql":    func(c *Config, v string) { c.PgsqlPool = v },
	"mysql":    func(c *Config, v string) { c.MySQLPool = v },
	"dynamodb": func(c *Config, v string) { c.DynamoDBPool = v },
	"memory":   func(c *Config, v string) {},
}

// Params declares the pool parameters (backendjs names) on s.
func (c *Config) Params(s *config.Set) {
	s.String(&c.Pool, "db-pool", "sqlite", "default database pool: sqlite, pgsql, mysql (MySQL or MariaDB), dynamodb, or memory (nothing kept after the process ends)")
	s.String(&c.SQLitePool, "db-sqlite-pool", "default", "SQLite database: a file path, or a NAME for HOME/var/NAME.db")
	s.String(&c.SQLiteSync, "db-sqlite-sync", "normal", "SQLite durability: normal (WAL; an acknowledged write can be lost on power loss or an OS crash, never on a process crash) or full (fsync on every commit)")
	s.String(&c.PgsqlPool, "db-pgsql-pool", "", "PostgreSQL URL, postgres://user:pass@host:port/db")
	s.Int(&c.PgsqlMax, "db-pgsql-max", 25, "PostgreSQL pool size (connections)")
	s.String(&c.MySQLPool, "db-mysql-pool", "", "MySQL or MariaDB URL, mysql://user:pass@host:port/db")
	s.Int(&c.MySQLMax, "db-mysql-max", 25, "MySQL pool size (connections)")
	s.String(&c.DynamoDBPool, "db-dynamodb-pool", "default", "DynamoDB endpoint URL (http://127.0.0.1:4567 for dynalite), or default for AWS with the standard credential chain and region")
	s.Bool(&c.DynamoDBScan, "db-dynamodb-scan", false, "let DynamoDB selects without a key condition scan the whole table")
	s.String(&c.DynamoDBPrefix, "db-dynamodb-prefix", "", "prefix of every DynamoDB table name")
	s.Bool(&c.DynamoDBEventual, "db-dynamodb-eventual", false, "eventually consistent DynamoDB reads (cheaper; a read right after a write may miss it)")
	s.Bool(&c.CreateTables, "db-create-tables", false, "create missing tables, indexes and columns at start (never drops); always on for SQLite")
	s.String(&c.TokenSecret, "db-token-secret", "", "secret that signs page tokens; set it when several processes serve one database")
	c.Named, c.Tables = map[string]NamedPool{}, map[string]string{}
	for _, driver := range []string{"sqlite", "pgsql", "mysql", "dynamodb", "memory"} {
		takes := "what -db-" + driver + "-pool takes"
		if driver == "memory" {
			takes = "any value (nothing is kept after the process ends)"
		}
		s.Prefix("db-"+driver+"-pool-", "a "+driver+" pool named NAME beside the default, with "+takes+"; tables go to it with -db-table-TABLE NAME or bk.Pool(NAME)", func(name, v string) error {
			if name == "" || name == "default" {
				return fmt.Errorf("a named pool needs a name other than default")
			}
			c.Named[name] = NamedPool{Driver: driver, URL: v}
			return nil
		})
	}
	s.Prefix("db-table-", "the pool that keeps table NAME: the NAME of a -db-DRIVER-pool-NAME, or default; wins over the table's bk.Pool, so a table moves without a rebuild", func(table, v string) error {
		if table == "" || v == "" {
			return fmt.Errorf("-db-table-TABLE takes a pool name")
		}
		c.Tables[table] = v
		return nil
	})
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
	// label is the pool's name in its Pools ("default", or the NAME of a
	// named pool); set is that registry, through which a store made on the
	// default pool finds the pool its table is routed to.
	label string
	set   *Pools
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

// Dialect names the pool's database: sqlite, pgsql, mysql, dynamodb or memory.
func (p *Pool) Dialect() string { return p.Name }

// Pools is the registry of open pools by name: the default one and the
// named ones (Config.Named), with the routes of tables to them.
type Pools struct {
	Default *Pool
	byName  map[string]*Pool
	routes  map[string]string // table -> pool name, from Config.Tables
}

// Get returns the pool with that name ("" or "default": the default), or nil.
func (p *Pools) Get(name string) *Pool {
	if name == "" || name == "default" {
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

// PoolOf is the name of the pool that keeps table: its -db-table-TABLE
// route, else the pool its schema names (bk.Pool), else the default.
func (p *Pools) PoolOf(table, annotated string) string {
	if name, ok := p.routes[table]; ok {
		return name
	}
	if annotated != "" {
		return annotated
	}
	return "default"
}

// Check refuses, before anything is served, a table routed to a pool that
// is not configured, and a route naming no table of the application.
func (p *Pools) Check(tables []TableInfo) error {
	known := map[string]bool{}
	var errs []string
	for _, t := range tables {
		known[t.Name] = true
		name := p.PoolOf(t.Name, t.Pool)
		pool := p.Get(name)
		if pool == nil {
			errs = append(errs, fmt.Sprintf("table %s is kept in pool %q, which is not configured (-db-DRIVER-pool-%s URL)", t.Name, name, name))
			continue
		}
		for _, skip := range t.SkipPools {
			if skip == pool.Name && name != "default" {
				errs = append(errs, fmt.Sprintf("table %s cannot be kept in pool %q: the table is not kept in %s pools (bk.SkipPools)", t.Name, name, pool.Name))
			}
		}
	}
	for table := range p.routes {
		if !known[table] {
			errs = append(errs, fmt.Sprintf("-db-table-%s: there is no table %s", table, table))
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("db: %s", strings.Join(errs, "; "))
	}
	return nil
}

// route is the pool that keeps table t when stores are made on p: p
// itself unless p is the default of a registry that keeps t elsewhere.
func (p *Pool) route(t *Schema) *Pool {
	if p.set == nil || p != p.set.Default {
		return p
	}
	name := p.set.PoolOf(t.Name, t.Pool)
	if name == "default" {
		return p
	}
	if other := p.set.byName[name]; other != nil {
		return other
	}
	return nil // refused at start by Check; a store made anyway says so
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
		return nil, fmt.Errorf("db: unknown pool %q (want %s)", c.Pool, strings.Join(slices.Sorted(maps.Keys(drivers)), ", "))
	}
	p, err := open(ctx, c)
	if err != nil {
		return nil, err
	}
	set := &Pools{Default: p, byName: map[string]*Pool{"default": p}, routes: c.Tables}
	p.label, p.set = "default", set
	for _, name := range slices.Sorted(maps.Keys(c.Named)) {
		np := c.Named[name]
		setURL, ok := namedDrivers[np.Driver]
		open := drivers[np.Driver]
		if !ok || open == nil {
			set.Close()
			return nil, fmt.Errorf("db: pool %s: no driver %q in this build", name, np.Driver)
		}
		nc := c
		nc.Pool, nc.Named, nc.Tables = np.Driver, nil, nil
		setURL(&nc, np.URL)
		if np.Driver == "sqlite" && np.URL == "" {
			nc.SQLitePool = name // HOME/var/NAME.db
		}
		q, err := open(ctx, nc)
		if err != nil {
			set.Close()
			return nil, fmt.Errorf("db: pool %s: %w", name, err)
		}
		q.label, q.set = name, set
		set.byName[name] = q
	}
	return set, nil
}

// UseCache gives every pool of the registry the row cache.
func (p *Pools) UseCache(c cache.Cache) {
	for _, x := range p.byName {
		x.UseCache(c)
	}
}

// UseMetrics gives every pool of the registry the metrics registry.
func (p *Pools) UseMetrics(r *metrics.Registry) {
	for _, x := range p.byName {
		x.UseMetrics(r)
	}
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
