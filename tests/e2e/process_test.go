package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var webPid = regexp.MustCompile(`msg="monitor: started" role=web pid=(\d+)`)

// lastWebPid is the pid of the newest web child in a monitor's log.
func (s *server) lastWebPid(t *testing.T) int {
	t.Helper()
	m := webPid.FindAllStringSubmatch(s.logs(), -1)
	if len(m) == 0 {
		t.Fatalf("no web child in the log:\n%s", s.logs())
	}
	pid, _ := strconv.Atoi(m[len(m)-1][1])
	return pid
}

// load sends requests from n clients until stop, counting failures (a
// transport error or a 5xx) and remembering the last success.
type load struct {
	ok, failed atomic.Int64
	lastOK     atomic.Int64 // unix ns
	mu         sync.Mutex
	errs       []string
	stop       chan struct{}
	wg         sync.WaitGroup
}

func startLoad(s *server, n int, path string) *load {
	l := &load{stop: make(chan struct{})}
	for range n {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			c := &http.Client{Transport: s.client.Transport, Timeout: 10 * time.Second}
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				res, err := c.Get(s.base + path)
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				if err != nil || res.StatusCode >= 500 {
					l.failed.Add(1)
					l.mu.Lock()
					if err != nil {
						l.errs = append(l.errs, err.Error())
					} else {
						l.errs = append(l.errs, res.Status)
					}
					l.mu.Unlock()
					time.Sleep(5 * time.Millisecond)
					continue
				}
				l.ok.Add(1)
				l.lastOK.Store(time.Now().UnixNano())
			}
		}()
	}
	return l
}

func (l *load) end() { close(l.stop); l.wg.Wait() }

// TestMonitorRestartsKilledWeb: kill -9 of the web child under the monitor,
// during a load: the monitor holds the socket and starts a new child, and
// requests succeed again within a second.
func TestMonitorRestartsKilledWeb(t *testing.T) {
	t.Parallel()
	s := start(t, "-home", t.TempDir(), "start")
	s.waitServing(t)
	l := startLoad(s, 4, "/todo/select")
	time.Sleep(300 * time.Millisecond)
	pid := s.lastWebPid(t)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	var back time.Duration
	for end := killed.Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if last := time.Unix(0, l.lastOK.Load()); last.After(killed.Add(20 * time.Millisecond)) {
			if s.lastWebPid(t) != pid {
				back = last.Sub(killed)
				break
			}
		}
	}
	l.end()
	if back == 0 || back > time.Second {
		t.Fatalf("serving again %v after the kill (want within 1 s); %d ok, %d failed", back, l.ok.Load(), l.failed.Load())
	}
	t.Logf("serving again %v after kill -9; %d requests ok, %d failed (those in flight in the killed process)", back.Round(time.Millisecond), l.ok.Load(), l.failed.Load())
}

// waitServing waits until the web child answers.
func (s *server) waitServing(t *testing.T) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get(s.base + "/ping"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
	}
	t.Fatalf("not serving:\n%s", s.logs())
}

// TestGracefulRestarts: five graceful restarts (SIGHUP to the monitor, and
// /system/restart) during a load lose no request.
func TestGracefulRestarts(t *testing.T) {
	t.Parallel()
	s := start(t, "-home", t.TempDir(), "start")
	s.waitServing(t)
	if r := s.postJSON("/todo/add", map[string]any{"name": "x"}); r.status != 200 {
		t.Fatalf("add: %d %s", r.status, r.raw)
	}
	l := startLoad(s, 8, "/todo/select")
	restarted := func() int { return strings.Count(s.logs(), `msg="monitor: web restarted"`) }
	for i := 1; i <= 5; i++ {
		time.Sleep(400 * time.Millisecond)
		if i == 3 {
			if r := s.get("/system/restart", nil); r.status != 200 {
				t.Fatalf("/system/restart: %d %s", r.status, r.raw)
			}
		} else {
			s.cmd.Process.Signal(syscall.SIGHUP)
		}
		for end := time.Now().Add(30 * time.Second); restarted() < i; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("restart %d did not happen:\n%s", i, s.logs())
			}
		}
	}
	time.Sleep(400 * time.Millisecond)
	l.end()
	if l.failed.Load() != 0 || l.ok.Load() < 100 {
		t.Fatalf("%d requests ok, %d failed across 5 graceful restarts: %v", l.ok.Load(), l.failed.Load(), l.errs[:min(5, len(l.errs))])
	}
	t.Logf("%d requests, none failed, across 5 graceful restarts", l.ok.Load())
}

