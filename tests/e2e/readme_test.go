package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// readmeBlock returns the shell block that follows the marker line in
// README.md or a page of docs/.
func readmeBlock(t *testing.T, marker string) string {
	var all strings.Builder
	pages, _ := filepath.Glob("../../docs/*.md")
	for _, f := range append([]string{"../../README.md"}, pages...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	_, after, ok := strings.Cut(all.String(), marker)
	if !ok {
		t.Fatalf("README.md and docs/ have no %q block", marker)
	}
	_, after, _ = strings.Cut(after, "```sh\n")
	block, _, _ := strings.Cut(after, "```")
	return block
}

// TestReadmeTodo runs the README's curl example, as written, against a
// fresh server: every reply must be a success, and the rows must be there.
func TestReadmeTodo(t *testing.T) {
	// as the README says: the todo routes opened with -api-allow-path
	s := start(t, "-home", t.TempDir(), "-api-allow-path", "^/todo/")
	block := readmeBlock(t, "<!-- e2e: readme-todo")
	addr := strings.TrimPrefix(s.base, "http://")
	script := "set -e\n" + strings.ReplaceAll(block, "localhost:8000", addr)
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		out.WriteString(line + "\n")
		if strings.HasPrefix(line, "curl") {
			out.WriteString(`echo "" ; echo "---"` + "\n") // one reply per section
		}
	}
	cmd := exec.Command("bash", "-c", out.String())
	res, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README example failed: %v\n%s", err, res)
	}
	replies := strings.Split(strings.TrimSuffix(strings.TrimSpace(string(res)), "---"), "---")
	if len(replies) != 9 { // the curl commands of the block
		t.Fatalf("%d replies, want 9:\n%s", len(replies), res)
	}
	for i, r := range replies {
		r = strings.TrimSpace(r)
		if !strings.HasPrefix(r, "{") || strings.Contains(r, `"status":`) {
			t.Errorf("reply %d is not a success: %s", i+1, r)
		}
	}
	if !strings.Contains(replies[4], `"done":true`) || !strings.Contains(replies[7], `"name":"bread"`) {
		t.Fatalf("unexpected replies:\n%s", res)
	}
	r := s.get("/todo/select", q("_total", "1"))
	if r.num("count") != 3 { // milk deleted; bread, eggs, cheese remain
		t.Fatalf("%v rows left: %s", r.num("count"), r.raw)
	}
}

// TestReadmeSigned runs the README's signed curl example as written, with
// the built binary and the test server's home and port.
func TestReadmeSigned(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	home := t.TempDir()
	s := start(t, "-home", home)
	port := s.base[strings.LastIndex(s.base, ":")+1:]
	block := readmeBlock(t, "<!-- e2e: readme-signed")
	block = strings.ReplaceAll(block, "go run ./cmd/bkapp", bin+" -home "+home)
	block = strings.ReplaceAll(block, "localhost:8000", "localhost:"+port)
	out, err := exec.Command("bash", "-c", "set -e\n"+block).CombinedOutput()
	if err != nil {
		t.Fatalf("README example failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `{"count":0`) || strings.Contains(string(out), `"status"`) {
		t.Fatalf("README signed request did not succeed:\n%s", out)
	}
}
