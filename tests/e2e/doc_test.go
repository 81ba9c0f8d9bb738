package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// chromium returns the browser for the browser tests. scripts/services.sh
// installs it; a developer's machine without it skips them, CI (CI=true)
// fails them, so that they are never silently not run there.
func chromium(t *testing.T) string {
	t.Helper()
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed: scripts/services.sh installs it (apt-get install chromium)")
		}
		t.Skip("chromium is not installed (scripts/services.sh, or apt-get install chromium)")
	}
	return browser
}

// dumpDOM loads url in headless Chromium, lets its scripts run for budget
// (virtual time: fetches finish, timers fire) and returns the page as
// rendered.
func dumpDOM(t *testing.T, browser, url string, budget time.Duration) string {
	t.Helper()
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), fmt.Sprintf("--virtual-time-budget=%d", budget.Milliseconds()), "--dump-dom", url)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := runWithTimeout(cmd, 60*time.Second)
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return string(out)
}

// TestDocInChromium loads /doc in headless Chromium and checks the rendered
// page: a section per table with its routes.
func TestDocInChromium(t *testing.T) {
	browser := chromium(t)
	s := start(t, "-home", t.TempDir())
	dom := dumpDOM(t, browser, s.base+"/doc", 3*time.Second)
	for _, want := range []string{"<title>bkapp API</title>", `<section id="photo">`, "/photo/select", "/meter/incr", `href="/openapi.yaml"`} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
}

func runWithTimeout(cmd *exec.Cmd, d time.Duration) ([]byte, error) {
	var out []byte
	var err error
	done := make(chan struct{})
	go func() { out, err = cmd.Output(); close(done) }()
	select {
	case <-done:
		return out, err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return out, fmt.Errorf("timed out after %s", d)
	}
}