// TestSIGTERMFinishesSlowRequest: a request still sending its body when
// the server gets SIGTERM completes, and its row is written.
func TestSIGTERMFinishesSlowRequest(t *testing.T) {
	t.Parallel()
	s := start(t, "-home", t.TempDir(), "-api-allow-path", "^/todo/")
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, s.base+"/todo/add", pr)
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = int64(len(`{"name":"slow request"}`))
	done := make(chan reply, 1)
	go func() {
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			done <- reply{status: -1, raw: err.Error()}
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		done <- reply{status: res.StatusCode, raw: string(b)}
	}()
	pw.Write([]byte(`{"name":"slow`))
	time.Sleep(300 * time.Millisecond)
	s.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(700 * time.Millisecond)
	pw.Write([]byte(` request"}`))
	pw.Close()
	select {
	case r := <-done:
		if r.status != 200 || !strings.Contains(r.raw, "slow request") {
			t.Fatalf("the slow request: %d %s", r.status, r.raw)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no reply")
	}
	s.cmd.Wait()
	if !strings.Contains(s.logs(), "listening") || s.cmd.ProcessState.ExitCode() != 0 {
		t.Fatalf("exit code %d", s.cmd.ProcessState.ExitCode())
	}
}

// TestCrashLoop: a web child that cannot start is restarted with backoff a
// few times, then the monitor gives up with a clear line and exits 1.
func TestCrashLoop(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	cmd := exec.Command(bin, "-home", home, "-api-bind", "127.0.0.1", "-api-port", "0", "-db-pool", "pgsql", "-db-pgsql-pool", "postgres://nobody@127.0.0.1:1/none?connect_timeout=1",
		"-server-crash-count", "3", "-server-restart-delay", "50ms", "start")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...).CombinedOutput()
	log := string(out)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("monitor: %v\n%s", err, log)
	}
	if !strings.Contains(log, "crash loop: web exited 3 times in a row") || strings.Count(log, `msg="monitor: started" role=web`) != 3 {
		t.Fatalf("log:\n%s", log)
	}
	if _, err := os.Stat(filepath.Join(home, "var", "bkapp.pid")); err == nil {
		t.Fatal("the pid file outlived the monitor")
	}
}

// TestInstanceLock: a second instance on one home is refused; stop ends
// the first.
func TestInstanceLock(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	s := start(t, "-home", home, "start")
	s.waitServing(t)
	out, err := exec.Command(bin, "-home", home, "-api-port", "0", "web").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "another instance (pid ") {
		t.Fatalf("second instance: %v %s", err, out)
	}
	out, err = exec.Command(bin, "-home", home, "stop").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "stopped pid") {
		t.Fatalf("stop: %v %s", err, out)
	}
	s.cmd.Wait()
	if c := s.cmd.ProcessState.ExitCode(); c != 0 {
		t.Fatalf("monitor exit code %d", c)
	}
	if _, err := http.Get(s.base + "/ping"); err == nil {
		t.Fatal("still serving after stop")
	}
	out, _ = exec.Command(bin, "-home", home, "stop").CombinedOutput()
	if !strings.Contains(string(out), "no instance runs") {
		t.Fatalf("stop with nothing running: %s", out)
	}
	out, _ = exec.Command(bin, "-home", home, "moniter").CombinedOutput()
	if !strings.Contains(string(out), `unknown role "moniter"; did you mean "monitor"?`) {
		t.Fatalf("unknown role: %s", out)
	}
	out, _ = exec.Command(bin, "-home", home, "-api-prot", "9").CombinedOutput()
	if !strings.Contains(string(out), "api-port") {
		t.Fatalf("unknown flag: %s", out)
	}
}

