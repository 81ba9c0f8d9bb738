package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/generated/client"
	"github.com/bkgen/bkgen/tests/testenv"
)

// buildTSClient type-checks the generated TypeScript client with the test
// suite under --strict and compiles them to ES modules; it returns dist/.
func buildTSClient(t *testing.T) string {
	t.Helper()
	compiler := testenv.TSC(t)
	dir := t.TempDir()
	for _, src := range []string{"../../generated/client/ts/core.ts", "../../generated/client/ts/index.ts", "../../generated/client/ts/tsconfig.json",
		"testdata/tsclient/suite.ts", "testdata/tsclient/node.ts", "testdata/tsclient/browser.ts"} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, filepath.Base(src)), b, 0o644)
	}
	cmd := exec.Command(compiler, "-p", ".", "--strict")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc --strict: %v\n%s", err, out)
	}
	return filepath.Join(dir, "dist")
}

// TestTSClient runs the TypeScript client's suite in Node against the
// server (every operation of a composite key table, 1000 rows paged,
// signed JSON bodies, a session, an access token), then a subscription of
// the TypeScript client that receives a write made by the Go client.
func TestTSClient(t *testing.T) {
	dist := buildTSClient(t)
	s := start(t, "-home", t.TempDir(), "-api-access-token-secret", "ts-client-token-secret")
	addAccount(t, s, "tess")
	tag := uniq(t, "ts")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dist, "node.js"), s.base, "tess", "tess-secret", tag)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 64)
	var all []string
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func(prefix string, write func()) string {
		t.Helper()
		for {
			var tick <-chan time.Time
			if write != nil {
				write()
				tick = time.After(time.Second) // then write again: the subscription may not be live yet
			}
			select {
			case l, ok := <-lines:
				if !ok {
					cmd.Wait()
					t.Fatalf("node ended before %s:\n%s", prefix, strings.Join(all, "\n"))
				}
				all = append(all, l)
				if strings.HasPrefix(l, "FAIL") {
					t.Fatalf("the TypeScript suite failed:\n%s", strings.Join(all, "\n"))
				}
				if strings.HasPrefix(l, prefix) {
					return l
				}
			case <-tick:
			case <-ctx.Done():
				t.Fatalf("no %s in time:\n%s", prefix, strings.Join(all, "\n"))
			}
		}
	}
	next("SUBSCRIBING", nil)
	gc := goClient(t, s, client.Signed("tess", "tess-secret"))
	i := 0
	ev := next("EVENT", func() {
		i++
		if _, err := gc.Photo.Put(ctx, &client.Photo{AlbumID: tag + "-live", ID: "live", Name: fmt.Sprint("from-go-", i)}); err != nil {
			t.Fatal(err)
		}
	})
	if !strings.HasPrefix(ev, "EVENT put from-go-") {
		t.Fatalf("event: %q", ev)
	}
	next("PASS", nil)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("node: %v\n%s", err, strings.Join(all, "\n"))
	}
	for _, want := range []string{"operations: ok", "paging 1000: ok", "session and token: ok"} {
		if !strings.Contains(strings.Join(all, "\n"), want) {
			t.Errorf("the suite did not report %q", want)
		}
	}
}

// TestTSClientInChromium runs the same suite (250 rows) in headless
// Chromium, from a page the app serves from HOME/web: WebCrypto signatures,
// the browser's own session cookie.
func TestTSClientInChromium(t *testing.T) {
	browser := chromium(t)
	dist := buildTSClient(t)
	home := t.TempDir()
	web := filepath.Join(home, "web", "tsclient")
	os.MkdirAll(web, 0o755)
	for _, f := range []string{"core.js", "index.js", "suite.js", "browser.js"} {
		b, err := os.ReadFile(filepath.Join(dist, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(web, f), b, 0o644)
	}
	page, _ := os.ReadFile("testdata/tsclient/page.html")
	os.WriteFile(filepath.Join(web, "page.html"), page, 0o644)
	s := start(t, "-home", home, "-api-access-token-secret", "ts-client-token-secret")
	addAccount(t, s, "tess")
	dom := dumpDOM(t, browser, s.base+"/tsclient/page.html#tess,tess-secret,"+uniq(t, "web"), 60*time.Second)
	if !strings.Contains(dom, "PASS operations: ok; paging 250: ok; session and token: ok") {
		t.Fatalf("the suite in Chromium:\n%s", dom)
	}
}
