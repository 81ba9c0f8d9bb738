//go:build bk_noredis

package jobs

import (
	"strings"
	"testing"
)

// TestRedisOff: without Redis, a Redis job queue is refused with the tag named.
func TestRedisOff(t *testing.T) {
	if _, err := Open(Config{Queue: "redis://127.0.0.1:6379/0"}, nil); err == nil || !strings.Contains(err.Error(), "bk_noredis") {
		t.Fatalf("-jobs-queue redis://: %v", err)
	}
}