// TestMetrics: /metrics parses as Prometheus text and has the route and
// pool series; /system/stats/get has backendjs's keys.
func TestMetrics(t *testing.T) {
	t.Parallel()
	s := start(t, "-home", t.TempDir())
	s.postJSON("/todo/add", map[string]any{"name": "m"})
	for range 5 {
		s.get("/todo/select", nil)
	}
	s.get("/album/get", url.Values{"id": {"none"}})
	s.get("/no/such/path/at/all", nil)
	res, err := s.client.Get(s.base + "/metrics")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("/metrics: %v %v", err, res)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	label := func(fam, name, value string) bool {
		f := fams[fam]
		if f == nil {
			return false
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == name && l.GetValue() == value {
					return true
				}
			}
		}
		return false
	}
	for _, c := range [][3]string{
		{"bk_http_request_duration_seconds", "route", "url_todo_select"},
		{"bk_http_requests_total", "route", "url_todo_add"},
		{"bk_http_requests_total", "route", "url_other"},
		{"bk_db_request_duration_seconds", "pool", "sqlite"},
		{"bk_db_request_duration_seconds", "op", "select"},
	} {
		if !label(c[0], c[1], c[2]) {
			t.Errorf("/metrics lacks %s{%s=%q}", c[0], c[1], c[2])
		}
	}
	for _, f := range []string{"bk_cache_hits_total", "go_goroutines", "process_resident_memory_bytes", "bk_jobs_enqueued_total"} {
		if fams[f] == nil {
			t.Errorf("/metrics lacks %s", f)
		}
	}
	if label("bk_http_requests_total", "route", "url_no_such") {
		t.Error("an unknown path made its own series")
	}
	st := s.get("/system/stats/get", nil)
	for _, k := range []string{"id", "ip", "pid", "host", "ctime", "mtime", "type", "cpus", "mem", "app", "latency",
		"rss_hmean", "rss_h95p", "heap_hmax", "api_req_rcount", "api_req_rmean", "api_req_r1m", "api_req_hmean", "api_req_h99p", "api_nreq", "api_req_0",
		"api_200_0", "url_todo_select_rcount", "url_todo_select_0", "url_album_get_bad_0", "pool_name", "pool_count", "pool_req_hmean", "pool_select_rcount",
		"pool_hits", "pool_misses", "cache_hits"} {
		if _, ok := st.body[k]; !ok {
			t.Errorf("/system/stats/get lacks %q", k)
		}
	}
	if st.num("url_todo_select_rcount") < 5 || st.str("type") != "web" || st.str("pool_name") != "sqlite" {
		t.Errorf("stats: %s", st.raw)
	}
}

// TestLiveConfig: api-allow-path added to etc/config opens the path on the
// running server; a broken line is reported and skipped; a parameter that
// needs a restart says so.
func TestLiveConfig(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "etc"), 0o755)
	cfg := filepath.Join(home, "etc", "config")
	os.WriteFile(cfg, []byte("# nothing yet\n"), 0o644)
	s := start(t, "-home", home)
	anon := &server{t: t, base: s.base}
	if r := anon.get("/todo/select", nil); r.status != 417 && r.status != 401 {
		t.Fatalf("unsigned before: %d %s", r.status, r.raw)
	}
	os.WriteFile(cfg, []byte("api-allow-path=^/todo/\nthis line is broken\napi-rlimits-rate-ip=1000\ndb-sqlite-pool=other\n"), 0o644)
	var r reply
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if r = anon.get("/todo/select", nil); r.status == 200 {
			break
		}
	}
	if r.status != 200 {
		t.Fatalf("api-allow-path in etc/config did not apply: %d %s\n%s", r.status, r.raw, s.logs())
	}
	logs := s.logs()
	if !strings.Contains(logs, cfg+":2") || !strings.Contains(logs, "need a restart") || !strings.Contains(logs, "db-sqlite-pool") {
		t.Fatalf("log:\n%s", logs)
	}
	// and back
	os.WriteFile(cfg, []byte("\n"), 0o644)
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if r = anon.get("/todo/select", nil); r.status != 200 {
			break
		}
	}
	if r.status == 200 {
		t.Fatal("removing the line from etc/config did not close the path")
	}
}

