//go:build bk_nodynamodb

package drivers

import (
	"context"
	"errors"
	"testing"

	"github.com/bkgen/bkgen/runtime/db"
)

// TestDynamoDBOff: without the driver, a DynamoDB pool is refused at start
// with the tag named, and no store gets a DynamoDB opener.
func TestDynamoDBOff(t *testing.T) {
	if _, err := db.Open(context.Background(), db.Config{Pool: "dynamodb"}); !errors.Is(err, errOff) {
		t.Fatalf("-db-pool dynamodb: %v, want %v", err, errOff)
	}
	if n := len(For[struct{}]()); n != 2 {
		t.Fatalf("%d openers, want 2 (sqldb, memory)", n)
	}
}
