// Package e2e builds the real bkapp binary, starts it on each backend and
// talks HTTP to it, as a client would.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/bkgen/bkgen/tests/testenv"
)

var bin string

// reflectMethods are the linker's lines about code of bkapp that calls
// reflect's Method or MethodByName with a name it cannot know.
var reflectMethods []string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bke2e")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "bkapp")
	// -dumpdep: the linker prints why it keeps each symbol, for
	// TestLinksNoReflectMethod; everything else it says is passed on
	build := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", bin, "github.com/bkgen/bkgen/cmd/bkapp")
	build.Stdout = os.Stderr
	deps, err := build.StderrPipe()
	if err != nil {
		panic(err)
	}
	if err := build.Start(); err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(deps)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		switch l := sc.Text(); {
		case strings.Contains(l, "<ReflectMethod>"):
			reflectMethods = append(reflectMethods, l)
		case l == "# github.com/bkgen/bkgen/cmd/bkapp": // the header of the linker's output
		case !strings.Contains(l, " -> "):
			fmt.Fprintln(os.Stderr, l)
		}
	}
	if err := build.Wait(); err != nil {
		fmt.Fprintln(os.Stderr, "building bkapp:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestLinksNoReflectMethod: when anything the server links calls reflect's
// Method or MethodByName with a name not known at compile time, Go's linker
// keeps every exported method of every type converted to an interface: 22
// MB of a 74 MB bkapp (issue 16). ent's field builders do, which is why the
// generated store does not call the schema's Fields() (gen/fieldsrc.go).
func TestLinksNoReflectMethod(t *testing.T) {
	if n := len(reflectMethods); n > 0 {
		t.Fatalf("the linker keeps every exported method: %d lines, the first:\n%s", n, strings.Join(reflectMethods[:min(n, 5)], "\n"))
	}
}

// server is a running bkapp.
type server struct {
	t      testing.TB
	base   string
	cmd    *exec.Cmd
	mu     sync.Mutex
	log    bytes.Buffer
	client *http.Client // signs as the e2e admin account; nil sends unsigned
}

// The account every server gets before it starts (see start).
const (
	adminLogin  = "e2e-admin"
	adminSecret = "e2e-admin-secret"
)

// shell runs a bkapp shell command with the server's database parameters.
func shell(t testing.TB, args []string, cmd ...string) string {
	t.Helper()
	c := exec.Command(bin, append(append(append([]string{}, args...), "shell"), cmd...)...)
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("bkapp shell %v: %v\n%s", cmd, err, out)
	}
	return string(out)
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// start runs bkapp with args on a free loopback port and waits until it
// listens; it is stopped with SIGTERM at the end of the test.
func start(t testing.TB, args ...string) *server {
	t.Helper()
	// servers sharing a database share the account
	shellArgs := args
	if n := len(args); n > 0 && map[string]bool{"web": true, "start": true, "monitor": true}[args[n-1]] {
		shellArgs = args[:n-1] // the role
	}
	if out, err := exec.Command(bin, append(append([]string{}, shellArgs...), "shell", "account-add", "-login", adminLogin, "-secret", adminSecret, "-type", "admin")...).CombinedOutput(); err != nil && !strings.Contains(string(out), "exists") {
		t.Fatalf("bkapp shell account-add: %v\n%s", err, out)
	}
	s := &server{t: t, client: &http.Client{Transport: &sign.Transport{Login: adminLogin, Secret: adminSecret}}}
	s.cmd = exec.Command(bin, append([]string{"-api-bind", "127.0.0.1", "-api-port", "0"}, args...)...)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		s.capture(stderr, func(line string) {
			if m := listening.FindStringSubmatch(line); m != nil {
				select { // the first address only: a monitor's children log theirs too
				case addr <- m[1]:
				default:
				}
			}
		})
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			s.cmd.Wait()
			t.Fatalf("bkapp exited before listening:\n%s", s.logs())
		}
		s.base = "http://" + a
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("bkapp did not listen in 60s:\n%s", s.logs())
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			t.Errorf("bkapp did not stop on SIGTERM")
		}
		if t.Failed() {
			t.Logf("bkapp log:\n%s", s.logs())
		}
	})
	return s
}

// capture keeps every line of r in the log, calling onLine with each,
// until r ends.
func (s *server) capture(r io.Reader, onLine func(line string)) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20) // a long line must not stop the reading (the child would block on a full pipe)
	for sc.Scan() {
		line := sc.Text()
		s.mu.Lock()
		s.log.WriteString(line + "\n")
		s.mu.Unlock()
		onLine(line)
	}
}

func (s *server) logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// reply is a decoded response.
type reply struct {
	status     int
	body       map[string]any
	raw        string
	retryAfter string
}

func (r reply) str(k string) string {
	v, _ := r.body[k].(string)
	return v
}

func (r reply) num(k string) float64 {
	v, _ := r.body[k].(float64)
	return v
}

func (s *server) do(req *http.Request) reply {
	s.t.Helper()
	c := s.client
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := reply{status: res.StatusCode, raw: string(b), retryAfter: res.Header.Get("Retry-After")}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &r.body); err != nil {
			s.t.Fatalf("%s %s: reply is not JSON: %v: %s", req.Method, req.URL, err, b)
		}
	}
	return r
}

func (s *server) get(path string, q url.Values) reply {
	s.t.Helper()
	u := s.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return s.do(req)
}

func (s *server) postJSON(path string, v any) reply {
	s.t.Helper()
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, s.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return s.do(req)
}

func (s *server) postForm(path string, v url.Values) reply {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

func (s *server) raw(method, path, ctype string, body []byte) reply {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return s.do(req)
}

// backendArgs are the bkapp parameters of each backend, on a database of
// the test's own.
func backendArgs(t testing.TB) map[string][]string {
	return map[string][]string{
		"sqlite":   {"-home", t.TempDir()},
		"pgsql":    {"-home", t.TempDir(), "-db-pool", "pgsql", "-db-pgsql-pool", testenv.PgsqlSchema(t), "-db-create-tables"},
		"mysql":    {"-home", t.TempDir(), "-db-pool", "mysql", "-db-mysql-pool", testenv.MySQLDatabase(t), "-db-create-tables"},
		"dynamodb": {"-home", t.TempDir(), "-db-pool", "dynamodb", "-db-dynamodb-pool", testenv.DynamoURL(), "-db-dynamodb-prefix", testenv.DynamoPrefix(t), "-db-dynamodb-scan", "-db-create-tables"},
	}
}

func TestREST(t *testing.T) {
	for _, name := range []string{"sqlite", "pgsql", "mysql", "dynamodb"} {
		t.Run(name, func(t *testing.T) {
			s := start(t, backendArgs(t)[name]...)
			for _, c := range restCases {
				t.Run(c.name, func(t *testing.T) {
					s.t = t
					c.run(t, s, name)
				})
			}
		})
	}
}
