//go:build bk_nos3

package files

import (
	"context"
	"errors"
)

// openS3 refuses: this binary was built without the S3 driver.
func openS3(context.Context, S3Options) (Store, error) {
	return nil, errors.New("files: this binary was built without the S3 driver (-tags bk_nos3); build it without that tag to keep files on S3")
}
