// Package drivers names the storage drivers an application is built with:
// importing it registers their -db-pool names (db.Open), and For gives
// their table openers, which the generated stores pass to db.NewStore. A new
// driver is a package with a pool opener registered from init and a
// db.Opener, and one line in For.
//
// SQLite, PostgreSQL, MySQL and the in-memory driver are always built in.
// DynamoDB brings the AWS SDK (about 12 MB of a stripped binary and its
// package initialisation at start): an application that does not use it
// builds with -tags bk_nodynamodb (dynamodb_off.go), and -db-pool dynamodb
// then fails at start with a message naming the tag. (bk_nos3 and bk_noredis
// do the same for the S3 file store and for Redis: runtime/files,
// runtime/cache, runtime/pubsub, runtime/jobs.)
package drivers

import (
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/memory"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
)

// For returns the table openers of the drivers, for rows of type R.
func For[R any]() []db.Opener[R] {
	return append([]db.Opener[R]{sqldb.Backend[R], memory.Backend[R]}, dynamoDB[R]()...)
}
