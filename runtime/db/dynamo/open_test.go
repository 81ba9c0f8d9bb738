package dynamo

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestOpenDynamoDBUnreachable: an endpoint that does not answer is a clear
// error within seconds (it used to retry for minutes).
func TestOpenDynamoDBUnreachable(t *testing.T) {
	start := time.Now()
	_, err := Open(context.Background(), Options{Endpoint: "http://127.0.0.1:1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("took %v", d)
	}
}
