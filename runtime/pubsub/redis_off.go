//go:build bk_noredis

package pubsub

import "errors"

// openRedis refuses: the binary was built without Redis.
func openRedis(string) (Bus, error) {
	return nil, errors.New("pubsub: this binary was built without Redis (-tags bk_noredis); build it without that tag for -pubsub redis://")
}
