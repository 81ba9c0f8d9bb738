// Package drivers names the storage drivers an application is built with:
// importing it registers their -db-pool names (db.Open), and For gives
// their table openers, which the generated stores pass to db.NewStore. A new driver is a package with a
// pool opener registered from init and a db.Opener, and one line in For.
package drivers

import (
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/dynamo"
	"github.com/bkgen/bkgen/runtime/db/memory"
	"github.com/bkgen/bkgen/runtime/db/sqldb"
)

// For returns the table openers of the drivers, for rows of type R.
func For[R any]() []db.Opener[R] {
	return []db.Opener[R]{sqldb.Backend[R], dynamo.Backend[R], memory.Backend[R]}
}
