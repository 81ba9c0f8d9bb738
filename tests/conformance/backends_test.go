// Package conformance runs one list of store cases, unchanged, on every
// backend. A backend that cannot do a case by nature
// must return the documented error, asserted by the case itself.
package conformance

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/cache"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/dynamo"
	"github.com/bkgen/bkgen/runtime/db/memory"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
	"github.com/bkgen/bkgen/tests/testenv"
)

// backend is one database the suite runs on.
type backend struct {
	name string
	open func(t *testing.T) *db.Pool
}

func backends() []backend {
	return []backend{
		{"sqlite", func(t *testing.T) *db.Pool {
			p, err := sqldb.OpenSQLite(filepath.Join(t.TempDir(), "conformance.db"), []byte("test-secret"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(p.Close)
			return p
		}},
		{"pgsql", func(t *testing.T) *db.Pool {
			p, err := sqldb.OpenPostgres(context.Background(), testenv.PgsqlSchema(t), 10, []byte("test-secret"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(p.Close)
			return p
		}},
		// The same cases through the read-through cache of the cached
		// tables (album, photo, counter): a cache must not change a result.
		{"sqlite+cache", func(t *testing.T) *db.Pool {
			p, err := sqldb.OpenSQLite(filepath.Join(t.TempDir(), "conformance.db"), []byte("test-secret"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(p.Close)
			p.UseCache(cache.NewLocal(1000))
			return p
		}},
		{"pgsql+rediscache", func(t *testing.T) *db.Pool {
			p, err := sqldb.OpenPostgres(context.Background(), testenv.PgsqlSchema(t), 10, []byte("test-secret"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(p.Close)
			c, err := cache.NewRedis(testenv.RedisURL(), fmt.Sprintf("conformance%d:", time.Now().UnixNano()))
			if err != nil {
				t.Fatalf("Redis is required (scripts/services.sh): %v", err)
			}
			t.Cleanup(func() { c.Close() })
			p.UseCache(c)
			return p
		}},
		{"mysql", func(t *testing.T) *db.Pool {
			p, err := sqldb.OpenMySQL(context.Background(), testenv.MySQLDatabase(t), 10, []byte("test-secret"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(p.Close)
			return p
		}},
		{"mysql+cache", func(t *testing.T) *db.Pool {
			p, err := sqldb.OpenMySQL(context.Background(), testenv.MySQLDatabase(t), 10, []byte("test-secret"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(p.Close)
			p.UseCache(cache.NewLocal(1000))
			return p
		}},
		{"dynamodb", func(t *testing.T) *db.Pool {
			// scans allowed, so cases without a key condition run
			p, err := dynamo.Open(context.Background(), dynamo.Options{Endpoint: testenv.DynamoURL(), AllowScan: true, TablePrefix: testenv.DynamoPrefix(t)}, []byte("test-secret"))
			if err != nil {
				t.Fatalf("DynamoDB is required (run scripts/services.sh for dynalite, or set BK_TEST_DYNAMODB): %v", err)
			}
			t.Cleanup(p.Close)
			return p
		}},
		// the reference driver, through the same exported seam as the others
		{"memory", func(t *testing.T) *db.Pool { return memory.Open([]byte("test-secret")) }},
	}
}

// dynamo reports whether the case runs on DynamoDB, for the documented
// differences (README, "DynamoDB").
func (e *env) dynamo() bool { return e.pool.Dialect() == "dynamodb" }

// env is what a case gets: the generated stores on a fresh database.
type env struct {
	ctx  context.Context
	st   *store.Store
	pool *db.Pool
	n    int // per-case counter for unique ids
}

func TestConformance(t *testing.T) {
	if len(cases) < 60 {
		t.Fatalf("the suite must keep at least 60 cases, has %d", len(cases))
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			p := b.open(t)
			st := store.New(p)
			ctx := context.Background()
			if err := st.CreateTables(ctx); err != nil {
				t.Fatalf("CreateTables: %v", err)
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					c.run(t, &env{ctx: ctx, st: st, pool: p})
				})
			}
			if c := p.Cache(); c != nil {
				if s := c.Stats(); s.Misses == 0 || s.Fills == 0 || s.Dels == 0 {
					t.Errorf("the cases did not go through the cache: %+v", s)
				}
			}
		})
	}
}

// uid returns an id unique to the running case, so cases share tables
// without seeing each other's rows.
func (e *env) uid(t *testing.T) string {
	e.n++
	return fmt.Sprintf("%s-%d", strings.ReplaceAll(t.Name(), "/", "."), e.n)
}
