//go:build bk_noredis

package jobs

import "errors"

// newAsynq refuses: the binary was built without Redis.
func newAsynq(Config) (queue, error) {
	return nil, errors.New("jobs: this binary was built without Redis (-tags bk_noredis); build it without that tag for -jobs-queue redis://")
}
