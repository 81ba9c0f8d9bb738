//go:build bk_noredis

package cache

import (
	"strings"
	"testing"
)

// TestRedisOff: without Redis, a Redis cache is refused with the tag named.
func TestRedisOff(t *testing.T) {
	if _, err := Open(Config{URL: "redis://127.0.0.1:6379/0"}); err == nil || !strings.Contains(err.Error(), "bk_noredis") {
		t.Fatalf("-ipc-cache redis://: %v", err)
	}
}
