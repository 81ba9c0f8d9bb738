package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TSC is the TypeScript compiler scripts/services.sh installs (BK_TSC, or
// in TS_DIR, default /tmp/bkgen-typescript), with node. Under CI=true a test
// that needs it fails without it; elsewhere it is skipped.
func TSC(t testing.TB) string {
	t.Helper()
	p := os.Getenv("BK_TSC")
	if p == "" {
		dir := os.Getenv("TS_DIR")
		if dir == "" {
			dir = "/tmp/bkgen-typescript"
		}
		p = filepath.Join(dir, "node_modules", ".bin", "tsc")
	}
	_, err := os.Stat(p)
	if err == nil {
		_, err = exec.LookPath("node")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("tsc (%s) or node is not installed: scripts/services.sh installs them", p)
		}
		t.Skipf("tsc (%s) or node is not installed: run scripts/services.sh", p)
	}
	return p
}
