//go:build bk_nos3

package files

import (
	"context"
	"strings"
	"testing"
)

// TestS3Off: without the driver, -files-store s3 is refused with the tag named.
func TestS3Off(t *testing.T) {
	_, err := Open(context.Background(), Config{Driver: "s3", S3: S3Options{Bucket: "b"}}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "bk_nos3") {
		t.Fatalf("-files-store s3: %v, want the refusal naming bk_nos3", err)
	}
}
