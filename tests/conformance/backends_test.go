// Package conformance runs one list of store cases, unchanged, on every
// backend (DESIGN.md §3 and §8). A backend that cannot do a case by nature
// must return the documented error, asserted by the case itself.
package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
)

// backend is one database the suite runs on.
type backend struct {
	name string
	open func(t *testing.T) *db.Pool
}

// PgsqlURL is the PostgreSQL server of the tests: BK_TEST_PGSQL, or the
// local server that scripts/services.sh starts.
func PgsqlURL() string {
	if u := os.Getenv("BK_TEST_PGSQL"); u != "" {
		return u
	}
	return "postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

func backends() []backend {
	return []backend{
		{"sqlite", func(t *testing.T) *db.Pool {
			p, err := db.OpenSQLite(filepath.Join(t.TempDir(), "conformance.db"), []byte("test-secret"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(p.Close)
			return p
		}},
		{"pgsql", func(t *testing.T) *db.Pool {
			return openPgsqlSchema(t)
		}},
		{"dynamodb", func(t *testing.T) *db.Pool {
			return openDynamoPrefix(t)
		}},
	}
}

// DynamoURL is the DynamoDB endpoint of the tests: BK_TEST_DYNAMODB, or the
// dynalite that scripts/services.sh starts.
func DynamoURL() string {
	if u := os.Getenv("BK_TEST_DYNAMODB"); u != "" {
		return u
	}
	return "http://127.0.0.1:4567"
}

// openDynamoPrefix opens DynamoDB with a table prefix of its own (scans
// allowed, so cases without a key condition run) and deletes its tables at
// the end.
func openDynamoPrefix(t testing.TB) *db.Pool {
	ctx := context.Background()
	b := make([]byte, 4)
	rand.Read(b)
	prefix := "bkc" + hex.EncodeToString(b) + "_"
	p, err := db.OpenDynamoDB(ctx, db.DynamoDBOptions{Endpoint: DynamoURL(), AllowScan: true, TablePrefix: prefix}, []byte("test-secret"))
	if err != nil {
		t.Fatalf("DynamoDB is required (run scripts/services.sh for dynalite, or set BK_TEST_DYNAMODB): %v", err)
	}
	t.Cleanup(func() {
		out, err := p.DynamoDB().ListTables(ctx, &dynamodb.ListTablesInput{})
		if err == nil {
			for _, name := range out.TableNames {
				if strings.HasPrefix(name, prefix) {
					p.DynamoDB().DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name})
				}
			}
		}
		p.Close()
	})
	return p
}

// dynamo reports whether the case runs on DynamoDB, for the documented
// differences (README, "DynamoDB").
func (e *env) dynamo() bool { return e.pool.Dialect() == "dynamodb" }

// openPgsqlSchema opens PostgreSQL in a schema of its own, dropped at the
// end, so runs never see each other's rows.
func openPgsqlSchema(t testing.TB) *db.Pool {
	ctx := context.Background()
	admin, err := db.OpenPostgres(ctx, PgsqlURL(), 2, nil)
	if err != nil {
		t.Fatalf("PostgreSQL is required (run scripts/services.sh, or set BK_TEST_PGSQL): %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "bkc_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(PgsqlURL(), "?") {
		sep = "&"
	}
	p, err := db.OpenPostgres(ctx, PgsqlURL()+sep+"search_path="+schema, 10, []byte("test-secret"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Close()
		admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	return p
}

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
		})
	}
}

// uid returns an id unique to the running case, so cases share tables
// without seeing each other's rows.
func (e *env) uid(t *testing.T) string {
	e.n++
	return fmt.Sprintf("%s-%d", strings.ReplaceAll(t.Name(), "/", "."), e.n)
}
