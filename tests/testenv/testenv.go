// Package testenv gives tests isolated databases on the real services that
// scripts/services.sh starts: a PostgreSQL schema and a DynamoDB table
// prefix of their own, removed at the end.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/bkgen/bkgen/runtime/db/dynamo"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
)

// PgsqlURL is the PostgreSQL server of the tests: BK_TEST_PGSQL, or the
// local server that scripts/services.sh starts.
func PgsqlURL() string {
	if u := os.Getenv("BK_TEST_PGSQL"); u != "" {
		return u
	}
	return "postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// RedisURL is the Redis of the tests: BK_TEST_REDIS, or the local server
// that scripts/services.sh starts.
func RedisURL() string {
	if u := os.Getenv("BK_TEST_REDIS"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// DynamoURL is the DynamoDB endpoint of the tests: BK_TEST_DYNAMODB, or the
// dynalite that scripts/services.sh starts.
func DynamoURL() string {
	if u := os.Getenv("BK_TEST_DYNAMODB"); u != "" {
		return u
	}
	return "http://127.0.0.1:4567"
}

func random(prefix string) string {
	b := make([]byte, 5)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// PgsqlSchema creates a schema of its own and returns a URL whose
// search_path is that schema; the schema is dropped at the end.
func PgsqlSchema(t testing.TB) string {
	ctx := context.Background()
	admin, err := sqldb.OpenPostgres(ctx, PgsqlURL(), 2, nil)
	if err != nil {
		t.Fatalf("PostgreSQL is required (run scripts/services.sh, or set BK_TEST_PGSQL): %v", err)
	}
	schema := random("bkt_")
	if _, err := sqldb.Exec(ctx, admin, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sqldb.Exec(ctx, admin, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(PgsqlURL(), "?") {
		sep = "&"
	}
	return PgsqlURL() + sep + "search_path=" + schema
}

// DynamoPrefix returns a table prefix of its own; the tables with it are
// deleted at the end.
func DynamoPrefix(t testing.TB) string {
	prefix := random("bkt") + "_"
	t.Cleanup(func() {
		ctx := context.Background()
		p, err := dynamo.Open(ctx, dynamo.Options{Endpoint: DynamoURL()}, nil)
		if err != nil {
			return
		}
		defer p.Close()
		// the names sort after the prefix itself; a page holds 100 at most
		start := prefix
		for {
			out, err := dynamo.Client(p).ListTables(ctx, &dynamodb.ListTablesInput{ExclusiveStartTableName: &start})
			if err != nil {
				return
			}
			for _, name := range out.TableNames {
				if !strings.HasPrefix(name, prefix) {
					return
				}
				dynamo.Client(p).DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name})
			}
			if out.LastEvaluatedTableName == nil {
				return
			}
			start = *out.LastEvaluatedTableName
		}
	})
	return prefix
}

// MySQLURL is the MySQL or MariaDB server of the tests: BK_TEST_MYSQL, or
// the local MariaDB that scripts/services.sh starts (root, no password).
func MySQLURL() string {
	if u := os.Getenv("BK_TEST_MYSQL"); u != "" {
		return u
	}
	return "mysql://root@127.0.0.1:3306/test"
}

// MySQLDatabase creates a database of its own and returns its URL; the
// database is dropped at the end.
func MySQLDatabase(t testing.TB) string {
	ctx := context.Background()
	admin, err := sqldb.OpenMySQL(ctx, MySQLURL(), 2, nil)
	if err != nil {
		t.Fatalf("MySQL or MariaDB is required (run scripts/services.sh, or set BK_TEST_MYSQL): %v", err)
	}
	defer admin.Close()
	name := random("bkt")
	if _, err := sqldb.Exec(ctx, admin, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if a, err := sqldb.OpenMySQL(context.Background(), MySQLURL(), 1, nil); err == nil {
			sqldb.Exec(context.Background(), a, "DROP DATABASE IF EXISTS "+name)
			a.Close()
		}
	})
	base := MySQLURL()
	if i := strings.LastIndex(base, "/"); i > len("mysql://") {
		base = base[:i]
	}
	return base + "/" + name
}

// S3URL is the S3-protocol endpoint of the tests: BK_TEST_S3, or the
// gofakes3 that scripts/services.sh starts (buckets made on first use).
func S3URL() string {
	if u := os.Getenv("BK_TEST_S3"); u != "" {
		return u
	}
	return "http://127.0.0.1:9878"
}
