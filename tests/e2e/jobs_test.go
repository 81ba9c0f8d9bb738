package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/bkgen/bkgen/tests/testenv"
)

// startWorker runs `bkapp ARGS worker` until the test ends (SIGTERM).
func startWorker(t *testing.T, args ...string) *server {
	t.Helper()
	return startRole(t, "worker", args...)
}

// startRole runs `bkapp ARGS ROLE` (worker or master: no HTTP) until the
// test ends.
func startRole(t *testing.T, role string, args ...string) *server {
	t.Helper()
	p := &server{t: t, cmd: exec.Command(bin, append(append([]string{}, args...), role)...)}
	stderr, _ := p.cmd.StderrPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	go func() {
		var once sync.Once
		p.capture(stderr, func(line string) {
			if strings.Contains(line, "msg="+role) {
				once.Do(func() { close(started) })
			}
		})
	}()
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("%s did not start:\n%s", role, p.logs())
	}
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
		if t.Failed() {
			t.Logf("%s log:\n%s", role, p.logs())
		}
	})
	return p
}

// waitLikes waits until counter id has at least want likes and returns them.
func (s *server) waitLikes(t *testing.T, id string, want float64, within time.Duration) float64 {
	t.Helper()
	var got float64
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if r := s.get("/meter/get", url.Values{"id": {id}}); r.status == 200 {
			if got = r.num("likes"); got >= want {
				return got
			}
		}
	}
	t.Fatalf("counter %s: likes %v, want %v within %v", id, got, want, within)
	return got
}

// TestJobsLocal: on the dev default (jobs in the web process), an admin
// submits jobs by name; they run, failures are retried then listed, and
// bad input gets clear 4xx replies.
func TestJobsLocal(t *testing.T) {
	t.Parallel()
	s := start(t, "-home", t.TempDir(), "-jobs-retry-delay", "50ms")

	r := s.postJSON("/system/jobs/submit?name=tally", map[string]any{"id": "j1", "n": 2})
	if r.status != 200 || r.str("id") == "" || r.str("name") != "tally" {
		t.Fatalf("submit: %d %s", r.status, r.raw)
	}
	s.waitLikes(t, "j1", 2, 10*time.Second)
	time.Sleep(200 * time.Millisecond)
	if got := s.get("/meter/get", url.Values{"id": {"j1"}}).num("likes"); got != 2 {
		t.Fatalf("the job ran more than once: likes %v", got)
	}
	// form style, as backendjs clients send it
	if r := s.postForm("/system/jobs/submit", url.Values{"name": {"tally"}, "args": {`{"id":"j1","n":1}`}}); r.status != 200 {
		t.Fatalf("form submit: %d %s", r.status, r.raw)
	}
	s.waitLikes(t, "j1", 3, 10*time.Second)

	// a failing job: 1 run + 2 retries, then in the failed list
	r = s.postJSON("/system/jobs/submit?name=tally", map[string]any{"id": "j2", "n": 1, "fail": true})
	id := r.str("id")
	var failed map[string]any
	for end := time.Now().Add(10 * time.Second); failed == nil && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		list := s.get("/system/jobs/failed", nil)
		data, _ := list.body["data"].([]any)
		for _, d := range data {
			if m := d.(map[string]any); m["id"] == id {
				failed = m
			}
		}
	}
	if failed == nil || failed["retried"] != 2.0 || !strings.Contains(fmt.Sprint(failed["last_error"]), "failing as asked") {
		t.Fatalf("failed job: %v", failed)
	}

	r = s.get("/system/jobs/list", nil)
	if !strings.Contains(r.raw, `"name":"cleanup"`) || !strings.Contains(r.raw, `"cron":"0 0 3 * * *"`) {
		t.Fatalf("list: %s", r.raw)
	}

	for _, c := range []struct {
		path string
		body any
		code string
	}{
		{"/system/jobs/submit?name=taly", map[string]any{"id": "x", "n": 1}, "UnknownJob"},
		{"/system/jobs/submit", map[string]any{"id": "x", "n": 1}, "MissingName"},
		{"/system/jobs/submit?name=tally", map[string]any{"id": "x", "n": "two"}, "BadPayload"},
		{"/system/jobs/submit?name=tally", map[string]any{"id": "x"}, "BadPayload"},
		{"/system/jobs/submit?name=tally", map[string]any{"id": "x", "n": 1, "color": "red"}, "BadPayload"},
		{"/system/jobs/submit?name=tally&delay=soon", map[string]any{"id": "x", "n": 1}, "BadDelay"},
	} {
		r := s.postJSON(c.path, c.body)
		if r.status != 400 || r.str("code") != c.code {
			t.Errorf("%s %v: %d %s, want 400 %s", c.path, c.body, r.status, r.raw, c.code)
		}
	}
	if r := s.raw(http.MethodPost, "/system/jobs/submit?name=tally", "application/json", []byte(`{"id":`)); r.status != 400 {
		t.Errorf("broken JSON: %d %s", r.status, r.raw)
	}
	if r := s.postJSON("/system/jobs/submit?name=taly", map[string]any{}); !strings.Contains(r.str("message"), `did you mean "tally"`) {
		t.Errorf("unknown job message: %s", r.raw)
	}
	// admins only
	home := t.TempDir()
	s2 := start(t, "-home", home)
	shell(t, []string{"-home", home}, "account-add", "-login", "plain", "-secret", "plain-secret")
	plain := &server{t: t, base: s2.base, client: &http.Client{Transport: &sign.Transport{Login: "plain", Secret: "plain-secret"}}}
	if r := plain.postJSON("/system/jobs/submit?name=tally", map[string]any{"id": "x", "n": 1}); r.status != 401 || r.str("code") != "ADMIN" {
		t.Errorf("a non-admin's submit: %d %s", r.status, r.raw)
	}
	if r := plain.get("/system/cache/stats", nil); r.status != 401 {
		t.Errorf("a non-admin's cache stats: %d %s", r.status, r.raw)
	}
}

