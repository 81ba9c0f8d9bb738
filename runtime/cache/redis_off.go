//go:build bk_noredis

package cache

import "errors"

// openRedis refuses: the binary was built without Redis.
func openRedis(Config) (Cache, error) {
	return nil, errors.New("cache: this binary was built without Redis (-tags bk_noredis); build it without that tag for -ipc-cache redis://")
}