// TestRateLimits: past api-rlimits-rate-ip, 429 with Retry-After.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	s := start(t, "-home", t.TempDir(), "-api-rlimits-rate-ip", "5", "-api-rlimits-interval-ip", "10s")
	codes := map[int]int{}
	var last reply
	for range 10 {
		last = s.get("/ping", nil)
		codes[last.status]++
	}
	if codes[200] != 5 || codes[429] != 5 || last.str("code") != "TooManyRequests" {
		t.Fatalf("statuses %v; last %s", codes, last.raw)
	}
	st := s.get("/metrics", nil)
	if st.status != 429 {
		t.Fatalf("the limit covers every path of the IP: %d", st.status)
	}
}

// TestRoleParameters: parameters after the role apply as those before it
// (bkapp web -api-port N); an unknown one on either side is an error naming
// the nearest parameter, for every role.
func TestRoleParameters(t *testing.T) {
	home := t.TempDir()
	for _, role := range []string{"web", "worker", "master", "monitor", "start", "stop"} {
		for _, args := range [][]string{{"-home", home, role, "-api-prot", "1"}, {"-home", home, "-api-prot", "1", role}} {
			out, err := exec.Command(bin, args...).CombinedOutput()
			if code := exitCode(err); code != 2 || !strings.Contains(string(out), `did you mean "api-port"?`) {
				t.Fatalf("%v: exit %d: %s", args, code, out)
			}
		}
	}
	out, err := exec.Command(bin, "-home", home, "web", "surplus").CombinedOutput()
	if exitCode(err) != 2 || !strings.Contains(string(out), `unexpected "surplus"`) {
		t.Fatalf("a word after the role: %v %s", err, out)
	}
	// shell CMD: its flags and the application's parameters mix after CMD
	db := filepath.Join(t.TempDir(), "other.db")
	shell(t, []string{"-home", home}, "account-add", "-db-sqlite-pool", db, "-login", "after", "-secret", "s")
	if out := shell(t, []string{"-home", home, "-db-sqlite-pool", db}, "account-list"); !strings.Contains(out, "after\t") {
		t.Fatalf("a parameter after shell CMD was not applied: %s", out)
	}
	if out := shell(t, []string{"-home", home}, "account-list"); strings.Contains(out, "after\t") {
		t.Fatalf("the account went to the default database: %s", out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-home", home, "shell", "account-list", "-db-sqlite-pol", db}, "did you mean -db-sqlite-pool?"},
		{[]string{"-home", home, "shell", "account-add", "-logn", "x"}, "did you mean -login?"},
		{[]string{"-home", home, "-db-sqlite-pol", db, "shell", "account-list"}, `did you mean "db-sqlite-pool"?`},
		{[]string{"-home", home, "shell", "account-list", "surplus"}, `unexpected "surplus"`},
	} {
		out, err := exec.Command(bin, c.args...).CombinedOutput()
		if exitCode(err) != 2 || !strings.Contains(string(out), c.want) {
			t.Fatalf("%v: %v %s", c.args, err, out)
		}
	}
	// the port and the log level given after the role are the ones used
	port := freePort(t)
	cmd := exec.Command(bin, "-home", home, "web", "-api-bind", "127.0.0.1", "-api-port", strconv.Itoa(port), "-log", "debug")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	sc := bufio.NewScanner(stderr)
	debug := false
	for sc.Scan() {
		line := sc.Text()
		debug = debug || strings.Contains(line, "level=DEBUG")
		if strings.Contains(line, "msg=listening") {
			if !strings.Contains(line, fmt.Sprintf("addr=127.0.0.1:%d", port)) || !debug {
				t.Fatalf("parameters after the role not applied (debug log %v): %s", debug, line)
			}
			go io.Copy(io.Discard, stderr)
			return
		}
	}
	t.Fatal("bkapp web exited before listening")
}

func exitCode(err error) int {
	if e, ok := err.(*exec.ExitError); ok {
		return e.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
