//go:build !bk_nodynamodb

package drivers

import (
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/dynamo"
)

// dynamoDB is the DynamoDB table opener (importing the package registers
// its -db-pool name).
func dynamoDB[R any]() []db.Opener[R] { return []db.Opener[R]{dynamo.Backend[R]} }
