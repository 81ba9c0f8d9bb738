//go:build bk_nodynamodb

package drivers

import (
	"context"
	"errors"

	"github.com/bkgen/bkgen/runtime/db"
)

// The name stays registered so that a configuration asking for DynamoDB
// fails at start saying why, instead of as an unknown pool.
func init() {
	db.RegisterDriver("dynamodb", func(context.Context, db.Config) (*db.Pool, error) {
		return nil, errOff
	})
}

var errOff = errors.New("db: this binary was built without the dynamodb driver (-tags bk_nodynamodb); build it without that tag to use DynamoDB pools")

// dynamoDB has no openers: the driver is not built in.
func dynamoDB[R any]() []db.Opener[R] { return nil }