// jobsRedis is a Redis database of its own for the asynq tests: their
// workers take any job of the default queue in it.
const jobsRedis = "redis://127.0.0.1:6379/6"

// TestJobsRedisWorkers: with -jobs-queue redis the web process only
// enqueues, a worker process runs the job once, and a job whose worker is
// killed with SIGKILL runs again on another worker (at least once: asynq
// takes it back when the dead worker's lease expires, about a minute).
func TestJobsRedisWorkers(t *testing.T) {
	t.Parallel()
	url := testenv.PgsqlSchema(t)
	args := []string{"-home", t.TempDir(), "-db-pool", "pgsql", "-db-pgsql-pool", url, "-db-create-tables", "-jobs-queue", jobsRedis, "-jobs-poll", "200ms"}
	s := start(t, args...)
	w1 := startWorker(t, args...)

	r := s.postJSON("/system/jobs/submit?name=tally", map[string]any{"id": "once", "n": 1})
	if r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.raw)
	}
	s.waitLikes(t, "once", 1, 20*time.Second)
	if !strings.Contains(w1.logs(), "worker") {
		t.Fatal("no worker log")
	}

	// a slow job; its worker dies in the middle
	r = s.postJSON("/system/jobs/submit?name=tally", map[string]any{"id": "killed", "n": 1, "sleep_ms": 4000})
	if r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.raw)
	}
	time.Sleep(1500 * time.Millisecond) // taken and running
	w1.cmd.Process.Kill()
	w1.cmd.Wait()
	if got := s.get("/meter/get", map[string][]string{"id": {"killed"}}); got.status != 404 {
		t.Fatalf("the job finished before its worker was killed: %s", got.raw)
	}
	startWorker(t, args...)
	s.waitLikes(t, "killed", 1, 150*time.Second)
	if got := s.get("/meter/get", map[string][]string{"id": {"once"}}).num("likes"); got != 1 {
		t.Fatalf("the first job ran %v times", got)
	}
}

// TestMasterRunsCron: the master role runs the cron schedules of
// etc/crontab and the job workers; the web process only enqueues.
func TestMasterRunsCron(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	queue := fmt.Sprintf("cron%d", time.Now().UnixNano())
	os.MkdirAll(filepath.Join(home, "etc"), 0o755)
	os.WriteFile(filepath.Join(home, "etc", "crontab"), []byte(`[{"cron": "* * * * * *", "job": {"tally": {"id": "ticks", "n": 1}}, "queueName": "`+queue+`"}]`), 0o644)
	args := []string{"-home", home, "-db-pool", "pgsql", "-db-pgsql-pool", testenv.PgsqlSchema(t), "-db-create-tables",
		"-jobs-queue", "redis://127.0.0.1:6379/8", "-jobs-poll", "200ms", "-jobs-worker-queue", queue}
	s := start(t, args...)
	m := startRole(t, "master", args...)
	got := s.waitLikes(t, "ticks", 3, 20*time.Second)
	if !strings.Contains(m.logs(), "cron fired") || strings.Contains(s.logs(), "cron fired") {
		t.Fatalf("cron ran in the wrong process (likes %v)\nmaster:\n%s\nweb:\n%s", got, m.logs(), s.logs())
	}
}

// TestShellJobs: `shell job-run` runs a job in the shell process (checked
// like any enqueue); `shell job-submit` needs a shared queue.
func TestShellJobs(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	args := []string{"-home", home}
	if out := shell(t, args, "job-run", "-job", "tally", "-args", `{"id":"sh","n":4}`); !strings.Contains(out, "job tally done") {
		t.Fatalf("job-run: %s", out)
	}
	for _, c := range [][]string{
		{"job-run", "-job", "taly"},
		{"job-run", "-job", "tally", "-args", `{"id":"x"}`},
		{"job-submit", "-job", "tally", "-args", `{"id":"x","n":1}`},
	} {
		out, err := exec.Command(bin, append(append([]string{}, args...), append([]string{"shell"}, c...)...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), map[string]string{"taly": `did you mean "tally"`, "tally": ""}[c[2]]) {
			t.Errorf("shell %v: %v %s", c, err, out)
		}
	}
	s := start(t, args...)
	if got := s.get("/meter/get", map[string][]string{"id": {"sh"}}).num("likes"); got != 4 {
		t.Fatalf("likes after job-run: %v", got)
	}
}
