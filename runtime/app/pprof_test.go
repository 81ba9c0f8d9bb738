package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// TestPprofLoopbackOnly: the profiles are never served on an address the
// network reaches.
func TestPprofLoopbackOnly(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "10.1.2.3:0", "example.com:0", "127.0.0.1"} {
		if err := servePprof(ctx, log, addr); err == nil {
			t.Errorf("%s: served", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		if err := servePprof(ctx, log, addr); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
}
